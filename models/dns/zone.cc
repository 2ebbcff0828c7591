// The master-file parser (RFC 1035 §5) behind zone.h.
#include "models/dns/zone.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "models/dns/name.h"
#include "models/dns/presentation.h"
#include "models/dns/zone_lexer.h"
#include "models/dns/zone_rdata.h"

namespace siplab::dns {

namespace {

// RFC 2181 §8: TTLs are unsigned 31-bit values.
constexpr uint32_t kMaxTtl = 2147483647;

bool is_class_token(std::string_view t) {
  if (t.size() != 2 && t.size() != 3) return false;
  std::string lower;
  for (char c : t) lower.push_back(ascii_lower(c));
  return lower == "in" || lower == "ch" || lower == "hs" || lower == "cs";
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

class Parser {
 public:
  Parser(std::string_view file, std::string_view default_origin) : file_(file) {
    if (!default_origin.empty()) {
      origin_ = std::string(default_origin);
      if (origin_.back() != '.') origin_.push_back('.');
      apex_ = origin_;
    }
  }

  ZoneParseResult run(std::string_view text) {
    ZoneLexer lexer(text);
    ZoneEntry entry;
    LexError lex_error;
    while (lexer.next(entry, lex_error)) {
      if (!lex_error.message.empty()) {
        error(lex_error.line, lex_error.column, lex_error.message);
        continue;
      }
      if (!entry.owner_omitted && !entry.tokens.front().quoted && entry.tokens.front().text.starts_with("$"))
        directive(entry);
      else
        record(entry);
    }
    check_zone();
    ZoneParseResult result;
    if (errors_.empty()) result.zone = Zone{apex_, std::move(records_)};
    result.errors = std::move(errors_);
    return result;
  }

 private:
  void error(int line, int column, std::string message) {
    errors_.push_back(ZoneError{std::string(file_), line, column, std::move(message)});
  }
  void error_at(const ZoneToken& t, std::string message) { error(t.line, t.column, std::move(message)); }

  // Makes a token an absolute name: "@" is the origin, a name without a
  // trailing dot is relative to it (RFC 1035 §5.1).
  std::optional<std::string> resolve_name(const ZoneToken& t) {
    std::string name;
    // A quoted name could hold blanks that no canonical form can print back.
    if (t.quoted) return error_at(t, "a domain name cannot be a quoted string"), std::nullopt;
    if (t.text == "@") {
      if (origin_.empty()) return error_at(t, "'@' used with no $ORIGIN"), std::nullopt;
      name = origin_;
    } else if (is_absolute(t.text)) {
      name = t.text;
    } else {
      if (origin_.empty()) return error_at(t, "relative name '" + t.text + "' with no $ORIGIN"), std::nullopt;
      name = t.text + (origin_ == "." ? "." : "." + origin_);
    }
    LabelsResult check = split_labels(name);
    if (!check.error.empty()) return error_at(t, check.error), std::nullopt;
    return name;
  }

  // True when the name ends in an unescaped '.'.
  static bool is_absolute(std::string_view text) {
    if (text.empty() || text.back() != '.') return false;
    size_t backslashes = 0;
    for (size_t i = text.size() - 1; i > 0 && text[i - 1] == '\\'; --i) ++backslashes;
    return backslashes % 2 == 0;
  }

  void directive(const ZoneEntry& entry) {
    const ZoneToken& head = entry.tokens.front();
    if (iequals(head.text, "$ORIGIN") || iequals(head.text, "$TTL")) {
      if (entry.tokens.size() < 2) return error(entry.end_line, entry.end_column, "missing argument to " + head.text);
      if (entry.tokens.size() > 2) return error_at(entry.tokens[2], "unexpected '" + entry.tokens[2].text + "' after " + head.text);
      const ZoneToken& arg = entry.tokens[1];
      if (iequals(head.text, "$TTL")) {
        if (auto ttl = parse_ttl(arg)) default_ttl_ = *ttl;
        return;
      }
      if (auto name = resolve_name(arg)) origin_ = *name;
      return;
    }
    if (iequals(head.text, "$INCLUDE") || iequals(head.text, "$GENERATE"))
      return error_at(head, "directive " + head.text + " is not supported");
    error_at(head, "unknown directive '" + head.text + "'");
  }

  std::optional<uint32_t> parse_ttl(const ZoneToken& t) {
    auto ttl = parse_duration(t.text);
    if (!ttl) return error_at(t, "'" + t.text + "' is not a valid TTL"), std::nullopt;
    if (*ttl > kMaxTtl)
      return error_at(t, "TTL " + t.text + " exceeds 2147483647 (RFC 2181 section 8)"), std::nullopt;
    return static_cast<uint32_t>(*ttl);
  }

  void record(const ZoneEntry& entry) {
    const auto& tokens = entry.tokens;
    size_t i = 0;
    std::string owner;
    if (entry.owner_omitted) {
      if (last_owner_.empty()) return error_at(tokens[0], "no owner name and no previous record to take it from");
      owner = last_owner_;
    } else {
      auto name = resolve_name(tokens[0]);
      if (!name) return;
      owner = *name;
      i = 1;
    }
    last_owner_ = owner;

    // [<TTL>] [<class>] or [<class>] [<TTL>] before the type (RFC 1035 §5.1).
    std::optional<uint32_t> ttl;
    bool have_class = false;
    for (int k = 0; k < 2 && i < tokens.size(); ++k) {
      const ZoneToken& t = tokens[i];
      if (!ttl && !t.text.empty() && t.text[0] >= '0' && t.text[0] <= '9') {
        ttl = parse_ttl(t);
        if (!ttl) return;
        ++i;
      } else if (!have_class && is_class_token(t.text)) {
        if (!iequals(t.text, "IN")) return error_at(t, "unsupported class '" + t.text + "' (only IN)");
        have_class = true;
        ++i;
      } else {
        break;
      }
    }
    if (i >= tokens.size()) return error(entry.end_line, entry.end_column, "missing record type");
    const ZoneToken& type_token = tokens[i];
    auto type = type_from_name(type_token.text);
    if (!type) return error_at(type_token, "unknown record type '" + type_token.text + "'");
    ++i;

    RdataParser rdata(tokens, i, entry.end_line, entry.end_column,
                      [this](const ZoneToken& t) { return resolve_name(t); });
    std::optional<RData> data = rdata.parse(*type);
    if (!data) {
      // A rejected name inside the rdata was already reported by resolve_name.
      if (!rdata.resolver_failed()) error(rdata.error_line, rdata.error_column, rdata.error);
      return;
    }

    if (ttl) {
      last_ttl_ = ttl;
    } else if (default_ttl_) {
      ttl = default_ttl_;  // $TTL wins over the previous record (RFC 2308 §4)
    } else if (last_ttl_) {
      ttl = last_ttl_;
    } else if (*type == RrType::SOA) {
      // BIND's fallback for a zone without $TTL: the SOA MINIMUM field.
      ttl = std::get<SoaData>(*data).minimum;
      last_ttl_ = ttl;
    } else {
      return error_at(tokens[0], "no TTL given and no $TTL or earlier TTL to use");
    }
    positions_.push_back({tokens[0].line, tokens[0].column});
    records_.push_back(ResourceRecord{std::move(owner), *type, *ttl, std::move(*data)});
  }

  // Whole-zone rules: one SOA at the apex, everything at or below the apex,
  // no CNAME beside other data (RFC 1034 §3.6.2), NS at the apex
  // (RFC 1034 §4.2.1).
  void check_zone() {
    if (!errors_.empty()) return;
    size_t soa_count = 0;
    for (size_t r = 0; r < records_.size(); ++r) {
      const auto& rr = records_[r];
      if (rr.type != RrType::SOA) continue;
      ++soa_count;
      if (apex_.empty()) apex_ = rr.name;
      if (!names_equal(rr.name, apex_))
        return error(positions_[r].line, positions_[r].column, "SOA owner " + rr.name + " is not the zone apex " + apex_);
      if (soa_count > 1) return error(positions_[r].line, positions_[r].column, "more than one SOA record");
    }
    if (soa_count == 0) return error(1, 1, "zone has no SOA record" + (apex_.empty() ? "" : " at " + apex_));
    // Records per owner (case-folded), to find a CNAME sharing its owner.
    std::unordered_map<std::string, size_t> per_owner;
    auto folded = [](std::string_view name) {
      std::string key(name);
      for (char& c : key) c = ascii_lower(c);
      return key;
    };
    for (const auto& rr : records_) ++per_owner[folded(rr.name)];
    bool apex_ns = false;
    for (size_t r = 0; r < records_.size(); ++r) {
      const auto& rr = records_[r];
      if (!is_at_or_below(rr.name, apex_))
        error(positions_[r].line, positions_[r].column, rr.name + " is outside the zone " + apex_);
      if (rr.type == RrType::NS && names_equal(rr.name, apex_)) apex_ns = true;
      if (rr.type == RrType::CNAME && per_owner[folded(rr.name)] > 1)
        error(positions_[r].line, positions_[r].column, "CNAME at " + rr.name + " beside other data (RFC 1034 section 3.6.2)");
    }
    if (!apex_ns) error(1, 1, "zone has no NS record at " + apex_);
  }

  struct Position {
    int line;
    int column;
  };

  std::string_view file_;
  std::string origin_;
  std::string apex_;
  std::string last_owner_;
  std::optional<uint32_t> default_ttl_;
  std::optional<uint32_t> last_ttl_;
  std::vector<ResourceRecord> records_;
  std::vector<Position> positions_;
  std::vector<ZoneError> errors_;
};

}  // namespace

ZoneParseResult parse_zone(std::string_view text, std::string_view file_name, std::string_view default_origin) {
  return Parser(file_name, default_origin).run(text);
}

ZoneParseResult load_zone_file(const std::string& path) {
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path, ec)) {
    ZoneParseResult result;
    result.errors.push_back(ZoneError{path, 0, 0, "cannot read file"});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    ZoneParseResult result;
    result.errors.push_back(ZoneError{path, 0, 0, "cannot read file"});
    return result;
  }
  std::string_view base = path;
  if (auto slash = base.find_last_of('/'); slash != std::string_view::npos) base.remove_prefix(slash + 1);
  if (base.ends_with(".zone")) base.remove_suffix(5);
  return parse_zone(text.str(), path, base);
}

std::string format_error(const ZoneError& e) {
  return e.file + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) + ": error: " + e.message;
}

}  // namespace siplab::dns
