// Parser throughput, side by side in one run: siplab's parse_message against
// libsofia-sip-ua and libosip2 on the same mix of messages (an INVITE with
// SDP, a 180 with two Via rows, a REGISTER with Authorization).  Each
// benchmark iteration parses the whole mix; items_per_second counts
// messages.  After the run the program prints the siplab/sofia and
// siplab/osip2 ratios (target: siplab >= 3x sofia-sip).
//
// Fairness:
//  - sofia-sip: msg_make() with sip_extend_mclass(NULL) (the default SIP
//    header classes plus the extension ones), which copies the datagram and
//    runs msg_extract(): every header with a class is parsed into its struct
//    by its hc_parse at extraction time (URLs, params, Via fields, auth
//    params).  The benchmark checks after every parse that sip_unknown and
//    sip_error are empty, i.e. no header was left as unparsed text, and reads
//    typed fields so nothing is skipped.
//  - osip2: osip_message_init + osip_message_parse (+ osip_message_free),
//    reading the same typed fields.
//  - siplab, BM_siplab_typed: parse_message_into() into a fresh
//    ParsedMessage per message — the full typed model (every row, the Via
//    list, From, To, Call-ID, CSeq, Contact, Max-Forwards, Content-Type,
//    Content-Length, Expires and the Digest credentials, all parsed and
//    checked during the one pass, as sofia's msg_extract does) — then
//    reads every typed value the sofia run reads and more.
//    BM_siplab_typed_reused parses into one ParsedMessage kept across
//    messages (what a transport does), so its buffer is not reallocated.
//  - siplab, BM_siplab_owning / BM_siplab_owning_typed: parse_message()
//    into the mutable, owning Message (rows copied into strings), then,
//    in the typed variant, the owning typed accessors (vias(), from() …,
//    parse_credentials), which build std::string-holding values.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

extern "C" {
#include <osipparser2/osip_message.h>
#include <osipparser2/osip_parser.h>
}
#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>

#if SIPLAB_BENCH_HAVE_SIPLAB
#include "models/sip/message/digest.h"
#include "models/sip/message/message.h"
#include "models/sip/message/parsed_message.h"
#include "models/sip/message/parser.h"
#endif

