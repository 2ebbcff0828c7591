// RFC 6076 metrics from a trace.  The RFC measures at the originating UA
// (its figures put "UA1" on the left and every timestamp there), so every
// time below is an event at the originating node, except SDD, which the RFC
// measures at whichever UA sends the BYE (§4.4).
#include "sim/report/rfc6076_metrics.h"

#include <algorithm>
#include <map>
#include <set>

#include "sim/report/summary_stats.h"

namespace siplab::report {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// "z9hG4bK.../INVITE/client" -> branch part.
std::string_view txn_branch(std::string_view txn) { return txn.substr(0, txn.find('/')); }

// The AOR in the To header of a REGISTER ("<sip:ivan@domain.ru>" -> "sip:ivan@domain.ru").
std::string to_uri(const std::string& msg) {
  std::size_t pos = 0;
  while (pos < msg.size()) {
    std::size_t eol = msg.find('\n', pos);
    std::string_view line(msg.data() + pos, (eol == std::string::npos ? msg.size() : eol) - pos);
    if (line.empty() || line == "\r") break;  // end of headers
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string name(line.substr(0, colon));
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      if (name == "to" || name == "t") {  // "t" is To's compact form (RFC 3261 §7.3.3)
        std::string_view v = line.substr(colon + 1);
        auto lt = v.find('<'), gt = v.find('>');
        if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt)
          return std::string(v.substr(lt + 1, gt - lt - 1));
        auto start = v.find_first_not_of(" \t");
        auto end = v.find_first_of(";\r");
        if (start == std::string_view::npos) return {};
        return std::string(v.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
      }
    }
    if (eol == std::string::npos) break;
    pos = eol + 1;
  }
  return {};
}

double ms(Duration d) { return static_cast<double>(d.count()) / 1e6; }
double sec(Duration d) { return static_cast<double>(d.count()) / 1e9; }

nlohmann::ordered_json ratio(std::size_t numerator, std::size_t denominator) {
  nlohmann::ordered_json j;
  j["numerator"] = numerator;
  j["denominator"] = denominator;
  // Undefined (null) when nothing qualifies for the denominator.
  j["percent"] = denominator == 0 ? nlohmann::ordered_json(nullptr)
                                  : nlohmann::ordered_json(100.0 * static_cast<double>(numerator) /
                                                           static_cast<double>(denominator));
  return j;
}

}  // namespace

std::string RegistrationAttempt::outcome() const {
  if (timed_out) return "timeout";
  if (final_code >= 200 && final_code < 300) return "registered";
  if (final_code == 401 || final_code == 407) return "challenged";  // gave up after a challenge
  if (final_code >= 300 && final_code < 400) return "redirected";
  if (final_code >= 400) return "failed";
  return "incomplete";
}

bool RegistrationAttempt::ineffective() const {
  // RFC 6076 §4.2: "a final failure response ... 4XX (excluding 401, 402,
  // and 407 non-failure challenge response codes), 5XX, or possible 6XX",
  // or the REGISTER timing out at the originating UA.
  if (timed_out) return true;
  if (final_code == 401 || final_code == 402 || final_code == 407) return false;
  return final_code >= 400;
}

std::string SessionAttempt::outcome() const {
  if (answered) return "established";
  if (timed_out) return "timeout";
  if (final_code == 401 || final_code == 407) return "challenged";
  if (final_code >= 300) return "failed";
  return "incomplete";
}

bool SessionAttempt::effective() const {
  // RFC 6076 §4.7: INVITEs answered with 200, 480, 486, 600 or 603 - the
  // called user was reached, whatever the user decided.
  if (answered) return true;
  return final_code == 480 || final_code == 486 || final_code == 600 || final_code == 603;
}

bool SessionAttempt::ineffective() const {
  // RFC 6076 §4.8: a failure attributable to the network, not the user:
  // 408, 500, 503, 504, or no final response before Timer B.
  if (answered) return false;
  if (timed_out) return true;
  return final_code == 408 || final_code == 500 || final_code == 503 || final_code == 504;
}

bool SessionAttempt::completed() const {
  // RFC 6076 §4.9: established, then torn down by a BYE that completed
  // (a 2xx to the BYE); a session whose BYE went unanswered did not complete.
  return answered && bye_completed.has_value();
}

