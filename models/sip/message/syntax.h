// Character classes and small scanners of the RFC 3261 §25.1 grammar shared
// by the URI, header and message parsers.  Internal to the message layer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
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

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  return s;
}
inline std::size_t skip_ws(std::string_view s, std::size_t i) {
  while (i < s.size() && is_ws(s[i])) ++i;
  return i;
}
// First index >= from holding a or b, or npos.  (string_view::find_first_of
// runs a memchr per input byte in libstdc++, far too slow for the parser.)
// Sixteen bytes per step with SSE2: URIs run through it for every row.
inline std::size_t find_either(std::string_view s, std::size_t from, char a, char b) {
  std::size_t i = from;
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const int hits = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)));
    if (hits != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(hits)));
  }
#endif
  for (; i < s.size(); ++i)
    if (s[i] == a || s[i] == b) return i;
  return std::string_view::npos;
}

inline bool all_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token(c)) return false;
  return true;
}

// First index >= from holding c, or npos: string_view::find(char) without
// memchr's call overhead, which dominates on the short texts of a header.
inline std::size_t find_byte(std::string_view s, std::size_t from, char c) {
  std::size_t i = from;
#if defined(__SSE2__)
  const __m128i vc = _mm_set1_epi8(c);
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const int hits = _mm_movemask_epi8(_mm_cmpeq_epi8(v, vc));
    if (hits != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(hits)));
  }
#endif
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
