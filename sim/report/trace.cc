// Loads trace.jsonl (contract: DESIGN.md "Trace events" + the report issue's
// exact field list) with file:line errors for every malformed line.
#include "sim/report/trace.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string_view>
#include <type_traits>
#include <unordered_map>

namespace siplab::report {
namespace {

using nlohmann::json;

EventKind kind_from_name(std::string_view name) {
  static const std::unordered_map<std::string_view, EventKind> kinds = {
      {"node.info", EventKind::NodeInfo},       {"sip.send", EventKind::SipSend},
      {"sip.recv", EventKind::SipRecv},         {"sip.drop", EventKind::SipDrop},
      {"dns.query", EventKind::DnsQuery},       {"dns.serve", EventKind::DnsServe},
      {"dns.answer", EventKind::DnsAnswer},     {"dns.timeout", EventKind::DnsTimeout},
      {"txn.state", EventKind::TxnState},       {"timer.fire", EventKind::TimerFire},
      {"dialog.state", EventKind::DialogState}, {"reg.binding", EventKind::RegBinding},
      {"call.event", EventKind::CallEvent},     {"link.stats", EventKind::LinkStats},
  };
  auto it = kinds.find(name);
  return it == kinds.end() ? EventKind::Other : it->second;
}

// Reads the fields of one line, naming the line in every complaint.
class LineReader {
 public:
  LineReader(const json& obj, const std::string& where) : obj_(obj), where_(where) {}

  [[noreturn]] void fail(const std::string& reason) const { throw TraceError(where_ + ": " + reason); }

  const json& require(const char* key) const {
    auto it = obj_.find(key);
    if (it == obj_.end()) fail(std::string("missing field \"") + key + "\"");
    return *it;
  }
  std::string str(const char* key) const {
    const json& v = require(key);
    if (!v.is_string()) fail(std::string("field \"") + key + "\" must be a string");
    return v.get<std::string>();
  }
  std::string opt_str(const char* key) const {
    return obj_.contains(key) ? str(key) : std::string();
  }
  int64_t integer(const char* key) const {
    const json& v = require(key);
    if (!v.is_number_integer()) fail(std::string("field \"") + key + "\" must be an integer");
    return v.get<int64_t>();
  }
  int64_t opt_integer(const char* key, int64_t fallback) const {
    return obj_.contains(key) ? integer(key) : fallback;
  }
  bool boolean(const char* key) const {
    const json& v = require(key);
    if (!v.is_boolean()) fail(std::string("field \"") + key + "\" must be true or false");
    return v.get<bool>();
  }
  std::vector<std::string> strings(const char* key) const {
    const json& v = require(key);
    if (!v.is_array()) fail(std::string("field \"") + key + "\" must be a list of strings");
    std::vector<std::string> out;
    out.reserve(v.size());
    for (const auto& item : v) {
      if (!item.is_string()) fail(std::string("field \"") + key + "\" must be a list of strings");
      out.push_back(item.get<std::string>());
    }
    return out;
  }

