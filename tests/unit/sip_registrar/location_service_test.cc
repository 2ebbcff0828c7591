// The registrar's building blocks on their own: AOR canonical form
// (§10.3 step 5), remaining-expires rounding, binding expiry order, and the
// nonce store's freshness / replay rules (RFC 2617 §3.2.1-3.2.2, RFC 7616).
#include <gtest/gtest.h>

#include "models/sip/core/proxy/location_service.h"
#include "models/sip/core/proxy/nonce_store.h"

namespace siplab::sip {
namespace {

using namespace std::chrono_literals;

TEST(CanonicalAor, DropsPortAndParamsLowersHostUnescapesUser) {
  EXPECT_EQ(canonical_aor(*parse_uri("sip:%69van@DOMAIN.ru:5070;transport=tcp")), "sip:ivan@domain.ru");
  EXPECT_EQ(canonical_aor(*parse_uri("sips:ivan@domain.ru")), "sips:ivan@domain.ru");
  EXPECT_EQ(canonical_aor(*parse_uri("sip:domain.ru")), "sip:domain.ru");
  EXPECT_EQ(canonical_aor(*parse_uri("tel:+1-201-555-0123")), std::nullopt);
}

TEST(RemainingSeconds, RoundsUpAndIsZeroOnceExpired) {
  EXPECT_EQ(remaining_seconds(Instant{3600s}, Instant{0s}), 3600u);
  EXPECT_EQ(remaining_seconds(Instant{3600s}, Instant{1ms}), 3600u);
  EXPECT_EQ(remaining_seconds(Instant{3600s}, Instant{3599s}), 1u);
  EXPECT_EQ(remaining_seconds(Instant{3600s}, Instant{3600s}), 0u);
  EXPECT_EQ(remaining_seconds(Instant{3600s}, Instant{4000s}), 0u);
}

TEST(LocationService, ExpiresInDeadlineOrderAndSkipsRefreshedDeadlines) {
  LocationService location;
  auto add = [&](const std::string& aor, const std::string& contact, Instant at) {
    Binding b;
    b.contact = contact;
    b.uri = *parse_uri(contact);
    b.expires_at = at;
    location.bindings_of(aor).push_back(b);
    location.schedule(aor, at);
  };
  add("sip:b@d", "sip:b@1.1.1.1", Instant{20s});
  add("sip:a@d", "sip:a@1.1.1.1", Instant{10s});
  // Refresh a's binding to 30 s: its old 10 s deadline stays queued.
  location.bindings_of("sip:a@d")[0].expires_at = Instant{30s};
  location.schedule("sip:a@d", Instant{30s});
  EXPECT_EQ(location.next_expiry(), Instant{10s});

  std::vector<BindingChange> changes;
  location.expire(Instant{10s}, changes);
  EXPECT_TRUE(changes.empty());  // the stale deadline found nothing
  EXPECT_EQ(location.next_expiry(), Instant{20s});
  location.expire(Instant{30s}, changes);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].aor, "sip:b@d");
  EXPECT_EQ(changes[1].aor, "sip:a@d");
  EXPECT_EQ(changes[1].action, BindingAction::Expired);
  EXPECT_EQ(location.aor_count(), 0u);
  EXPECT_EQ(location.next_expiry(), std::nullopt);
}

TEST(NonceStore, FreshThenReplayThenStale) {
  SeededRandom random(3);
  NonceStore store(300s);
  const std::string nonce = store.issue(Instant{0s}, random);
  EXPECT_EQ(nonce.size(), 32u);
  EXPECT_EQ(store.check(Instant{1s}, nonce, "00000001"), NonceCheck::Fresh);
  store.accept(nonce, "00000001");
  EXPECT_EQ(store.check(Instant{1s}, nonce, "00000001"), NonceCheck::Replay);
  EXPECT_EQ(store.check(Instant{1s}, nonce, "0000000A"), NonceCheck::Fresh);
  EXPECT_EQ(store.check(Instant{1s}, nonce, "1"), NonceCheck::BadCount);
  EXPECT_EQ(store.check(Instant{1s}, "not-issued", "00000001"), NonceCheck::Unknown);
  EXPECT_EQ(store.check(Instant{300s}, nonce, "00000002"), NonceCheck::Fresh);
  EXPECT_EQ(store.check(Instant{300s} + 1ns, nonce, "00000002"), NonceCheck::Stale);
}

TEST(NonceCount, ParsesExactlyEightHexDigits) {
  EXPECT_EQ(parse_nonce_count("00000001"), 1u);
  EXPECT_EQ(parse_nonce_count("ffffffff"), 0xffffffffu);
  EXPECT_EQ(parse_nonce_count("0000001g"), std::nullopt);
  EXPECT_EQ(parse_nonce_count("000000001"), std::nullopt);
}

}  // namespace
}  // namespace siplab::sip
