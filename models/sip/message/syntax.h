// Character classes and small scanners of the RFC 3261 §25.1 grammar shared
// by the URI, header and message parsers.  Internal to the message layer.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace siplab::sip::syntax {

enum CharClass : uint16_t {
  kAlphaNum = 1 << 0,
  kMark = 1 << 1,            // - _ . ! ~ * ' ( )
  kUserUnreserved = 1 << 2,  // & = + $ , ; ? /
  kPasswordExtra = 1 << 3,   // & = + $ ,
  kToken = 1 << 4,           // alphanum - . ! % * _ + ` ' ~
  kWord = 1 << 5,            // token chars plus ( ) < > : \ " / [ ] ? { }
  kParamUnreserved = 1 << 6, // [ ] / : & + $
  kHnvUnreserved = 1 << 7,   // [ ] / ? : + $
  kSchemeChar = 1 << 8,      // alphanum + - .
  kHostChar = 1 << 9,        // alphanum - .
  kHexDigit = 1 << 10,       // 0-9 a-f A-F
  kTokenOrColon = 1 << 11,   // token chars plus ':' (Via received may be a bare IPv6 address)
};

constexpr std::array<uint16_t, 256> make_table() {
  std::array<uint16_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    uint16_t v = 0;
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum) v |= kAlphaNum | kToken | kWord | kSchemeChar | kHostChar;
    if (std::string_view("-_.!~*'()").find(static_cast<char>(c)) != std::string_view::npos && c) v |= kMark;
    if (std::string_view("&=+$,;?/").find(static_cast<char>(c)) != std::string_view::npos && c) v |= kUserUnreserved;
    if (std::string_view("&=+$,").find(static_cast<char>(c)) != std::string_view::npos && c) v |= kPasswordExtra;
    if (std::string_view("-.!%*_+`'~").find(static_cast<char>(c)) != std::string_view::npos && c) v |= kToken | kWord;
    if (std::string_view("()<>:\\\"/[]?{}").find(static_cast<char>(c)) != std::string_view::npos && c) v |= kWord;
    if (std::string_view("[]/:&+$").find(static_cast<char>(c)) != std::string_view::npos && c) v |= kParamUnreserved;
    if (std::string_view("[]/?:+$").find(static_cast<char>(c)) != std::string_view::npos && c) v |= kHnvUnreserved;
    if (std::string_view("+-.").find(static_cast<char>(c)) != std::string_view::npos && c) v |= kSchemeChar;
    if (std::string_view("-.").find(static_cast<char>(c)) != std::string_view::npos && c) v |= kHostChar;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) v |= kHexDigit;
    if ((v & kToken) != 0 || c == ':') v |= kTokenOrColon;
    t[static_cast<std::size_t>(c)] = v;
  }
  return t;
}

inline constexpr std::array<uint16_t, 256> kTable = make_table();

inline bool is(char c, uint16_t cls) { return (kTable[static_cast<unsigned char>(c)] & cls) != 0; }
inline bool is_unreserved(char c) { return is(c, kAlphaNum | kMark); }
inline bool is_token(char c) { return is(c, kToken); }
inline bool is_ws(char c) { return c == ' ' || c == '\t'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// SP and HT are below 0x21: one compare passes any other visible byte,
// which is what the scans below nearly always meet (the second test only
// runs on control bytes and SP).
inline bool maybe_ws(char c) { return static_cast<unsigned char>(c) <= ' '; }
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && maybe_ws(s.front()) && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && maybe_ws(s.back()) && is_ws(s.back())) s.remove_suffix(1);
  return s;
}
inline std::size_t skip_ws(std::string_view s, std::size_t i) {
  while (i < s.size() && maybe_ws(s[i]) && is_ws(s[i])) ++i;
  return i;
}
#if defined(__SSE2__)
// First index >= from whose byte `match` flags, or npos; `match` maps 16
// loaded bytes to a 16-bit mask (bit k: byte k).  Reads 16 bytes at a time
// inside `s` only: the last, partial block is read as the final 16 bytes
// of `s` (overlapping bytes already seen, whose bits are dropped), so
// s.size() must be at least 16; callers handle shorter texts otherwise.
template <typename Match>
inline std::size_t find_in_blocks(std::string_view s, std::size_t from, Match match) {
  const std::size_t n = s.size();
  std::size_t i = from;
  for (; i + 16 <= n; i += 16) {
    const unsigned hits = match(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i)));
    if (hits != 0) return i + static_cast<std::size_t>(__builtin_ctz(hits));
  }
  if (i >= n) return std::string_view::npos;
  const unsigned hits = match(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + n - 16))) >> (i + 16 - n);
  if (hits != 0) return i + static_cast<std::size_t>(__builtin_ctz(hits));
  return std::string_view::npos;
}
#endif

