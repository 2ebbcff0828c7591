// type_name and to_presentation (records.h) plus presentation.h helpers.

#include "models/common/address.h"
#include "models/dns/name.h"
#include "models/dns/presentation.h"
#include "models/dns/records.h"

namespace siplab::dns {

namespace {

struct TypeNameEntry {
  RrType type;
  std::string_view name;
};
constexpr TypeNameEntry kTypeNames[] = {
    {RrType::A, "A"},       {RrType::NS, "NS"},   {RrType::CNAME, "CNAME"}, {RrType::SOA, "SOA"},
    {RrType::TXT, "TXT"},   {RrType::AAAA, "AAAA"}, {RrType::SRV, "SRV"},   {RrType::NAPTR, "NAPTR"},
    {RrType::ANY, "ANY"},
};

void append_number(std::string& out, uint32_t value) { out += std::to_string(value); }

struct RdataPrinter {
  std::string& out;
  void operator()(const AData& a) const {
    for (size_t i = 0; i < 4; ++i) {
      if (i) out.push_back('.');
      append_number(out, a.address[i]);
    }
  }
  void operator()(const AaaaData& a) const { out += ipv6_to_string(a.address); }
  void operator()(const NsData& ns) const { out += ns.host; }
  void operator()(const CnameData& c) const { out += c.target; }
  void operator()(const SoaData& s) const {
    out += s.mname;
    out.push_back(' ');
    out += s.rname;
    for (uint32_t v : {s.serial, s.refresh, s.retry, s.expire, s.minimum}) {
      out.push_back(' ');
      append_number(out, v);
    }
  }
  void operator()(const TxtData& t) const {
    for (size_t i = 0; i < t.strings.size(); ++i) {
      if (i) out.push_back(' ');
      append_quoted(out, t.strings[i]);
    }
  }
  void operator()(const SrvData& s) const {
    append_number(out, s.priority);
    out.push_back(' ');
    append_number(out, s.weight);
    out.push_back(' ');
    append_number(out, s.port);
    out.push_back(' ');
    out += s.target;
  }
  void operator()(const NaptrData& n) const {
    append_number(out, n.order);
    out.push_back(' ');
    append_number(out, n.preference);
    out.push_back(' ');
    append_quoted(out, n.flags);
    out.push_back(' ');
    append_quoted(out, n.services);
    out.push_back(' ');
    append_quoted(out, n.regexp);
    out.push_back(' ');
    out += n.replacement;
  }
};

}  // namespace

std::string type_name(RrType type) {
  for (const auto& entry : kTypeNames)
    if (entry.type == type) return std::string(entry.name);
  return "TYPE" + std::to_string(static_cast<uint16_t>(type));  // RFC 3597 §5
}

std::optional<RrType> type_from_name(std::string_view mnemonic) {
  for (const auto& entry : kTypeNames) {
    if (entry.type == RrType::ANY || entry.name.size() != mnemonic.size()) continue;
    bool same = true;
    for (size_t i = 0; i < mnemonic.size() && same; ++i) same = ascii_lower(mnemonic[i]) == ascii_lower(entry.name[i]);
    if (same) return entry.type;
  }
  return std::nullopt;
}

void append_quoted(std::string& out, std::string_view raw) {
  out.push_back('"');
  for (unsigned char c : raw) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7f) {
      append_decimal_escape(out, c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

std::string ipv6_to_string(const std::array<uint8_t, 16>& a) {
  // One formatter for every IPv6 address siplab prints (zone check, locate,
  // traces): RFC 5952, with an IPv4-mapped address as ::ffff:192.0.2.1
  // (§5), as BIND prints it too.
  IpAddress ip;
  ip.v6 = true;
  ip.bytes = a;
  return ip.to_string();
}

std::string rdata_presentation(const RData& data) {
  std::string out;
  std::visit(RdataPrinter{out}, data);
  return out;
}

std::string to_presentation(const ResourceRecord& rr) {
  std::string out = rr.name;
  out.push_back(' ');
  append_number(out, rr.ttl);
  out += " IN ";
  out += type_name(rr.type);
  out.push_back(' ');
  std::visit(RdataPrinter{out}, rr.data);
  return out;
}

}  // namespace siplab::dns
