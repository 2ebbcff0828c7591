// Stub resolver core driven by a manual clock: every instant, send, result
// and cache decision is asserted exactly.
#include "models/dns/resolver.h"

#include <gtest/gtest.h>

#include <vector>

namespace siplab::dns {
namespace {

using std::chrono::nanoseconds;
using std::chrono::seconds;

const Endpoint kS1{IpAddress::v4(192, 0, 2, 53), 53};
const Endpoint kS2{IpAddress::v4(192, 0, 2, 54), 53};
const Endpoint kS3{IpAddress::v4(192, 0, 2, 55), 53};

ResourceRecord a_record(std::string name, uint32_t ttl, uint8_t last) {
  return ResourceRecord{std::move(name), RrType::A, ttl, AData{{192, 0, 2, last}}};
}

ResourceRecord soa_record(std::string name, uint32_t ttl, uint32_t minimum) {
  return ResourceRecord{std::move(name), RrType::SOA, ttl,
                        SoaData{"dns.domain.ru.", "admin.domain.ru.", 1, 3600, 600, 86400, minimum}};
}

struct Harness {
  SeededRandom random{7};
  Resolver resolver;
  explicit Harness(ResolverConfig config) : resolver(std::move(config), random) {}

  std::vector<Transmit> drain_transmits() {
    std::vector<Transmit> out;
    while (auto t = resolver.poll_transmit()) out.push_back(std::move(*t));
    return out;
  }
  std::vector<LookupResult> drain_results() {
    std::vector<LookupResult> out;
    while (auto r = resolver.poll_result()) out.push_back(std::move(*r));
    return out;
  }
  std::vector<ResolverEvent> drain_events() {
    std::vector<ResolverEvent> out;
    while (auto e = resolver.poll_event()) out.push_back(std::move(*e));
    return out;
  }
};

ResolverConfig config(std::vector<Endpoint> servers, Duration timeout, int attempts) {
  ResolverConfig c;
  c.servers = std::move(servers);
  c.timeout = timeout;
  c.attempts = attempts;
  return c;
}

Message query_of(const Transmit& t) {
  auto decoded = decode(t.bytes);
  EXPECT_TRUE(decoded.message.has_value());
  return *decoded.message;
}

// A response to `query` with the given rcode and sections.
Message response_to(const Message& query, Rcode rcode, std::vector<ResourceRecord> answers = {},
                    std::vector<ResourceRecord> authority = {},
                    std::vector<ResourceRecord> additional = {}) {
  Message r;
  r.id = query.id;
  r.qr = true;
  r.rd = query.rd;
  r.ra = true;
  r.rcode = rcode;
  r.questions = query.questions;
  r.answers = std::move(answers);
  r.authority = std::move(authority);
  r.additional = std::move(additional);
  return r;
}

void deliver(Harness& h, Instant now, const Endpoint& from, const Message& m) {
  const auto bytes = encode(m);
  h.resolver.handle_datagram(now, from, bytes);
}

// Asks `name`/`type` at `now` and answers from kS1 with `answers` etc.
LookupResult ask_and_answer(Harness& h, Instant now, std::string_view name, RrType type, Rcode rcode,
                            std::vector<ResourceRecord> answers, std::vector<ResourceRecord> authority = {},
                            std::vector<ResourceRecord> additional = {}) {
  h.resolver.lookup(now, name, type);
  auto sent = h.drain_transmits();
  EXPECT_EQ(sent.size(), 1u);
  deliver(h, now, kS1, response_to(query_of(sent.at(0)), rcode, answers, authority, additional));
  auto results = h.drain_results();
  EXPECT_EQ(results.size(), 1u);
  return results.at(0);
}

TEST(Resolver, QueryCarriesQuestionAndRecursionDesired) {
  Harness h(config({kS1}, seconds(2), 1));
  h.resolver.lookup(Instant{0}, "proxy.domain.ru", RrType::A);  // made absolute
  auto sent = h.drain_transmits();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].destination, kS1);
  Message q = query_of(sent[0]);
  EXPECT_FALSE(q.qr);
  EXPECT_TRUE(q.rd);
  ASSERT_EQ(q.questions.size(), 1u);
  EXPECT_EQ(q.questions[0], (Question{"proxy.domain.ru.", RrType::A, kClassIn}));
}

