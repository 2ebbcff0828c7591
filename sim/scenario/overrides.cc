#include "sim/scenario/overrides.h"

#include <optional>
#include <variant>

#include <fmt/format.h>

namespace siplab::scenario {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    parts.emplace_back(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

std::string join_prefix(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i) out += '.';
    out += parts[i];
  }
  return out.empty() ? std::string("(top level)") : out;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "sip:ivan@domain.ru" → "ivan".
std::string_view aor_user(std::string_view aor) {
  const size_t colon = aor.find(':');
  const size_t at = aor.find('@');
  if (colon == std::string_view::npos || at == std::string_view::npos || at < colon) return {};
  return aor.substr(colon + 1, at - colon - 1);
}

bool element_named(const YAML::Node& element, std::string_view name) {
  if (element.IsScalar()) return element.Scalar() == name;
  if (!element.IsMap()) return false;
  for (const char* key : {"name", "node"}) {
    const YAML::Node v = element[key];
    if (v && v.IsScalar() && v.Scalar() == name) return true;
  }
  const YAML::Node aor = element["aor"];
  return aor && aor.IsScalar() && aor_user(aor.Scalar()) == name;
}

// Index of the list element `component` designates, or an error message.
std::variant<size_t, std::string> find_element(const YAML::Node& list, const std::string& component,
                                               const std::string& where) {
  if (all_digits(component)) {
    const size_t index = std::stoul(component);
    if (index >= list.size())
      return fmt::format("no element {} in '{}' (it has {} element{}{})", component, where, list.size(),
                         list.size() == 1 ? "" : "s",
                         list.size() == 0 ? "" : fmt::format(": 0..{}", list.size() - 1));
    return index;
  }
  std::optional<size_t> found;
  for (size_t i = 0; i < list.size(); ++i) {
    if (!element_named(list[i], component)) continue;
    if (found) return fmt::format("'{}' names more than one element of '{}' ({} and {}); use an index", component, where,
                                  *found, i);
    found = i;
  }
  if (!found) return fmt::format("no element named '{}' in '{}'", component, where);
  return *found;
}

// The key a plain list element stands for when it is written in map form.
std::optional<std::string> plain_element_key(std::string_view list_key) {
  if (list_key == "nodes") return "name";
  if (list_key == "devices") return "node";
  return std::nullopt;
}

void remember_tree(const YAML::Node& node, const std::string& text, OverrideOrigins& origins) {
  origins.add(node, text, false);
  if (node.IsMap()) {
    for (const auto& kv : node) {
      remember_tree(kv.first, text, origins);
      remember_tree(kv.second, text, origins);
    }
  } else if (node.IsSequence()) {
    for (const auto& e : node) remember_tree(e, text, origins);
  }
}

// Writes `value` into `target`: a plain value keeps the target's position in
// the file (so diagnostics point at the original line), a structured one
// replaces the node.
void assign(YAML::Node target, const YAML::Node& value, const std::string& text, OverrideOrigins& origins) {
  if (value.IsScalar()) {
    const bool had_position = target.IsDefined() && target.Mark().line >= 0;
    target = value.Scalar();
    origins.add(target, text, had_position);
  } else {
    target = value;
    remember_tree(target, text, origins);
  }
}

}  // namespace

Parsed<Override> parse_override(std::string_view argument) {
  const size_t eq = argument.find('=');
  if (eq == std::string_view::npos)
    return Parsed<Override>::fail(fmt::format("--set {}: expected key.path=value", argument));
  Override o{std::string(argument.substr(0, eq)), std::string(argument.substr(eq + 1))};
  if (o.path.empty()) return Parsed<Override>::fail(fmt::format("--set {}: empty key path before '='", argument));
  for (const auto& part : split_path(o.path))
    if (part.empty())
      return Parsed<Override>::fail(fmt::format("--set {}: empty component in key path '{}'", argument, o.path));
  if (o.value.empty()) return Parsed<Override>::fail(fmt::format("--set {}: empty value after '='", argument));
  return Parsed<Override>::ok(std::move(o));
}

void OverrideOrigins::add(const YAML::Node& node, const std::string& override_text, bool file_position) {
  entries_.push_back({node, override_text, file_position});
}

const OverrideOrigins::Origin* OverrideOrigins::find(const YAML::Node& node) const {
  // Later overrides win when two touched the same node.
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it)
    if (it->node.is(node)) return &*it;
  return nullptr;
}

void apply_overrides(YAML::Node& root, std::span<const Override> overrides, const std::string& file,
                     OverrideOrigins& origins, std::vector<Diagnostic>& diagnostics) {
  for (const Override& o : overrides) {
    const std::string text = o.text();
    auto fail = [&](const std::string& why) {
      diagnostics.push_back({file, 0, 0, fmt::format("--set {}: {}", text, why)});
    };
    YAML::Node value;
    try {
      value.reset(YAML::Load(o.value));
    } catch (const YAML::Exception& e) {
      fail(fmt::format("the value is not valid YAML: {}", e.msg));
      continue;
    }
    if (!value.IsScalar() && !value.IsMap() && !value.IsSequence()) {
      fail("the value is empty");
      continue;
    }

    const std::vector<std::string> parts = split_path(o.path);
    YAML::Node current = root;
    std::string parent_key;  // the key `current` sits under, for plain list elements
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      const std::string& part = parts[i];
      const bool last = i + 1 == parts.size();
      const std::string where = join_prefix(parts, i);
      if (current.IsMap()) {
        bool exists = false;
        for (const auto& kv : current)
          if (kv.first.IsScalar() && kv.first.Scalar() == part) exists = true;
        if (last) {
          assign(current[part], value, text, origins);
          if (!exists)  // a new key: point diagnostics about it at the --set too
            for (const auto& kv : current)
              if (kv.first.Scalar() == part) origins.add(kv.first, text, false);
        } else if (!exists) {
          // A missing map key becomes an empty map (`sip.t1` on a file
          // without `sip:`); validation then reports it if the schema has
          // no such key, naming this --set.
          current[part] = YAML::Node(YAML::NodeType::Map);
          for (const auto& kv : current)
            if (kv.first.Scalar() == part) origins.add(kv.first, text, false);
          current.reset(current[part]);
          origins.add(current, text, false);
          parent_key = part;
        } else {
          current.reset(current[part]);  // rebind; `=` would overwrite the node
          parent_key = part;
        }
      } else if (current.IsSequence()) {
        auto found = find_element(current, part, where);
        if (auto* why = std::get_if<std::string>(&found)) {
          fail(*why);
          ok = false;
          continue;
        }
        const size_t index = std::get<size_t>(found);
        YAML::Node element = current[index];
        if (last) {
          assign(element, value, text, origins);
        } else {
          if (element.IsScalar()) {
            auto key = plain_element_key(parent_key);
            if (!key) {
              fail(fmt::format("'{}.{}' is a plain value; nothing below it to set", where, part));
              ok = false;
              continue;
            }
            YAML::Node expanded(YAML::NodeType::Map);
            expanded[*key] = YAML::Node(element);  // keeps the name's position in the file
            element = expanded;  // replaces the element in the list
          }
          current.reset(element);
        }
      } else {
        fail(fmt::format("'{}' is a plain value; nothing below it to set", where));
        ok = false;
      }
    }
  }
}

}  // namespace siplab::scenario
