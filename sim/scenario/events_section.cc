// events: what happens when.  Also numbers calls (1, 2, … in file order),
// sorts by time and refuses overlapping events and events at or after stop.
#include <algorithm>
#include <array>
#include <map>

#include <fmt/format.h>

#include "sim/scenario/sections.h"

namespace siplab::scenario {
namespace {

constexpr std::array<std::string_view, 6> kActions = {"register", "unregister", "call",
                                                    "options",  "link_down",  "link_up"};

// register / unregister: an AOR, or {aor, device, expires}.
template <class ActionT>
std::optional<ActionT> read_registration(LoadContext& c, const YAML::Node& v, std::string_view what) {
  YamlReader& r = c.reader;
  ActionT action;
  YAML::Node aor_node = v;
  if (v.IsMap()) {
    if constexpr (std::is_same_v<ActionT, RegisterAction>)
      r.check_keys(v, what, {"aor", "device", "expires"});
    else
      r.check_keys(v, what, {"aor", "device"});
    if (!r.require(v, "aor", what, "the user's AOR")) return std::nullopt;
    aor_node.reset(v["aor"]);
  }
  const UserSpec* user = c.user_ref(aor_node, fmt::format("{} event", what));
  if (!user) return std::nullopt;
  action.aor = user->aor;
  if (v.IsMap()) {
    if (v["device"]) {
      auto device = c.device_ref(v["device"], *user, fmt::format("device of {}", what));
      if (!device) return std::nullopt;
      action.device = *device;
    }
    if constexpr (std::is_same_v<ActionT, RegisterAction>) {
      if (v["expires"]) {
        auto e = r.integer(v["expires"], "expires of register (seconds)", 1, 4294967295u);
        if (!e) return std::nullopt;
        action.expires = static_cast<uint32_t>(*e);
      }
    }
  }
  return action;
}

std::optional<CallAction> read_call(LoadContext& c, const YAML::Node& v) {
  YamlReader& r = c.reader;
  if (!r.expect_map(v, "a call {from, to, answer|reject|no_answer, hangup, cancel}")) return std::nullopt;
  r.check_keys(v, "call", {"from", "to", "from_device", "answer", "reject", "no_answer", "hangup", "cancel"});
  const size_t errors_before = r.error_count();
  CallAction call;
  const UserSpec* caller = nullptr;
  if (r.require(v, "from", "call", "the caller's AOR")) caller = c.user_ref(v["from"], "from of call");
  if (caller) call.from = caller->aor;
  const UserSpec* callee = nullptr;
  if (r.require(v, "to", "call", "the callee's SIP URI")) {
    if (auto to = r.text(v["to"], "to of call")) {
      if (!split_sip_uri(*to))
        r.error(v["to"], fmt::format("to of call: expected a SIP URI such as sip:ivan@domain.ru; got '{}'", *to));
      call.to = *to;
      callee = c.spec.find_user(*to);
    }
  }
  if (caller) {
    if (v["from_device"]) {
      if (auto d = c.device_ref(v["from_device"], *caller, "from_device of call")) call.from_device = *d;
    } else if (!caller->devices.empty()) {
      call.from_device = caller->devices.front().node;
    }
  }
  // The callee's side: a device of a declared user, when one is named.
  auto callee_device = [&](const YAML::Node& d, std::string_view what) -> std::optional<std::string> {
    if (!callee) {
      r.error(d, fmt::format("{}: the callee '{}' is not a declared user, so none of its devices can be named", what,
                             call.to));
      return std::nullopt;
    }
    return c.device_ref(d, *callee, what);
  };
  const int behaviours = (v["answer"] ? 1 : 0) + (v["reject"] ? 1 : 0) + (v["no_answer"] ? 1 : 0);
  if (behaviours != 1)
    r.error(v, fmt::format("call: expected exactly one of answer, reject, no_answer; got {}", behaviours));
  if (v["answer"] && r.expect_map(v["answer"], "answer {device, after}")) {
    const YAML::Node a = v["answer"];
    r.check_keys(a, "answer", {"device", "after"});
    AnswerBehaviour answer;
    if (r.require(a, "device", "answer", "the callee device that picks up"))
      if (auto d = callee_device(a["device"], "device of answer")) answer.device = *d;
    if (a["after"])
      if (auto d = r.duration(a["after"], "after of answer")) answer.after = *d;
    call.callee = answer;
  }
  if (v["reject"] && r.expect_map(v["reject"], "reject {code, after, device}")) {
    const YAML::Node j = v["reject"];
    r.check_keys(j, "reject", {"code", "after", "device"});
    RejectBehaviour reject;
    if (r.require(j, "code", "reject", "a final failure status code, 300-699"))
      if (auto code = r.integer(j["code"], "code of reject", 300, 699)) reject.code = static_cast<int>(*code);
    if (j["after"])
      if (auto d = r.duration(j["after"], "after of reject")) reject.after = *d;
    if (j["device"])
      if (auto d = callee_device(j["device"], "device of reject")) reject.device = *d;
    call.callee = reject;
  }
  if (v["no_answer"]) {
    auto b = r.boolean(v["no_answer"], "no_answer");
    if (b && !*b) r.error(v["no_answer"], "no_answer: expected true (leave it out, and give answer or reject, instead)");
    call.callee = NoAnswerBehaviour{};
  }
  if (v["hangup"] && r.expect_map(v["hangup"], "hangup {by, after}")) {
    const YAML::Node h = v["hangup"];
    r.check_keys(h, "hangup", {"by", "after"});
    if (!v["answer"])
      r.error(r.key_node(v, "hangup"), "hangup: expected only with answer (only an established call can be hung up)");
    Hangup hangup;
    if (r.require(h, "by", "hangup", "caller or callee"))
      if (auto by = r.choice(h["by"], "by of hangup", {"caller", "callee"}))
        hangup.by = *by == "caller" ? Party::Caller : Party::Callee;
    if (h["after"])
      if (auto d = r.duration(h["after"], "after of hangup")) hangup.after = *d;
    call.hangup = hangup;
  }
  if (v["cancel"] && r.expect_map(v["cancel"], "cancel {after}")) {
    const YAML::Node k = v["cancel"];
    r.check_keys(k, "cancel", {"after"});
    if (r.require(k, "after", "cancel", "how long after its INVITE the caller sends CANCEL"))
      if (auto d = r.duration(k["after"], "after of cancel")) call.cancel_after = *d;
  }
  if (r.error_count() != errors_before) return std::nullopt;
  return call;
}

std::optional<OptionsAction> read_options(LoadContext& c, const YAML::Node& v) {
  YamlReader& r = c.reader;
  if (!r.expect_map(v, "options {from, to, from_device}")) return std::nullopt;
  r.check_keys(v, "options", {"from", "to", "from_device"});
  const size_t errors_before = r.error_count();
  OptionsAction o;
  const UserSpec* from = nullptr;
  if (r.require(v, "from", "options", "the sender's AOR")) from = c.user_ref(v["from"], "from of options");
  if (from) {
    o.from = from->aor;
    if (v["from_device"]) {
      if (auto d = c.device_ref(v["from_device"], *from, "from_device of options")) o.from_device = *d;
    } else if (!from->devices.empty()) {
      o.from_device = from->devices.front().node;
    }
  }
  if (r.require(v, "to", "options", "the target SIP URI"))
    if (auto to = r.text(v["to"], "to of options")) {
      if (!split_sip_uri(*to))
        r.error(v["to"], fmt::format("to of options: expected a SIP URI such as sip:domain.ru; got '{}'", *to));
      o.to = *to;
    }
  if (r.error_count() != errors_before) return std::nullopt;
  return o;
}

std::optional<LinkStateAction> read_link_state(LoadContext& c, const YAML::Node& v, bool up) {
  YamlReader& r = c.reader;
  const std::string what = up ? "link_up" : "link_down";
  if (!r.expect_map(v, fmt::format("{} {{a, b}}", what))) return std::nullopt;
  r.check_keys(v, what, {"a", "b"});
  std::optional<std::string> a, b;
  if (r.require(v, "a", what, "one end of the link")) a = c.node_ref(v["a"], "a of " + what);
  if (r.require(v, "b", what, "the other end of the link")) b = c.node_ref(v["b"], "b of " + what);
  if (!a || !b) return std::nullopt;
  for (const auto& l : c.spec.topology.links)
    if ((l.a == *a && l.b == *b) || (l.a == *b && l.b == *a)) return LinkStateAction{l.a, l.b, up};
  r.error(v, fmt::format("{}: there is no link between '{}' and '{}'", what, *a, *b));
  return std::nullopt;
}

// What an event acts on, for the overlap rule: the devices that send, or the link.
std::vector<std::string> resources_of(const ScenarioSpec& spec, const Action& action) {
  std::vector<std::string> out;
  auto devices_of = [&](const std::string& aor, const std::optional<std::string>& device) {
    if (device) {
      out.push_back("device '" + *device + "'");
    } else if (const UserSpec* u = spec.find_user(aor)) {
      for (const auto& d : u->devices) out.push_back("device '" + d.node + "'");
    }
  };
  if (auto* reg = std::get_if<RegisterAction>(&action)) devices_of(reg->aor, reg->device);
  if (auto* unreg = std::get_if<UnregisterAction>(&action)) devices_of(unreg->aor, unreg->device);
  if (auto* call = std::get_if<CallAction>(&action)) out.push_back("device '" + call->from_device + "'");
  if (auto* opt = std::get_if<OptionsAction>(&action)) out.push_back("device '" + opt->from_device + "'");
  if (auto* link = std::get_if<LinkStateAction>(&action)) out.push_back("link " + link->a + "<->" + link->b);
  return out;
}

}  // namespace

void read_events(LoadContext& c, const YAML::Node& events) {
  YamlReader& r = c.reader;
  if (!r.expect_list(events, "events (a list of {at, <action>})")) return;
  int next_call_id = 1;
  std::vector<std::pair<Event, YAML::Node>> read;
  for (const auto& e : events) {
    if (!r.expect_map(e, "an event {at, register|unregister|call|options|link_down|link_up}")) continue;
    r.check_keys(e, "event", {"at", "register", "unregister", "call", "options", "link_down", "link_up"});
    Event event;
    event.source_line = r.line_of(e);
    std::optional<Duration> at;
    if (r.require(e, "at", "event", "the time it happens, e.g. 5s")) at = r.duration(e["at"], "at of event");
    int actions = 0;
    for (auto a : kActions) actions += e[std::string(a)] ? 1 : 0;
    if (actions != 1) {
      r.error(e, fmt::format("event: expected exactly one of register, unregister, call, options, link_down, link_up; "
                             "got {}",
                             actions));
      // Still number a call so later call numbers match the file.
      if (e["call"]) ++next_call_id;
      continue;
    }
    std::optional<Action> action;
    if (e["register"]) {
      if (auto a = read_registration<RegisterAction>(c, e["register"], "register")) action = *a;
    } else if (e["unregister"]) {
      if (auto a = read_registration<UnregisterAction>(c, e["unregister"], "unregister")) action = *a;
    } else if (e["call"]) {
      const int id = next_call_id++;
      if (auto a = read_call(c, e["call"])) {
        a->id = id;
        action = *a;
      }
    } else if (e["options"]) {
      if (auto a = read_options(c, e["options"])) action = *a;
    } else if (e["link_down"]) {
      if (auto a = read_link_state(c, e["link_down"], false)) action = *a;
    } else {
      if (auto a = read_link_state(c, e["link_up"], true)) action = *a;
    }
    if (!at || !action) continue;
    event.at = *at;
    event.action = std::move(*action);
    if (event.at >= c.spec.stop) {
      r.error(e["at"], fmt::format("event at {} is not before stop ({}); nothing would run it",
                                   format_duration(event.at), format_duration(c.spec.stop)));
      continue;
    }
    read.emplace_back(std::move(event), e);
  }

  // Two events acting on the same device (or link) at the same instant have
  // no defined order: refuse them rather than pick one silently.
  std::map<std::pair<int64_t, std::string>, int> taken;  // (at, resource) → line
  for (const auto& [event, node] : read) {
    bool overlaps = false;
    for (const auto& res : resources_of(c.spec, event.action)) {
      auto [it, inserted] = taken.emplace(std::pair(event.at.count(), res), event.source_line);
      if (!inserted && !overlaps) {
        r.error(node, fmt::format("event overlaps the event on line {}: both act on {} at {}", it->second, res,
                                  format_duration(event.at)));
        overlaps = true;
      }
    }
  }
  c.call_events_in_file = next_call_id - 1;
  for (auto& [event, node] : read) c.spec.events.push_back(std::move(event));
  std::stable_sort(c.spec.events.begin(), c.spec.events.end(),
                   [](const Event& a, const Event& b) { return a.at < b.at; });
}

}  // namespace siplab::scenario