// First index >= from holding a or b, or npos.  (string_view::find_first_of
// runs a memchr per input byte in libstdc++, far too slow for the parser.)
// Sixteen bytes per step with SSE2: URIs run through it for every row.
inline std::size_t find_either(std::string_view s, std::size_t from, char a, char b) {
  std::size_t i = from;
#if defined(__SSE2__)
  if (s.size() >= 16) {
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
    return find_in_blocks(s, from, [&](__m128i v) {
      return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb))));
    });
  }
#endif
  for (; i < s.size(); ++i)
    if (s[i] == a || s[i] == b) return i;
  return std::string_view::npos;
}

// Spans of one character class: the first index >= from whose byte is not
// in the class, or s.size().  Texts of 16 bytes or more are classified 16
// bytes per step (find_in_blocks: whole blocks, then the overlapping last
// block, never reading outside `s`); shorter ones byte by byte through
// kTable.  The SSE2 class tests use signed compares, so bytes >= 0x80 fall
// in no range, as in kTable.  (Only for classes whose runs are long: a
// token is mostly shorter than the block setup pays for.)
#if defined(__SSE2__)
namespace simd {
// lo <= v <= hi (lo, hi in 0x00..0x7F) as one add and one signed compare:
// v - lo + 128 (mod 256) lies in [-128, -128 + hi - lo] exactly then, for
// any byte (>= 0x80 included, which no range here holds).
inline __m128i in_range(__m128i v, char lo, char hi) {
  return _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(128 - lo))),
                        _mm_set1_epi8(static_cast<char>(-128 + (hi - lo + 1))));
}
inline __m128i eq(__m128i v, char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); }
// alphanum: letters folded to lowercase with |0x20 (only A-Z and a-z land
// in a-z), then digits.
inline __m128i alphanum(__m128i v) {
  return _mm_or_si128(in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z'), in_range(v, '0', '9'));
}
// word (§25.1): every visible ASCII byte except # $ & , ; = @ ^ |
inline __m128i word(__m128i v) {
  const __m128i excluded =
      _mm_or_si128(_mm_or_si128(_mm_or_si128(eq(v, '#'), eq(v, '$')), _mm_or_si128(eq(v, '&'), eq(v, ','))),
                   _mm_or_si128(_mm_or_si128(_mm_or_si128(eq(v, ';'), eq(v, '=')), _mm_or_si128(eq(v, '@'), eq(v, '^'))),
                                eq(v, '|')));
  return _mm_andnot_si128(excluded, in_range(v, '!', '~'));
}
// HEXDIG, either case
inline __m128i hex(__m128i v) {
  return _mm_or_si128(in_range(v, '0', '9'), in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'f'));
}
// hostname bytes: alphanum / "-" / "."
inline __m128i host(__m128i v) { return _mm_or_si128(alphanum(v), _mm_or_si128(eq(v, '-'), eq(v, '.'))); }
}  // namespace simd
#endif

template <uint16_t kClass, typename SimdClass>
inline std::size_t span_of(std::string_view s, std::size_t from, [[maybe_unused]] SimdClass simd_class) {
  std::size_t i = from;
#if defined(__SSE2__)
  if (s.size() >= 16) {
    const std::size_t at = find_in_blocks(s, from, [&](__m128i v) {
      return ~static_cast<unsigned>(_mm_movemask_epi8(simd_class(v))) & 0xFFFFu;
    });
    return at == std::string_view::npos ? (from > s.size() ? from : s.size()) : at;
  }
#endif
  while (i < s.size() && is(s[i], kClass)) ++i;
  return i;
}

#if defined(__SSE2__)
#define SIPLAB_SIMD_CLASS(f) [](__m128i v) { return simd::f(v); }
#else
#define SIPLAB_SIMD_CLASS(f) 0
#endif
inline std::size_t span_word(std::string_view s, std::size_t from) {
  return span_of<kWord>(s, from, SIPLAB_SIMD_CLASS(word));
}
inline std::size_t span_hex(std::string_view s, std::size_t from) {
  return span_of<kHexDigit>(s, from, SIPLAB_SIMD_CLASS(hex));
}
inline std::size_t span_host_chars(std::string_view s, std::size_t from) {
  return span_of<kHostChar>(s, from, SIPLAB_SIMD_CLASS(host));
}
#undef SIPLAB_SIMD_CLASS

