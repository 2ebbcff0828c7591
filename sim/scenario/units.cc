#include "sim/scenario/units.h"

#include <array>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace siplab::scenario {
namespace {

// "12.345" split into digits, without sign or exponent; nullopt when `text`
// is not such a number.  Exact integer arithmetic keeps "0.1s" exact.
struct Decimal {
  unsigned __int128 mantissa = 0;  // all digits as one integer (12345)
  int fraction_digits = 0;         // digits after the point (3)
};

std::optional<Decimal> split_decimal(std::string_view text) {
  Decimal d;
  bool any_digit = false;
  bool seen_point = false;
  for (char c : text) {
    if (c == '.') {
      if (seen_point) return std::nullopt;
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    any_digit = true;
    d.mantissa = d.mantissa * 10 + static_cast<unsigned>(c - '0');
    if (d.mantissa > (static_cast<unsigned __int128>(1) << 100)) return std::nullopt;  // absurdly long
    if (seen_point) ++d.fraction_digits;
  }
  if (!any_digit || text.front() == '.' || text.back() == '.') return std::nullopt;
  return d;
}

unsigned __int128 pow10(int n) {
  unsigned __int128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// Splits "1.5Mbps" at the first character that cannot belong to the number.
std::pair<std::string_view, std::string_view> split_number_unit(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
  std::string_view number = text.substr(0, i);
  std::string_view unit = text.substr(i);
  // Allow one space between number and unit ("2 s").
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return {number, unit};
}

struct Unit {
  std::string_view name;
  uint64_t scale;
};

constexpr std::array<Unit, 5> kDurationUnits{{
    {"ns", 1}, {"us", 1'000}, {"ms", 1'000'000}, {"s", 1'000'000'000}, {"min", 60'000'000'000}}};
constexpr std::array<Unit, 4> kRateUnits{{{"bps", 1}, {"kbps", 1'000}, {"Mbps", 1'000'000}, {"Gbps", 1'000'000'000}}};

template <size_t N>
const Unit* find_unit(const std::array<Unit, N>& units, std::string_view name) {
  for (const auto& u : units)
    if (u.name == name) return &u;
  return nullptr;
}

// mantissa * scale / 10^fraction_digits when whole and within `limit`.
std::optional<uint64_t> scale_exact(const Decimal& d, uint64_t scale, uint64_t limit) {
  const unsigned __int128 product = d.mantissa * scale;
  const unsigned __int128 divisor = pow10(d.fraction_digits);
  if (product % divisor != 0) return std::nullopt;
  const unsigned __int128 value = product / divisor;
  if (value > limit) return std::nullopt;
  return static_cast<uint64_t>(value);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Parsed<Duration> parse_duration(std::string_view raw) {
  const std::string_view text = trim(raw);
  auto expected = [&](std::string_view why) {
    return Parsed<Duration>::fail(fmt::format(
        "expected a duration: a non-negative number with a unit (ns, us, ms, s, min), e.g. 500ms or 1.5s; got '{}'{}",
        raw, why));
  };
  if (text.empty()) return expected("");
  if (text.front() == '-') return expected(" (negative)");
  auto [number, unit_name] = split_number_unit(text);
  auto decimal = split_decimal(number);
  if (!decimal) return expected("");
  if (unit_name.empty()) return expected(" (no unit)");
  const Unit* unit = find_unit(kDurationUnits, unit_name);
  if (!unit) return expected(fmt::format(" (unknown unit '{}')", unit_name));
  auto ns = scale_exact(*decimal, unit->scale, static_cast<uint64_t>(INT64_MAX));
  if (!ns) return expected(" (not a whole number of nanoseconds, or too large)");
  return Parsed<Duration>::ok(Duration(static_cast<int64_t>(*ns)));
}

Parsed<uint64_t> parse_rate(std::string_view raw) {
  const std::string_view text = trim(raw);
  auto expected = [&](std::string_view why) {
    return Parsed<uint64_t>::fail(fmt::format(
        "expected a rate: a positive number with a unit (bps, kbps, Mbps, Gbps), e.g. 64kbps or 10Mbps; got '{}'{}", raw,
        why));
  };
  if (text.empty()) return expected("");
  if (text.front() == '-') return expected(" (negative)");
  auto [number, unit_name] = split_number_unit(text);
  auto decimal = split_decimal(number);
  if (!decimal) return expected("");
  if (unit_name.empty()) return expected(" (no unit)");
  const Unit* unit = find_unit(kRateUnits, unit_name);
  if (!unit) return expected(fmt::format(" (unknown unit '{}')", unit_name));
  auto bps = scale_exact(*decimal, unit->scale, UINT64_MAX);
  if (!bps) return expected(" (not a whole number of bits per second, or too large)");
  if (*bps == 0) return expected(" (zero)");
  return Parsed<uint64_t>::ok(*bps);
}

Parsed<double> parse_probability(std::string_view raw) {
  std::string_view text = trim(raw);
  auto expected = [&](std::string_view why) {
    return Parsed<double>::fail(
        fmt::format("expected a probability in [0, 1] (e.g. 0.1) or a percentage (e.g. 10%); got '{}'{}", raw, why));
  };
  bool percent = false;
  if (!text.empty() && text.back() == '%') {
    percent = true;
    text = trim(text.substr(0, text.size() - 1));
  }
  if (text.empty()) return expected("");
  if (text.front() == '-') return expected(" (negative)");
  if (!split_decimal(text)) return expected("");
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return expected("");
  if (percent) value /= 100.0;
  if (value > 1.0) return expected(" (greater than 1)");
  return Parsed<double>::ok(value);
}

Parsed<uint64_t> parse_integer(std::string_view raw, uint64_t min, uint64_t max) {
  const std::string_view text = trim(raw);
  auto expected = [&](std::string_view why) {
    return Parsed<uint64_t>::fail(fmt::format("expected an integer in [{}, {}]; got '{}'{}", min, max, raw, why));
  };
  if (text.empty()) return expected("");
  if (text.front() == '-') return expected(" (negative)");
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) return expected(" (out of range)");
  if (ec != std::errc() || end != text.data() + text.size()) return expected("");
  if (value < min || value > max) return expected(" (out of range)");
  return Parsed<uint64_t>::ok(value);
}

Parsed<bool> parse_bool(std::string_view raw) {
  const std::string_view text = trim(raw);
  if (text == "true" || text == "yes") return Parsed<bool>::ok(true);
  if (text == "false" || text == "no") return Parsed<bool>::ok(false);
  return Parsed<bool>::fail(fmt::format("expected true or false; got '{}'", raw));
}

std::string format_duration(Duration d) {
  const int64_t ns = d.count();
  if (ns == 0) return "0s";
  for (auto it = kDurationUnits.rbegin(); it != kDurationUnits.rend(); ++it) {
    const auto scale = static_cast<int64_t>(it->scale);
    if (ns % scale == 0) return fmt::format("{}{}", ns / scale, it->name);
  }
  return fmt::format("{}ns", ns);
}

}  // namespace siplab::scenario
