// Where a subcommand's text result goes: stdout for "" or "-", else the file.
#pragma once

#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include "sim/cli/command_registry.h"

namespace siplab::cli {

// Returns kExitOk, or kExitBadInput after saying why the file could not be written.
inline int write_output(const std::string& path, const std::string& text, std::string_view command) {
  if (path.empty() || path == "-") {
    std::cout << text;
    return kExitOk;
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    std::cerr << "siplab " << command << ": cannot write " << path << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace siplab::cli
