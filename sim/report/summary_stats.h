// count / mean / p50 / p90 / p99 / max of a sample, as the report prints them.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

namespace siplab::report {

// Percentiles use the nearest-rank method (the smallest value with at least
// p% of the sample at or below it), so every reported value was observed.
// An empty sample gives {"count":0} with no other keys.
nlohmann::ordered_json summarize(std::vector<double> values);

}  // namespace siplab::report