namespace {

// RFC 3261 §24.2 F1 shape, with an SDP offer.
constexpr std::string_view kInvite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
    "Call-ID: 3848276298220188511@atlanta.example.com\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:alice@client.atlanta.example.com;transport=udp>\r\n"
    "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE\r\n"
    "Supported: replaces, timer\r\n"
    "User-Agent: siplab-bench/1.0\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 151\r\n"
    "\r\n"
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 client.atlanta.example.com\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.101\r\n"
    "t=0 0\r\n"
    "m=audio 49172 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n";

// RFC 3261 §24.2 F2 shape, through a proxy: two Via rows.
constexpr std::string_view kRinging =
    "SIP/2.0 180 Ringing\r\n"
    "Via: SIP/2.0/UDP ss1.atlanta.example.com:5060;branch=z9hG4bK2d4790.1;received=192.0.2.111\r\n"
    "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9;received=192.0.2.101\r\n"
    "To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\r\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
    "Call-ID: 3848276298220188511@atlanta.example.com\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:bob@client.biloxi.example.com;transport=udp>\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

// RFC 3665 §2.1 F3 shape, with a well-formed Digest response.
constexpr std::string_view kRegister =
    "REGISTER sip:registrar.biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/TCP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7\r\n"
    "Max-Forwards: 70\r\n"
    "From: Bob <sip:bob@biloxi.example.com>;tag=a73kszlfl\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "Call-ID: 1j9FpLxk3uxtm8tn@biloxi.example.com\r\n"
    "CSeq: 2 REGISTER\r\n"
    "Contact: <sip:bob@client.biloxi.example.com>;expires=3600\r\n"
    "Authorization: Digest username=\"bob\", realm=\"biloxi.example.com\", "
    "nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", uri=\"sip:biloxi.example.com\", "
    "response=\"dfe56131d1958046689d83306477ecc0\", algorithm=MD5, qop=auth, nc=00000001, "
    "cnonce=\"0a4f113b\", opaque=\"\"\r\n"
    "Expires: 3600\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

const std::vector<std::string_view>& mix() {
  static const std::vector<std::string_view> m = {kInvite, kRinging, kRegister};
  return m;
}

// ----------------------------------------------------------------------------
// sofia-sip

msg_mclass_t const* sofia_mclass() {
  // The default classes plus the extension headers: no header of the mix
  // falls back to sip_unknown.
  static msg_mclass_t const* mc = sip_extend_mclass(nullptr);
  return mc;
}

uint64_t sofia_parse_one(std::string_view text) {
  msg_t* msg = msg_make(sofia_mclass(), 0, text.data(), static_cast<ssize_t>(text.size()));
  if (!msg) throw std::runtime_error("sofia msg_make failed");
  sip_t const* sip = sip_object(msg);
  if (!sip || sip->sip_error || sip->sip_unknown || !sip->sip_via || !sip->sip_cseq ||
      !sip->sip_from || !sip->sip_call_id) {
    msg_destroy(msg);
    throw std::runtime_error("sofia did not parse every header");
  }
  uint64_t sink = sip->sip_cseq->cs_seq;
  for (sip_via_t const* v = sip->sip_via; v; v = v->v_next) sink += v->v_branch ? v->v_branch[0] : 0;
  sink += sip->sip_from->a_tag ? sip->sip_from->a_tag[0] : 0;
  sink += sip->sip_to && sip->sip_to->a_url->url_host ? sip->sip_to->a_url->url_host[0] : 0;
  if (sip->sip_contact) sink += sip->sip_contact->m_url->url_host[0];
  if (sip->sip_content_length) sink += sip->sip_content_length->l_length;
  if (sip->sip_authorization) sink += sip->sip_authorization->au_params[0][0];
  if (sip->sip_payload) sink += sip->sip_payload->pl_len;
  msg_destroy(msg);
  return sink;
}

void BM_sofia(benchmark::State& state) {
  for (auto _ : state)
    for (std::string_view m : mix()) benchmark::DoNotOptimize(sofia_parse_one(m));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(mix().size()));
}
BENCHMARK(BM_sofia);

// ----------------------------------------------------------------------------
// osip2

uint64_t osip_parse_one(std::string_view text) {
  osip_message_t* sip = nullptr;
  if (osip_message_init(&sip) != 0) throw std::runtime_error("osip_message_init failed");
  if (osip_message_parse(sip, text.data(), text.size()) != 0) {
    osip_message_free(sip);
    throw std::runtime_error("osip_message_parse failed");
  }
  uint64_t sink = 0;
  osip_via_t* via = nullptr;
  for (int i = 0; osip_message_get_via(sip, i, &via) >= 0; ++i) sink += via->host[0];
  sink += sip->cseq ? sip->cseq->number[0] : 0;
  sink += sip->from && sip->from->url ? sip->from->url->host[0] : 0;
  sink += sip->to && sip->to->url ? sip->to->url->host[0] : 0;
  osip_contact_t* contact = nullptr;
  if (osip_message_get_contact(sip, 0, &contact) >= 0 && contact->url) sink += contact->url->host[0];
  osip_authorization_t* auth = nullptr;
  if (osip_message_get_authorization(sip, 0, &auth) >= 0 && auth->response)
    sink += auth->response[1];
  osip_message_free(sip);
  return sink;
}

void BM_osip2(benchmark::State& state) {
  for (auto _ : state)
    for (std::string_view m : mix()) benchmark::DoNotOptimize(osip_parse_one(m));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(mix().size()));
}
BENCHMARK(BM_osip2);

// ----------------------------------------------------------------------------
// siplab

