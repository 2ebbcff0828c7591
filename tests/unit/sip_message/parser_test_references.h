// Shared by the parser's fast-path tests: a request head to append rows
// to, and grammar references written the plain way to compare the fast
// scans against.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace siplab::sip::test {

// A valid OPTIONS request up to (not including) the blank line: tests add
// their rows and the end of the header section.
inline const std::string kOptionsHead =
    "OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877\r\n"
    "From: <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "To: <sip:carol@chicago.example.com>\r\n"
    "Call-ID: a84b4c76e66710\r\n"
    "CSeq: 63104 OPTIONS\r\n";

// §25.1 IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT,
// each part at most 255, digit by digit.
inline bool reference_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    const std::size_t start = i;
    unsigned value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') value = value * 10 + static_cast<unsigned>(s[i++] - '0');
    if (i == start || i - start > 3 || value > 255) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

}  // namespace siplab::sip::test
