// Queries per second of the authoritative core for the RFC 3263 first step:
// a NAPTR query for domain.ru, answered with 2 NAPTR records and 4
// additional records (2 SRV, A, AAAA), from the bundled zone.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "models/dns/authority.h"

namespace {

using namespace siplab::dns;

Authority& bundled_authority() {
  static Authority authority = [] {
    Authority a;
    for (const char* zone : {"domain.ru", "example.org", "failover.test"}) {
      ZoneParseResult r = load_zone_file(std::string(SIPLAB_SOURCE_DIR "/scenarios/") + zone + ".zone");
      if (!r.zone) {
        for (const auto& e : r.errors) std::cerr << format_error(e) << '\n';
        std::abort();
      }
      a.add_zone(std::move(*r.zone));
    }
    return a;
  }();
  return authority;
}

std::vector<uint8_t> naptr_query() {
  Message q;
  q.id = 0x2b1d;
  q.rd = true;
  q.questions.push_back({"domain.ru.", RrType::NAPTR});
  return encode(q);
}

// decode → answer → encode, the full server path per datagram.
void BM_HandleNaptrQuery(benchmark::State& state) {
  const Authority& authority = bundled_authority();
  std::vector<uint8_t> query = naptr_query();
  size_t bytes = 0;
  for (auto _ : state) {
    std::vector<uint8_t> response = authority.handle_query(query);
    bytes = response.size();
    benchmark::DoNotOptimize(response.data());
  }
  if (bytes != 237) state.SkipWithError("unexpected response size");
  state.SetItemsProcessed(state.iterations());
  state.counters["response_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_HandleNaptrQuery);

// The parts on their own, to see where the time goes.
void BM_DecodeQuery(benchmark::State& state) {
  std::vector<uint8_t> query = naptr_query();
  for (auto _ : state) benchmark::DoNotOptimize(decode(query));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeQuery);

void BM_AnswerNaptr(benchmark::State& state) {
  const Authority& authority = bundled_authority();
  Message q = *decode(naptr_query()).message;
  for (auto _ : state) benchmark::DoNotOptimize(authority.answer(q));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AnswerNaptr);

void BM_EncodeNaptrResponse(benchmark::State& state) {
  const Authority& authority = bundled_authority();
  Message r = authority.answer(*decode(naptr_query()).message);
  for (auto _ : state) benchmark::DoNotOptimize(encode(r, kUdpPayloadLimit));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeNaptrResponse);

void BM_DecodeNaptrResponse(benchmark::State& state) {
  std::vector<uint8_t> response = bundled_authority().handle_query(naptr_query());
  for (auto _ : state) benchmark::DoNotOptimize(decode(response));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeNaptrResponse);

}  // namespace

BENCHMARK_MAIN();
