// The master-file parser (RFC 1035 §5) behind zone.h.
#include "models/dns/zone.h"

#include <deque>
#include <filesystem>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include "models/dns/name.h"
#include "models/dns/presentation.h"
#include "models/dns/zone_lexer.h"
#include "models/dns/zone_rdata.h"

namespace siplab::dns {

namespace {

// RFC 2181 §8: TTLs are unsigned 31-bit values.
constexpr uint32_t kMaxTtl = 2147483647;
// $INCLUDE limits: nesting deep enough for any real layout, and a total
// that stops a file tree whose includes fan out (each file including the
// next twice doubles the work per level) long before it runs for minutes.
constexpr size_t kMaxIncludeDepth = 16;
constexpr int kMaxIncludes = 256;

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

// The rdata with its domain names lower-cased, for the duplicate key.
RData names_folded(RData data) {
  auto fold = [](std::string& name) {
    for (char& c : name) c = ascii_lower(c);
  };
  if (auto* ns = std::get_if<NsData>(&data)) fold(ns->host);
  if (auto* cname = std::get_if<CnameData>(&data)) fold(cname->target);
  if (auto* soa = std::get_if<SoaData>(&data)) fold(soa->mname), fold(soa->rname);
  if (auto* srv = std::get_if<SrvData>(&data)) fold(srv->target);
  if (auto* naptr = std::get_if<NaptrData>(&data)) fold(naptr->replacement);
  return data;
}

class Parser {
 public:
  Parser(std::string_view file, std::string_view default_origin, const ZoneFileReader& read_include)
      : file_(file), read_include_(read_include) {
    if (!default_origin.empty()) {
      origin_ = std::string(default_origin);
      if (origin_.back() != '.') origin_.push_back('.');
      apex_ = origin_;
    }
  }

  ZoneParseResult run(std::string_view text) {
    include_stack_.push_back(std::filesystem::path(std::string(file_)).lexically_normal().string());
    parse_text(text);
    check_zone();
    ZoneParseResult result;
    if (errors_.empty()) result.zone = Zone{apex_, std::move(records_)};
    result.errors = std::move(errors_);
    return result;
  }

 private:
  // The entries of one file's text (the zone file's, or an included one's).
  void parse_text(std::string_view text) {
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
  }

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
    // A raw control octet is a typing or encoding accident, never a name:
    // BIND stops at a NUL with a syntax error; any octet is still possible
    // as a \DDD escape (RFC 1035 §5.1).
    for (size_t k = 0; k < t.text.size(); ++k) {
      const auto c = static_cast<unsigned char>(t.text[k]);
      if (c < 0x20 || c == 0x7f) {
        std::string message = "raw control octet in a name (write it as ";
        append_decimal_escape(message, c);
        return error(t.line, t.column + static_cast<int>(k), message.append(")")), std::nullopt;
      }
    }
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
    // One spelling per name: escapes resolved into label octets and written
    // back the way BIND prints them ("a\065b" is "aAb", "@x" is "\@x"),
    // so a name matches and deduplicates however it was escaped; case stays
    // as written and is ignored when comparing (RFC 4343).
    std::string canonical;
    for (const std::string& label : check.labels) {
      append_label_presentation(canonical, label);
      canonical.push_back('.');
    }
    return canonical.empty() ? std::string(".") : canonical;
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
    if (iequals(head.text, "$INCLUDE")) return include(entry);
    if (iequals(head.text, "$GENERATE"))
      return error_at(head, "directive $GENERATE (a BIND extension) is not supported");
    error_at(head, "unknown directive '" + head.text + "'");
  }