 private:
  const json& obj_;
  const std::string& where_;
};

void read_sip_fields(const LineReader& r, TraceEvent& ev) {
  ev.transport = r.str("transport");
  ev.src = r.str("src");
  ev.dst = r.str("dst");
  ev.bytes = r.integer("bytes");
  ev.first_line = r.str("first_line");
  ev.call_id = r.str("call_id");
  ev.cseq = r.str("cseq");
  ev.branch = r.str("branch");
  ev.from_tag = r.str("from_tag");
  ev.to_tag = r.str("to_tag");
  ev.msg = r.str("msg");
}

void read_kind_fields(const LineReader& r, TraceEvent& ev) {
  switch (ev.kind) {
    case EventKind::NodeInfo:
      ev.label = r.str("label");
      ev.roles = r.strings("roles");
      ev.addresses = r.strings("addresses");
      break;
    case EventKind::SipSend:
      read_sip_fields(r, ev);
      ev.retransmit = r.boolean("retransmit");
      break;
    case EventKind::SipRecv:
      read_sip_fields(r, ev);
      break;
    case EventKind::SipDrop:
      read_sip_fields(r, ev);
      ev.cause = r.str("cause");
      if (ev.cause != "link-loss" && ev.cause != "queue" && ev.cause != "no-route" &&
          ev.cause != "parse-error")
        r.fail("unknown drop cause \"" + ev.cause + "\"");
      ev.link = (ev.cause == "link-loss" || ev.cause == "queue") ? r.str("link") : r.opt_str("link");
      break;
    case EventKind::DnsQuery:
      ev.src = r.str("src");
      ev.dst = r.str("dst");
      ev.id = r.integer("id");
      ev.name = r.str("name");
      ev.type = r.str("type");
      ev.attempt = r.integer("attempt");
      break;
    case EventKind::DnsServe:
    case EventKind::DnsAnswer:
      ev.src = r.str("src");
      ev.dst = r.str("dst");
      ev.id = r.integer("id");
      ev.name = r.str("name");
      ev.type = r.str("type");
      ev.rcode = r.str("rcode");
      if (ev.kind == EventKind::DnsAnswer) ev.answers = r.strings("answers");
      break;
    case EventKind::DnsTimeout:
      ev.name = r.str("name");
      ev.type = r.str("type");
      ev.server = r.str("server");
      ev.attempt = r.integer("attempt");
      break;
    case EventKind::TxnState:
      ev.txn = r.str("txn");
      ev.from_state = r.str("from");
      ev.to_state = r.str("to");
      break;
    case EventKind::TimerFire:
      ev.txn = r.str("txn");
      ev.timer = r.str("timer");
      ev.retransmit_count = r.opt_integer("retransmit", 0);
      break;
    case EventKind::DialogState:
      ev.dialog = r.str("dialog");
      ev.state = r.str("state");
      break;
    case EventKind::RegBinding:
      ev.aor = r.str("aor");
      ev.contact = r.str("contact");
      ev.expires = r.integer("expires");
      ev.action = r.str("action");
      break;
    case EventKind::CallEvent:
      ev.call = r.integer("call");
      ev.call_event = r.str("event");
      ev.call_id = r.opt_str("call_id");
      ev.code = r.opt_integer("code", 0);
      break;
    case EventKind::LinkStats:
      ev.link = r.str("link");
      ev.link_from = r.str("from");
      ev.link_to = r.str("to");
      ev.sent = r.integer("sent");
      ev.lost = r.integer("lost");
      ev.queue_drops = r.integer("queue_drops");
      ev.bytes = r.integer("bytes");
      break;
    case EventKind::Other:
      break;
  }
}

// Growing Trace::events must move events, never copy their strings.
static_assert(std::is_nothrow_move_constructible_v<TraceEvent>);

}  // namespace

const NodeInfo* Trace::node_by_address(std::string_view ip_or_endpoint) const {
  std::string_view host = endpoint_host(ip_or_endpoint);
  for (const auto& n : nodes)
    for (const auto& a : n.addresses)
      if (a == host) return &n;
  return nullptr;
}

const NodeInfo* Trace::node_by_name(std::string_view name) const {
  for (const auto& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

Trace load_trace(std::istream& in, const std::string& source) {
  Trace trace;
  trace.source = source;
  std::string text;
  std::size_t line_no = 0;
  Instant last_t{0};
  std::string where;
  while (std::getline(in, text)) {
    ++line_no;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;  // blank line
    where = source + ":" + std::to_string(line_no);
    json obj;
    try {
      obj = json::parse(text);
    } catch (const json::parse_error& e) {
      // e.byte is the 1-based column of the offending character.
      throw TraceError(where + ":" + std::to_string(e.byte) + ": invalid JSON: " + e.what());
    }
    if (!obj.is_object()) throw TraceError(where + ": a trace line must be a JSON object");
    LineReader r(obj, where);
    TraceEvent ev;
    ev.line = line_no;
    const json& t = r.require("t");
    if (!t.is_number() || t.get<double>() < 0 || !std::isfinite(t.get<double>()))
      r.fail("field \"t\" must be a non-negative number of seconds");
    ev.t = Instant{static_cast<int64_t>(std::llround(t.get<double>() * 1e9))};
    if (ev.t < last_t) r.fail("time goes backwards (events must be in time order)");
    last_t = ev.t;
    ev.node = r.str("node");
    ev.kind_name = r.str("kind");
    ev.kind = kind_from_name(ev.kind_name);
    read_kind_fields(r, ev);
    if (ev.kind == EventKind::NodeInfo) {
      if (trace.node_by_name(ev.node)) r.fail("second node.info for node \"" + ev.node + "\"");
      trace.nodes.push_back({ev.node, ev.label, ev.roles, ev.addresses});
    }
    trace.events.push_back(std::move(ev));
  }
  if (in.bad()) throw TraceError(source + ": read error");
  return trace;
}

Trace load_trace(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(path + ": cannot open trace file");
  return load_trace(in, path);
}

std::string_view request_method(std::string_view first_line) {
  if (first_line.starts_with("SIP/")) return {};
  auto sp = first_line.find(' ');
  return first_line.substr(0, sp);
}

int response_code(std::string_view first_line) {
  if (!first_line.starts_with("SIP/")) return 0;
  auto sp = first_line.find(' ');
  if (sp == std::string_view::npos || first_line.size() < sp + 4) return 0;
  int code = 0;
  for (std::size_t i = sp + 1; i < sp + 4; ++i) {
    char c = first_line[i];
    if (c < '0' || c > '9') return 0;
    code = code * 10 + (c - '0');
  }
  return code;
}

std::string_view response_status(std::string_view first_line) {
  if (!first_line.starts_with("SIP/")) return {};
  auto sp = first_line.find(' ');
  return sp == std::string_view::npos ? std::string_view{} : first_line.substr(sp + 1);
}

std::string_view cseq_method(std::string_view cseq) {
  auto sp = cseq.find_last_of(" \t");
  return sp == std::string_view::npos ? std::string_view{} : cseq.substr(sp + 1);
}

std::string_view endpoint_host(std::string_view endpoint) {
  if (endpoint.starts_with("[")) {
    auto close = endpoint.find(']');
    return close == std::string_view::npos ? endpoint.substr(1) : endpoint.substr(1, close - 1);
  }
  // A single colon separates IPv4/host from port; several colons is a bare IPv6.
  auto first = endpoint.find(':');
  if (first != std::string_view::npos && endpoint.find(':', first + 1) == std::string_view::npos)
    return endpoint.substr(0, first);
  return endpoint;
}

}  // namespace siplab::report
