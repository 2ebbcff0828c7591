// The bundled zones (scenarios/*.zone) pass BIND's named-checkzone, and our
// parser reads the same record set as named-checkzone's canonical dump
// (`named-checkzone -D -o - ORIGIN FILE`).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "models/dns/zone.h"

namespace siplab::dns {
namespace {

struct CommandResult {
  int status = -1;
  std::string output;
};

CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) result.output.append(buf, n);
  result.status = pclose(pipe);
  return result;
}

// Collapses runs of blanks to one space, so BIND's column layout compares
// equal to our single-space canonical form.
std::string squeeze(const std::string& line) {
  std::string out;
  for (char c : line) {
    bool blank = c == ' ' || c == '\t';
    if (blank && (out.empty() || out.back() == ' ')) continue;
    out.push_back(blank ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::filesystem::path> bundled_zones() {
  std::vector<std::filesystem::path> zones;
  for (const auto& entry : std::filesystem::directory_iterator(SIPLAB_SOURCE_DIR "/scenarios"))
    if (entry.path().extension() == ".zone") zones.push_back(entry.path());
  std::sort(zones.begin(), zones.end());
  return zones;
}

std::string origin_of(const std::filesystem::path& zone) { return zone.stem().string(); }

TEST(NamedCheckzone, AllSixAddressPlanZonesAreBundled) {
  std::vector<std::string> names;
  for (const auto& z : bundled_zones()) names.push_back(z.filename().string());
  for (const char* expected : {"aonly.test.zone", "domain.ru.zone", "example.org.zone", "failover.test.zone",
                               "srvonly.test.zone", "tcponly.test.zone"})
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
}

TEST(NamedCheckzone, EveryBundledZonePasses) {
  for (const auto& zone : bundled_zones()) {
    CommandResult r = run("named-checkzone " + origin_of(zone) + " " + zone.string() + " 2>&1");
    EXPECT_EQ(r.status, 0) << zone << ":\n" << r.output;
    EXPECT_NE(r.output.find("OK"), std::string::npos) << r.output;
  }
}

TEST(NamedCheckzone, SameRecordSetAsBindCanonicalDump) {
  for (const auto& zone : bundled_zones()) {
    CommandResult r = run("named-checkzone -q -D -o - " + origin_of(zone) + " " + zone.string());
    ASSERT_EQ(r.status, 0) << zone;
    std::vector<std::string> bind_lines;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) bind_lines.push_back(squeeze(line));
    ZoneParseResult ours = load_zone_file(zone.string());
    ASSERT_TRUE(ours.zone) << zone;
    std::vector<std::string> our_lines;
    for (const auto& rr : ours.zone->records) our_lines.push_back(to_presentation(rr));
    std::sort(bind_lines.begin(), bind_lines.end());
    std::sort(our_lines.begin(), our_lines.end());
    EXPECT_EQ(our_lines, bind_lines) << zone;
    EXPECT_GE(our_lines.size(), 3u) << zone;
  }
}

}  // namespace
}  // namespace siplab::dns
