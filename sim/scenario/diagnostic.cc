#include "sim/scenario/diagnostic.h"

#include <fmt/format.h>

namespace siplab::scenario {

std::string format_diagnostic(const Diagnostic& d) {
  if (d.line <= 0) return fmt::format("{}: error: {}", d.file, d.message);
  return fmt::format("{}:{}:{}: error: {}", d.file, d.line, d.column, d.message);
}

std::string format_diagnostics(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) {
    out += format_diagnostic(d);
    out += '\n';
  }
  return out;
}

}  // namespace siplab::scenario