TEST(Resolver, RetransmitsAtExactInstantsAcrossServersThenTimesOut) {
  Harness h(config({kS1, kS2}, seconds(2), 2));
  const LookupId id = h.resolver.lookup(Instant{0}, "domain.ru.", RrType::NAPTR);
  std::vector<std::pair<Instant, Endpoint>> sends;
  Instant now{0};
  for (auto& t : h.drain_transmits()) sends.emplace_back(now, t.destination);
  while (auto deadline = h.resolver.poll_timeout()) {
    now = *deadline;
    h.resolver.handle_timeout(now);
    for (auto& t : h.drain_transmits()) sends.emplace_back(now, t.destination);
  }
  // Round 1: S1 at 0 s, S2 at 2 s; round 2: S1 at 4 s, S2 at 6 s; gives up at 8 s.
  const std::vector<std::pair<Instant, Endpoint>> expected = {
      {seconds(0), kS1}, {seconds(2), kS2}, {seconds(4), kS1}, {seconds(6), kS2}};
  EXPECT_EQ(sends, expected);
  EXPECT_EQ(now, seconds(8));
  auto results = h.drain_results();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].id, id);
  EXPECT_EQ(results[0].status, LookupStatus::Timeout);
  EXPECT_FALSE(results[0].server.has_value());
  EXPECT_EQ(h.resolver.counters().queries_sent, 4u);
  EXPECT_EQ(h.resolver.counters().retransmissions, 3u);
  EXPECT_EQ(h.resolver.outstanding(), 0u);

  auto events = h.drain_events();
  ASSERT_EQ(events.size(), 8u);  // 4 sends, 4 timeouts
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(events[2 * i].kind, ResolverEventKind::QuerySent);
    EXPECT_EQ(events[2 * i].attempt, static_cast<int>(i + 1));
    EXPECT_EQ(events[2 * i].at, seconds(2 * i));
    EXPECT_EQ(events[2 * i].server, i % 2 == 0 ? kS1 : kS2);
    EXPECT_EQ(events[2 * i + 1].kind, ResolverEventKind::Timeout);
    EXPECT_EQ(events[2 * i + 1].attempt, static_cast<int>(i + 1));
    EXPECT_EQ(events[2 * i + 1].at, seconds(2 * i + 2));
  }
}

TEST(Resolver, EarlyTimeoutCallDoesNothing) {
  Harness h(config({kS1}, seconds(2), 2));
  h.resolver.lookup(Instant{0}, "domain.ru.", RrType::A);
  h.drain_transmits();
  h.resolver.handle_timeout(seconds(2) - nanoseconds(1));
  EXPECT_TRUE(h.drain_transmits().empty());
  EXPECT_EQ(h.resolver.poll_timeout(), seconds(2));
}

TEST(Resolver, FailsOverInConfiguredOrderAndReportsAnsweringServer) {
  Harness h(config({kS1, kS2, kS3}, seconds(1), 1));
  h.resolver.lookup(Instant{0}, "proxy.domain.ru.", RrType::A);
  std::vector<Endpoint> order;
  Message last_query;
  for (auto& t : h.drain_transmits()) order.push_back(t.destination), last_query = query_of(t);
  for (Instant now : {seconds(1), seconds(2)}) {
    h.resolver.handle_timeout(now);
    for (auto& t : h.drain_transmits()) order.push_back(t.destination), last_query = query_of(t);
  }
  EXPECT_EQ(order, (std::vector<Endpoint>{kS1, kS2, kS3}));
  // The late answer of S1 to the same query id is as good as S3's.
  deliver(h, seconds(2) + std::chrono::milliseconds(300), kS1,
          response_to(last_query, Rcode::NoError, {a_record("proxy.domain.ru.", 60, 10)}));
  auto results = h.drain_results();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, LookupStatus::Ok);
  EXPECT_EQ(results[0].server, kS1);
  EXPECT_FALSE(results[0].from_cache);
  EXPECT_EQ(results[0].answers, (std::vector<ResourceRecord>{a_record("proxy.domain.ru.", 60, 10)}));
  EXPECT_FALSE(h.resolver.poll_timeout().has_value());
}

