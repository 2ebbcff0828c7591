#include "sim/scenario/yaml_reader.h"

#include <fmt/format.h>

#include "sim/scenario/units.h"

namespace siplab::scenario {
namespace {

// yaml-cpp marks are 0-based; a node that was never in the file has -1.
std::pair<int, int> position(const YAML::Node& n) {
  if (!n.IsDefined()) return {0, 0};
  const YAML::Mark m = n.Mark();
  if (m.line < 0 || m.column < 0) return {0, 0};
  return {m.line + 1, m.column + 1};
}

std::string join(std::initializer_list<std::string_view> items) {
  std::string out;
  for (auto item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

}  // namespace

std::string describe_node(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a map";
  // A scalar as the file has it, but safe for a terminal and short: bytes
  // outside printable ASCII as \xNN (a binary file is a scalar too), and at
  // most 60 of them.
  constexpr std::size_t kShown = 60;
  const std::string& text = n.Scalar();
  std::string shown;
  for (std::size_t i = 0; i < text.size() && i < kShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      shown.push_back(static_cast<char>(c));
    } else {
      shown += fmt::format("\\x{:02X}", c);
    }
  }
  if (text.size() > kShown) shown += fmt::format("... ({} bytes)", text.size());
  return fmt::format("'{}'", shown);
}

void YamlReader::error(const YAML::Node& at, const std::string& message) {
  auto [line, column] = position(at);
  const OverrideOrigins::Origin* origin = at.IsDefined() ? origins_.find(at) : nullptr;
  if (!origin) {
    out_.push_back({file_, line, column, message});
    return;
  }
  if (!origin->file_position) line = column = 0;  // a position inside the --set text
  out_.push_back({file_, line, column, fmt::format("--set {}: {}", origin->text, message)});
}

int YamlReader::line_of(const YAML::Node& at) const { return position(at).first; }

// yaml-cpp throws from IsMap() and friends on a node that is not there (a
// missing key), so every type check asks IsDefined() first.
bool YamlReader::expect_map(const YAML::Node& n, std::string_view what) {
  if (n.IsDefined() && n.IsMap()) return true;
  error(n, fmt::format("expected {} (a map); got {}", what, describe_node(n)));
  return false;
}

bool YamlReader::expect_list(const YAML::Node& n, std::string_view what) {
  if (n.IsDefined() && n.IsSequence()) return true;
  error(n, fmt::format("expected {} (a list); got {}", what, describe_node(n)));
  return false;
}

void YamlReader::check_keys(const YAML::Node& map, std::string_view what,
                            std::initializer_list<std::string_view> allowed) {
  std::vector<std::pair<std::string, int>> seen;
  for (const auto& kv : map) {
    const YAML::Node& key = kv.first;
    if (!key.IsScalar()) {
      error(key, fmt::format("expected a plain key in {}; got {}", what, describe_node(key)));
      continue;
    }
    const std::string& name = key.Scalar();
    bool known = false;
    for (auto a : allowed) known = known || a == name;
    if (!known) {
      error(key, fmt::format("unknown key '{}' in {} (expected one of: {})", name, what, join(allowed)));
      continue;
    }
    for (const auto& [prev, prev_line] : seen)
      if (prev == name) error(key, fmt::format("duplicate key '{}' in {} (first given on line {})", name, what, prev_line));
    seen.emplace_back(name, line_of(key));
  }
}

bool YamlReader::require(const YAML::Node& map, std::string_view key, std::string_view what,
                         std::string_view expected) {
  if (map[std::string(key)].IsDefined()) return true;
  error(map, fmt::format("missing key '{}' in {} (expected {})", key, what, expected));
  return false;
}

YAML::Node YamlReader::key_node(const YAML::Node& map, std::string_view key) const {
  for (const auto& kv : map)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.first;
  return map;
}

std::optional<std::string> YamlReader::scalar(const YAML::Node& v, std::string_view what, std::string_view expected) {
  if (v.IsDefined() && v.IsScalar()) return v.Scalar();
  error(v, fmt::format("{}: expected {}; got {}", what, expected, describe_node(v)));
  return std::nullopt;
}

std::optional<std::string> YamlReader::text(const YAML::Node& v, std::string_view what) {
  auto s = scalar(v, what, "a plain value");
  if (s && s->empty()) {
    error(v, fmt::format("{}: expected a non-empty value", what));
    return std::nullopt;
  }
  return s;
}

namespace {
template <class T>
std::optional<T> take(YamlReader& r, const YAML::Node& v, std::string_view what, Parsed<T> parsed) {
  if (parsed) return parsed.value;
  r.error(v, fmt::format("{}: {}", what, parsed.error));
  return std::nullopt;
}
}  // namespace

std::optional<Duration> YamlReader::duration(const YAML::Node& v, std::string_view what) {
  auto s = scalar(v, what, "a duration such as 500ms or 2s");
  if (!s) return std::nullopt;
  return take(*this, v, what, parse_duration(*s));
}

std::optional<uint64_t> YamlReader::rate(const YAML::Node& v, std::string_view what) {
  auto s = scalar(v, what, "a rate such as 64kbps or 10Mbps");
  if (!s) return std::nullopt;
  return take(*this, v, what, parse_rate(*s));
}

std::optional<double> YamlReader::probability(const YAML::Node& v, std::string_view what) {
  auto s = scalar(v, what, "a probability in [0, 1]");
  if (!s) return std::nullopt;
  return take(*this, v, what, parse_probability(*s));
}

std::optional<uint64_t> YamlReader::integer(const YAML::Node& v, std::string_view what, uint64_t min, uint64_t max) {
  auto s = scalar(v, what, fmt::format("an integer in [{}, {}]", min, max));
  if (!s) return std::nullopt;
  return take(*this, v, what, parse_integer(*s, min, max));
}

std::optional<bool> YamlReader::boolean(const YAML::Node& v, std::string_view what) {
  auto s = scalar(v, what, "true or false");
  if (!s) return std::nullopt;
  return take(*this, v, what, parse_bool(*s));
}

std::optional<std::string> YamlReader::choice(const YAML::Node& v, std::string_view what,
                                              std::initializer_list<std::string_view> choices) {
  auto s = scalar(v, what, fmt::format("one of: {}", join(choices)));
  if (!s) return std::nullopt;
  for (auto c : choices)
    if (c == *s) return s;
  error(v, fmt::format("{}: expected one of: {}; got '{}'", what, join(choices), *s));
  return std::nullopt;
}

}  // namespace siplab::scenario
