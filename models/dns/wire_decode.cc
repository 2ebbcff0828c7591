// decode() from message.h.  Every length, count and pointer is checked
// against the buffer before it is used; the first problem ends decoding with
// an error value naming the offset.
#include <string>

#include "models/dns/message.h"
#include "models/dns/name.h"

namespace siplab::dns {

namespace {

constexpr size_t kHeaderSize = 12;

struct Failure {
  size_t offset;
  std::string reason;
};

class Decoder {
 public:
  explicit Decoder(std::span<const uint8_t> bytes) : in_(bytes) {}

  std::optional<Failure> failure;
  size_t pos = 0;

  bool need(size_t n, const char* what) {
    if (in_.size() - pos < n) return fail(pos, std::string("truncated ") + what);
    return true;
  }
  bool fail(size_t offset, std::string reason) {
    if (!failure) failure = Failure{offset, std::move(reason)};
    return false;
  }
  uint8_t u8() { return in_[pos++]; }
  uint16_t u16() {
    uint16_t v = static_cast<uint16_t>(in_[pos] << 8 | in_[pos + 1]);
    pos += 2;
    return v;
  }
  uint32_t u32() {
    uint32_t hi = u16();
    return hi << 16 | u16();
  }

  // Reads a possibly compressed name at `pos` into presentation form.  A
  // pointer must point strictly before the start of the label run that
  // contains it, so every jump goes backwards and loops cannot form
  // (RFC 1035 §4.1.4 only allows pointers to prior occurrences).
  bool name(std::string& out) {
    out.clear();
    size_t cursor = pos;
    size_t run_start = pos;
    bool jumped = false;
    size_t wire_length = 1;
    while (true) {
      if (cursor >= in_.size()) return fail(cursor, "truncated name");
      uint8_t length = in_[cursor];
      uint8_t kind = length & 0xC0;
      if (kind == 0xC0) {
        if (cursor + 1 >= in_.size()) return fail(cursor, "truncated compression pointer");
        size_t target = static_cast<size_t>((length & 0x3F) << 8 | in_[cursor + 1]);
        if (target >= in_.size()) return fail(cursor, "compression pointer out of bounds");
        if (target >= run_start) return fail(cursor, "compression pointer loop or forward reference");
        if (!jumped) pos = cursor + 2;
        jumped = true;
        cursor = target;
        run_start = target;
        continue;
      }
      if (kind != 0) return fail(cursor, "unsupported label type");
      if (length == 0) {
        if (!jumped) pos = cursor + 1;
        if (out.empty()) out.push_back('.');  // the root
        return true;
      }
      if (cursor + 1 + length > in_.size()) return fail(cursor, "truncated label");
      wire_length += 1 + length;
      if (wire_length > kMaxNameWireLength) return fail(cursor, "name longer than 255 octets");
      append_label_presentation(out, std::string_view(reinterpret_cast<const char*>(&in_[cursor + 1]), length));
      out.push_back('.');
      cursor += 1 + length;
    }
  }

  bool character_string(size_t end, std::string& out) {
    if (pos >= end) return fail(pos, "truncated character-string");
    uint8_t length = in_[pos];
    if (pos + 1 + length > end) return fail(pos, "character-string extends past rdata");
    out.assign(reinterpret_cast<const char*>(&in_[pos + 1]), length);
    pos += 1 + length;
    return true;
  }

  bool question(Question& q) {
    if (!name(q.name)) return false;
    if (!need(4, "question")) return false;
    q.type = static_cast<RrType>(u16());
    q.qclass = u16();
    return true;
  }

  bool record(ResourceRecord& rr) {
    size_t start = pos;
    if (!name(rr.name)) return false;
    if (!need(10, "record header")) return false;
    uint16_t type = u16();
    uint16_t rclass = u16();
    rr.ttl = u32();
    uint16_t rdlength = u16();
    if (rclass != kClassIn) return fail(start, "unsupported class " + std::to_string(rclass));
    if (in_.size() - pos < rdlength) return fail(pos - 2, "rdata extends past end of message");
    size_t end = pos + rdlength;
    rr.type = static_cast<RrType>(type);
    if (!rdata(rr, end)) return false;
    if (pos != end)
      return fail(pos, "rdata length " + std::to_string(rdlength) + " does not match " + type_name(rr.type) + " rdata");
    return true;
  }

 private:
  bool fixed_address(size_t end, uint8_t* out, size_t n, ResourceRecord& rr) {
    if (end - pos != n)
      return fail(pos, type_name(rr.type) + " rdata must be " + std::to_string(n) + " octets, got " +
                           std::to_string(end - pos));
    for (size_t i = 0; i < n; ++i) out[i] = in_[pos + i];
    pos = end;
    return true;
  }