TEST(Resolver, CacheHitUntilJustBeforeTtlAndMissAtTtl) {
  Harness h(config({kS1}, seconds(2), 1));
  auto first = ask_and_answer(h, seconds(1), "proxy.domain.ru.", RrType::A, Rcode::NoError,
                              {a_record("proxy.domain.ru.", 60, 10)});
  EXPECT_EQ(first.status, LookupStatus::Ok);

  // 1 ns before 1 s + 60 s: from the cache, TTL counted down by whole seconds.
  const LookupId hit_id = h.resolver.lookup(seconds(61) - nanoseconds(1), "PROXY.Domain.RU.", RrType::A);
  EXPECT_TRUE(h.drain_transmits().empty());
  auto hits = h.drain_results();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, hit_id);
  EXPECT_TRUE(hits[0].from_cache);
  EXPECT_EQ(hits[0].status, LookupStatus::Ok);
  EXPECT_FALSE(hits[0].server.has_value());
  ASSERT_EQ(hits[0].answers.size(), 1u);
  EXPECT_EQ(hits[0].answers[0].ttl, 1u);  // 59.999... s elapsed
  EXPECT_EQ(h.resolver.counters().cache_hits, 1u);

  // At exactly 61 s the entry has expired: a new query goes out.
  h.resolver.lookup(seconds(61), "proxy.domain.ru.", RrType::A);
  EXPECT_EQ(h.drain_transmits().size(), 1u);
  EXPECT_TRUE(h.drain_results().empty());
}

TEST(Resolver, ZeroTtlIsNotCached) {
  Harness h(config({kS1}, seconds(2), 1));
  ask_and_answer(h, Instant{0}, "proxy.domain.ru.", RrType::A, Rcode::NoError, {a_record("proxy.domain.ru.", 0, 10)});
  h.resolver.lookup(Instant{0}, "proxy.domain.ru.", RrType::A);
  EXPECT_EQ(h.drain_transmits().size(), 1u);
}

TEST(Resolver, NxDomainCachedForMinOfSoaTtlAndMinimumForEveryType) {
  Harness h(config({kS1}, seconds(2), 1));
  // SOA TTL 3600, MINIMUM 300 → negative TTL 300 s (RFC 2308 §5).
  auto r = ask_and_answer(h, Instant{0}, "nope.domain.ru.", RrType::A, Rcode::NxDomain, {},
                          {soa_record("domain.ru.", 3600, 300)});
  EXPECT_EQ(r.status, LookupStatus::NxDomain);
  h.resolver.lookup(seconds(300) - nanoseconds(1), "nope.domain.ru.", RrType::AAAA);
  EXPECT_TRUE(h.drain_transmits().empty());
  auto hits = h.drain_results();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].status, LookupStatus::NxDomain);
  EXPECT_TRUE(hits[0].from_cache);
  h.resolver.lookup(seconds(300), "nope.domain.ru.", RrType::A);
  EXPECT_EQ(h.drain_transmits().size(), 1u);
}

