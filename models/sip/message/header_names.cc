#include "models/sip/message/header_names.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "models/sip/message/internal.h"
#include "models/sip/message/param.h"

namespace siplab::sip {
namespace {

struct NameInfo {
  std::string_view name;
  char compact;
  bool list;
};

// Indexed by HeaderId.  Compact forms: RFC 3261 §7.3.3 (i m e l c f s k t
// v) and later RFCs (o u r b x a j d y n); list-ness from the §25.1 grammar.
constexpr std::array<NameInfo, static_cast<std::size_t>(HeaderId::kCount)> kNames = {{
    {"", '\0', false},
    {"Accept", '\0', true},
    {"Accept-Contact", 'a', true},
    {"Accept-Encoding", '\0', true},
    {"Accept-Language", '\0', true},
    {"Alert-Info", '\0', true},
    {"Allow", '\0', true},
    {"Allow-Events", 'u', true},
    {"Authentication-Info", '\0', false},
    {"Authorization", '\0', false},
    {"Call-ID", 'i', false},
    {"Call-Info", '\0', true},
    {"Contact", 'm', true},
    {"Content-Disposition", '\0', false},
    {"Content-Encoding", 'e', true},
    {"Content-Language", '\0', true},
    {"Content-Length", 'l', false},
    {"Content-Type", 'c', false},
    {"CSeq", '\0', false},
    {"Date", '\0', false},
    {"Error-Info", '\0', true},
    {"Event", 'o', false},
    {"Expires", '\0', false},
    {"From", 'f', false},
    {"Identity", 'y', false},
    {"Identity-Info", 'n', false},
    {"In-Reply-To", '\0', true},
    {"Max-Forwards", '\0', false},
    {"MIME-Version", '\0', false},
    {"Min-Expires", '\0', false},
    {"Organization", '\0', false},
    {"Priority", '\0', false},
    {"Proxy-Authenticate", '\0', false},
    {"Proxy-Authorization", '\0', false},
    {"Proxy-Require", '\0', true},
    {"Record-Route", '\0', true},
    {"Refer-To", 'r', false},
    {"Referred-By", 'b', false},
    {"Reject-Contact", 'j', true},
    {"Reply-To", '\0', false},
    {"Request-Disposition", 'd', true},
    {"Require", '\0', true},
    {"Retry-After", '\0', false},
    {"Route", '\0', true},
    {"Server", '\0', false},
    {"Session-Expires", 'x', false},
    {"Subject", 's', false},
    {"Supported", 'k', true},
    {"Timestamp", '\0', false},
    {"To", 't', false},
    {"Unsupported", '\0', true},
    {"User-Agent", '\0', false},
    {"Via", 'v', true},
    {"Warning", '\0', true},
    {"WWW-Authenticate", '\0', false},
}};

constexpr std::array<HeaderId, 26> make_compact() {
  std::array<HeaderId, 26> t{};
  for (std::size_t i = 1; i < kNames.size(); ++i)
    if (kNames[i].compact != '\0') t[static_cast<std::size_t>(kNames[i].compact - 'a')] = static_cast<HeaderId>(i);
  return t;
}
constexpr std::array<HeaderId, 26> kCompact = make_compact();

}  // namespace

namespace {

// Ids bucketed by the lowercase first letter and the length of their long
// name, so a lookup compares at most a few candidates of the right length
// (header_id() runs for every header row the parser sees).
constexpr std::size_t kMaxNameLength = 24;
constexpr std::size_t kSlots = 3;
struct Buckets {
  std::array<std::array<std::array<HeaderId, kSlots>, kMaxNameLength>, 26> ids{};
  std::array<std::array<uint8_t, kMaxNameLength>, 26> count{};
};

constexpr Buckets make_buckets() {
  Buckets b{};
  for (std::size_t i = 1; i < kNames.size(); ++i) {
    std::string_view n = kNames[i].name;
    char c = n[0];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    std::size_t k = static_cast<std::size_t>(c - 'a');
    // A name too long or a bucket too full fails the constant evaluation,
    // i.e. the build, rather than silently dropping a header.
    if (n.size() >= kMaxNameLength || b.count[k][n.size()] >= kSlots) throw "header name table overflow";
    b.ids[k][n.size()][b.count[k][n.size()]++] = static_cast<HeaderId>(i);
  }
  return b;
}
constexpr Buckets kBuckets = make_buckets();

// Long names lowercased, for the word-at-a-time comparison below.
using LowerName = std::array<char, kMaxNameLength>;
constexpr std::array<LowerName, kNames.size()> make_lower() {
  std::array<LowerName, kNames.size()> t{};
  for (std::size_t i = 1; i < kNames.size(); ++i)
    for (std::size_t j = 0; j < kNames[i].name.size(); ++j) {
      char c = kNames[i].name[j];
      t[i][j] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  return t;
}
constexpr std::array<LowerName, kNames.size()> kLower = make_lower();

// Case-insensitive equality of `name` with a lowercased long header name.
// Long names hold only letters, digits and "-", so OR-ing 0x20 into an
// input byte folds its case; the only other bytes that fold onto those
// (0x0D onto "-", 0x10-0x19 onto digits) are controls, rejected first.
bool equals_lower(std::string_view name, const LowerName& lower) {
  for (std::size_t j = 0; j < name.size(); ++j) {
    const auto x = static_cast<unsigned char>(name[j]);
    if (x < 0x20 || static_cast<char>(x | 0x20) != lower[j]) return false;
  }
  return true;
}

HeaderId lookup(std::string_view name) {
  if (name.empty()) return HeaderId::Other;
  char c = name[0];
  if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (c < 'a' || c > 'z') return HeaderId::Other;
  std::size_t k = static_cast<std::size_t>(c - 'a');
  if (name.size() == 1) return kCompact[k];
  if (name.size() >= kMaxNameLength) return HeaderId::Other;
  const auto& candidates = kBuckets.ids[k][name.size()];
  for (uint8_t j = 0; j < kBuckets.count[k][name.size()]; ++j) {
    HeaderId id = candidates[j];
    if (equals_lower(name, kLower[static_cast<std::size_t>(id)])) return id;
  }
  return HeaderId::Other;
}

constexpr internal::HeaderNameHash make_name_hash() {
  static_assert(internal::HeaderNameHash::kMaxLength == kMaxNameLength);
  internal::HeaderNameHash t{};
  t.compact = kCompact;
  for (std::size_t i = 1; i < kNames.size(); ++i) {
    const std::size_t n = kNames[i].name.size();
    for (std::size_t j = 0; j < kMaxNameLength; ++j) t.lower[i][j] = kLower[i][j];
    uint64_t first8 = 0;
    for (std::size_t j = 0; j < 8 && j < n; ++j)
      first8 |= static_cast<uint64_t>(static_cast<unsigned char>(kLower[i][j])) << (8 * j);
    const std::size_t slot =
        internal::header_name_slot(internal::header_name_key(first8, n, static_cast<unsigned char>(kLower[i][n - 1])));
    // Two names in one slot fail the constant evaluation, i.e. the build:
    // search a new kMultiplier then.
    if (t.slot[slot] != HeaderId::Other) throw "header name hash collision";
    t.slot[slot] = static_cast<HeaderId>(i);
    t.length[i] = static_cast<uint8_t>(n);
  }
  return t;
}

}  // namespace

HeaderId header_id(std::string_view name) { return lookup(name); }
HeaderId header_id_padded(std::string_view name) { return internal::header_id_hashed(name); }

namespace internal {
constexpr HeaderNameHash kHeaderNameHash = make_name_hash();
}  // namespace internal

std::string_view canonical_name(HeaderId id) { return kNames[static_cast<std::size_t>(id)].name; }
char compact_form(HeaderId id) { return kNames[static_cast<std::size_t>(id)].compact; }
bool is_list_header(HeaderId id) { return kNames[static_cast<std::size_t>(id)].list; }

}  // namespace siplab::sip
