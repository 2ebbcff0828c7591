// encode() from message.h: RFC 1035 §4.1 layout, §4.1.4 name compression,
// RFC 2181 §9 truncation.
#include <variant>

#include "models/dns/message.h"
#include "models/dns/wire_name.h"

namespace siplab::dns {

namespace {

// Compression pointers carry a 14-bit offset (RFC 1035 §4.1.4).
constexpr size_t kMaxPointerOffset = 0x3FFF;

class Encoder {
 public:
  explicit Encoder(size_t reserve) { out_.reserve(reserve); }

  std::vector<uint8_t>& bytes() { return out_; }
  size_t size() const { return out_.size(); }

  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) {
    out_.push_back(static_cast<uint8_t>(v >> 8));
    out_.push_back(static_cast<uint8_t>(v));
  }
  void u32(uint32_t v) {
    u16(static_cast<uint16_t>(v >> 16));
    u16(static_cast<uint16_t>(v));
  }
  void put_u16_at(size_t at, uint16_t v) {
    out_[at] = static_cast<uint8_t>(v >> 8);
    out_[at + 1] = static_cast<uint8_t>(v);
  }

  // Writes a name, replacing its longest suffix already in the message with
  // a pointer when `compress` is set.  Names that fail to convert (only
  // possible when a caller built a Message by hand with a bad name) are
  // written as the root so the output stays well-formed.
  void name(std::string_view presentation, bool compress) {
    WireName wire;
    if (to_wire_name(presentation, wire) != nullptr) {
      u8(0);
      return;
    }
    for (uint8_t k = 0; k < wire.label_count; ++k) {
      const uint8_t* suffix = wire.bytes + wire.label_starts[k];
      if (compress) {
        for (uint16_t candidate : suffixes_) {
          if (matches(candidate, suffix)) {
            u16(static_cast<uint16_t>(0xC000 | candidate));
            return;
          }
        }
      }
      // Write this label uncompressed and remember where it starts, so later
      // names can point at the suffix beginning here.
      size_t here = out_.size();
      if (here <= kMaxPointerOffset) suffixes_.push_back(static_cast<uint16_t>(here));
      uint8_t length = suffix[0];
      out_.insert(out_.end(), suffix, suffix + 1 + length);
    }
    u8(0);
  }

  // Forget suffixes that lie beyond `size` after a rollback.
  void rollback(size_t size) {
    out_.resize(size);
    while (!suffixes_.empty() && suffixes_.back() >= size) suffixes_.pop_back();
  }

  void character_string(std::string_view s) {
    size_t length = s.size() > 255 ? 255 : s.size();
    u8(static_cast<uint8_t>(length));
    out_.insert(out_.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(length));
  }

 private:
  // Does the message, read from `offset` (following pointers), spell the
  // same labels as the uncompressed `suffix`?  Octets are compared exactly,
  // not case-folded, so every name decodes with the case it was given
  // (RFC 4343 §4: preserve case); a decode(encode(m)) round trip is exact.
  bool matches(size_t offset, const uint8_t* suffix) const {
    for (int hops = 0; hops < 128;) {
      uint8_t length = out_[offset];
      if ((length & 0xC0) == 0xC0) {
        offset = static_cast<size_t>((length & 0x3F) << 8 | out_[offset + 1]);
        ++hops;
        continue;
      }
      if (length != suffix[0]) return false;
      if (length == 0) return true;
      for (uint8_t i = 1; i <= length; ++i)
        if (out_[offset + i] != suffix[i]) return false;
      offset += 1 + length;
      suffix += 1 + length;
    }
    return false;
  }