TEST(Resolver, NoDataCachedPerTypeWithSoaTtlWhenSmaller) {
  Harness h(config({kS1}, seconds(2), 1));
  // SOA TTL 100 < MINIMUM 300 → 100 s.
  auto r = ask_and_answer(h, Instant{0}, "domain.ru.", RrType::NAPTR, Rcode::NoError, {},
                          {soa_record("domain.ru.", 100, 300)});
  EXPECT_EQ(r.status, LookupStatus::NoData);
  h.resolver.lookup(seconds(99), "domain.ru.", RrType::NAPTR);
  auto hits = h.drain_results();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].status, LookupStatus::NoData);
  EXPECT_TRUE(hits[0].from_cache);
  // Another type of the same name is not covered by NODATA.
  h.resolver.lookup(seconds(99), "domain.ru.", RrType::SRV);
  EXPECT_EQ(h.drain_transmits().size(), 1u);
  h.resolver.lookup(seconds(100), "domain.ru.", RrType::NAPTR);
  EXPECT_EQ(h.drain_transmits().size(), 1u);
}

TEST(Resolver, NegativeAnswerWithoutSoaIsNotCached) {
  Harness h(config({kS1}, seconds(2), 1));
  auto r = ask_and_answer(h, Instant{0}, "nope.domain.ru.", RrType::A, Rcode::NxDomain, {});
  EXPECT_EQ(r.status, LookupStatus::NxDomain);
  h.resolver.lookup(seconds(1), "nope.domain.ru.", RrType::A);
  EXPECT_EQ(h.drain_transmits().size(), 1u);
  EXPECT_EQ(h.resolver.cache_size(seconds(1)), 0u);
}

TEST(Resolver, AdditionalRecordsAreCachedAndAnswerLaterLookups) {
  Harness h(config({kS1}, seconds(2), 1));
  ResourceRecord srv{"_sip._udp.domain.ru.", RrType::SRV, 3600, SrvData{10, 0, 5060, "proxy.domain.ru."}};
  auto r = ask_and_answer(h, Instant{0}, "_sip._udp.domain.ru.", RrType::SRV, Rcode::NoError, {srv}, {},
                          {a_record("proxy.domain.ru.", 120, 10)});
  EXPECT_EQ(r.additional, (std::vector<ResourceRecord>{a_record("proxy.domain.ru.", 120, 10)}));
  h.resolver.lookup(seconds(119), "proxy.domain.ru.", RrType::A);
  EXPECT_TRUE(h.drain_transmits().empty());
  auto hits = h.drain_results();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_TRUE(hits[0].from_cache);
  EXPECT_EQ(hits[0].answers, (std::vector<ResourceRecord>{a_record("proxy.domain.ru.", 1, 10)}));
}

TEST(Resolver, AdditionalDataDoesNotReplaceCachedAnswer) {
  Harness h(config({kS1}, seconds(2), 1));
  ask_and_answer(h, Instant{0}, "proxy.domain.ru.", RrType::A, Rcode::NoError, {a_record("proxy.domain.ru.", 600, 10)});
  ResourceRecord srv{"_sip._udp.domain.ru.", RrType::SRV, 600, SrvData{10, 0, 5060, "proxy.domain.ru."}};
  ask_and_answer(h, Instant{0}, "_sip._udp.domain.ru.", RrType::SRV, Rcode::NoError, {srv}, {},
                 {a_record("proxy.domain.ru.", 600, 99)});
  h.resolver.lookup(seconds(1), "proxy.domain.ru.", RrType::A);
  auto hits = h.drain_results();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].answers, (std::vector<ResourceRecord>{a_record("proxy.domain.ru.", 599, 10)}));
}

TEST(Resolver, CnameChainCachedUnderQuestionAndTargetSeparately) {
  Harness h(config({kS1}, seconds(2), 1));
  ResourceRecord cname{"sip.domain.ru.", RrType::CNAME, 300, CnameData{"proxy.domain.ru."}};
  auto r = ask_and_answer(h, Instant{0}, "sip.domain.ru.", RrType::A, Rcode::NoError,
                          {cname, a_record("proxy.domain.ru.", 60, 10)});
  EXPECT_EQ(r.status, LookupStatus::Ok);
  // The question's entry lives for the chain's smallest TTL (60 s).
  h.resolver.lookup(seconds(59), "sip.domain.ru.", RrType::A);
  auto hits = h.drain_results();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].answers.size(), 2u);
  h.resolver.lookup(seconds(59), "proxy.domain.ru.", RrType::A);
  ASSERT_EQ(h.drain_results().size(), 1u);
  h.resolver.lookup(seconds(299), "sip.domain.ru.", RrType::CNAME);
  ASSERT_EQ(h.drain_results().size(), 1u);
  h.resolver.lookup(seconds(60), "sip.domain.ru.", RrType::A);
  EXPECT_EQ(h.drain_transmits().size(), 1u);
}