// First index >= from that is not a token byte, or s.size() (from when
// from > s.size()).  Tokens are short (parameter names, tags, branches),
// too short for a 16-byte block to pay for its setup; four bytes per
// bounds check instead.
// (span_short: the same loop for any kTable class with short runs.)
template <uint16_t kClass>
inline std::size_t span_short(std::string_view s, std::size_t from) {
  const std::size_t n = s.size();
  std::size_t i = from;
  for (; i + 4 <= n; i += 4) {
    if (!is(s[i], kClass)) return i;
    if (!is(s[i + 1], kClass)) return i + 1;
    if (!is(s[i + 2], kClass)) return i + 2;
    if (!is(s[i + 3], kClass)) return i + 3;
  }
  while (i < n && is(s[i], kClass)) ++i;
  return i;
}
inline std::size_t span_token(std::string_view s, std::size_t from) { return span_short<kToken>(s, from); }
// Token bytes and ':' (gen-values such as a Via received holding a bare
// IPv6 address), same contract as span_token.
inline std::size_t span_token_or_colon(std::string_view s, std::size_t from) {
  return span_short<kTokenOrColon>(s, from);
}

inline bool all_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token(c)) return false;
  return true;
}

// First index >= from holding c, or npos: string_view::find(char) without
// memchr's call overhead, which dominates on the short texts of a header.
// Texts of 8 to 15 bytes are searched as two overlapping 8-byte words
// (the zero-byte trick: the lowest flagged byte is always a true match).
inline std::size_t find_byte(std::string_view s, std::size_t from, char c) {
  std::size_t i = from;
#if defined(__SSE2__)
  if (s.size() >= 16) {
    const __m128i vc = _mm_set1_epi8(c);
    return find_in_blocks(s, from, [&](__m128i v) {
      return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, vc)));
    });
  }
#endif
  if (s.size() >= 8 && i < s.size()) {
    constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    const uint64_t pattern = kOnes * static_cast<unsigned char>(c);
    auto first_match = [&](std::size_t at) -> uint64_t {  // flags of the 8 bytes at `at`
      uint64_t w;
      std::memcpy(&w, s.data() + at, 8);
      w ^= pattern;
      return (w - kOnes) & ~w & kHigh;
    };
    static_assert(std::endian::native == std::endian::little, "byte k of a word is bits 8k..8k+7");
    if (i + 8 <= s.size()) {
      const uint64_t m = first_match(i);
      if (m != 0) return i + static_cast<std::size_t>(__builtin_ctzll(m)) / 8;
      i += 8;
      if (i >= s.size()) return std::string_view::npos;
    }
    // The last 8 bytes; those before i were searched already.
    const std::size_t at = s.size() - 8;
    const uint64_t m = first_match(at) >> (8 * (i - at));
    if (m != 0) return i + static_cast<std::size_t>(__builtin_ctzll(m)) / 8;
    return std::string_view::npos;
  }
  for (; i < s.size(); ++i)
    if (s[i] == c) return i;
  return std::string_view::npos;
}

// Scans a quoted-string starting at s[i] == '"'.  Returns the index just
// past the closing quote, or npos when it is unterminated or holds a byte
// qdtext/quoted-pair does not allow (§25.1).
inline std::size_t scan_quoted(std::string_view s, std::size_t i) {
  ++i;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') return i + 1;
    if (c == '\\') {
      if (i + 1 >= s.size()) return std::string_view::npos;
      unsigned char n = static_cast<unsigned char>(s[i + 1]);
      if (n == '\r' || n == '\n' || n > 0x7F) return std::string_view::npos;
      i += 2;
      continue;
    }
    if ((c < 0x20 && c != '\t') || c == 0x7F) return std::string_view::npos;
    ++i;
  }
  return std::string_view::npos;
}

// Scans a comment "(...)" with nesting and quoted-pairs starting at '('.
inline std::size_t scan_comment(std::string_view s, std::size_t i) {
  int depth = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) return i + 1;
    ++i;
  }
  return std::string_view::npos;
}

// Every '%' in s is followed by two hex digits.
inline bool escapes_ok(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == '%' && (i + 2 >= s.size() + 0 || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))) return false;
  return true;
}

}  // namespace siplab::sip::syntax
