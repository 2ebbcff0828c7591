// Timing report of a trace: RFC 6076 end-to-end metrics per registration,
// per call and aggregated; transaction, DNS and link figures.
// Every definition, with its RFC 6076 section, is in docs/metrics.md.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sim/report/trace.h"

namespace siplab::report {

// The report as JSON (keys in a fixed, documented order; see docs/metrics.md):
// {"source", "rfc6076": {"registrations": [...], "sessions": [...],
//  "aggregate": {...}}, "transactions": {...}, "sip_messages": {...},
//  "dns": {...}, "links": [...]}.
nlohmann::ordered_json compute_report(const Trace& trace);

// The same report as Markdown tables (report.md).
std::string report_markdown(const nlohmann::ordered_json& report);

}  // namespace siplab::report