#if SIPLAB_BENCH_HAVE_SIPLAB
using siplab::sip::parse_message;

// Every typed value the mix carries, from the zero-copy model.
uint64_t read_typed(const siplab::sip::ParsedMessage& m) {
  uint64_t sink = m.body().size() + m.headers().size();
  // Each parameter is looked up once, as a transaction layer reads it
  // (sofia reads its pre-split v_branch / a_tag fields once as well).
  for (const auto& via : m.vias()) {
    const auto branch = via.branch();
    sink += via.host.size() + (branch ? branch->size() : 0);
  }
  if (const auto* from = m.from()) {
    const auto tag = from->tag();
    sink += from->uri.host.size() + (tag ? tag->size() : 0);
  }
  if (const auto* to = m.to()) sink += to->uri.host.size();
  if (auto cseq = m.cseq()) sink += cseq->number + cseq->method.size();
  if (auto call_id = m.call_id()) sink += call_id->size();
  for (const auto& c : m.contacts()) sink += c.uri.host.size();
  if (auto mf = m.max_forwards()) sink += *mf;
  if (auto ct = m.content_type()) sink += ct->subtype.size();
  if (auto cl = m.content_length()) sink += *cl;
  if (auto e = m.expires()) sink += *e;
  for (const auto& creds : m.authorization()) sink += creds.response.size() + creds.nonce.size();
  if (m.malformed_credentials() != 0) throw std::runtime_error("siplab digest parse failed");
  return sink;
}

uint64_t siplab_typed_one(std::string_view text) {
  siplab::sip::ParsedMessage m;
  if (auto e = siplab::sip::parse_message_into(text, m)) throw std::runtime_error("siplab parse failed: " + e->reason);
  return read_typed(m);
}

uint64_t siplab_typed_reused_one(std::string_view text, siplab::sip::ParsedMessage& m) {
  if (auto e = siplab::sip::parse_message_into(text, m)) throw std::runtime_error("siplab parse failed: " + e->reason);
  return read_typed(m);
}

uint64_t siplab_owning_one(std::string_view text) {
  auto parsed = parse_message(text);
  if (!parsed) throw std::runtime_error("siplab parse failed: " + parsed.error().reason);
  const auto& m = *parsed;
  uint64_t sink = m.headers().size() + m.body().size();
  if (auto call_id = m.call_id()) sink += call_id->size();
  return sink;
}

// The owning typed accessors, as the SIP cores used them before the
// zero-copy model existed.
uint64_t siplab_owning_typed_one(std::string_view text) {
  auto parsed = parse_message(text);
  if (!parsed) throw std::runtime_error("siplab parse failed: " + parsed.error().reason);
  const auto& m = *parsed;
  uint64_t sink = m.body().size();
  for (const auto& via : m.vias()) sink += via.host.size() + (via.branch() ? 1 : 0);
  if (auto from = m.from()) sink += from->uri.host.size();
  if (auto to = m.to()) sink += to->uri.host.size();
  if (auto cseq = m.cseq()) sink += cseq->number;
  if (auto call_id = m.call_id()) sink += call_id->size();
  for (const auto& c : m.contacts().contacts) sink += c.uri.host.size();
  if (auto mf = m.max_forwards()) sink += *mf;
  if (auto ct = m.content_type()) sink += ct->subtype.size();
  if (auto cl = m.content_length()) sink += *cl;
  for (std::string_view a : m.authorization()) {
    auto creds = siplab::sip::parse_credentials(a);
    if (!creds) throw std::runtime_error("siplab digest parse failed");
    sink += std::get<siplab::sip::DigestCredentials>(*creds).response.size();
  }
  return sink;
}

void BM_siplab_typed(benchmark::State& state) {
  for (auto _ : state)
    for (std::string_view m : mix()) benchmark::DoNotOptimize(siplab_typed_one(m));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(mix().size()));
}
BENCHMARK(BM_siplab_typed);