TEST(Resolver, MismatchedResponsesAreIgnoredAndCounted) {
  Harness h(config({kS1, kS2}, seconds(2), 1));
  h.resolver.lookup(Instant{0}, "proxy.domain.ru.", RrType::A);
  Message q = query_of(h.drain_transmits().at(0));
  const auto answer = std::vector<ResourceRecord>{a_record("proxy.domain.ru.", 60, 10)};

  Message wrong_id = response_to(q, Rcode::NoError, answer);
  wrong_id.id = static_cast<uint16_t>(q.id + 1);
  deliver(h, Instant{1}, kS1, wrong_id);
  // S2 has not been asked yet: its answer is not trusted.
  deliver(h, Instant{2}, kS2, response_to(q, Rcode::NoError, answer));
  Message wrong_question = response_to(q, Rcode::NoError, answer);
  wrong_question.questions[0].type = RrType::AAAA;
  deliver(h, Instant{3}, kS1, wrong_question);
  Message not_response = response_to(q, Rcode::NoError, answer);
  not_response.qr = false;
  deliver(h, Instant{4}, kS1, not_response);
  const std::vector<uint8_t> garbage = {0x12, 0x34, 0x81};
  h.resolver.handle_datagram(Instant{5}, kS1, garbage);

  EXPECT_TRUE(h.drain_results().empty());
  EXPECT_EQ(h.resolver.counters().unmatched_responses, 4u);
  EXPECT_EQ(h.resolver.counters().malformed_responses, 1u);
  EXPECT_EQ(h.resolver.outstanding(), 1u);
  std::vector<std::string> details;
  for (auto& e : h.drain_events()) {
    if (e.kind == ResolverEventKind::Unmatched) details.push_back(e.detail);
  }
  ASSERT_EQ(details.size(), 5u);
  EXPECT_EQ(details[0], "no outstanding query with id " + std::to_string(static_cast<uint16_t>(q.id + 1)));
  EXPECT_EQ(details[1], "source 192.0.2.54:53 was not queried");
  EXPECT_EQ(details[2], "question does not match the query");
  EXPECT_EQ(details[3], "not a response (QR=0)");
  EXPECT_EQ(details[4].rfind("malformed at octet ", 0), 0u);

  deliver(h, Instant{6}, kS1, response_to(q, Rcode::NoError, answer));
  auto results = h.drain_results();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, LookupStatus::Ok);
}

TEST(Resolver, ServFailMovesToNextServerAtOnceAndIsReportedWhenAllFail) {
  Harness h(config({kS1, kS2}, seconds(2), 2));
  h.resolver.lookup(Instant{0}, "domain.ru.", RrType::NAPTR);
  Message q = query_of(h.drain_transmits().at(0));
  const Instant t1 = std::chrono::milliseconds(40);
  deliver(h, t1, kS1, response_to(q, Rcode::ServFail));
  auto next = h.drain_transmits();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].destination, kS2);
  EXPECT_EQ(h.resolver.poll_timeout(), t1 + seconds(2));
  EXPECT_TRUE(h.drain_results().empty());
  // S2 fails too: both are dropped for this lookup, so round 2 sends nothing.
  deliver(h, t1 + std::chrono::milliseconds(40), kS2, response_to(query_of(next[0]), Rcode::ServFail));
  EXPECT_TRUE(h.drain_transmits().empty());
  auto results = h.drain_results();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, LookupStatus::ServFail);
  EXPECT_EQ(results[0].server, kS2);
  EXPECT_EQ(h.resolver.counters().queries_sent, 2u);
  EXPECT_EQ(h.resolver.cache_size(seconds(1)), 0u);
}

