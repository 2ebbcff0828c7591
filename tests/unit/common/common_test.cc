#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <array>
#include <cstdint>

#include <map>
#include <string>

#include "models/common/address.h"
#include "models/common/random.h"

namespace siplab {
namespace {

TEST(IpAddress, ParsesAndPrintsIpv4) {
  auto ip = IpAddress::parse("192.0.2.10");
  ASSERT_TRUE(ip);
  EXPECT_FALSE(ip->v6);
  EXPECT_EQ(*ip, IpAddress::v4(192, 0, 2, 10));
  EXPECT_EQ(ip->to_string(), "192.0.2.10");
}

TEST(IpAddress, PrintsEveryIpv4OctetWithoutLeadingZeros) {
  // Every octet value in every position, against inet_ntop's format.
  for (unsigned v = 0; v < 256; ++v) {
    const auto b = static_cast<uint8_t>(v);
    const std::string o = std::to_string(v);
    EXPECT_EQ(IpAddress::v4(b, 0, 255, b).to_string(), o + ".0.255." + o);
    EXPECT_EQ(IpAddress::v4(10, b, b, 9).to_string(), "10." + o + "." + o + ".9");
    EXPECT_EQ(IpAddress::parse(IpAddress::v4(b, b, b, b).to_string()), IpAddress::v4(b, b, b, b));
  }
}

TEST(IpAddress, PrintsIpv6Canonically) {
  auto ip = IpAddress::parse("2001:DB8:0:0:0:0:0:10");
  ASSERT_TRUE(ip);
  EXPECT_TRUE(ip->v6);
  EXPECT_EQ(ip->to_string(), "2001:db8::10");
  EXPECT_EQ((Endpoint{*ip, 5060}.to_string()), "[2001:db8::10]:5060");
}

TEST(IpAddress, RejectsNonAddresses) {
  EXPECT_FALSE(IpAddress::parse(""));
  EXPECT_FALSE(IpAddress::parse("proxy.domain.ru"));
  EXPECT_FALSE(IpAddress::parse("256.1.1.1"));
  EXPECT_FALSE(IpAddress::parse("[::1]"));
}

// IPv4 text is parsed by hand; it must accept exactly what inet_pton does.
TEST(IpAddress, Ipv4ParsingAgreesWithInetPton) {
  const char* cases[] = {"0.0.0.0", "255.255.255.255", "10.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3",
                         "1.2.3.", "01.2.3.4", "1.2.3.00", "1.2.3.0", "1.2.3.256", "1.2.3.1000", "1.2.3.4 ",
                         " 1.2.3.4", "1.2.3.-4", "1.2.3.4a", "192.0.2.010", "999.1.1.1", "1.2.3.4/24"};
  for (const char* text : cases) {
    std::array<uint8_t, 4> bytes{};
    const bool expected = inet_pton(AF_INET, text, bytes.data()) == 1;
    const auto ip = IpAddress::parse(text);
    ASSERT_EQ(ip.has_value(), expected) << text;
    if (expected) {
      EXPECT_EQ(*ip, IpAddress::v4(bytes[0], bytes[1], bytes[2], bytes[3])) << text;
    }
  }
  // A pseudo-random sweep of dotted digit strings.
  uint32_t state = 12345;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (int part = 0; part < 4; ++part) {
      state = state * 1664525u + 1013904223u;
      if (state % 7 == 0) text += '0';  // a leading zero
      text += std::to_string(state >> 24 > 200 ? (state >> 8) % 400 : (state >> 8) % 256);
      if (part < 3) text += '.';
    }
    std::array<uint8_t, 4> bytes{};
    ASSERT_EQ(IpAddress::parse(text).has_value(), inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) << text;
  }
}

TEST(Transport, NamesRoundTripCaseInsensitively) {
  EXPECT_EQ(parse_transport("udp"), Transport::Udp);
  EXPECT_EQ(parse_transport("Tls"), Transport::Tls);
  EXPECT_EQ(transport_name(Transport::Sctp), "SCTP");
  EXPECT_FALSE(parse_transport("quic"));
  EXPECT_FALSE(is_reliable(Transport::Udp));
  EXPECT_TRUE(is_reliable(Transport::Tcp));
}

TEST(SeededRandom, IsAPureFunctionOfTheSeed) {
  SeededRandom a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    EXPECT_NE(x, c.next_u64());
  }
  // SplitMix64 reference value for seed 0 (first output).
  SeededRandom zero(0);
  EXPECT_EQ(zero.next_u64(), 0xe220a8397b1dcdafULL);
}

TEST(SeededRandom, BelowIsUniformEnough) {
  SeededRandom r(7);
  std::map<uint64_t, int> counts;
  for (int i = 0; i < 60000; ++i) ++counts[r.below(6)];
  ASSERT_EQ(counts.size(), 6u);
  for (auto& [v, n] : counts) EXPECT_NEAR(n, 10000, 500) << v;
}

TEST(SeededRandom, TokensUseTheAlphabet) {
  SeededRandom r(1);
  std::string t = r.token(16);
  EXPECT_EQ(t.size(), 16u);
  for (char c : t) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'));
}

// Each character of a token is uniform over the 36 of the alphabet, in
// every position (a token packs up to twelve characters into one draw).
TEST(SeededRandom, TokenCharactersAreUniformInEveryPosition) {
  SeededRandom r(3);
  constexpr int kTokens = 36000;
  std::map<char, int> counts[16];
  for (int i = 0; i < kTokens; ++i) {
    const std::string t = r.token(16);
    for (int pos = 0; pos < 16; ++pos) ++counts[pos][t[pos]];
  }
  for (int pos = 0; pos < 16; ++pos) {
    ASSERT_EQ(counts[pos].size(), 36u) << pos;
    for (auto& [c, n] : counts[pos]) EXPECT_NEAR(n, 1000, 160) << "position " << pos << " char " << c;
  }
}

TEST(SeededRandom, TokensOfAnyLengthAcrossTheTwelveCharacterDraws) {
  for (size_t length : {0u, 1u, 11u, 12u, 13u, 24u, 25u}) {
    SeededRandom a(5), b(5);
    const std::string t = a.token(length);
    EXPECT_EQ(t.size(), length);
    EXPECT_EQ(t.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz"), std::string::npos) << t;
    EXPECT_EQ(t, b.token(length));  // the same seed, the same token
  }
}

TEST(SeededRandom, AppendTokenDrawsTheSameCharacters) {
  SeededRandom a(7), b(7);
  std::string appended = "z9hG4bK";
  a.append_token(appended, 16);
  EXPECT_EQ(appended, "z9hG4bK" + b.token(16));
  EXPECT_EQ(a.next_u64(), b.next_u64());  // same number of draws
}

}  // namespace
}  // namespace siplab
