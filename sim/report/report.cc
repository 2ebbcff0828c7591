// Assembles the report: RFC 6076 metrics, transaction figures, SIP message
// counts (the tshark cross-check compares these), DNS latency, link counters.
#include "sim/report/report.h"

#include <map>
#include <set>
#include <tuple>

#include "sim/report/rfc6076_metrics.h"
#include "sim/report/summary_stats.h"

namespace siplab::report {
namespace {

using J = nlohmann::ordered_json;

double ms(Duration d) { return static_cast<double>(d.count()) / 1e6; }

struct MethodFigures {
  std::set<std::tuple<std::string, std::string>> transactions;  // (node, branch)
  int64_t requests_sent = 0, responses_sent = 0, retransmissions = 0, timeouts = 0, lost = 0;
};

// Per method: client transactions started (distinct node + branch for the
// method; a forwarding proxy starts its own), messages sent, retransmissions
// (requests and responses), timeouts (Timer B/F/H), messages dropped.
J transaction_figures(const Trace& trace) {
  std::map<std::string, MethodFigures> by_method;
  for (const TraceEvent& ev : trace.events) {
    if (ev.kind == EventKind::SipSend) {
      int code = response_code(ev.first_line);
      std::string method(code ? cseq_method(ev.cseq) : request_method(ev.first_line));
      MethodFigures& f = by_method[method];
      if (code) {
        ++f.responses_sent;
      } else {
        ++f.requests_sent;
        f.transactions.insert({ev.node, ev.branch});
      }
      if (ev.retransmit) ++f.retransmissions;
    } else if (ev.kind == EventKind::SipDrop) {
      int code = response_code(ev.first_line);
      ++by_method[std::string(code ? cseq_method(ev.cseq) : request_method(ev.first_line))].lost;
    } else if (ev.kind == EventKind::TimerFire && (ev.timer == "B" || ev.timer == "F" || ev.timer == "H")) {
      // RFC 3261 §17: B (INVITE client), F (non-INVITE client) and H (INVITE
      // server waiting for ACK) firing means the peer never answered.
      auto first = ev.txn.find('/');
      auto second = first == std::string::npos ? first : ev.txn.find('/', first + 1);
      if (first != std::string::npos)
        ++by_method[ev.txn.substr(first + 1, second == std::string::npos ? second : second - first - 1)]
              .timeouts;
    }
  }
  J out = J::object();
  for (const auto& [method, f] : by_method) {
    J j;
    j["transactions"] = f.transactions.size();
    j["requests_sent"] = f.requests_sent;
    j["responses_sent"] = f.responses_sent;
    j["retransmissions"] = f.retransmissions;
    j["timeouts"] = f.timeouts;
    j["lost"] = f.lost;
    out[method] = std::move(j);
  }
  return out;
}

// Every SIP message handed to the network (sip.send), retransmissions
// included: what a capture on the sending interfaces holds.
J sip_message_counts(const Trace& trace) {
  std::map<std::string, int64_t> requests;
  std::map<int, int64_t> responses;
  int64_t total = 0, resent = 0;
  for (const TraceEvent& ev : trace.events) {
    if (ev.kind != EventKind::SipSend) continue;
    ++total;
    if (ev.retransmit) ++resent;
    if (int code = response_code(ev.first_line))
      ++responses[code];
    else
      ++requests[std::string(request_method(ev.first_line))];
  }
  J out;
  out["total"] = total;
  out["retransmitted"] = resent;
  J req = J::object(), resp = J::object();
  for (const auto& [m, n] : requests) req[m] = n;
  for (const auto& [c, n] : responses) resp[std::to_string(c)] = n;
  out["requests"] = std::move(req);
  out["responses"] = std::move(resp);
  return out;
}

// DNS lookup latency: query sent -> answer received at the client, matched by
// (client address, server address, id).
J dns_figures(const Trace& trace) {
  std::map<std::tuple<std::string, std::string, int64_t>, Instant> pending;
  std::map<std::string, std::vector<double>> by_type;
  std::vector<double> all;
  std::map<std::string, int64_t> rcodes;
  int64_t queries = 0, timeouts = 0;
  J lookups = J::array();
  for (const TraceEvent& ev : trace.events) {
    if (ev.kind == EventKind::DnsQuery) {
      ++queries;
      pending[{ev.src, ev.dst, ev.id}] = ev.t;
    } else if (ev.kind == EventKind::DnsAnswer) {
      ++rcodes[ev.rcode];
      auto it = pending.find({ev.dst, ev.src, ev.id});
      if (it == pending.end()) continue;
      double latency = ms(ev.t - it->second);
      pending.erase(it);
      by_type[ev.type].push_back(latency);
      all.push_back(latency);
      J l;
      l["node"] = ev.node;
      l["name"] = ev.name;
      l["type"] = ev.type;
      l["rcode"] = ev.rcode;
      l["latency_ms"] = latency;
      lookups.push_back(std::move(l));
    } else if (ev.kind == EventKind::DnsTimeout) {
      ++timeouts;
    }
  }
  J out;
  out["queries"] = queries;
  out["answers"] = all.size();
  out["timeouts"] = timeouts;
  J rc = J::object();
  for (const auto& [r, n] : rcodes) rc[r] = n;
  out["rcodes"] = std::move(rc);
  out["latency_ms"] = summarize(all);
  J types = J::object();
  for (auto& [t, v] : by_type) types[t] = summarize(v);
  out["latency_ms_by_type"] = std::move(types);
  out["lookups"] = std::move(lookups);
  return out;
}

J link_figures(const Trace& trace) {
  J out = J::array();
  for (const TraceEvent& ev : trace.events) {
    if (ev.kind != EventKind::LinkStats) continue;
    J l;
    l["link"] = ev.link;
    l["from"] = ev.link_from;
    l["to"] = ev.link_to;
    l["sent"] = ev.sent;
    l["lost"] = ev.lost;
    l["queue_drops"] = ev.queue_drops;
    l["bytes"] = ev.bytes;
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace

J compute_report(const Trace& trace) {
  J out;
  out["source"] = trace.source;
  out["rfc6076"] = rfc6076_json(analyze_rfc6076(trace));
  out["transactions"] = transaction_figures(trace);
  out["sip_messages"] = sip_message_counts(trace);
  out["dns"] = dns_figures(trace);
  out["links"] = link_figures(trace);
  return out;
}

}  // namespace siplab::report