  // RFC 1035 §5.1: "$INCLUDE <file-name> [<domain-name>]" reads the file
  // in place, its relative names under <domain-name> if given, else under
  // the current origin.  The including file's origin is unchanged
  // afterwards, whatever the included one set.  As BIND does, the included
  // file starts from the current owner and $TTL, its $TTL stays in force
  // after it, and its last owner does not.
  void include(const ZoneEntry& entry) {
    const ZoneToken& head = entry.tokens.front();
    if (entry.tokens.size() < 2) return error(entry.end_line, entry.end_column, "missing file name after $INCLUDE");
    if (entry.tokens.size() > 3) return error_at(entry.tokens[3], "unexpected '" + entry.tokens[3].text + "' after $INCLUDE");
    const ZoneToken& file_token = entry.tokens[1];
    if (!read_include_) return error_at(head, "$INCLUDE needs a zone loaded from a file");
    if (include_stack_.size() > kMaxIncludeDepth)  // the zone file and 16 open includes
      return error_at(head, "$INCLUDE nested more than " + std::to_string(kMaxIncludeDepth) + " deep");
    if (includes_read_ >= kMaxIncludes)
      return error_at(head, "more than " + std::to_string(kMaxIncludes) + " $INCLUDEs in one zone");
    std::optional<std::string> origin;
    if (entry.tokens.size() == 3) {
      origin = resolve_name(entry.tokens[2]);
      if (!origin) return;
    }
    std::filesystem::path path(file_token.text);
    if (path.is_relative()) path = std::filesystem::path(std::string(file_)).parent_path() / path;
    const std::string path_text = path.lexically_normal().string();
    for (std::string_view open : include_stack_)
      if (open == path_text) return error_at(file_token, "file " + path_text + " includes itself");
    ++includes_read_;
    const ZoneFileText read = read_include_(path_text);
    if (!read.text)
      return error_at(file_token,
                      "cannot read included file " + path_text + (read.error.empty() ? "" : ": " + read.error));
    const std::optional<std::string>& text = read.text;
    const std::string saved_origin = origin_;
    const std::string saved_owner = last_owner_;
    const std::string_view saved_file = file_;
    included_files_.push_back(path_text);
    file_ = included_files_.back();
    if (origin) origin_ = *origin;
    include_stack_.emplace_back(file_);
    parse_text(*text);
    include_stack_.pop_back();
    file_ = saved_file;
    origin_ = saved_origin;
    last_owner_ = saved_owner;
  }

