// Trace -> Ladder: pairs every send with its receive or drop, turns DNS
// query/serve/answer into arrows, orders by send time (ties keep trace order),
// then applies the user's filters and keeps only the columns still in use.
#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <tuple>

#include "sim/report/ladder.h"

namespace siplab::report {
namespace {

struct Pending {
  Arrow arrow;
  std::size_t order = 0;  // trace line of the sending event: stable tie-break
};

class ColumnIndex {
 public:
  explicit ColumnIndex(const Trace& trace) : trace_(trace) {}

  std::size_t for_node(const std::string& name) {
    auto it = ids_.find(name);
    if (it != ids_.end()) return it->second;
    const NodeInfo* info = trace_.node_by_name(name);
    Column c{name, info ? info->label : name};
    ids_.emplace(name, columns_.size());
    columns_.push_back(std::move(c));
    is_dns_.push_back(info && std::find(info->roles.begin(), info->roles.end(), "dns") != info->roles.end());
    known_.push_back(info != nullptr);
    return columns_.size() - 1;
  }
  // The node owning the endpoint's address, or a column named after the address.
  std::size_t for_endpoint(const std::string& endpoint) {
    if (const NodeInfo* n = trace_.node_by_address(endpoint)) return for_node(n->name);
    return for_node(std::string(endpoint_host(endpoint)));
  }

  // Column order: SIP entities in node.info order, then addresses no node
  // owns (first seen first), then DNS servers on the right.
  std::vector<std::size_t> display_order(const std::vector<bool>& used) const {
    std::vector<std::size_t> order;
    auto node_rank = [&](std::size_t id) {
      for (std::size_t i = 0; i < trace_.nodes.size(); ++i)
        if (trace_.nodes[i].name == columns_[id].node) return i;
      return trace_.nodes.size();
    };
    for (int group = 0; group < 3; ++group) {
      std::vector<std::size_t> ids;
      for (std::size_t id = 0; id < columns_.size(); ++id) {
        if (!used[id]) continue;
        int g = is_dns_[id] ? 2 : (known_[id] ? 0 : 1);
        if (g == group) ids.push_back(id);
      }
      if (group != 1)
        std::stable_sort(ids.begin(), ids.end(),
                         [&](std::size_t a, std::size_t b) { return node_rank(a) < node_rank(b); });
      order.insert(order.end(), ids.begin(), ids.end());
    }
    return order;
  }

  const std::vector<Column>& columns() const { return columns_; }

 private:
  const Trace& trace_;
  std::map<std::string, std::size_t> ids_;
  std::vector<Column> columns_;
  std::vector<bool> is_dns_;
  std::vector<bool> known_;
};

using SipKey = std::tuple<std::string, std::string, std::string, std::string, std::string, int64_t>;
SipKey sip_key(const TraceEvent& ev) {
  return {ev.src, ev.dst, ev.branch, ev.cseq, ev.first_line, ev.bytes};
}
using DnsKey = std::tuple<std::string, std::string, int64_t>;  // client, server, id

std::string sip_label(const TraceEvent& ev) {
  std::string_view m = request_method(ev.first_line);
  if (!m.empty()) return std::string(m);
  return std::string(response_status(ev.first_line));
}

// The arrow of one SIP message event, drawn from `from` to `to` at the
// event's time (its receive or drop side fills in later).
Pending sip_pending(const TraceEvent& ev, std::size_t from, std::size_t to) {
  Pending p;
  p.order = ev.line;
  Arrow& a = p.arrow;
  a.kind = request_method(ev.first_line).empty() ? ArrowKind::SipResponse : ArrowKind::SipRequest;
  a.sent = ev.t;
  a.from_column = from;
  a.to_column = to;
  a.label = sip_label(ev);
  a.call_id = ev.call_id;
  a.branch = ev.branch;
  a.from_tag = ev.from_tag;
  a.to_tag = ev.to_tag;
  a.detail = ev.msg;
  a.trace_line = ev.line;
  return p;
}

// Where along the arrow the cross goes: at the device that dropped it.
double loss_position(const TraceEvent& drop, const std::string& sender, const std::string& receiver) {
  if (drop.node == receiver) return 0.85;
  if (drop.node == sender) return 0.15;
  return 0.5;  // a router in between
}

bool in_dialog(const Arrow& a, const std::string& call_id, const std::string& tag1,
               const std::string& tag2, const std::vector<std::string>& branches) {
  if (a.call_id != call_id) return false;
  if ((a.from_tag == tag1 && a.to_tag == tag2) || (a.from_tag == tag2 && a.to_tag == tag1)) return true;
  // Before the remote tag exists (initial INVITE, 100 Trying, CANCEL) the
  // message belongs to the dialog when its hop's branch produced a response
  // carrying the dialog's tags.
  if (a.to_tag.empty() && (a.from_tag == tag1 || a.from_tag == tag2))
    return std::find(branches.begin(), branches.end(), a.branch) != branches.end();
  return false;
}

}  // namespace

std::optional<LadderFormat> parse_ladder_format(std::string_view name) {
  if (name == "ascii") return LadderFormat::Ascii;
  if (name == "svg") return LadderFormat::Svg;
  if (name == "mermaid") return LadderFormat::Mermaid;
  if (name == "plantuml") return LadderFormat::PlantUml;
  if (name == "html") return LadderFormat::Html;
  return std::nullopt;
}

std::string format_ms(Instant t) {
  // Integer arithmetic: no floating-point rounding in golden files.
  int64_t us = (t.count() + 500) / 1000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(us / 1000),
                static_cast<long long>(us % 1000));
  return buf;
}

