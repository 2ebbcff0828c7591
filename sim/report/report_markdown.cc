// report.md: the report's JSON as Markdown tables for humans and reviews.
#include <cstdio>
#include <string>

#include "sim/report/report.h"

namespace siplab::report {
namespace {

using J = nlohmann::ordered_json;

std::string fixed(const J& v, int decimals) {
  if (v.is_null()) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
  return buf;
}

std::string percent(const J& r) {
  if (r["percent"].is_null()) return "– (0/0)";
  return fixed(r["percent"], 1) + " % (" + std::to_string(r["numerator"].get<int64_t>()) + "/" +
         std::to_string(r["denominator"].get<int64_t>()) + ")";
}

std::string summary_row(const std::string& name, const std::string& section, const J& s, int decimals) {
  std::string row = "| " + name + " | " + section + " | " + std::to_string(s["count"].get<int64_t>());
  for (const char* k : {"mean", "p50", "p90", "p99", "max"})
    row += " | " + (s.contains(k) ? fixed(s[k], decimals) : std::string("–"));
  return row + " |\n";
}

std::string str(const J& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

std::string report_markdown(const J& report) {
  const J& rfc = report["rfc6076"];
  const J& agg = rfc["aggregate"];
  std::string md = "# siplab timing report\n\nTrace: `" + str(report["source"]) + "`\n\n";

  md += "## RFC 6076 metrics (aggregate)\n\n";
  md += "| metric | RFC 6076 | count | mean | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|---|---|\n";
  md += summary_row("Registration Request Delay (ms)", "§4.1", agg["rrd_ms"], 3);
  md += summary_row("Session Request Delay, first 18x (ms)", "§4.3.1", agg["srd_first_provisional_ms"], 3);
  md += summary_row("Session Request Delay, 2xx (ms)", "§4.3.1", agg["srd_final_2xx_ms"], 3);
  md += summary_row("Session Request Delay, failure (ms)", "§4.3.2", agg["srd_failure_ms"], 3);
  md += summary_row("Session Disconnect Delay (ms)", "§4.4", agg["sdd_ms"], 3);
  md += summary_row("Session Duration Time (s)", "§4.5", agg["sdt_s"], 3);
  md += "\n| ratio | RFC 6076 | value |\n|---|---|---|\n";
  md += "| Ineffective Registration Attempts | §4.2 | " + percent(agg["ira"]) + " |\n";
  md += "| Session Establishment Ratio | §4.6 | " + percent(agg["ser"]) + " |\n";
  md += "| Session Establishment Effectiveness Ratio | §4.7 | " + percent(agg["seer"]) + " |\n";
  md += "| Ineffective Session Attempts | §4.8 | " + percent(agg["isa"]) + " |\n";
  md += "| Session Completion Ratio | §4.9 | " + percent(agg["scr"]) + " |\n";

  md += "\n## Registrations\n\n| node | AOR | start (s) | outcome | final | challenges | RRD (ms) |\n"
        "|---|---|---|---|---|---|---|\n";
  for (const J& r : rfc["registrations"])
    md += "| " + str(r["node"]) + " | " + str(r["aor"]) + " | " + fixed(r["start_s"], 3) + " | " +
          str(r["outcome"]) + " | " + std::to_string(r["final_code"].get<int>()) + " | " +
          std::to_string(r["challenges"].get<int>()) + " | " + fixed(r["rrd_ms"], 3) + " |\n";

  md += "\n## Sessions\n\n| call | node | Call-ID | start (s) | outcome | final | SRD 18x (ms) | SRD 2xx (ms) "
        "| SDD (ms) | SDT (s) | completed |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const J& s : rfc["sessions"])
    md += "| " + std::to_string(s["call"].get<int64_t>()) + " | " + str(s["node"]) + " | `" + str(s["call_id"]) +
          "` | " + fixed(s["start_s"], 3) + " | " + str(s["outcome"]) + " | " +
          std::to_string(s["final_code"].get<int>()) + " | " + fixed(s["srd_first_provisional_ms"], 3) + " | " +
          fixed(s["srd_final_2xx_ms"], 3) + " | " + fixed(s["sdd_ms"], 3) + " | " + fixed(s["sdt_s"], 3) + " | " +
          (s["completed"].get<bool>() ? "yes" : "no") + " |\n";

  md += "\n## Transactions per method\n\n| method | transactions | requests sent | responses sent | "
        "retransmissions | timeouts | lost |\n|---|---|---|---|---|---|---|\n";
  for (const auto& [method, f] : report["transactions"].items())
    md += "| " + method + " | " + f["transactions"].dump() + " | " + f["requests_sent"].dump() + " | " +
          f["responses_sent"].dump() + " | " + f["retransmissions"].dump() + " | " + f["timeouts"].dump() +
          " | " + f["lost"].dump() + " |\n";

  const J& dns = report["dns"];
  md += "\n## DNS\n\nQueries " + dns["queries"].dump() + ", answers " + dns["answers"].dump() + ", timeouts " +
        dns["timeouts"].dump() + ".\n\n| lookup latency (ms) | count | mean | p50 | p90 | p99 | max |\n"
        "|---|---|---|---|---|---|---|\n";
  auto dns_row = [&](const std::string& name, const J& s) {
    std::string row = summary_row(name, "", s, 3);
    row.erase(row.find(" |  |"), 3);  // no section column here
    return row;
  };
  md += dns_row("all", dns["latency_ms"]);
  for (const auto& [type, s] : dns["latency_ms_by_type"].items()) md += dns_row(type, s);

  md += "\n## Links\n\n| link | direction | packets sent | lost | queue drops | bytes |\n|---|---|---|---|---|---|\n";
  for (const J& l : report["links"])
    md += "| " + str(l["link"]) + " | " + str(l["from"]) + " → " + str(l["to"]) + " | " + l["sent"].dump() +
          " | " + l["lost"].dump() + " | " + l["queue_drops"].dump() + " | " + l["bytes"].dump() + " |\n";
  return md;
}

}  // namespace siplab::report
