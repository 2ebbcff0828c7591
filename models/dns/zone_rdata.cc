#include "models/dns/zone_rdata.h"

#include <arpa/inet.h>

#include <cstring>

#include "models/dns/name.h"

namespace siplab::dns {

std::optional<uint64_t> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t total = 0, value = 0;
  bool have_digits = false, used_unit = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      value = value * 10 + static_cast<uint64_t>(c - '0');
      if (value > 0xFFFFFFFFull) return std::nullopt;
      have_digits = true;
      continue;
    }
    if (!have_digits) return std::nullopt;
    uint64_t unit = 0;
    switch (c) {
      case 's': case 'S': unit = 1; break;
      case 'm': case 'M': unit = 60; break;
      case 'h': case 'H': unit = 3600; break;
      case 'd': case 'D': unit = 86400; break;
      case 'w': case 'W': unit = 604800; break;
      default: return std::nullopt;
    }
    total += value * unit;
    if (total > 0xFFFFFFFFull) return std::nullopt;
    value = 0;
    have_digits = false;
    used_unit = true;
  }
  if (have_digits) {
    // A bare number after units ("1h30") is not BIND syntax.
    if (used_unit) return std::nullopt;
    total = value;
  }
  return total;
}

std::optional<std::string> unescape_string(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 1 >= text.size()) return std::nullopt;
    char next = text[i + 1];
    if (next >= '0' && next <= '9') {
      if (i + 3 >= text.size() || text[i + 2] < '0' || text[i + 2] > '9' || text[i + 3] < '0' || text[i + 3] > '9')
        return std::nullopt;
      int value = (next - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
      if (value > 255) return std::nullopt;
      out.push_back(static_cast<char>(value));
      i += 3;
    } else {
      out.push_back(next);
      i += 1;
    }
  }
  return out;
}

bool RdataParser::fail(const ZoneToken& at, std::string message) {
  error = std::move(message);
  error_line = at.line;
  error_column = at.column;
  return false;
}

const ZoneToken* RdataParser::take(const char* what) {
  if (at_end()) {
    error = std::string("missing ") + what;
    error_line = end_line_;
    error_column = end_column_;
    return nullptr;
  }
  return &tokens_[next_++];
}

const ZoneToken* RdataParser::take_unquoted(const char* what) {
  const ZoneToken* t = take(what);
  if (t && t->quoted) return fail(*t, std::string("the ") + what + " cannot be a quoted string"), nullptr;
  return t;
}

