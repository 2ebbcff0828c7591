// expect: what must hold after the run (checked by the runner).
#include <cctype>
#include <fmt/format.h>

#include "sim/scenario/sections.h"

namespace siplab::scenario {
namespace {

// A sequence entry: a request method (RFC 3261 §25.1 token, written in
// capitals as every method is) or a status code 100-699.
bool valid_message_token(std::string_view t) {
  if (t.size() == 3 && t[0] >= '1' && t[0] <= '6' && std::isdigit(static_cast<unsigned char>(t[1])) &&
      std::isdigit(static_cast<unsigned char>(t[2])))
    return true;
  if (t.empty()) return false;
  for (char ch : t)
    if (ch < 'A' || ch > 'Z') return false;
  return true;
}

std::optional<std::vector<std::string>> read_tokens(LoadContext& c, const YAML::Node& v, std::string_view what) {
  YamlReader& r = c.reader;
  if (!r.expect_list(v, fmt::format("{} (a list of methods and status codes, e.g. [INVITE, \"180\"])", what)))
    return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (const auto& t : v) {
    auto s = r.text(t, fmt::format("entry of {}", what));
    if (s && !valid_message_token(*s)) {
      r.error(t, fmt::format("entry of {}: expected a method in capitals (INVITE) or a status code 100-699; got '{}'",
                             what, *s));
      s.reset();
    }
    if (s)
      out.push_back(*s);
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

const CallAction* call_ref(LoadContext& c, const YAML::Node& v, std::string_view what) {
  int calls = 0;
  for (const auto& e : c.spec.events)
    if (std::holds_alternative<CallAction>(e.action)) ++calls;
  auto id = c.reader.integer(v, what, 1, 1'000'000);
  if (!id) return nullptr;
  if (const CallAction* call = c.spec.find_call(static_cast<int>(*id))) return call;
  if (*id <= static_cast<uint64_t>(c.call_events_in_file)) return nullptr;  // that call's own error is reported
  c.reader.error(v, fmt::format("{}: there is no call {} (the scenario has {} valid call event{}, numbered from 1 in "
                                "file order)",
                                what, *id, calls, calls == 1 ? "" : "s"));
  return nullptr;
}

std::optional<CallExpectation> read_call_expectation(LoadContext& c, const YAML::Node& v) {
  YamlReader& r = c.reader;
  r.check_keys(v, "call expectation",
               {"call", "established", "code", "setup_delay_max", "sequence", "seen_by", "only", "ignore"});
  const size_t errors_before = r.error_count();
  CallExpectation x;
  const CallAction* call = call_ref(c, v["call"], "call of expect");
  if (call) x.call = call->id;
  if (v["established"]) x.established = r.boolean(v["established"], "established");
  if (v["code"]) {
    if (auto code = r.integer(v["code"], "code of expect (the caller's final failure response)", 300, 699))
      x.code = static_cast<int>(*code);
    if (x.established.value_or(false))
      r.error(r.key_node(v, "code"), "code: a failure code needs established: false (or no established key)");
    x.established = false;
  }
  if (v["setup_delay_max"]) x.setup_delay_max = r.duration(v["setup_delay_max"], "setup_delay_max");
  if (v["sequence"]) {
    SequenceCheck seq;
    if (call) seq.seen_by = call->from_device;
    if (auto m = read_tokens(c, v["sequence"], "sequence")) seq.messages = std::move(*m);
    if (v["seen_by"])
      if (auto n = c.node_ref(v["seen_by"], "seen_by")) seq.seen_by = *n;
    if (v["only"] && v["ignore"]) r.error(r.key_node(v, "ignore"), "sequence: give only or ignore, not both");
    if (v["only"])
      if (auto m = read_tokens(c, v["only"], "only")) seq.only = std::move(*m);
    if (v["ignore"])
      if (auto m = read_tokens(c, v["ignore"], "ignore")) seq.ignore = std::move(*m);
    x.sequence = std::move(seq);
  } else {
    for (const char* k : {"seen_by", "only", "ignore"})
      if (v[k]) r.error(r.key_node(v, k), fmt::format("{}: expected only together with sequence", k));
  }
  if (!x.established && !x.setup_delay_max && !x.sequence)
    r.error(v, "call expectation checks nothing: expected established, code, setup_delay_max or sequence");
  if (r.error_count() != errors_before) return std::nullopt;
  return x;
}

std::optional<RegistrationExpectation> read_registration_expectation(LoadContext& c, const YAML::Node& v) {
  YamlReader& r = c.reader;
  r.check_keys(v, "registration expectation", {"registration", "devices", "delay_max"});
  const size_t errors_before = r.error_count();
  RegistrationExpectation x;
  const UserSpec* user = c.user_ref(v["registration"], "registration of expect");
  if (user) x.aor = user->aor;
  if (r.require(v, "devices", "registration expectation", "the number of bindings at stop"))
    if (auto n = r.integer(v["devices"], "devices of expect", 0, 1'000'000)) {
      x.devices = static_cast<uint32_t>(*n);
      if (user && !user->devices.empty() && x.devices > user->devices.size())
        r.error(v["devices"], fmt::format("devices: {} has only {} device{}, so {} bindings cannot happen", user->aor,
                                          user->devices.size(), user->devices.size() == 1 ? "" : "s", x.devices));
    }
  if (v["delay_max"]) x.delay_max = r.duration(v["delay_max"], "delay_max");
  if (r.error_count() != errors_before) return std::nullopt;
  return x;
}

std::optional<RetransmissionExpectation> read_retransmission_expectation(LoadContext& c, const YAML::Node& entry) {
  YamlReader& r = c.reader;
  r.check_keys(entry, "retransmissions expectation", {"retransmissions"});
  const YAML::Node v = entry["retransmissions"];
  if (!r.expect_map(v, "retransmissions {method, response, call, node, min, max}")) return std::nullopt;
  r.check_keys(v, "retransmissions", {"method", "response", "call", "node", "min", "max"});
  const size_t errors_before = r.error_count();
  RetransmissionExpectation x;
  if (v["method"] && v["response"]) r.error(r.key_node(v, "response"), "retransmissions: give method or response, not both");
  if (v["method"])
    if (auto m = r.text(v["method"], "method of retransmissions")) {
      if (!valid_message_token(*m) || std::isdigit(static_cast<unsigned char>(m->front())))
        r.error(v["method"], fmt::format("method of retransmissions: expected a method in capitals such as INVITE; "
                                         "got '{}'",
                                         *m));
      x.method = *m;
    }
  if (v["response"])
    if (auto code = r.integer(v["response"], "response of retransmissions", 100, 699))
      x.response = static_cast<int>(*code);
  if (v["call"])
    if (const CallAction* call = call_ref(c, v["call"], "call of retransmissions")) x.call = call->id;
  if (v["node"]) x.node = c.node_ref(v["node"], "node of retransmissions");
  if (v["min"])
    if (auto n = r.integer(v["min"], "min of retransmissions", 0, 1'000'000)) x.min = static_cast<uint32_t>(*n);
  if (v["max"])
    if (auto n = r.integer(v["max"], "max of retransmissions", 0, 1'000'000)) x.max = static_cast<uint32_t>(*n);
  if (!v["min"] && !v["max"]) r.error(v, "retransmissions: expected min, max or both");
  if (x.max && x.min > *x.max)
    r.error(v["max"], fmt::format("retransmissions: min ({}) is greater than max ({})", x.min, *x.max));
  if (r.error_count() != errors_before) return std::nullopt;
  return x;
}

std::string flow_text(const YAML::Node& n) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << n;
  return out.c_str();
}

}  // namespace

void read_expectations(LoadContext& c, const YAML::Node& expect) {
  YamlReader& r = c.reader;
  if (!r.expect_list(expect, "expect (a list of checks)")) return;
  for (const auto& e : expect) {
    if (!r.expect_map(e, "an expectation {call: N, ...} | {registration: AOR, ...} | {retransmissions: {...}}"))
      continue;
    const int kinds = (e["call"] ? 1 : 0) + (e["registration"] ? 1 : 0) + (e["retransmissions"] ? 1 : 0);
    if (kinds != 1) {
      r.error(e, fmt::format("expectation: expected exactly one of call, registration, retransmissions; got {}", kinds));
      continue;
    }
    Expectation x;
    x.source_line = r.line_of(e);
    x.source_text = flow_text(e);
    if (e["retransmissions"]) {
      if (auto check = read_retransmission_expectation(c, e)) x.check = std::move(*check);
      else continue;
    } else if (e["registration"]) {
      if (auto check = read_registration_expectation(c, e)) x.check = std::move(*check);
      else continue;
    } else {
      if (auto check = read_call_expectation(c, e)) x.check = std::move(*check);
      else continue;
    }
    c.spec.expectations.push_back(std::move(x));
  }
}

}  // namespace siplab::scenario
