// Broken scenarios give exact diagnostics: file:line:column, what was
// expected, every problem in one pass.
#include <gtest/gtest.h>

#include "sim/scenario/scenario_loader.h"

namespace siplab::scenario {
namespace {

const std::string kData = SIPLAB_SCENARIO_TEST_DATA;

// The diagnostics of a data file, one a line, with the folder left out.
std::string errors_of(const std::string& name, const LoadOptions& options = {}) {
  LoadResult r = load_scenario_file(kData + "/" + name, options);
  EXPECT_FALSE(r.ok());
  std::string text = format_diagnostics(r.diagnostics);
  for (size_t at; (at = text.find(kData + "/")) != std::string::npos;) text.erase(at, kData.size() + 1);
  return text;
}

TEST(ScenarioErrors, UnknownKey) {
  EXPECT_EQ(errors_of("unknown_key.yaml"),
            "unknown_key.yaml:4:19: error: unknown key 'dealy' in link (expected one of: a, b, delay, jitter, rate, queue, "
            "loss, loss_a_to_b, loss_b_to_a)\n");
}

TEST(ScenarioErrors, WrongType) {
  EXPECT_EQ(errors_of("wrong_type.yaml"),
            "wrong_type.yaml:4:6: error: expected sip settings {t1, t2, t4, timer_c, transport, 100rel} (a map); got a "
            "list\n"
            "wrong_type.yaml:6:46: error: record_route of proxy: expected true or false; got 'sometimes'\n");
}

TEST(ScenarioErrors, DanglingNodeNames) {
  EXPECT_EQ(errors_of("dangling_node.yaml"),
            "dangling_node.yaml:4:23: error: b of link: unknown node 'routr' (declared nodes: router, peter-pc)\n"
            "dangling_node.yaml:6:47: error: device: unknown node 'peter-laptop' (declared nodes: router, peter-pc)\n");
}

TEST(ScenarioErrors, UsersWithoutDevices) {
  EXPECT_EQ(errors_of("user_without_devices.yaml"),
            "user_without_devices.yaml:4:5: error: user sip:ivan@domain.ru has no devices (expected devices: a list of "
            "node names)\n"
            "user_without_devices.yaml:5:46: error: user sip:peter@example.org has no devices (expected devices: a list "
            "of node names)\n");
}

TEST(ScenarioErrors, OverlappingEventsAndEventsAtStop) {
  EXPECT_EQ(errors_of("overlapping_events.yaml"),
            "overlapping_events.yaml:13:11: error: event at 20s is not before stop (20s); nothing would run it\n"
            "overlapping_events.yaml:11:5: error: event overlaps the event on line 10: both act on device "
            "'ivan-laptop' at 1s\n");
}

TEST(ScenarioErrors, BadUnitsAndProbability) {
  EXPECT_EQ(
      errors_of("bad_units.yaml"),
      "bad_units.yaml:3:7: error: stop: expected a duration: a non-negative number with a unit (ns, us, ms, s, min), "
      "e.g. 500ms or 1.5s; got '10' (no unit)\n"
      "bad_units.yaml:6:26: error: delay of link: expected a duration: a non-negative number with a unit (ns, us, ms, "
      "s, min), e.g. 500ms or 1.5s; got '5 parsecs' (unknown unit 'parsecs')\n"
      "bad_units.yaml:6:43: error: rate of link: expected a rate: a positive number with a unit (bps, kbps, Mbps, "
      "Gbps), e.g. 64kbps or 10Mbps; got '100' (no unit)\n"
      "bad_units.yaml:6:77: error: rate of loss of link: expected a probability in [0, 1] (e.g. 0.1) or a percentage "
      "(e.g. 10%); got '1.5' (greater than 1)\n");
}

TEST(ScenarioErrors, YamlSyntax) {
  const std::string text = errors_of("yaml_syntax.yaml");
  EXPECT_EQ(text.rfind("yaml_syntax.yaml:", 0), 0u) << text;
  EXPECT_NE(text.find(": error: YAML syntax: "), std::string::npos) << text;
}

TEST(ScenarioErrors, Names) {
  EXPECT_EQ(errors_of("references.yaml"),
            "references.yaml:10:98: error: device of answer: 'ivan-mobile' is not a device of sip:ivan@domain.ru (its "
            "devices: ivan-laptop)\n"
            "references.yaml:11:29: error: from of call: unknown user 'sip:paul@example.org' (declared users: "
            "sip:ivan@domain.ru, sip:peter@example.org)\n"
            "references.yaml:12:21: error: call: expected exactly one of answer, reject, no_answer; got 0\n"
            "references.yaml:14:13: error: call of expect: there is no call 4 (the scenario has 0 valid call events, "
            "numbered from 1 in file order)\n"
            "references.yaml:15:52: error: devices: sip:ivan@domain.ru has only 1 device, so 2 bindings cannot "
            "happen\n"
            "references.yaml:16:55: error: retransmissions: min (3) is greater than max (1)\n");
}

TEST(ScenarioErrors, ZoneFiles) {
  const std::string text = errors_of("bad_zone.yaml");
  if (zone_parser_available()) {
    // The zone's own error keeps its file:line:col; the scenario names the entry.
    EXPECT_EQ(text.substr(0, text.find('\n') + 1),
              "bad_zone.yaml:3:26: error: zone file 'broken.test.zone' does not parse (1 error, listed next)\n");
    EXPECT_NE(text.find("\nbroken.test.zone:5:12: error: "), std::string::npos) << text;
  }
  EXPECT_NE(text.find("bad_zone.yaml:3:44: error: zone file 'missing.test.zone' not found (looked for "), std::string::npos)
      << text;
}

std::string errors_of_text(const std::string& yaml) {
  LoadResult r = load_scenario_text(yaml, "t.yaml", kData);
  EXPECT_FALSE(r.ok());
  return format_diagnostics(r.diagnostics);
}

TEST(ScenarioErrors, StructuralProblems) {
  EXPECT_EQ(errors_of_text(""), "t.yaml: error: expected the scenario as a map (name, seed, stop, nodes, ...); got nothing\n");
  EXPECT_EQ(errors_of_text("- a\n"),
            "t.yaml:1:1: error: expected the scenario as a map (name, seed, stop, nodes, ...); got a list\n");
  EXPECT_EQ(errors_of_text("nodes: [a]\nnodes: [b]\n"),
            "t.yaml:2:1: error: duplicate key 'nodes' in scenario (first given on line 1)\n");
  EXPECT_EQ(errors_of_text("stop: 5s\n"),
            "t.yaml:1:1: error: missing key 'nodes' in scenario (expected the list of node names)\n");
  EXPECT_EQ(errors_of_text("nodes: [a, b, c]\nlinks: [{a: a, b: b}]\n"),
            "t.yaml:1:15: error: node 'c' is not connected to node 'a' through links (every node must reach every "
            "other one)\n");
  EXPECT_EQ(errors_of_text("nodes: [a, b]\nlinks: [{a: a, b: b}, {a: b, b: a}]\n"),
            "t.yaml:2:23: error: second link between 'b' and 'a' (first on line 2); one link per pair of nodes\n");
  EXPECT_EQ(errors_of_text("nodes: [a, {name: b, address: 10.0.0.1}, {name: c, address: 10.0.0.1}]\n"
                           "links: [{a: a, b: b}, {a: a, b: c}]\n"),
            "t.yaml:1:61: error: address 10.0.0.1 of node 'c' is already the address of node 'b'\n");
  EXPECT_EQ(errors_of_text("nodes: [{name: b, address: \"2001:db8::1\"}]\n"),
            "t.yaml:1:28: error: address of node 'b': expected an IPv4 (dotted quad) address; got '2001:db8::1'\n");
}

TEST(ScenarioErrors, EventShapes) {
  const std::string base =
      "nodes: [r, p, q]\nlinks: [{a: p, b: r}, {a: q, b: r}]\n"
      "users: [{aor: \"sip:p@x\", devices: [p]}, {aor: \"sip:q@x\", devices: [q]}]\nevents:\n";
  EXPECT_EQ(errors_of_text(base + "  - {at: 1s}\n"),
            "t.yaml:5:5: error: event: expected exactly one of register, unregister, call, options, link_down, "
            "link_up; got 0\n");
  EXPECT_EQ(errors_of_text(base + "  - {at: 1s, call: {from: \"sip:p@x\", to: \"sip:q@x\", no_answer: true, hangup: {by: "
                                  "caller}}}\n"),
            "t.yaml:5:70: error: hangup: expected only with answer (only an established call can be hung up)\n");
  EXPECT_EQ(errors_of_text(base + "  - {at: 1s, call: {from: \"sip:p@x\", to: \"sip:q@x\", reject: {code: 200}}}\n"),
            "t.yaml:5:68: error: code of reject: expected an integer in [300, 699]; got '200' (out of range)\n");
  EXPECT_EQ(errors_of_text(base + "  - {at: 1s, link_down: {a: p, b: q}}\n"),
            "t.yaml:5:25: error: link_down: there is no link between 'p' and 'q'\n");
  EXPECT_EQ(errors_of_text(base + "  - {at: 1s, register: \"sip:p@x\"}\n  - {at: 1s, call: {from: \"sip:p@x\", to: "
                                  "\"sip:q@x\", answer: {device: q}}}\n"),
            "t.yaml:6:5: error: event overlaps the event on line 5: both act on device 'p' at 1s\n");
}

TEST(ScenarioErrors, MissingFile) {
  EXPECT_EQ(errors_of("no-such.yaml"), "no-such.yaml: error: cannot read the scenario file\n");
}

TEST(ScenarioErrors, AFolderIsNotAScenarioFile) {
  LoadResult r = load_scenario_file(kData);
  EXPECT_EQ(format_diagnostics(r.diagnostics),
            std::string(kData) + ": error: is a folder, not a scenario file (siplab check runs a folder)\n");
}

TEST(ScenarioErrors, BinaryInputIsQuotedSafelyAndShort) {
  // A binary file reads as one scalar: its bytes are not echoed raw.
  EXPECT_EQ(errors_of_text(std::string("b\xEE\x01k") + std::string(100, 'z')),
            "t.yaml:1:1: error: expected the scenario as a map (name, seed, stop, nodes, ...); got "
            "'b\\xEE\\x01k" + std::string(56, 'z') + "... (104 bytes)'\n");
}

TEST(ScenarioErrors, NestingTooDeepSaysSo) {
  const std::string text = errors_of_text(std::string(5000, '['));
  EXPECT_NE(text.find("t.yaml:1:"), std::string::npos) << text;
  EXPECT_NE(text.find(" levels deep, more than the reader allows"), std::string::npos) << text;
}

}  // namespace
}  // namespace siplab::scenario