namespace {

// inet_pton reads up to a NUL: a token with one inside ("1.2.3.4" NUL
// "junk") would pass for the address before it.
bool parse_address(int family, const std::string& text, void* out) {
  return text.find('\0') == std::string::npos && inet_pton(family, text.c_str(), out) == 1;
}

// A token for an error message, control octets as \DDD so that a NUL
// cannot cut the message short.
std::string shown(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      append_decimal_escape(out, u);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::optional<uint16_t> RdataParser::u16(const char* what) {
  const ZoneToken* t = take_unquoted(what);
  if (!t) return std::nullopt;
  auto v = parse_duration(t->text);
  bool digits_only = !t->text.empty() && t->text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits_only || !v || *v > 65535)
    return fail(*t, "'" + t->text + "' is not a valid " + what + " (0-65535)"), std::nullopt;
  return static_cast<uint16_t>(*v);
}

std::optional<uint32_t> RdataParser::u32(const char* what, bool allow_units) {
  const ZoneToken* t = take_unquoted(what);
  if (!t) return std::nullopt;
  bool digits_only = !t->text.empty() && t->text.find_first_not_of("0123456789") == std::string::npos;
  auto v = parse_duration(t->text);
  if ((!allow_units && !digits_only) || !v)
    return fail(*t, "'" + t->text + "' is not a valid " + what + " (0-4294967295)"), std::nullopt;
  return static_cast<uint32_t>(*v);
}

std::optional<std::string> RdataParser::name(const char* what) {
  const ZoneToken* t = take(what);
  if (!t) return std::nullopt;
  auto resolved = resolve_(*t);
  if (!resolved) resolver_failed_ = true;
  return resolved;
}

std::optional<std::string> RdataParser::character_string(const char* what) {
  const ZoneToken* t = take(what);
  if (!t) return std::nullopt;
  auto s = unescape_string(t->text);
  if (!s) return fail(*t, std::string("bad escape in ") + what), std::nullopt;
  // RFC 1035 §3.3: a <character-string> holds at most 255 octets.
  if (s->size() > 255) return fail(*t, std::string(what) + " longer than 255 octets"), std::nullopt;
  return s;
}

std::optional<RData> RdataParser::parse(RrType type) {
  std::optional<RData> data;
  switch (type) {
    case RrType::A: {
      const ZoneToken* t = take_unquoted("IPv4 address");
      if (!t) return std::nullopt;
      AData a;
      if (!parse_address(AF_INET, t->text, a.address.data()))
        return fail(*t, std::string("'").append(shown(t->text)).append("' is not a valid IPv4 address")),
               std::nullopt;
      data = a;
      break;
    }
    case RrType::AAAA: {
      const ZoneToken* t = take_unquoted("IPv6 address");
      if (!t) return std::nullopt;
      AaaaData a;
      if (!parse_address(AF_INET6, t->text, a.address.data()))
        return fail(*t, std::string("'").append(shown(t->text)).append("' is not a valid IPv6 address")),
               std::nullopt;
      data = a;
      break;
    }
    case RrType::NS: {
      auto host = name("NS host name");
      if (!host) return std::nullopt;
      data = NsData{std::move(*host)};
      break;
    }
    case RrType::CNAME: {
      auto target = name("CNAME target");
      if (!target) return std::nullopt;
      data = CnameData{std::move(*target)};
      break;
    }
    case RrType::SOA: {
      SoaData s;
      auto mname = name("SOA MNAME");
      if (!mname) return std::nullopt;
      auto rname = name("SOA RNAME");
      if (!rname) return std::nullopt;
      s.mname = std::move(*mname);
      s.rname = std::move(*rname);
      auto serial = u32("SOA SERIAL", false);
      if (!serial) return std::nullopt;
      auto refresh = u32("SOA REFRESH", true);
      if (!refresh) return std::nullopt;
      auto retry = u32("SOA RETRY", true);
      if (!retry) return std::nullopt;
      auto expire = u32("SOA EXPIRE", true);
      if (!expire) return std::nullopt;
      auto minimum = u32("SOA MINIMUM", true);
      if (!minimum) return std::nullopt;
      s.serial = *serial;
      s.refresh = *refresh;
      s.retry = *retry;
      s.expire = *expire;
      s.minimum = *minimum;
      data = std::move(s);
      break;
    }
    case RrType::TXT: {
      TxtData t;
      do {
        auto s = character_string("TXT string");
        if (!s) return std::nullopt;
        t.strings.push_back(std::move(*s));
      } while (!at_end());
      data = std::move(t);
      break;
    }
    case RrType::SRV: {
      SrvData s;
      auto priority = u16("SRV priority");
      if (!priority) return std::nullopt;
      auto weight = u16("SRV weight");
      if (!weight) return std::nullopt;
      auto port = u16("SRV port");
      if (!port) return std::nullopt;
      auto target = name("SRV target");
      if (!target) return std::nullopt;
      s.priority = *priority;
      s.weight = *weight;
      s.port = *port;
      s.target = std::move(*target);
      data = std::move(s);
      break;
    }
    case RrType::NAPTR: {
      NaptrData n;
      auto order = u16("NAPTR order");
      if (!order) return std::nullopt;
      auto preference = u16("NAPTR preference");
      if (!preference) return std::nullopt;
      const ZoneToken* flags_token = next_ < tokens_.size() ? &tokens_[next_] : nullptr;
      auto flags = character_string("NAPTR flags");
      if (!flags) return std::nullopt;
      // RFC 3403 §4.1: flags are single characters from [A-Z0-9].
      for (char c : *flags)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
          return fail(*flags_token, "NAPTR flags may only hold A-Z and 0-9 (RFC 3403 section 4.1)"), std::nullopt;
      auto services = character_string("NAPTR services");
      if (!services) return std::nullopt;
      const ZoneToken* regexp_token = next_ < tokens_.size() ? &tokens_[next_] : nullptr;
      auto regexp = character_string("NAPTR regexp");
      if (!regexp) return std::nullopt;
      auto replacement = name("NAPTR replacement");
      if (!replacement) return std::nullopt;
      // RFC 3403 §4.1: REGEXP and REPLACEMENT are mutually exclusive.
      if (!regexp->empty() && *replacement != ".")
        return fail(*regexp_token, "NAPTR regexp and replacement are mutually exclusive (RFC 3403 section 4.1)"),
               std::nullopt;
      n.order = *order;
      n.preference = *preference;
      n.flags = std::move(*flags);
      n.services = std::move(*services);
      n.regexp = std::move(*regexp);
      n.replacement = std::move(*replacement);
      data = std::move(n);
      break;
    }
    default:
      error = "record type " + type_name(type) + " cannot appear in a zone";
      error_line = end_line_;
      error_column = end_column_;
      return std::nullopt;
  }
  if (!at_end()) {
    const ZoneToken& extra = tokens_[next_];
    return fail(extra, "unexpected '" + extra.text + "' after " + type_name(type) + " rdata"), std::nullopt;
  }
  return data;
}

}  // namespace siplab::dns
