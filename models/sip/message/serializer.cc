#include "models/sip/message/serializer.h"

namespace siplab::sip {

void serialize_to(const Message& m, std::string& out) {
  std::size_t size = 64 + m.body().size();
  for (const Header& h : m.headers()) size += h.name.size() + h.value.size() + 4;
  out.reserve(out.size() + size);
  out += m.start_line();
  out += "\r\n";
  for (const Header& h : m.headers()) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  out += "\r\n";
  out += m.body();
}

std::string serialize(const Message& m) {
  std::string out;
  serialize_to(m, out);
  return out;
}

}  // namespace siplab::sip
