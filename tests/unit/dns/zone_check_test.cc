// check_zone_file, the body of `siplab zone check FILE`: output and exit code.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "models/dns/zone_check.h"

namespace siplab::dns {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(ZoneCheck, PrintsCanonicalRecords) {
  std::ostringstream out, err;
  EXPECT_EQ(check_zone_file(SIPLAB_SOURCE_DIR "/scenarios/srvonly.test.zone", out, err), 0);
  EXPECT_EQ(out.str(),
            "srvonly.test. 3600 IN SOA dns.domain.ru. hostmaster.srvonly.test. 2026112801 3600 600 604800 300\n"
            "srvonly.test. 3600 IN NS dns.domain.ru.\n"
            "_sip._udp.srvonly.test. 3600 IN SRV 10 50 5070 sip.srvonly.test.\n"
            "sip.srvonly.test. 3600 IN A 192.0.2.30\n");
  EXPECT_EQ(err.str(), "");
}

TEST(ZoneCheck, PrintsEveryErrorAndExitsOne) {
  std::string path = write_temp("bad.example.zone",
                                "$TTL 60\n@ SOA ns admin 1 2 3 4 5\n@ NS ns\nns A 1.2.3.400\nx MX 1 y\n");
  std::ostringstream out, err;
  EXPECT_EQ(check_zone_file(path, out, err), 1);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), path + ":4:6: error: '1.2.3.400' is not a valid IPv4 address\n" + path +
                           ":5:3: error: unknown record type 'MX'\n");
  std::remove(path.c_str());
}

TEST(ZoneCheck, UnreadableFileExitsTwo) {
  std::ostringstream out, err;
  EXPECT_EQ(check_zone_file("/nonexistent/dir/x.zone", out, err), 2);
  EXPECT_EQ(err.str(), "/nonexistent/dir/x.zone: error: cannot read file\n");
  EXPECT_EQ(check_zone_file(::testing::TempDir(), out, err), 2);
}

}  // namespace
}  // namespace siplab::dns
