#include "models/sip/message/serializer.h"

#include <cstring>

namespace siplab::sip {

void serialize_to(const Message& m, std::string& out) {
  // The rows and the body in one write: size them, grow once, copy (the
  // start line rarely needs more than the slack reserved for it).
  std::size_t size = 4 + m.body().size();
  for (const Header& h : m.headers()) size += h.name.size() + h.value.size() + 4;
  out.reserve(out.size() + size + 128);
  m.append_start_line(out);
  const std::size_t at = out.size();
  out.resize(at + size);
  char* p = out.data() + at;
  auto put = [&p](std::string_view text) {
    if (text.empty()) return;  // (an empty view may have no data pointer: no memcpy of null)
    std::memcpy(p, text.data(), text.size());
    p += text.size();
  };
  put("\r\n");
  for (const Header& h : m.headers()) {
    put(h.name);
    put(": ");
    put(h.value);
    put("\r\n");
  }
  put("\r\n");
  put(m.body());
}

std::string serialize(const Message& m) {
  std::string out;
  serialize_to(m, out);
  return out;
}

}  // namespace siplab::sip