  std::optional<uint32_t> parse_ttl(const ZoneToken& t) {
    if (t.quoted) return error_at(t, "a TTL cannot be a quoted string"), std::nullopt;
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
    const ZoneToken* ttl_token = nullptr;
    for (int k = 0; k < 2 && i < tokens.size(); ++k) {
      const ZoneToken& t = tokens[i];
      if (t.quoted) break;  // reported as the type below
      if (!ttl && !t.text.empty() && t.text[0] >= '0' && t.text[0] <= '9') {
        ttl = parse_ttl(t);
        if (!ttl) return;
        ttl_token = &t;
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
    // BIND refuses these too ("unbalanced quotes"): only <character-string>
    // fields may be quoted (RFC 1035 §5.1).
    if (type_token.quoted) return error_at(type_token, "a TTL, class or record type cannot be a quoted string");
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
    std::string rrset;
    for (char c : owner) rrset.push_back(ascii_lower(c));
    rrset += ' ' + type_name(*type);
    // RFC 2181 §5.2: the RRs of an RRset all have the same TTL.  BIND
    // silently lowers a later one to the first; a simulator should not run
    // with a TTL other than the one written, so a mismatch is an error.
    const Position here{file_, tokens[0].line, tokens[0].column};
    if (auto [first, inserted] = rrset_ttls_.try_emplace(rrset, RrsetTtl{*ttl, here}); !inserted &&
        first->second.ttl != *ttl) {
      const RrsetTtl& was = first->second;
      const int line = ttl_token ? ttl_token->line : here.line;
      const int column = ttl_token ? ttl_token->column : here.column;
      return error(line, column,
                   "TTL " + std::to_string(*ttl) + " differs from TTL " + std::to_string(was.ttl) + " of the " +
                       owner + " " + type_name(*type) + " records at " + std::string(was.at.file) + ":" +
                       std::to_string(was.at.line) + " (RFC 2181 section 5.2: one TTL per RRset)");
    }
    // RFC 2181 §5: an RRset holds a record once.  A record written twice
    // (twice in one file, or in two included files) is kept once, as BIND
    // keeps it; names in the rdata compare case-insensitively (RFC 4343).
    std::string key = rrset + ' ' + rdata_presentation(names_folded(*data));
    if (!seen_.insert(std::move(key)).second) return;
    positions_.push_back({file_, tokens[0].line, tokens[0].column});
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
        return error_at_record(r, "SOA owner " + rr.name + " is not the zone apex " + apex_);
      if (soa_count > 1) return error_at_record(r, "more than one SOA record");
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
        error_at_record(r, rr.name + " is outside the zone " + apex_);
      if (rr.type == RrType::NS && names_equal(rr.name, apex_)) apex_ns = true;
      if (rr.type == RrType::CNAME && per_owner[folded(rr.name)] > 1)
        error_at_record(r, "CNAME at " + rr.name + " beside other data (RFC 1034 section 3.6.2)");
    }
    if (!apex_ns) error(1, 1, "zone has no NS record at " + apex_);
  }

  struct Position {
    std::string_view file;  // the zone file or an included one
    int line;
    int column;
  };
  // An error at where record `r` was written.
  void error_at_record(size_t r, std::string message) {
    const Position& at = positions_[r];
    errors_.push_back(ZoneError{std::string(at.file), at.line, at.column, std::move(message)});
  }

  std::string_view file_;  // the file being read (an included one inside $INCLUDE)
  const ZoneFileReader& read_include_;
  std::deque<std::string> included_files_;  // the names file_ and positions view
  std::vector<std::string> include_stack_;  // the zone file, then each file being included, normalized
  int includes_read_ = 0;
  std::string origin_;
  std::string apex_;
  std::string last_owner_;
  std::optional<uint32_t> default_ttl_;
  std::optional<uint32_t> last_ttl_;
  std::vector<ResourceRecord> records_;
  std::unordered_set<std::string> seen_;  // "owner TYPE rdata" of each record kept, names case-folded
  struct RrsetTtl {
    uint32_t ttl;
    Position at;  // the RRset's first record
  };
  std::unordered_map<std::string, RrsetTtl> rrset_ttls_;  // by "owner TYPE", owner case-folded
  std::vector<Position> positions_;
  std::vector<ZoneError> errors_;
};

}  // namespace

ZoneParseResult parse_zone(std::string_view text, std::string_view file_name, std::string_view default_origin,
                           const ZoneFileReader& read_include) {
  return Parser(file_name, default_origin, read_include).run(text);
}

namespace {

ZoneFileText read_text_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  // Read in blocks and stop past the limit: the size on disk says nothing
  // for a device or a pipe (/dev/zero never ends).
  std::string text;
  char block[65536];
  while (in.read(block, sizeof block) || in.gcount() > 0) {
    text.append(block, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxZoneFileSize)
      return {std::nullopt, "larger than " + std::to_string(kMaxZoneFileSize >> 20) + " MiB"};
  }
  if (in.bad()) return {};
  return {std::move(text)};
}

}  // namespace

ZoneParseResult load_zone_file(const std::string& path) {
  const ZoneFileText read = read_text_file(path);
  const std::optional<std::string>& text = read.text;
  if (!text) {
    ZoneParseResult result;
    result.errors.push_back(ZoneError{path, 0, 0, "cannot read file" + (read.error.empty() ? "" : ": " + read.error)});
    return result;
  }
  std::string_view base = path;
  if (auto slash = base.find_last_of('/'); slash != std::string_view::npos) base.remove_prefix(slash + 1);
  if (base.ends_with(".zone")) base.remove_suffix(5);
  return parse_zone(*text, path, base, read_text_file);
}

std::string format_error(const ZoneError& e) {
  return e.file + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) + ": error: " + e.message;
}

}  // namespace siplab::dns
