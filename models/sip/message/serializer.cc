#include "models/sip/message/serializer.h"

#include <cstring>

namespace siplab::sip {

void serialize_to(const Message& m, std::string& out) {
  // The rows and the body in one write: size them, grow once, copy.  A
  // status line's size is known; a request line's Request-URI is not, and
  // rarely needs more than the slack reserved for it.  (A server
  // transaction keeps its response's text for Timer J: no slack there.)
  std::size_t size = 4 + m.body().size();
  for (const Header& h : m.headers()) size += h.name.size() + h.value.size() + 4;
  const std::size_t start_line = m.is_response() ? m.version().size() + 5 + m.reason().size() : 128;
  out.reserve(out.size() + start_line + size);
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
