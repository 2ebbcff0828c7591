// Builds small synthetic traces for tests, in the trace.jsonl format.
#pragma once

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "sim/report/trace.h"

namespace siplab::report::testing {

class TraceBuilder {
 public:
  TraceBuilder& node(const std::string& name, const std::string& ip, const std::string& role = "ua") {
    return add(0, name, "node.info", {{"label", name}, {"roles", {role}}, {"addresses", {ip}}});
  }
  // A SIP message event; `first_line` decides request or response.
  TraceBuilder& sip(const std::string& kind, double t, const std::string& node, const std::string& src,
                    const std::string& dst, const std::string& first_line, const std::string& call_id,
                    const std::string& cseq, const std::string& branch, const std::string& to_tag = "",
                    bool retransmit = false, const std::string& transport = "UDP") {
    nlohmann::ordered_json f = {{"transport", transport}, {"src", src}, {"dst", dst}, {"bytes", 100},
                                {"first_line", first_line}, {"call_id", call_id}, {"cseq", cseq},
                                {"branch", branch}, {"from_tag", "ft"}, {"to_tag", to_tag}};
    if (kind == "sip.send") f["retransmit"] = retransmit;
    if (kind == "sip.drop") {
      f["cause"] = "link-loss";
      f["link"] = "a--b";
    }
    f["msg"] = first_line + "\r\nCall-ID: " + call_id + "\r\nCSeq: " + cseq + "\r\nTo: <sip:bob@b.example>\r\n\r\n";
    return add(t, node, kind, f);
  }
  TraceBuilder& timer(double t, const std::string& node, const std::string& txn, const std::string& timer) {
    return add(t, node, "timer.fire", {{"txn", txn}, {"timer", timer}});
  }
  TraceBuilder& add(double t, const std::string& node, const std::string& kind, const nlohmann::ordered_json& fields) {
    nlohmann::ordered_json j = {{"t", t}, {"node", node}, {"kind", kind}};
    for (auto& [k, v] : fields.items()) j[k] = v;
    text_ += j.dump() + "\n";
    return *this;
  }
  const std::string& text() const { return text_; }
  Trace load() const {
    std::istringstream in(text_);
    return load_trace(in, "synthetic.jsonl");
  }

 private:
  std::string text_;
};

}  // namespace siplab::report::testing
