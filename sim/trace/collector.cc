#include "sim/trace/collector.h"

#include <span>
#include <type_traits>
#include <variant>

#include "models/dns/records.h"
#include "models/sip/message/parser.h"
#include "models/sip/transport/message_summary.h"

namespace siplab::trace {

namespace {

void add_summary(EventBuilder& e, const sip::MessageSummary& s) {
  e.field("first_line", s.first_line)
      .field("call_id", s.call_id)
      .field("cseq", s.cseq)
      .field("branch", s.branch)
      .field("from_tag", s.from_tag)
      .field("to_tag", s.to_tag);
}

// The trace spells a lookup's outcome as the DNS rcode that caused it; the
// outcomes no rcode names (timeout, truncated, invalid-name) keep the
// resolver's own status word.
std::string rcode_of(dns::LookupStatus status) {
  switch (status) {
    case dns::LookupStatus::Ok:
    case dns::LookupStatus::NoData: return "NOERROR";
    case dns::LookupStatus::NxDomain: return "NXDOMAIN";
    case dns::LookupStatus::ServFail: return "SERVFAIL";
    case dns::LookupStatus::Refused: return "REFUSED";
    case dns::LookupStatus::NotImp: return "NOTIMP";
    case dns::LookupStatus::FormErr: return "FORMERR";
    default: return std::string(dns::status_name(status));
  }
}

std::vector<std::string> presentations(const std::vector<dns::ResourceRecord>& records) {
  std::vector<std::string> out;
  out.reserve(records.size());
  for (const auto& rr : records) out.push_back(dns::to_presentation(rr));
  return out;
}

std::string endpoint_text(const std::optional<Endpoint>& e) { return e ? e->to_string() : std::string(); }

}  // namespace

std::string_view rcode_name(dns::Rcode rcode) {
  switch (rcode) {
    case dns::Rcode::NoError: return "NOERROR";
    case dns::Rcode::FormErr: return "FORMERR";
    case dns::Rcode::ServFail: return "SERVFAIL";
    case dns::Rcode::NxDomain: return "NXDOMAIN";
    case dns::Rcode::NotImp: return "NOTIMP";
    case dns::Rcode::Refused: return "REFUSED";
  }
  return "UNKNOWN";
}

void Collector::node_info(std::string_view node, std::string_view label, const std::vector<std::string>& roles,
                          const std::vector<IpAddress>& addresses) {
  std::vector<std::string> texts;
  texts.reserve(addresses.size());
  for (const auto& a : addresses) texts.push_back(a.to_string());
  writer_.event(Instant{0}, node, "node.info")
      .field("label", std::string(label))
      .field("roles", roles)
      .field("addresses", texts);
}

void Collector::node_trace(std::string_view node, const sip::NodeTrace& event) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, sip::TraceEvent>) {
          std::visit(
              [&](const auto& s) {
                using S = std::decay_t<decltype(s)>;
                if constexpr (std::is_same_v<S, sip::MessageEvent>) {
                  message_event(node, s);
                } else if constexpr (std::is_same_v<S, sip::TxnStateChange>) {
                  // A new transaction has no previous state: "" says so.
                  writer_.event(s.t, node, "txn.state")
                      .field("txn", s.txn)
                      .field("from", s.created ? std::string() : std::string(sip::state_name(s.from)))
                      .field("to", std::string(sip::state_name(s.to)));
                } else {
                  auto b = writer_.event(s.t, node, "timer.fire");
                  b.field("txn", s.txn).field("timer", std::string(sip::timer_name(s.timer)));
                  if (s.timer == sip::TimerName::A || s.timer == sip::TimerName::E ||
                      s.timer == sip::TimerName::G)
                    b.field("retransmit", s.retransmit);
                }
              },
              e);
        } else if constexpr (std::is_same_v<T, sip::ResolverTrace>) {
          resolver_event(node, e);
        } else {
          auto b = writer_.event(e.t, node, e.kind);
          for (const auto& [key, value] : e.fields) std::visit([&](const auto& v) { b.field(key, v); }, value);
        }
      },
      event);
}

void Collector::message_event(std::string_view node, const sip::MessageEvent& m) {
  std::string_view kind = "sip.send";
  if (m.action == sip::MessageAction::Received) kind = "sip.recv";
  // The trace's sip.drop causes are network-level (DESIGN.md); the stack's
  // other discards (via-mismatch, invalid, stream-error) are a separate kind
  // so report readers never meet an unknown drop cause.
  if (m.action == sip::MessageAction::Dropped)
    kind = m.cause == sip::DropCause::ParseError ? "sip.drop" : "sip.discard";
  auto b = writer_.event(m.t, node, kind);
  if (m.action == sip::MessageAction::Dropped) {
    b.field("cause", std::string(sip::drop_cause_name(m.cause)));
    if (!m.detail.empty()) b.field("detail", m.detail);
  }
  b.field("transport", std::string(transport_name(m.transport)))
      .field("src", m.src.to_string())
      .field("dst", m.dst.to_string())
      .field("bytes", m.bytes);
  add_summary(b, m.summary);
  if (m.action == sip::MessageAction::Sent) b.field("retransmit", m.retransmit);
  b.field("msg", m.text);
}

