// Simulated time as every sans-IO core sees it: the driver (ns-3 runtime or a
// test's manual clock) passes `now` into each input; cores never read a clock.
#pragma once

#include <chrono>

namespace siplab {

// Time since the start of the run, nanosecond resolution (ns-3's own unit).
using Duration = std::chrono::nanoseconds;
using Instant = std::chrono::nanoseconds;

using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

// Seconds as a double, for traces and reports.
inline double to_seconds(Duration d) { return static_cast<double>(d.count()) * 1e-9; }

}  // namespace siplab
