// Test helper: writes compute_report(TRACE) as JSON, for the tshark
// cross-check test (which must not depend on the whole `siplab` binary).
#include <fstream>
#include <iostream>

#include "sim/report/report.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: report_tool TRACE OUT.json\n";
    return 2;
  }
  try {
    auto report = siplab::report::compute_report(siplab::report::load_trace(argv[1]));
    std::ofstream(argv[2]) << report.dump(2) << "\n";
  } catch (const siplab::report::TraceError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  return 0;
}