std::string format_delta_ms(Duration d) { return "+" + format_ms(d); }

Ladder build_ladder(const Trace& trace, const LadderOptions& options) {
  ColumnIndex cols(trace);
  std::vector<Pending> all;
  std::map<SipKey, std::deque<std::size_t>> in_flight;
  std::map<DnsKey, std::size_t> dns_queries;  // unanswered query arrows
  std::map<DnsKey, std::pair<Instant, std::size_t>> dns_served;  // serve time, line

  for (const TraceEvent& ev : trace.events) {
    switch (ev.kind) {
      case EventKind::SipSend: {
        // Columns are numbered on first sight: sender before receiver.
        const std::size_t from = cols.for_node(ev.node);
        Pending p = sip_pending(ev, from, cols.for_endpoint(ev.dst));
        p.arrow.retransmit = ev.retransmit;
        in_flight[sip_key(ev)].push_back(all.size());
        all.push_back(std::move(p));
        break;
      }
      case EventKind::SipRecv:
      case EventKind::SipDrop: {
        auto it = in_flight.find(sip_key(ev));
        const bool network_loss = ev.cause == "link-loss" || ev.cause == "queue";
        if (ev.kind == EventKind::SipDrop && network_loss && ev.transport != "UDP") {
          // A lost TCP segment is not a lost SIP message: TCP sends it
          // again, and the message arrives later (or its connection fails).
          // The arrow stays in flight and notes the loss; a segment lost
          // after the message was delivered (a resend of an unacknowledged
          // segment) is not drawn.
          if (it != in_flight.end() && !it->second.empty()) {
            Arrow& a = all[it->second.front()].arrow;
            a.detail += "\n" + ev.transport + " segment lost at " + ev.node + " (" + ev.cause + ") at " +
                        format_ms(ev.t) + " ms; " + ev.transport + " resends it";
          }
          break;
        }
        std::size_t idx;
        if (it != in_flight.end() && !it->second.empty()) {
          idx = it->second.front();
          it->second.pop_front();
        } else {
          // No matching send (e.g. a drop before the sender's send event, or a
          // trace cut short): draw it from the source address at this time.
          const std::size_t from = cols.for_endpoint(ev.src);
          idx = all.size();
          all.push_back(sip_pending(ev, from, cols.for_endpoint(ev.dst)));
        }
        Arrow& a = all[idx].arrow;
        if (ev.kind == EventKind::SipRecv) {
          a.received = ev.t;
        } else {
          a.lost = true;
          a.loss_cause = ev.cause;
          a.loss_at = loss_position(ev, cols.columns()[a.from_column].node, cols.columns()[a.to_column].node);
        }
        break;
      }
      case EventKind::DnsQuery: {
        Pending p;
        p.order = ev.line;
        Arrow& a = p.arrow;
        a.kind = ArrowKind::DnsQuery;
        a.sent = ev.t;
        a.from_column = cols.for_node(ev.node);
        a.to_column = cols.for_endpoint(ev.dst);
        a.label = ev.type + "? " + ev.name;
        if (ev.attempt > 1) a.retransmit = true;
        a.detail = "DNS query id " + std::to_string(ev.id) + ": " + ev.name + " " + ev.type +
                   " (attempt " + std::to_string(ev.attempt) + ")\nfrom " + ev.src + " to " + ev.dst;
        a.trace_line = ev.line;
        dns_queries[{ev.src, ev.dst, ev.id}] = all.size();
        all.push_back(std::move(p));
        break;
      }
      case EventKind::DnsServe: {
        DnsKey key{ev.src, ev.dst, ev.id};
        dns_served[key] = {ev.t, ev.line};
        auto q = dns_queries.find(key);
        if (q != dns_queries.end()) all[q->second].arrow.received = ev.t;
        break;
      }
      case EventKind::DnsAnswer: {
        DnsKey key{ev.dst, ev.src, ev.id};  // the answer flows server -> client
        Pending p;
        Arrow& a = p.arrow;
        a.kind = ArrowKind::DnsAnswer;
        auto served = dns_served.find(key);
        a.sent = served != dns_served.end() ? served->second.first : ev.t;
        p.order = served != dns_served.end() ? served->second.second : ev.line;
        a.received = ev.t;
        a.from_column = cols.for_endpoint(ev.src);
        a.to_column = cols.for_node(ev.node);
        a.label = ev.type + " " + ev.name + ": ";
        if (ev.rcode != "NOERROR")
          a.label += ev.rcode;
        else
          a.label += std::to_string(ev.answers.size()) + (ev.answers.size() == 1 ? " answer" : " answers");
        a.detail = "DNS answer id " + std::to_string(ev.id) + ": " + ev.name + " " + ev.type + " " + ev.rcode;
        for (const auto& rr : ev.answers) a.detail += "\n" + rr;
        a.trace_line = ev.line;
        dns_queries.erase(key);
        all.push_back(std::move(p));
        break;
      }
      case EventKind::DnsTimeout: {
        // The unanswered query to this server for this name/type is the lost one.
        for (auto it = dns_queries.begin(); it != dns_queries.end(); ++it) {
          Arrow& q = all[it->second].arrow;
          if (endpoint_host(std::get<1>(it->first)) == endpoint_host(ev.server) &&
              q.label == ev.type + "? " + ev.name &&
              cols.columns()[q.from_column].node == ev.node) {
            q.lost = true;
            q.loss_cause = "timeout";
            q.loss_at = 0.5;
            dns_queries.erase(it);
            break;
          }
        }
        break;
      }
      default:
        break;
    }
  }

  std::stable_sort(all.begin(), all.end(), [](const Pending& a, const Pending& b) {
    return std::tie(a.arrow.sent, a.order) < std::tie(b.arrow.sent, b.order);
  });

  // Dialog filter: "call-id;tag;tag" (either tag may be ours).
  std::string d_call, d_tag1, d_tag2;
  std::vector<std::string> d_branches;
  if (!options.dialog.empty()) {
    auto s1 = options.dialog.find(';');
    auto s2 = s1 == std::string::npos ? std::string::npos : options.dialog.find(';', s1 + 1);
    d_call = options.dialog.substr(0, s1);
    if (s2 != std::string::npos) {
      d_tag1 = options.dialog.substr(s1 + 1, s2 - s1 - 1);
      d_tag2 = options.dialog.substr(s2 + 1);
    }
    for (const auto& p : all) {
      const Arrow& a = p.arrow;
      if (a.kind == ArrowKind::SipResponse && a.call_id == d_call &&
          ((a.from_tag == d_tag1 && a.to_tag == d_tag2) || (a.from_tag == d_tag2 && a.to_tag == d_tag1)))
        d_branches.push_back(a.branch);
    }
  }

  Ladder ladder;
  std::vector<bool> used(cols.columns().size(), false);
  std::vector<Arrow> shown;
  for (auto& p : all) {
    Arrow& a = p.arrow;
    bool is_dns = a.kind == ArrowKind::DnsQuery || a.kind == ArrowKind::DnsAnswer;
    if (is_dns && (!options.show_dns || !options.call_id.empty() || !options.dialog.empty())) continue;
    if (!options.call_id.empty() && a.call_id != options.call_id) continue;
    if (!options.dialog.empty() && !in_dialog(a, d_call, d_tag1, d_tag2, d_branches)) continue;
    if (options.from && a.sent < *options.from) continue;
    if (options.to && a.sent > *options.to) continue;
    used[a.from_column] = used[a.to_column] = true;
    shown.push_back(std::move(a));
  }
  std::vector<std::size_t> order = cols.display_order(used);
  std::vector<std::size_t> remap(cols.columns().size(), 0);
  for (std::size_t i = 0; i < order.size(); ++i) {
    remap[order[i]] = i;
    ladder.columns.push_back(cols.columns()[order[i]]);
  }
  for (auto& a : shown) {
    a.from_column = remap[a.from_column];
    a.to_column = remap[a.to_column];
  }
  ladder.arrows = std::move(shown);
  return ladder;
}

std::string render_ladder(const Trace& trace, const LadderOptions& options) {
  Ladder ladder = build_ladder(trace, options);
  switch (options.format) {
    case LadderFormat::Ascii: return render_ascii(ladder);
    case LadderFormat::Mermaid: return render_mermaid(ladder);
    case LadderFormat::PlantUml: return render_plantuml(ladder);
    case LadderFormat::Svg: return render_svg(ladder);
    case LadderFormat::Html: return render_html(ladder, trace.source);
  }
  return {};
}

}  // namespace siplab::report
