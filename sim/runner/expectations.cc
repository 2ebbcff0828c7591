#include "sim/runner/expectations.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace siplab::runner {
namespace {

using report::EventKind;
using report::Trace;
using report::TraceEvent;

std::string seconds_text(Duration d) { return fmt::format("{:.3f}s", to_seconds(d)); }

// The caller's view of one scenario call, from the UA's call.event lines.
struct CallView {
  std::string caller_node;
  std::string call_id;
  bool established = false;
  std::optional<int> final_code;  // set by "failed"
};

std::map<int64_t, CallView> call_views(const Trace& trace) {
  std::map<int64_t, CallView> calls;
  for (const auto& e : trace.events) {
    if (e.kind != EventKind::CallEvent || e.call <= 0) continue;
    CallView& view = calls[e.call];
    if (e.call_event == "started") {
      view.caller_node = e.node;
      if (!e.call_id.empty()) view.call_id = e.call_id;
    }
    if (e.node != view.caller_node) continue;
    if (e.call_event == "established") view.established = true;
    if (e.call_event == "failed" && !view.final_code) view.final_code = static_cast<int>(e.code);
  }
  return calls;
}

// A label per message: requests by method, responses by code ("INVITE", "180").
std::string message_label(const TraceEvent& e) {
  std::string_view method = report::request_method(e.first_line);
  if (!method.empty()) return std::string(method);
  return std::to_string(report::response_code(e.first_line));
}

bool is_invite_response(const TraceEvent& e) {
  return report::response_code(e.first_line) > 0 && report::cseq_method(e.cseq) == "INVITE";
}

// RFC 6076 §4.3 Session Request Delay at the caller: the first INVITE sent →
// the first provisional (other than 100) or final response received.
std::optional<Duration> session_request_delay(const Trace& trace, const CallView& call) {
  std::optional<Instant> sent;
  for (const auto& e : trace.events) {
    if (e.node != call.caller_node || e.call_id != call.call_id) continue;
    if (e.kind == EventKind::SipSend && !sent && report::request_method(e.first_line) == "INVITE") sent = e.t;
    if (e.kind == EventKind::SipRecv && sent && is_invite_response(e) && report::response_code(e.first_line) != 100)
      return e.t - *sent;
  }
  return std::nullopt;
}

// Distinct messages a node sent or received for a Call-ID: a repeat of the
// same message in the same direction (a retransmission, sent or absorbed)
// counts once.
std::vector<std::string> message_sequence(const Trace& trace, const std::string& node, const std::string& call_id) {
  std::vector<std::string> out;
  std::set<std::tuple<int, std::string, std::string, std::string, std::string>> seen;
  for (const auto& e : trace.events) {
    if (e.node != node || e.call_id != call_id) continue;
    if (e.kind != EventKind::SipSend && e.kind != EventKind::SipRecv) continue;
    auto key = std::make_tuple(e.kind == EventKind::SipSend ? 0 : 1, e.first_line, e.cseq, e.branch, e.to_tag);
    if (!seen.insert(key).second) continue;
    out.push_back(message_label(e));
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

void check_call(const scenario::ScenarioSpec& spec, const Trace& trace, const scenario::CallExpectation& expect,
                ExpectationResult& result) {
  auto calls = call_views(trace);
  auto it = calls.find(expect.call);
  if (it == calls.end() || it->second.caller_node.empty()) {
    result.detail = fmt::format("call {} never started", expect.call);
    return;
  }
  const CallView& call = it->second;
  std::vector<std::string> problems;
  std::string outcome = call.established ? "established"
                        : call.final_code ? fmt::format("failed with {}", *call.final_code)
                                          : "no final outcome";
  if (expect.established && *expect.established != call.established)
    problems.push_back(fmt::format("established: expected {}, call {}", *expect.established ? "true" : "false", outcome));
  if (expect.code && (!call.final_code || *call.final_code != *expect.code))
    problems.push_back(fmt::format("final code: expected {}, call {}", *expect.code, outcome));
  if (expect.setup_delay_max) {
    auto delay = session_request_delay(trace, call);
    if (!delay)
      problems.push_back("setup delay: the caller never got a response other than 100");
    else if (*delay > *expect.setup_delay_max)
      problems.push_back(fmt::format("setup delay {} exceeds {}", seconds_text(*delay), seconds_text(*expect.setup_delay_max)));
  }
  if (expect.sequence) {
    const auto& seq = *expect.sequence;
    std::string node = seq.seen_by;
    if (node.empty()) node = call.caller_node;
    std::vector<std::string> seen;
    for (auto& label : message_sequence(trace, node, call.call_id)) {
      if (!seq.only.empty() && std::find(seq.only.begin(), seq.only.end(), label) == seq.only.end()) continue;
      if (std::find(seq.ignore.begin(), seq.ignore.end(), label) != seq.ignore.end()) continue;
      seen.push_back(label);
    }
    if (seen != seq.messages)
      problems.push_back(fmt::format("sequence at {}: expected {}, saw {}", node, join(seq.messages), join(seen)));
  }
  (void)spec;
  result.passed = problems.empty();
  result.detail = problems.empty() ? "call " + outcome : fmt::format("{}", fmt::join(problems, "; "));
}

void check_registration(const scenario::ScenarioSpec& spec, const Trace& trace,
                        const scenario::RegistrationExpectation& expect, ExpectationResult& result) {
  // Bindings at the end of the run, replayed from the registrars' events.
  std::map<std::string, bool> bindings;
  for (const auto& e : trace.events) {
    if (e.kind != EventKind::RegBinding || e.aor != expect.aor) continue;
    if (e.action == "added" || e.action == "refreshed")
      bindings[e.contact] = true;
    else if (e.action == "removed" || e.action == "expired")
      bindings.erase(e.contact);
  }
  std::vector<std::string> problems;
  if (bindings.size() != expect.devices)
    problems.push_back(fmt::format("{} binding(s) at the end, expected {}", bindings.size(), expect.devices));
  if (expect.delay_max) {
    // RFC 6076 §4.1 Registration Request Delay per device: first REGISTER
    // sent → the 2xx that completes it.
    const scenario::UserSpec* user = spec.find_user(expect.aor);
    for (const auto& device : user ? user->devices : std::vector<scenario::DeviceSpec>{}) {
      std::optional<Instant> sent;
      std::optional<Duration> delay;
      for (const auto& e : trace.events) {
        if (e.node != device.node) continue;
        if (e.kind == EventKind::SipSend && !sent && report::request_method(e.first_line) == "REGISTER") sent = e.t;
        if (e.kind == EventKind::SipRecv && sent && report::cseq_method(e.cseq) == "REGISTER") {
          int code = report::response_code(e.first_line);
          if (code >= 200 && code < 300) {
            delay = e.t - *sent;
            break;
          }
        }
      }
      if (!delay)
        problems.push_back(fmt::format("{} never completed a registration", device.node));
      else if (*delay > *expect.delay_max)
        problems.push_back(fmt::format("{} registration delay {} exceeds {}", device.node, seconds_text(*delay),
                                       seconds_text(*expect.delay_max)));
    }
  }
  result.passed = problems.empty();
  result.detail = problems.empty() ? fmt::format("{} binding(s)", bindings.size()) : fmt::format("{}", fmt::join(problems, "; "));
}

void check_retransmissions(const Trace& trace, const scenario::RetransmissionExpectation& expect,
                           ExpectationResult& result) {
  std::optional<std::string> call_id;
  if (expect.call) {
    auto calls = call_views(trace);
    auto it = calls.find(*expect.call);
    call_id = it == calls.end() ? std::string("<call never started>") : it->second.call_id;
  }
  uint32_t count = 0;
  for (const auto& e : trace.events) {
    if (e.kind != EventKind::SipSend || !e.retransmit) continue;
    if (expect.node && e.node != *expect.node) continue;
    if (call_id && e.call_id != *call_id) continue;
    if (expect.method && report::request_method(e.first_line) != *expect.method) continue;
    if (expect.response && report::response_code(e.first_line) != *expect.response) continue;
    ++count;
  }
  const bool ok = count >= expect.min && (!expect.max || count <= *expect.max);
  result.passed = ok;
  result.detail = expect.max ? fmt::format("{} retransmission(s), expected {}..{}", count, expect.min, *expect.max)
                             : fmt::format("{} retransmission(s), expected at least {}", count, expect.min);
}

}  // namespace

std::vector<ExpectationResult> check_expectations(const scenario::ScenarioSpec& spec, const Trace& trace) {
  std::vector<ExpectationResult> results;
  for (const auto& expectation : spec.expectations) {
    ExpectationResult result;
    result.source_line = expectation.source_line;
    result.entry = expectation.source_text;
    std::visit(
        [&](const auto& check) {
          using T = std::decay_t<decltype(check)>;
          if constexpr (std::is_same_v<T, scenario::CallExpectation>) check_call(spec, trace, check, result);
          if constexpr (std::is_same_v<T, scenario::RegistrationExpectation>)
            check_registration(spec, trace, check, result);
          if constexpr (std::is_same_v<T, scenario::RetransmissionExpectation>)
            check_retransmissions(trace, check, result);
        },
        expectation.check);
    results.push_back(std::move(result));
  }
  return results;
}

std::string format_failure(const scenario::ScenarioSpec& spec, const ExpectationResult& result) {
  return fmt::format("{}:{}: expectation failed: {} — {}", spec.source_file.string(), result.source_line, result.entry,
                     result.detail);
}

}  // namespace siplab::runner
