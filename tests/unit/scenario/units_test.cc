#include "sim/scenario/units.h"

#include <gtest/gtest.h>

namespace siplab::scenario {
namespace {

using namespace std::chrono_literals;

Duration duration_ok(std::string_view text) {
  auto p = parse_duration(text);
  EXPECT_TRUE(p) << text << ": " << p.error;
  return p.value.value_or(Duration(-1));
}

TEST(ParseDuration, AcceptsEveryUnitExactly) {
  EXPECT_EQ(duration_ok("500ms"), 500ms);
  EXPECT_EQ(duration_ok("2s"), 2s);
  EXPECT_EQ(duration_ok("1.5s"), 1500ms);
  EXPECT_EQ(duration_ok("3min"), 180s);
  EXPECT_EQ(duration_ok("250us"), 250us);
  EXPECT_EQ(duration_ok("7ns"), 7ns);
  EXPECT_EQ(duration_ok("0s"), 0s);
  EXPECT_EQ(duration_ok("0.1s"), 100ms);  // exact, no floating point
  EXPECT_EQ(duration_ok("2 s"), 2s);
}

TEST(ParseDuration, RefusesWithTheExpectedForm) {
  EXPECT_EQ(parse_duration("10").error,
            "expected a duration: a non-negative number with a unit (ns, us, ms, s, min), e.g. 500ms or 1.5s; got '10' "
            "(no unit)");
  EXPECT_EQ(parse_duration("5 parsecs").error,
            "expected a duration: a non-negative number with a unit (ns, us, ms, s, min), e.g. 500ms or 1.5s; got '5 "
            "parsecs' (unknown unit 'parsecs')");
  EXPECT_EQ(parse_duration("-1s").error,
            "expected a duration: a non-negative number with a unit (ns, us, ms, s, min), e.g. 500ms or 1.5s; got '-1s' "
            "(negative)");
  EXPECT_FALSE(parse_duration("1.5ns"));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("s"));
  EXPECT_FALSE(parse_duration("1..5s"));
  EXPECT_FALSE(parse_duration(".5s"));
  EXPECT_FALSE(parse_duration("1e3ms"));
  EXPECT_FALSE(parse_duration("99999999999999min"));  // beyond int64 nanoseconds
}

TEST(ParseRate, SiUnitsInBitsPerSecond) {
  EXPECT_EQ(parse_rate("64kbps").value, 64'000u);
  EXPECT_EQ(parse_rate("10Mbps").value, 10'000'000u);
  EXPECT_EQ(parse_rate("1Gbps").value, 1'000'000'000u);
  EXPECT_EQ(parse_rate("1.5Mbps").value, 1'500'000u);
  EXPECT_EQ(parse_rate("9600bps").value, 9600u);
}

TEST(ParseRate, Refuses) {
  EXPECT_EQ(parse_rate("10").error,
            "expected a rate: a positive number with a unit (bps, kbps, Mbps, Gbps), e.g. 64kbps or 10Mbps; got '10' (no "
            "unit)");
  EXPECT_EQ(parse_rate("0Mbps").error,
            "expected a rate: a positive number with a unit (bps, kbps, Mbps, Gbps), e.g. 64kbps or 10Mbps; got '0Mbps' "
            "(zero)");
  EXPECT_FALSE(parse_rate("10MBps"));
  EXPECT_FALSE(parse_rate("-5kbps"));
  EXPECT_FALSE(parse_rate("0.5bps"));
}

TEST(ParseProbability, DecimalsAndPercentages) {
  EXPECT_EQ(parse_probability("0.1").value, 0.1);
  EXPECT_EQ(parse_probability("0").value, 0.0);
  EXPECT_EQ(parse_probability("1").value, 1.0);
  EXPECT_EQ(parse_probability("10%").value, 0.1);
  EXPECT_EQ(parse_probability("100%").value, 1.0);
}

TEST(ParseProbability, RefusesOutsideTheUnitInterval) {
  EXPECT_EQ(parse_probability("1.5").error,
            "expected a probability in [0, 1] (e.g. 0.1) or a percentage (e.g. 10%); got '1.5' (greater than 1)");
  EXPECT_EQ(parse_probability("-0.1").error,
            "expected a probability in [0, 1] (e.g. 0.1) or a percentage (e.g. 10%); got '-0.1' (negative)");
  EXPECT_FALSE(parse_probability("150%"));
  EXPECT_FALSE(parse_probability("nan"));
  EXPECT_FALSE(parse_probability("1e-2"));
  EXPECT_FALSE(parse_probability("often"));
}

TEST(ParseInteger, RangeAndForm) {
  EXPECT_EQ(parse_integer("5060", 1, 65535).value, 5060u);
  EXPECT_EQ(parse_integer("0", 1, 65535).error, "expected an integer in [1, 65535]; got '0' (out of range)");
  EXPECT_EQ(parse_integer("-3", 0, 10).error, "expected an integer in [0, 10]; got '-3' (negative)");
  EXPECT_FALSE(parse_integer("1.5", 0, 10));
  EXPECT_FALSE(parse_integer("99999999999999999999999", 0, UINT64_MAX));
}

TEST(ParseBool, TrueFalseYesNo) {
  EXPECT_EQ(parse_bool("true").value, true);
  EXPECT_EQ(parse_bool("no").value, false);
  EXPECT_EQ(parse_bool("maybe").error, "expected true or false; got 'maybe'");
}

TEST(FormatDuration, LargestWholeUnit) {
  EXPECT_EQ(format_duration(180s), "3min");
  EXPECT_EQ(format_duration(2s), "2s");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(250us), "250us");
  EXPECT_EQ(format_duration(Duration(0)), "0s");
}

}  // namespace
}  // namespace siplab::scenario
