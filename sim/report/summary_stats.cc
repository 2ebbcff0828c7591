#include "sim/report/summary_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace siplab::report {

nlohmann::ordered_json summarize(std::vector<double> values) {
  nlohmann::ordered_json out;
  out["count"] = values.size();
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  auto rank = [&](double p) {
    auto k = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(k, 1, values.size()) - 1];
  };
  double sum = std::accumulate(values.begin(), values.end(), 0.0);
  out["mean"] = sum / static_cast<double>(values.size());
  out["p50"] = rank(50);
  out["p90"] = rank(90);
  out["p99"] = rank(99);
  out["max"] = values.back();
  return out;
}

}  // namespace siplab::report
