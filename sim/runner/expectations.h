// Checks a scenario's `expect:` entries against the trace of its run.  Every
// check reads only trace.jsonl events, so the same verdicts come from a
// fresh run or from a trace kept from an earlier one.
#pragma once

#include <string>
#include <vector>

#include "sim/report/trace.h"
#include "sim/scenario/scenario_spec.h"

namespace siplab::runner {

struct ExpectationResult {
  bool passed = false;
  int source_line = 0;
  std::string entry;   // the expectation as written
  std::string detail;  // what was seen (for failures, and `siplab check`)
};

std::vector<ExpectationResult> check_expectations(const scenario::ScenarioSpec& spec, const report::Trace& trace);

// "seed-call.yaml:41: expected … ; saw …" — one line per failure.
std::string format_failure(const scenario::ScenarioSpec& spec, const ExpectationResult& result);

}  // namespace siplab::runner