  // A name inside rdata may not run past the rdata (its pointer target may
  // lie anywhere earlier in the message).
  bool rdata_name(size_t end, std::string& out) {
    if (!name(out)) return false;
    if (pos > end) return fail(end, "name extends past rdata");
    return true;
  }

  bool rdata(ResourceRecord& rr, size_t end) {
    switch (rr.type) {
      case RrType::A: {
        AData a;
        if (!fixed_address(end, a.address.data(), 4, rr)) return false;
        rr.data = a;
        return true;
      }
      case RrType::AAAA: {
        AaaaData a;
        if (!fixed_address(end, a.address.data(), 16, rr)) return false;
        rr.data = a;
        return true;
      }
      case RrType::NS: {
        NsData ns;
        if (!rdata_name(end, ns.host)) return false;
        rr.data = std::move(ns);
        return true;
      }
      case RrType::CNAME: {
        CnameData c;
        if (!rdata_name(end, c.target)) return false;
        rr.data = std::move(c);
        return true;
      }
      case RrType::SOA: {
        SoaData s;
        if (!rdata_name(end, s.mname) || !rdata_name(end, s.rname)) return false;
        if (end - pos < 20) return fail(pos, "truncated SOA rdata");
        s.serial = u32();
        s.refresh = u32();
        s.retry = u32();
        s.expire = u32();
        s.minimum = u32();
        rr.data = std::move(s);
        return true;
      }
      case RrType::TXT: {
        TxtData t;
        if (pos == end) return fail(pos, "TXT rdata without a character-string");
        while (pos < end) {
          t.strings.emplace_back();
          if (!character_string(end, t.strings.back())) return false;
        }
        rr.data = std::move(t);
        return true;
      }
      case RrType::SRV: {
        SrvData s;
        if (end - pos < 6) return fail(pos, "truncated SRV rdata");
        s.priority = u16();
        s.weight = u16();
        s.port = u16();
        if (!rdata_name(end, s.target)) return false;
        rr.data = std::move(s);
        return true;
      }
      case RrType::NAPTR: {
        NaptrData n;
        if (end - pos < 4) return fail(pos, "truncated NAPTR rdata");
        n.order = u16();
        n.preference = u16();
        if (!character_string(end, n.flags) || !character_string(end, n.services) ||
            !character_string(end, n.regexp) || !rdata_name(end, n.replacement))
          return false;
        rr.data = std::move(n);
        return true;
      }
      default:
        return fail(pos - 10, "unsupported record type " + type_name(rr.type));
    }
  }

  std::span<const uint8_t> in_;
};

bool read_section(Decoder& d, uint16_t count, std::vector<ResourceRecord>& section) {
  // decode() has already checked that the packet can hold `count` records.
  section.reserve(count);
  for (uint16_t i = 0; i < count; ++i) {
    section.emplace_back();
    if (!d.record(section.back())) return false;
  }
  return true;
}

}  // namespace

DecodeResult decode(std::span<const uint8_t> bytes) {
  DecodeResult result;
  if (bytes.size() < kHeaderSize) {
    result.error = DecodeError{0, "truncated header: " + std::to_string(bytes.size()) + " of 12 octets"};
    return result;
  }
  Decoder d(bytes);
  Message m;
  m.id = d.u16();
  uint16_t flags = d.u16();
  m.qr = flags & 0x8000;
  m.opcode = static_cast<uint8_t>(flags >> 11 & 0xF);
  m.aa = flags & 0x0400;
  m.tc = flags & 0x0200;
  m.rd = flags & 0x0100;
  m.ra = flags & 0x0080;
  m.rcode = static_cast<Rcode>(flags & 0xF);
  uint16_t qdcount = d.u16(), ancount = d.u16(), nscount = d.u16(), arcount = d.u16();

  // A question takes at least 5 octets and a record 11: reject counts the
  // remaining bytes cannot hold before reserving anything.
  size_t remaining = bytes.size() - kHeaderSize;
  size_t minimum = size_t{qdcount} * 5 + (size_t{ancount} + nscount + arcount) * 11;
  if (minimum > remaining) {
    result.error = DecodeError{4, "section counts need at least " + std::to_string(minimum) + " octets, only " +
                                      std::to_string(remaining) + " remain"};
    return result;
  }
  m.questions.resize(qdcount);
  bool ok = true;
  for (auto& q : m.questions)
    if (!(ok = d.question(q))) break;
  ok = ok && read_section(d, ancount, m.answers) && read_section(d, nscount, m.authority) &&
       read_section(d, arcount, m.additional);
  if (ok && d.pos != bytes.size()) d.fail(d.pos, std::to_string(bytes.size() - d.pos) + " trailing octets after the last record");
  if (d.failure) {
    result.error = DecodeError{d.failure->offset, std::move(d.failure->reason)};
    return result;
  }
  result.message = std::move(m);
  return result;
}

}  // namespace siplab::dns
