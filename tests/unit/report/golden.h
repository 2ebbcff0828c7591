// Golden-file comparison: the expected text lives in tests/unit/report/golden/.
// Run with SIPLAB_UPDATE_GOLDEN=1 to rewrite the files (then review the diff).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace siplab::report::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(REPORT_TEST_GOLDEN_DIR) + "/" + name;
  if (const char* update = std::getenv("SIPLAB_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream probe(path);
  ASSERT_TRUE(probe.good()) << "missing golden file " << path << " (run with SIPLAB_UPDATE_GOLDEN=1)";
  EXPECT_EQ(read_file(path), actual) << "differs from golden file " << path;
}

}  // namespace siplab::report::testing