  std::vector<uint8_t> out_;
  std::vector<uint16_t> suffixes_;
};

struct RdataWriter {
  Encoder& e;
  void operator()(const AData& a) const { e.bytes().insert(e.bytes().end(), a.address.begin(), a.address.end()); }
  void operator()(const AaaaData& a) const { e.bytes().insert(e.bytes().end(), a.address.begin(), a.address.end()); }
  // RFC 3597 §4: only the RFC 1035 types' rdata names may be compressed.
  void operator()(const NsData& ns) const { e.name(ns.host, true); }
  void operator()(const CnameData& c) const { e.name(c.target, true); }
  void operator()(const SoaData& s) const {
    e.name(s.mname, true);
    e.name(s.rname, true);
    for (uint32_t v : {s.serial, s.refresh, s.retry, s.expire, s.minimum}) e.u32(v);
  }
  void operator()(const TxtData& t) const {
    if (t.strings.empty()) e.character_string("");  // TXT needs one string (RFC 1035 §3.3.14)
    for (const auto& s : t.strings) e.character_string(s);
  }
  // RFC 2782: "name compression is not to be used for this field".
  void operator()(const SrvData& s) const {
    e.u16(s.priority);
    e.u16(s.weight);
    e.u16(s.port);
    e.name(s.target, false);
  }
  // RFC 3403 §4.1: REPLACEMENT "MUST NOT be compressed".
  void operator()(const NaptrData& n) const {
    e.u16(n.order);
    e.u16(n.preference);
    e.character_string(n.flags);
    e.character_string(n.services);
    e.character_string(n.regexp);
    e.name(n.replacement, false);
  }
};

void write_record(Encoder& e, const ResourceRecord& rr) {
  e.name(rr.name, true);
  e.u16(static_cast<uint16_t>(rr.type));
  e.u16(kClassIn);
  e.u32(rr.ttl);
  size_t length_at = e.size();
  e.u16(0);
  std::visit(RdataWriter{e}, rr.data);
  e.put_u16_at(length_at, static_cast<uint16_t>(e.size() - length_at - 2));
}

// Writes as many whole records of `section` as fit; returns how many.
size_t write_section(Encoder& e, const std::vector<ResourceRecord>& section, size_t max_size) {
  for (size_t i = 0; i < section.size(); ++i) {
    size_t before = e.size();
    write_record(e, section[i]);
    if (e.size() > max_size) {
      e.rollback(before);
      return i;
    }
  }
  return section.size();
}

}  // namespace

std::vector<uint8_t> encode(const Message& m, size_t max_size) {
  Encoder e(max_size < 512 ? max_size : 512);
  e.u16(m.id);
  e.u16(0);  // flags, filled in below once TC is known
  for (size_t i = 0; i < 4; ++i) e.u16(0);

  size_t counts[4] = {0, 0, 0, 0};
  bool truncated = false;
  for (const auto& q : m.questions) {
    size_t before = e.size();
    e.name(q.name, true);
    e.u16(static_cast<uint16_t>(q.type));
    e.u16(q.qclass);
    if (e.size() > max_size) {
      e.rollback(before);
      truncated = true;
      break;
    }
    ++counts[0];
  }
  if (!truncated) {
    counts[1] = write_section(e, m.answers, max_size);
    truncated = counts[1] < m.answers.size();
  }
  if (!truncated) {
    counts[2] = write_section(e, m.authority, max_size);
    truncated = counts[2] < m.authority.size();
  }
  // RFC 2181 §9: TC is set only when required data (question, answer or
  // authority) is missing; additional records that do not fit are simply
  // left out.
  if (!truncated) counts[3] = write_section(e, m.additional, max_size);

  uint16_t flags = static_cast<uint16_t>((m.qr ? 0x8000 : 0) | (m.opcode & 0xF) << 11 | (m.aa ? 0x0400 : 0) |
                                         (m.tc || truncated ? 0x0200 : 0) | (m.rd ? 0x0100 : 0) |
                                         (m.ra ? 0x0080 : 0) | (static_cast<uint8_t>(m.rcode) & 0xF));
  e.put_u16_at(2, flags);
  for (size_t i = 0; i < 4; ++i) e.put_u16_at(4 + 2 * i, static_cast<uint16_t>(counts[i]));
  return std::move(e.bytes());
}

}  // namespace siplab::dns