void Collector::resolver_event(std::string_view node, const sip::ResolverTrace& r) {
  const dns::ResolverEvent& e = r.event;
  const std::string type = dns::type_name(e.type);
  switch (e.kind) {
    case dns::ResolverEventKind::QuerySent:
      // `id` is the DNS message id on the wire, which the server's dns.serve
      // carries too (so a ladder pairs query, serve and answer); `lookup`
      // names the resolver lookup the attempts belong to.
      writer_.event(e.at, node, "dns.query")
          .field("src", r.local.to_string())
          .field("dst", endpoint_text(e.server))
          .field("id", e.message_id)
          .field("lookup", e.id)
          .field("name", e.name)
          .field("type", type)
          .field("attempt", e.attempt);
      break;
    case dns::ResolverEventKind::Answer:
      writer_.event(e.at, node, "dns.answer")
          .field("src", endpoint_text(e.server))
          .field("dst", r.local.to_string())
          .field("id", e.message_id)
          .field("lookup", e.id)
          .field("name", e.name)
          .field("type", type)
          .field("rcode", rcode_of(e.status))
          .field("answers", presentations(e.answers));
      break;
    case dns::ResolverEventKind::Timeout:
      writer_.event(e.at, node, "dns.timeout")
          .field("name", e.name)
          .field("type", type)
          .field("server", endpoint_text(e.server))
          .field("attempt", e.attempt);
      break;
    case dns::ResolverEventKind::CacheHit:
      writer_.event(e.at, node, "dns.cache")
          .field("id", e.id)
          .field("name", e.name)
          .field("type", type)
          .field("rcode", rcode_of(e.status))
          .field("answers", presentations(e.answers));
      break;
    case dns::ResolverEventKind::Unmatched:
      writer_.event(e.at, node, "dns.unmatched")
          .field("src", endpoint_text(e.server))
          .field("dst", r.local.to_string())
          .field("detail", e.detail);
      break;
  }
}

void Collector::dns_serve(Instant now, std::string_view node, const Endpoint& client, const Endpoint& server,
                          const std::optional<dns::Message>& query, const std::optional<dns::Message>& answer) {
  if (!query || query->questions.empty()) return;
  const dns::Question& q = query->questions.front();
  writer_.event(now, node, "dns.serve")
      .field("src", client.to_string())
      .field("dst", server.to_string())
      .field("id", query->id)
      .field("name", q.name)
      .field("type", dns::type_name(q.type))
      .field("rcode", std::string(answer ? rcode_name(answer->rcode) : std::string_view("NONE")));
}

bool Collector::link_drop(const LinkDrop& d) {
  if (d.src.port == 53 || d.dst.port == 53) {
    auto decoded = dns::decode(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(d.payload.data()), d.payload.size()));
    auto b = writer_.event(d.t, d.node, "dns.drop");
    b.field("cause", std::string(d.cause))
        .field("link", std::string(d.link))
        .field("src", d.src.to_string())
        .field("dst", d.dst.to_string())
        .field("bytes", d.payload.size());
    if (decoded.message) {
      b.field("id", decoded.message->id);
      if (!decoded.message->questions.empty()) {
        b.field("name", decoded.message->questions.front().name)
            .field("type", dns::type_name(decoded.message->questions.front().type));
      }
    }
    return true;
  }
  if (d.payload.empty()) return false;
  sip::MessageSummary summary;
  auto parsed = sip::parse_message(d.payload);
  if (parsed.ok()) {
    summary = sip::summarize(parsed.value());
  } else {
    summary = sip::summarize_unparsed(d.payload);
    // Only a SIP first line makes it a SIP message (RFC 3261 §7.1 / §7.2).
    if (summary.first_line.find("SIP/2.0") == std::string::npos) return false;
  }
  auto b = writer_.event(d.t, d.node, "sip.drop");
  b.field("cause", std::string(d.cause))
      .field("link", std::string(d.link))
      .field("transport", std::string(transport_name(d.transport)))
      .field("src", d.src.to_string())
      .field("dst", d.dst.to_string())
      .field("bytes", d.payload.size());
  add_summary(b, summary);
  b.field("msg", std::string(d.payload));
  return true;
}

void Collector::link_stats(Instant end, const LinkStats& s) {
  writer_.event(end, s.from, "link.stats")
      .field("link", s.link)
      .field("from", s.from)
      .field("to", s.to)
      .field("sent", s.sent)
      .field("lost", s.lost)
      .field("queue_drops", s.queue_drops)
      .field("bytes", s.bytes);
}

}  // namespace siplab::trace
