#include "models/dns/name.h"

namespace siplab::dns {

LabelsResult split_labels(std::string_view name) {
  LabelsResult result;
  if (name.empty() || name.back() != '.') {
    result.error = "name '" + std::string(name) + "' is not absolute";
    return result;
  }
  if (name == ".") return result;
  size_t wire_length = 1;  // the root label's length octet
  std::string label;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '\\') {
      if (i + 1 >= name.size()) {
        result.error = "dangling '\\' in name";
        return result;
      }
      char next = name[i + 1];
      if (next >= '0' && next <= '9') {
        // \DDD: exactly three decimal digits, value 0..255 (RFC 1035 §5.1).
        if (i + 3 >= name.size() || !(name[i + 2] >= '0' && name[i + 2] <= '9') ||
            !(name[i + 3] >= '0' && name[i + 3] <= '9')) {
          result.error = "bad \\DDD escape in name";
          return result;
        }
        int value = (next - '0') * 100 + (name[i + 2] - '0') * 10 + (name[i + 3] - '0');
        if (value > 255) {
          result.error = "\\DDD escape above 255 in name";
          return result;
        }
        label.push_back(static_cast<char>(value));
        i += 3;
      } else {
        label.push_back(next);
        i += 1;
      }
      continue;
    }
    if (c == '.') {
      if (label.empty()) {
        result.error = "empty label in name '" + std::string(name) + "'";
        return result;
      }
      if (label.size() > kMaxLabelLength) {
        result.error = "label longer than 63 octets in name '" + std::string(name) + "'";
        return result;
      }
      wire_length += 1 + label.size();
      result.labels.push_back(std::move(label));
      label.clear();
      continue;
    }
    label.push_back(c);
  }
  if (wire_length > kMaxNameWireLength) {
    result.error = "name longer than 255 octets";
    result.labels.clear();
  }
  return result;
}

void append_decimal_escape(std::string& out, unsigned char c) {
  out.push_back('\\');
  out.push_back(static_cast<char>('0' + c / 100));
  out.push_back(static_cast<char>('0' + (c / 10) % 10));
  out.push_back(static_cast<char>('0' + c % 10));
}

void append_label_presentation(std::string& out, std::string_view raw) {
  for (unsigned char c : raw) {
    switch (c) {
      case '.': case '\\': case '"': case '(': case ')': case ';': case '@': case '$':
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
        break;
      default:
        if (c <= 0x20 || c >= 0x7f) {
          append_decimal_escape(out, c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
}

std::string_view parent_name(std::string_view name) {
  if (name.size() <= 1) return ".";
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\') {
      // Skip the escaped character (or the three digits of \DDD).
      i += (i + 1 < name.size() && name[i + 1] >= '0' && name[i + 1] <= '9') ? 3 : 1;
      continue;
    }
    if (name[i] == '.') return i + 1 < name.size() ? name.substr(i + 1) : std::string_view(".");
  }
  return ".";
}

bool is_at_or_below(std::string_view name, std::string_view ancestor) {
  if (ancestor == ".") return true;
  if (name.size() < ancestor.size()) return false;
  std::string_view tail = name.substr(name.size() - ancestor.size());
  for (size_t i = 0; i < tail.size(); ++i)
    if (ascii_lower(tail[i]) != ascii_lower(ancestor[i])) return false;
  if (name.size() == ancestor.size()) return true;
  // The match must start at a label boundary: an unescaped '.' before it.
  size_t dot = name.size() - ancestor.size() - 1;
  if (name[dot] != '.') return false;
  size_t backslashes = 0;
  for (size_t i = dot; i > 0 && name[i - 1] == '\\'; --i) ++backslashes;
  return backslashes % 2 == 0;
}

}  // namespace siplab::dns