Rfc6076Analysis analyze_rfc6076(const Trace& trace) {
  Rfc6076Analysis out;
  std::map<std::pair<std::string, std::string>, std::size_t> open_reg;      // (node, call-id)
  std::map<std::pair<std::string, std::string>, std::size_t> session_of;    // (node, call-id)
  std::map<std::string, std::size_t> session_by_call_id;                    // first originator
  std::set<std::pair<std::string, std::string>> invite_received;            // (node, call-id)

  for (const TraceEvent& ev : trace.events) {
    if (ev.kind == EventKind::SipRecv && request_method(ev.first_line) == "INVITE")
      invite_received.insert({ev.node, ev.call_id});

    if (ev.kind == EventKind::SipSend && !ev.retransmit) {
      std::string_view method = request_method(ev.first_line);
      if (method == "REGISTER") {
        auto key = std::make_pair(ev.node, ev.call_id);
        auto it = open_reg.find(key);
        if (it == open_reg.end()) {
          RegistrationAttempt a;
          a.node = ev.node;
          a.call_id = ev.call_id;
          a.aor = to_uri(ev.msg);
          a.start = ev.t;
          open_reg[key] = out.registrations.size();
          out.registrations.push_back(std::move(a));
          it = open_reg.find(key);
        }
        RegistrationAttempt& a = out.registrations[it->second];
        if (!contains(a.branches, ev.branch)) a.branches.push_back(ev.branch);
      } else if (method == "INVITE" && ev.to_tag.empty() && !invite_received.count({ev.node, ev.call_id})) {
        auto key = std::make_pair(ev.node, ev.call_id);
        auto it = session_of.find(key);
        if (it == session_of.end()) {
          SessionAttempt s;
          s.node = ev.node;
          s.call_id = ev.call_id;
          s.start = ev.t;
          session_of[key] = out.sessions.size();
          session_by_call_id.emplace(ev.call_id, out.sessions.size());
          out.sessions.push_back(std::move(s));
          it = session_of.find(key);
        }
        SessionAttempt& s = out.sessions[it->second];
        if (!contains(s.branches, ev.branch)) s.branches.push_back(ev.branch);
      } else if (method == "BYE") {
        auto it = session_by_call_id.find(ev.call_id);
        if (it != session_by_call_id.end()) {
          SessionAttempt& s = out.sessions[it->second];
          if (!s.bye_sent) {
            s.bye_sent = ev.t;
            s.bye_sender = ev.node;
            s.bye_branch = ev.branch;
          }
          if (ev.node == s.node && !s.bye_at_originator) s.bye_at_originator = ev.t;
        }
      }
    }

    if (ev.kind == EventKind::SipRecv) {
      int code = response_code(ev.first_line);
      std::string_view method = code ? cseq_method(ev.cseq) : request_method(ev.first_line);
      if (code && method == "REGISTER") {
        auto it = open_reg.find({ev.node, ev.call_id});
        if (it != open_reg.end()) {
          RegistrationAttempt& a = out.registrations[it->second];
          if (contains(a.branches, ev.branch) && code >= 200) {
            a.final_code = code;
            a.end = ev.t;
            if (code == 401 || code == 407) {
              ++a.challenges;  // the attempt goes on with credentials
            } else {
              a.open = false;
              open_reg.erase(it);
            }
          }
        }
      } else if (code && method == "INVITE") {
        auto it = session_of.find({ev.node, ev.call_id});
        if (it != session_of.end()) {
          SessionAttempt& s = out.sessions[it->second];
          if (contains(s.branches, ev.branch)) {
            if (code > 100 && code < 200 && !s.first_provisional) s.first_provisional = ev.t;
            if (code >= 200 && code < 300 && !s.answered) {
              s.answered = ev.t;
              s.final_code = code;
              s.final_at = ev.t;
            } else if (code >= 300 && !s.answered) {
              s.final_code = code;
              s.final_at = ev.t;
            }
          }
        }
      } else if (code && method == "BYE") {
        auto it = session_by_call_id.find(ev.call_id);
        if (it != session_by_call_id.end()) {
          SessionAttempt& s = out.sessions[it->second];
          if (ev.node == s.bye_sender && ev.branch == s.bye_branch && code >= 200 && code < 300 &&
              !s.bye_completed)
            s.bye_completed = ev.t;
        }
      } else if (!code && method == "BYE") {
        auto it = session_by_call_id.find(ev.call_id);
        if (it != session_by_call_id.end()) {
          SessionAttempt& s = out.sessions[it->second];
          if (ev.node == s.node && !s.bye_at_originator) s.bye_at_originator = ev.t;
        }
      }
    }

    if (ev.kind == EventKind::TimerFire) {
      std::string branch(txn_branch(ev.txn));
      if (ev.timer == "F") {
        auto it = std::find_if(open_reg.begin(), open_reg.end(), [&](const auto& kv) {
          return kv.first.first == ev.node && contains(out.registrations[kv.second].branches, branch);
        });
        if (it != open_reg.end()) {
          RegistrationAttempt& a = out.registrations[it->second];
          a.timed_out = true;
          a.open = false;
          a.end = ev.t;
          open_reg.erase(it);
        }
        for (auto& s : out.sessions)
          if (s.bye_sender == ev.node && s.bye_branch == branch && !s.bye_completed) s.bye_timed_out = true;
      } else if (ev.timer == "B") {
        for (auto& s : out.sessions)
          if (s.node == ev.node && contains(s.branches, branch) && !s.answered && !s.final_code) {
            s.timed_out = true;
            s.final_at = ev.t;
          }
      }
    }
  }

  // Scenario call numbers: the k-th "started" call.event at a node is the
  // first session that node originates at or after that instant.
  std::vector<bool> numbered(out.sessions.size(), false);
  for (const TraceEvent& ev : trace.events) {
    if (ev.kind != EventKind::CallEvent || ev.call_event != "started") continue;
    for (std::size_t i = 0; i < out.sessions.size(); ++i) {
      if (!numbered[i] && out.sessions[i].node == ev.node && out.sessions[i].start >= ev.t) {
        out.sessions[i].call = ev.call;
        numbered[i] = true;
        break;
      }
    }
  }
  for (auto& a : out.registrations) a.open = a.open && !a.end.has_value();
  return out;
}

