// RFC 2782 weighted ordering and RFC 3263 NAPTR filtering, checked exactly
// with scripted random draws and statistically over many seeds.
#include "models/sip/locate/srv_order.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "models/sip/locate/naptr_filter.h"
#include "tests/unit/sip_locate/fake_dns.h"

namespace siplab::sip::locate {
namespace {

using namespace fake;

// Returns the queued values; Random::below(bound) then yields value % bound
// (values far below 2^64 are never rejected), so each draw is scripted.
class ScriptedRandom final : public Random {
 public:
  explicit ScriptedRandom(std::deque<uint64_t> values) : values_(std::move(values)) {}
  uint64_t next_u64() override {
    EXPECT_FALSE(values_.empty()) << "more draws than scripted";
    if (values_.empty()) return 0;
    uint64_t v = values_.front();
    values_.pop_front();
    ++draws;
    return v;
  }
  int draws = 0;

 private:
  std::deque<uint64_t> values_;
};

std::vector<std::string> targets_of(const std::vector<dns::SrvData>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.target);
  return out;
}

TEST(SrvOrder, PrioritiesAscendAndSingleRecordsDrawNothing) {
  ScriptedRandom random({});
  auto out = order_srv({{20, 5, 5060, "c."}, {10, 5, 5060, "a."}, {30, 0, 5060, "d."}}, random);
  EXPECT_EQ(targets_of(out), (std::vector<std::string>{"a.", "c.", "d."}));
  EXPECT_EQ(random.draws, 0);
}

TEST(SrvOrder, RunningSumsWithWeightZeroFirst) {
  // Arranged: zero.(0) first, then by name new-fast-box.(3), old-slow-box.(1):
  // running sums 0, 3, 4.  Draw 0 of [0,4] → zero.; then sums 3, 4 over
  // [0,4]: draw 4 → old-slow-box.; the last one needs no draw.
  ScriptedRandom random({0, 4});
  auto out = order_srv({{0, 1, 9, "old-slow-box."}, {0, 3, 9, "new-fast-box."}, {0, 0, 9, "zero."}}, random);
  EXPECT_EQ(targets_of(out), (std::vector<std::string>{"zero.", "old-slow-box.", "new-fast-box."}));
  EXPECT_EQ(random.draws, 2);
}

TEST(SrvOrder, DrawEqualToRunningSumSelectsThatRecord) {
  // Sums 3 (new-fast-box.), 4 (old-slow-box.): a draw of 3 is ">= 3" → first.
  ScriptedRandom random({3});
  auto out = order_srv({{0, 1, 9, "old-slow-box."}, {0, 3, 9, "new-fast-box."}}, random);
  EXPECT_EQ(targets_of(out), (std::vector<std::string>{"new-fast-box.", "old-slow-box."}));
}

TEST(SrvOrder, OrderDoesNotDependOnAnswerOrder) {
  SeededRandom r1(42), r2(42);
  auto a = order_srv({{0, 10, 1, "a."}, {0, 20, 1, "b."}, {0, 30, 1, "c."}}, r1);
  auto b = order_srv({{0, 30, 1, "c."}, {0, 10, 1, "a."}, {0, 20, 1, "b."}}, r2);
  EXPECT_EQ(a, b);
}

// First pick over many seeds.  The RFC draws from [0, sum] inclusive, so the
// first arranged record (a., weight 10) wins with (10 + 1) / 101 and the
// others with w / 101.
TEST(SrvOrder, FirstPickDistributionMatchesWeights) {
  constexpr int kRuns = 20000;
  std::map<std::string, int> first;
  for (int seed = 0; seed < kRuns; ++seed) {
    SeededRandom random(static_cast<uint64_t>(seed));
    auto out = order_srv({{0, 60, 5060, "c."}, {0, 10, 5060, "a."}, {0, 30, 5060, "b."}}, random);
    ++first[out[0].target];
  }
  EXPECT_NEAR(first["a."] / double(kRuns), 11.0 / 101, 0.01);
  EXPECT_NEAR(first["b."] / double(kRuns), 30.0 / 101, 0.015);
  EXPECT_NEAR(first["c."] / double(kRuns), 60.0 / 101, 0.015);
}

// RFC 2782's fictional example: weights 1 and 3 at priority 0, then two
// weight-0 records at priority 1 that always come after.
TEST(SrvOrder, Rfc2782ExampleDistributionAndPriorities) {
  constexpr int kRuns = 20000;
  int new_first = 0;
  for (int seed = 0; seed < kRuns; ++seed) {
    SeededRandom random(static_cast<uint64_t>(seed) * 7919);
    auto out = order_srv({{0, 1, 9, "old-slow-box.example.com."},
                          {0, 3, 9, "new-fast-box.example.com."},
                          {1, 0, 9, "sysadmins-box.example.com."},
                          {1, 0, 9, "server.example.com."}},
                         random);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[2].priority, 1);
    EXPECT_EQ(out[3].priority, 1);
    if (out[0].target == "new-fast-box.example.com.") ++new_first;
  }
  // new-fast-box is arranged first (by name): (3 + 1) / (4 + 1).
  EXPECT_NEAR(new_first / double(kRuns), 0.8, 0.015);
}

