// One problem found in a scenario (or in a --set override), located in the
// file it came from, and the text form every tool prints.
#pragma once

#include <string>
#include <vector>

namespace siplab::scenario {

struct Diagnostic {
  std::string file;  // as given to the loader (or the zone file's path)
  int line = 0;      // 1-based; 0 when the problem has no position (missing file)
  int column = 0;    // 1-based
  std::string message;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

// "file:line:column: error: message", or "file: error: message" without a position.
std::string format_diagnostic(const Diagnostic& d);

// Every diagnostic on its own line, in order.
std::string format_diagnostics(const std::vector<Diagnostic>& ds);

}  // namespace siplab::scenario
