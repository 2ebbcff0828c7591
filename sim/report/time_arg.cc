#include "sim/report/time_arg.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace siplab::report {

std::optional<Instant> parse_time_arg(std::string_view text) {
  double scale = 1e9;  // seconds by default
  if (text.ends_with("ms")) {
    scale = 1e6;
    text.remove_suffix(2);
  } else if (text.ends_with("s")) {
    text.remove_suffix(1);
  }
  if (text.empty()) return std::nullopt;
  std::string s(text);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return Instant{static_cast<int64_t>(std::llround(v * scale))};
}

}  // namespace siplab::report