TEST(SrvOrder, LocatorSpreadsFirstTargetByWeight) {
  std::vector<dns::ResourceRecord> zone = {SOA("w.test."),
                                           SRV("_sip._udp.w.test.", 0, 25, 5060, "a.w.test."),
                                           SRV("_sip._udp.w.test.", 0, 75, 5060, "b.w.test."),
                                           A("a.w.test.", 192, 0, 2, 61), A("b.w.test.", 192, 0, 2, 62)};
  constexpr int kRuns = 5000;
  int b_first = 0;
  for (int seed = 0; seed < kRuns; ++seed) {
    SeededRandom random(static_cast<uint64_t>(seed));
    FakeDns dns;
    dns.records = zone;
    LocateRequest req;
    req.host = "w.test";
    Locator loc(req, LocatorConfig{{Transport::Udp}, false}, random);
    dns.drive(loc);
    ASSERT_EQ(loc.targets().size(), 2u);
    if (loc.targets()[0].host == "b.w.test") ++b_first;
  }
  EXPECT_NEAR(b_first / double(kRuns), 75.0 / 101, 0.025);
}

TEST(NaptrFilter, ServiceFieldsMapToTransports) {
  bool sips = true;
  EXPECT_EQ(naptr_service_transport("SIP+D2U", &sips), Transport::Udp);
  EXPECT_FALSE(sips);
  EXPECT_EQ(naptr_service_transport("sip+d2t"), Transport::Tcp);
  EXPECT_EQ(naptr_service_transport("SIP+D2S"), Transport::Sctp);
  EXPECT_EQ(naptr_service_transport("SIPS+D2T", &sips), Transport::Tls);
  EXPECT_TRUE(sips);
  EXPECT_EQ(naptr_service_transport("SIPS+D2U"), std::nullopt);  // TLS over UDP cannot exist
  EXPECT_EQ(naptr_service_transport("E2U+sip"), std::nullopt);
  EXPECT_EQ(naptr_service_transport("SIP"), std::nullopt);
}

TEST(NaptrFilter, KeepsTerminalSrvRecordsSortedByOrderThenPreference) {
  std::vector<dns::ResourceRecord> records = {
      NAPTR("x.", 20, 10, "SIP+D2U", "_sip._udp.x."),
      NAPTR("x.", 10, 20, "SIP+D2T", "_sip._tcp.x."),
      NAPTR("x.", 10, 10, "SIP+D2U", "_sip._udp.y."),
      NAPTR("x.", 5, 10, "SIP+D2U", "_sip._udp.z.", "u"),  // not an "s" record
      NAPTR("x.", 5, 10, "SIP+D2U", "."),                  // no replacement
      NAPTR("x.", 1, 10, "SIP+D2S", "_sip._sctp.x."),      // client lacks SCTP
  };
  auto routes = usable_naptr(records, false, TransportSet{Transport::Udp, Transport::Tcp});
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[0], (NaptrRoute{Transport::Udp, "_sip._udp.y.", 10, 10}));
  EXPECT_EQ(routes[1], (NaptrRoute{Transport::Tcp, "_sip._tcp.x.", 10, 20}));
  EXPECT_EQ(routes[2], (NaptrRoute{Transport::Udp, "_sip._udp.x.", 20, 10}));
}

}  // namespace
}  // namespace siplab::sip::locate