TEST(Resolver, RefusedThenTimeoutReportsRefused) {
  Harness h(config({kS1, kS2}, seconds(1), 1));
  h.resolver.lookup(Instant{0}, "domain.ru.", RrType::A);
  deliver(h, Instant{0}, kS1, response_to(query_of(h.drain_transmits().at(0)), Rcode::Refused));
  EXPECT_EQ(h.drain_transmits().size(), 1u);
  h.resolver.handle_timeout(seconds(1));
  auto results = h.drain_results();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, LookupStatus::Refused);
}

TEST(Resolver, TruncatedAnswerIsReportedWithWhatCameAndNotCached) {
  Harness h(config({kS1}, seconds(2), 1));
  h.resolver.lookup(Instant{0}, "_sip._udp.big.test.", RrType::SRV);
  Message q = query_of(h.drain_transmits().at(0));
  ResourceRecord srv{"_sip._udp.big.test.", RrType::SRV, 600, SrvData{10, 0, 5060, "a.big.test."}};
  Message r = response_to(q, Rcode::NoError, {srv});
  r.tc = true;
  deliver(h, Instant{0}, kS1, r);
  auto results = h.drain_results();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, LookupStatus::Truncated);
  EXPECT_EQ(results[0].answers, std::vector<ResourceRecord>{srv});
  EXPECT_EQ(h.resolver.cache_size(Instant{0}), 0u);
}

TEST(Resolver, InvalidNameIsRejectedWithoutSending) {
  Harness h(config({kS1}, seconds(2), 1));
  h.resolver.lookup(Instant{0}, "a..b.", RrType::A);
  h.resolver.lookup(Instant{0}, std::string(64, 'x') + ".test.", RrType::A);
  EXPECT_TRUE(h.drain_transmits().empty());
  auto results = h.drain_results();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, LookupStatus::InvalidName);
  EXPECT_EQ(results[1].status, LookupStatus::InvalidName);
}

TEST(Resolver, ConcurrentLookupsGetDistinctIdsAndIndependentResults) {
  Harness h(config({kS1}, seconds(2), 1));
  const LookupId a = h.resolver.lookup(Instant{0}, "a.test.", RrType::A);
  const LookupId b = h.resolver.lookup(Instant{0}, "b.test.", RrType::A);
  auto sent = h.drain_transmits();
  ASSERT_EQ(sent.size(), 2u);
  Message qa = query_of(sent[0]), qb = query_of(sent[1]);
  EXPECT_NE(qa.id, qb.id);
  deliver(h, Instant{1}, kS1, response_to(qb, Rcode::NoError, {a_record("b.test.", 60, 2)}));
  deliver(h, Instant{2}, kS1, response_to(qa, Rcode::NxDomain));
  auto results = h.drain_results();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].id, b);
  EXPECT_EQ(results[0].status, LookupStatus::Ok);
  EXPECT_EQ(results[1].id, a);
  EXPECT_EQ(results[1].status, LookupStatus::NxDomain);
}

TEST(Resolver, NoServersConfiguredTimesOutImmediately) {
  Harness h(config({}, seconds(2), 2));
  h.resolver.lookup(Instant{0}, "a.test.", RrType::A);
  EXPECT_TRUE(h.drain_transmits().empty());
  auto results = h.drain_results();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, LookupStatus::Timeout);
}

TEST(Resolver, StatusNames) {
  EXPECT_EQ(status_name(LookupStatus::Ok), "ok");
  EXPECT_EQ(status_name(LookupStatus::NxDomain), "nxdomain");
  EXPECT_EQ(status_name(LookupStatus::NoData), "nodata");
  EXPECT_EQ(status_name(LookupStatus::ServFail), "servfail");
  EXPECT_EQ(status_name(LookupStatus::Timeout), "timeout");
  EXPECT_EQ(status_name(LookupStatus::Truncated), "truncated");
}

}  // namespace
}  // namespace siplab::dns
