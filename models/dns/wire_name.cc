#include "models/dns/wire_name.h"

#include "models/dns/name.h"

namespace siplab::dns {

const char* to_wire_name(std::string_view name, WireName& out) {
  out.size = 0;
  out.label_count = 0;
  if (name.empty() || name.back() != '.') return "name is not absolute";
  if (name == ".") {
    out.bytes[0] = 0;
    out.size = 1;
    return nullptr;
  }
  size_t label_start = 0;  // offset of the current label's length octet
  size_t pos = 1;          // next free octet
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '.') {
      size_t length = pos - label_start - 1;
      if (length == 0) return "empty label in name";
      if (length > kMaxLabelLength) return "label longer than 63 octets";
      out.bytes[label_start] = static_cast<uint8_t>(length);
      out.label_starts[out.label_count++] = static_cast<uint8_t>(label_start);
      label_start = pos;
      ++pos;
      if (pos > kMaxNameWireLength) return "name longer than 255 octets";
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= name.size()) return "dangling '\\' in name";
      char next = name[i + 1];
      if (next >= '0' && next <= '9') {
        if (i + 3 >= name.size() || name[i + 2] < '0' || name[i + 2] > '9' || name[i + 3] < '0' || name[i + 3] > '9')
          return "bad \\DDD escape in name";
        int value = (next - '0') * 100 + (name[i + 2] - '0') * 10 + (name[i + 3] - '0');
        if (value > 255) return "\\DDD escape above 255 in name";
        c = static_cast<char>(value);
        i += 3;
      } else {
        c = next;
        i += 1;
      }
    }
    if (pos >= kMaxNameWireLength) return "name longer than 255 octets";
    out.bytes[pos++] = static_cast<uint8_t>(c);
  }
  // An escaped final dot ("a\\.") leaves the last label open.
  if (pos != label_start + 1) return "name is not absolute";
  // The trailing '.' closed the last label and reserved the root octet.
  out.bytes[label_start] = 0;
  out.size = static_cast<uint16_t>(label_start + 1);
  return nullptr;
}

}  // namespace siplab::dns