void BM_siplab_typed_reused(benchmark::State& state) {
  siplab::sip::ParsedMessage parsed;
  for (auto _ : state)
    for (std::string_view m : mix()) benchmark::DoNotOptimize(siplab_typed_reused_one(m, parsed));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(mix().size()));
}
BENCHMARK(BM_siplab_typed_reused);

void BM_siplab_owning(benchmark::State& state) {
  for (auto _ : state)
    for (std::string_view m : mix()) benchmark::DoNotOptimize(siplab_owning_one(m));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(mix().size()));
}
BENCHMARK(BM_siplab_owning);

void BM_siplab_owning_typed(benchmark::State& state) {
  for (auto _ : state)
    for (std::string_view m : mix()) benchmark::DoNotOptimize(siplab_owning_typed_one(m));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(mix().size()));
}
BENCHMARK(BM_siplab_owning_typed);
#endif

// Per-message breakdown (argument = index into the mix).
void BM_sofia_each(benchmark::State& state) {
  const std::string_view m = mix()[static_cast<std::size_t>(state.range(0))];
  for (auto _ : state) benchmark::DoNotOptimize(sofia_parse_one(m));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_sofia_each)->DenseRange(0, 2);

void BM_osip2_each(benchmark::State& state) {
  const std::string_view m = mix()[static_cast<std::size_t>(state.range(0))];
  for (auto _ : state) benchmark::DoNotOptimize(osip_parse_one(m));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_osip2_each)->DenseRange(0, 2);

#if SIPLAB_BENCH_HAVE_SIPLAB
void BM_siplab_typed_each(benchmark::State& state) {
  const std::string_view m = mix()[static_cast<std::size_t>(state.range(0))];
  for (auto _ : state) benchmark::DoNotOptimize(siplab_typed_one(m));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_siplab_typed_each)->DenseRange(0, 2);
#endif

// Console output as usual, plus the messages/s of each mix benchmark kept
// for the ratio lines printed at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    // Single runs give their own rate; with --benchmark_repetitions the
    // median aggregate is kept (and replaces the individual repetitions).
    for (const auto& run : runs) {
      if (run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type != Run::RT_Iteration && !median) continue;
      if (run.run_type == Run::RT_Iteration && medians_.count(run.run_name.str())) continue;
      auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      rates_[run.run_name.str()] = it->second.value;
      if (median) medians_.insert(run.run_name.str());
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void print_ratios() const {
    auto rate = [&](const char* name) {
      auto it = rates_.find(name);
      return it == rates_.end() ? 0.0 : it->second;
    };
    std::printf("\nmessages/s (mix of INVITE+SDP, 180 with 2 Via, REGISTER with Authorization):\n");
    for (const auto& [name, r] : rates_)
      if (name.find("_each") == std::string::npos) std::printf("  %-18s %12.0f\n", name.c_str(), r);
    const double sofia = rate("BM_sofia"), osip = rate("BM_osip2");
    for (const char* ours : {"BM_siplab_typed", "BM_siplab_typed_reused", "BM_siplab_owning", "BM_siplab_owning_typed"}) {
      const double r = rate(ours);
      if (r == 0.0) continue;
      if (sofia > 0) std::printf("  %s / sofia-sip = %.2fx\n", ours, r / sofia);
      if (osip > 0) std::printf("  %s / osip2     = %.2fx\n", ours, r / osip);
    }
  }

 private:
  std::map<std::string, double> rates_;
  std::set<std::string> medians_;
};

}  // namespace

int main(int argc, char** argv) {
  parser_init();  // osip2's one-time parser tables
  // Fail loudly before timing anything if a library rejects the mix.
  for (std::string_view m : mix()) {
    sofia_parse_one(m);
    osip_parse_one(m);
#if SIPLAB_BENCH_HAVE_SIPLAB
    siplab_typed_one(m);
    siplab_owning_typed_one(m);
#endif
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