nlohmann::ordered_json rfc6076_json(const Rfc6076Analysis& analysis) {
  using J = nlohmann::ordered_json;
  J out;
  J regs = J::array();
  std::vector<double> rrd;
  std::size_t ira = 0;
  for (const auto& a : analysis.registrations) {
    J r;
    r["node"] = a.node;
    r["aor"] = a.aor;
    r["call_id"] = a.call_id;
    r["start_s"] = sec(a.start);
    r["outcome"] = a.outcome();
    r["final_code"] = a.final_code;
    r["challenges"] = a.challenges;
    // §4.1: RRD only for successful registrations, first REGISTER to 2xx.
    if (a.outcome() == "registered") {
      r["rrd_ms"] = ms(*a.end - a.start);
      rrd.push_back(ms(*a.end - a.start));
    } else {
      r["rrd_ms"] = nullptr;
    }
    r["ineffective"] = a.ineffective();
    if (a.ineffective()) ++ira;
    regs.push_back(std::move(r));
  }

  J sessions = J::array();
  std::vector<double> srd_prov, srd_2xx, srd_fail, sdd, sdt;
  std::size_t established = 0, effective = 0, redirected = 0, ineffective = 0, completed = 0;
  for (const auto& s : analysis.sessions) {
    J j;
    j["call"] = s.call;
    j["node"] = s.node;
    j["call_id"] = s.call_id;
    j["start_s"] = sec(s.start);
    j["outcome"] = s.outcome();
    j["final_code"] = s.final_code;
    auto opt_ms = [&](const std::optional<Instant>& end, Instant begin, std::vector<double>* sink) {
      if (!end) return J(nullptr);
      double v = ms(*end - begin);
      if (sink) sink->push_back(v);
      return J(v);
    };
    // §4.3.1 successful setup: to the first non-100 provisional and to the 2xx.
    j["srd_first_provisional_ms"] = opt_ms(s.first_provisional, s.start, &srd_prov);
    j["srd_final_2xx_ms"] = opt_ms(s.answered, s.start, &srd_2xx);
    // §4.3.2 failed setup: to the failure response.
    j["srd_failure_ms"] =
        !s.answered && s.final_code >= 300 ? opt_ms(s.final_at, s.start, &srd_fail) : J(nullptr);
    // §4.4: BYE to its 2xx (or to the timeout) at the UA that sent the BYE.
    if (s.bye_sent && (s.bye_completed || s.bye_timed_out)) {
      J v = s.bye_completed ? J(ms(*s.bye_completed - *s.bye_sent)) : J(nullptr);
      j["sdd_ms"] = v;
      if (s.bye_completed) sdd.push_back(ms(*s.bye_completed - *s.bye_sent));
    } else {
      j["sdd_ms"] = nullptr;
    }
    j["bye_sender"] = s.bye_sender;
    // §4.5: 2xx to the INVITE until the BYE, at the originating UA.
    if (s.answered && s.bye_at_originator) {
      j["sdt_s"] = sec(*s.bye_at_originator - *s.answered);
      sdt.push_back(sec(*s.bye_at_originator - *s.answered));
    } else {
      j["sdt_s"] = nullptr;
    }
    j["effective"] = s.effective();
    j["ineffective"] = s.ineffective();
    j["completed"] = s.completed();
    if (s.established()) ++established;
    if (s.effective()) ++effective;
    if (s.redirected()) ++redirected;
    if (s.ineffective()) ++ineffective;
    if (s.completed()) ++completed;
    sessions.push_back(std::move(j));
  }

  const std::size_t regs_total = analysis.registrations.size();
  const std::size_t total = analysis.sessions.size();
  J agg;
  agg["registration_attempts"] = regs_total;
  agg["rrd_ms"] = summarize(rrd);                                // §4.1
  agg["ira"] = ratio(ira, regs_total);                           // §4.2
  agg["session_attempts"] = total;
  agg["srd_first_provisional_ms"] = summarize(srd_prov);        // §4.3.1
  agg["srd_final_2xx_ms"] = summarize(srd_2xx);                 // §4.3.1
  agg["srd_failure_ms"] = summarize(srd_fail);                  // §4.3.2
  agg["sdd_ms"] = summarize(sdd);                                // §4.4
  agg["sdt_s"] = summarize(sdt);                                 // §4.5
  agg["ser"] = ratio(established, total - redirected);           // §4.6
  agg["seer"] = ratio(effective, total - redirected);            // §4.7
  agg["isa"] = ratio(ineffective, total);                        // §4.8
  agg["scr"] = ratio(completed, total);                          // §4.9

  out["registrations"] = std::move(regs);
  out["sessions"] = std::move(sessions);
  out["aggregate"] = std::move(agg);
  return out;
}

}  // namespace siplab::report
