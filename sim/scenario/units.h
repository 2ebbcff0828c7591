// Parsers for the unit-bearing values of scenario files.  Each returns the
// value or a message that says what was expected; they never throw.
//   durations      "250us", "500ms", "2s", "1.5s", "3min" (also "ns")
//   rates          "64kbps", "10Mbps", "1Gbps", "9600bps"   (SI: k = 1000, bits/s)
//   probabilities  "0.1", "1", "0", "10%"                  (in [0, 1])
// A bare number is not a duration or a rate: the unit is what makes a
// scenario readable, and "10" could mean ms or s.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "models/common/time.h"

namespace siplab::scenario {

template <class T>
struct Parsed {
  std::optional<T> value;
  std::string error;  // set when value is empty: "expected ...; got '...'"

  static Parsed ok(T v) { return Parsed{std::move(v), {}}; }
  static Parsed fail(std::string e) { return Parsed{std::nullopt, std::move(e)}; }
  explicit operator bool() const { return value.has_value(); }
};

// Non-negative, whole nanoseconds after scaling ("1.5ns" is refused).
Parsed<Duration> parse_duration(std::string_view text);

// Positive bits per second, a whole number after scaling.
Parsed<uint64_t> parse_rate(std::string_view text);

// A decimal in [0, 1], or a percentage in [0%, 100%].
Parsed<double> parse_probability(std::string_view text);

// A decimal integer in [min, max] (no sign, no fraction, no unit).
Parsed<uint64_t> parse_integer(std::string_view text, uint64_t min, uint64_t max);

// "true"/"false" (also "yes"/"no", as YAML 1.1 files write them).
Parsed<bool> parse_bool(std::string_view text);

// The shortest exact spelling of a duration in the largest unit that keeps
// it whole ("500ms", "2s", "3min", "1500us"), for messages and reports.
std::string format_duration(Duration d);

}  // namespace siplab::scenario
