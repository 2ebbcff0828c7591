// Wire codec (RFC 1035 §4): exact bytes, compression, round trips,
// truncation at 512 octets, and malformed packets as error values.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "models/dns/message.h"

namespace siplab::dns {
namespace {

using Bytes = std::vector<uint8_t>;

Message small_response() {
  Message m;
  m.id = 0x1234;
  m.qr = true;
  m.aa = true;
  m.rd = true;
  m.questions.push_back({"a.b.", RrType::A});
  m.answers.push_back({"a.b.", RrType::A, 60, AData{{1, 2, 3, 4}}});
  return m;
}

TEST(WireEncode, ExactBytesOfASmallResponse) {
  Bytes expected = {
      0x12, 0x34, 0x85, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,  // header: QR AA RD, 1 Q, 1 AN
      0x01, 'a',  0x01, 'b',  0x00, 0x00, 0x01, 0x00, 0x01,                    // a.b. A IN
      0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3C,              // ptr→12, A, IN, TTL 60
      0x00, 0x04, 0x01, 0x02, 0x03, 0x04,                                      // rdlength 4, 1.2.3.4
  };
  EXPECT_EQ(encode(small_response()), expected);
}

TEST(WireEncode, CompressesSuffixesButNeverSrvOrNaptrNames) {
  Message m;
  m.questions.push_back({"a.b.", RrType::ANY});
  m.answers.push_back({"x.a.b.", RrType::CNAME, 1, CnameData{"y.a.b."}});
  m.answers.push_back({"s.a.b.", RrType::SRV, 1, SrvData{1, 2, 3, "a.b."}});
  Bytes expected = {
      0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
      0x01, 'a', 0x01, 'b', 0x00, 0x00, 0xFF, 0x00, 0x01,                                  // 12: a.b. ANY IN
      0x01, 'x', 0xC0, 0x0C, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x04,   // 21: x + ptr 12
      0x01, 'y', 0xC0, 0x0C,                                                               // CNAME y + ptr 12
      0x01, 's', 0xC0, 0x0C, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x0B,   // s + ptr 12, SRV
      0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x01, 'a', 0x01, 'b', 0x00,                      // target in full
  };
  EXPECT_EQ(encode(m), expected);
}

TEST(WireEncode, CompressionPreservesCase) {
  Message m;
  m.questions.push_back({"a.b.", RrType::A});
  m.answers.push_back({"x.A.b.", RrType::A, 1, AData{}});
  Bytes bytes = encode(m);
  // "x.A.b." shares only "b." (at offset 14) with "a.b.".
  Bytes owner(bytes.begin() + 21, bytes.begin() + 27);
  EXPECT_EQ(owner, (Bytes{0x01, 'x', 0x01, 'A', 0xC0, 0x0E}));
  DecodeResult d = decode(bytes);
  ASSERT_TRUE(d.message);
  EXPECT_EQ(d.message->answers[0].name, "x.A.b.");
}

TEST(WireEncode, ReusesEarlierOwnerNamesAsWholeNames) {
  Message m;
  m.answers.push_back({"_sip._udp.domain.ru.", RrType::SRV, 1, SrvData{10, 60, 5060, "proxy.domain.ru."}});
  m.answers.push_back({"_sip._udp.domain.ru.", RrType::SRV, 1, SrvData{20, 60, 5060, "proxy2.domain.ru."}});
  Bytes bytes = encode(m);
  // Second owner name is a single pointer to offset 12.
  size_t first_record = 12 + 21 + 10 + 6 + 17;
  ASSERT_GT(bytes.size(), first_record + 2);
  EXPECT_EQ(bytes[first_record], 0xC0);
  EXPECT_EQ(bytes[first_record + 1], 0x0C);
  EXPECT_EQ(bytes.size(), first_record + 2 + 10 + 6 + 18);
}

Message every_type_message() {
  Message m;
  m.id = 0xBEEF;
  m.qr = true;
  m.opcode = 0;
  m.aa = true;
  m.tc = false;
  m.rd = true;
  m.ra = true;
  m.rcode = Rcode::NxDomain;
  m.questions.push_back({"domain.ru.", RrType::NAPTR});
  m.answers.push_back({"domain.ru.", RrType::NAPTR, 3600, NaptrData{10, 50, "S", "SIP+D2U", "", "_sip._udp.domain.ru."}});
  m.answers.push_back({"domain.ru.", RrType::NAPTR, 3600, NaptrData{100, 10, "u", "E2U+sip", "!^.*$!sip:a@b!", "."}});
  m.answers.push_back({"www.domain.ru.", RrType::CNAME, 5, CnameData{"proxy.domain.ru."}});
  m.answers.push_back({"domain.ru.", RrType::TXT, 5, TxtData{{"v=1", "", std::string("\0\xff\"", 3)}}});
  m.authority.push_back({"domain.ru.", RrType::SOA, 300, SoaData{"dns.domain.ru.", "hostmaster.domain.ru.", 1, 2, 3, 4, 5}});
  m.authority.push_back({"domain.ru.", RrType::NS, 300, NsData{"dns.domain.ru."}});
  m.additional.push_back({"_sip._udp.domain.ru.", RrType::SRV, 3600, SrvData{10, 60, 5060, "proxy.domain.ru."}});
  m.additional.push_back({"proxy.domain.ru.", RrType::A, 3600, AData{{192, 0, 2, 10}}});
  m.additional.push_back(
      {"proxy.domain.ru.", RrType::AAAA, 3600, AaaaData{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10}}});
  m.additional.push_back({"esc\\.aped\\032name.domain.ru.", RrType::A, 1, AData{{10, 0, 0, 1}}});
  return m;
}

TEST(WireRoundTrip, EveryTypeAndHeaderField) {
  Message m = every_type_message();
  DecodeResult d = decode(encode(m));
  ASSERT_TRUE(d.message) << d.error->reason << " at " << d.error->offset;
  EXPECT_FALSE(d.error);
  EXPECT_EQ(*d.message, m);
}

TEST(WireRoundTrip, RootNameAndOpcodeBits) {
  Message m;
  m.id = 1;
  m.opcode = 2;
  m.rcode = Rcode::Refused;
  m.questions.push_back({".", RrType::NS});
  m.answers.push_back({".", RrType::NS, 1, NsData{"a.root."}});
  DecodeResult d = decode(encode(m));
  ASSERT_TRUE(d.message);
  EXPECT_EQ(*d.message, m);
}

TEST(WireTruncation, DropsWholeAnswersAndSetsTcAt512) {
  Message m;
  m.qr = true;
  m.questions.push_back({"a.b.", RrType::A});
  for (uint8_t i = 0; i < 40; ++i) m.answers.push_back({"a.b.", RrType::A, 60, AData{{10, 0, 0, i}}});
  Bytes full = encode(m);
  EXPECT_EQ(full.size(), 21u + 40 * 16);
  Bytes cut = encode(m, kUdpPayloadLimit);
  // 12 header + 9 question + 30 answers of 16 octets = 501; a 31st would be 517.
  EXPECT_EQ(cut.size(), 501u);
  DecodeResult d = decode(cut);
  ASSERT_TRUE(d.message);
  EXPECT_TRUE(d.message->tc);
  ASSERT_EQ(d.message->answers.size(), 30u);
  EXPECT_EQ(d.message->answers.back(), m.answers[29]);
}

TEST(WireTruncation, AdditionalRecordsThatDoNotFitAreLeftOutWithoutTc) {
  // RFC 2181 §9: TC only when required data is missing.
  Message m;
  m.questions.push_back({"a.b.", RrType::A});
  for (uint8_t i = 0; i < 30; ++i) m.answers.push_back({"a.b.", RrType::A, 60, AData{{10, 0, 0, i}}});
  m.additional.push_back({"a.b.", RrType::A, 60, AData{{10, 0, 1, 0}}});
  DecodeResult d = decode(encode(m, 512));
  ASSERT_TRUE(d.message);
  EXPECT_FALSE(d.message->tc);
  EXPECT_EQ(d.message->answers.size(), 30u);
  EXPECT_TRUE(d.message->additional.empty());
}

TEST(WireTruncation, AuthorityThatDoesNotFitSetsTc) {
  Message m;
  m.questions.push_back({"a.b.", RrType::A});
  for (uint8_t i = 0; i < 30; ++i) m.answers.push_back({"a.b.", RrType::A, 60, AData{{10, 0, 0, i}}});
  m.authority.push_back({"b.", RrType::NS, 60, NsData{"ns.b."}});
  DecodeResult d = decode(encode(m, 512));
  ASSERT_TRUE(d.message);
  EXPECT_TRUE(d.message->tc);
  EXPECT_TRUE(d.message->authority.empty());
}

// --- malformed input ---

Bytes header(uint16_t qd, uint16_t an = 0, uint16_t ns = 0, uint16_t ar = 0) {
  return {0x00, 0x01, 0x00, 0x00, static_cast<uint8_t>(qd >> 8), static_cast<uint8_t>(qd),
          static_cast<uint8_t>(an >> 8), static_cast<uint8_t>(an), static_cast<uint8_t>(ns >> 8),
          static_cast<uint8_t>(ns), static_cast<uint8_t>(ar >> 8), static_cast<uint8_t>(ar)};
}

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

void expect_error(const Bytes& packet, size_t offset, const std::string& reason) {
  DecodeResult d = decode(packet);
  EXPECT_FALSE(d.message);
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->reason, reason);
  EXPECT_EQ(d.error->offset, offset);
}

TEST(WireDecodeErrors, TruncatedHeader) {
  expect_error({}, 0, "truncated header: 0 of 12 octets");
  expect_error({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0, "truncated header: 11 of 12 octets");
}

TEST(WireDecodeErrors, CountsLargerThanThePacket) {
  expect_error(header(1), 4, "section counts need at least 5 octets, only 0 remain");
  expect_error(cat(header(0, 0xFFFF), {0}), 4, "section counts need at least 720885 octets, only 1 remain");
}

TEST(WireDecodeErrors, PointerToItself) {
  expect_error(cat(header(1), {0xC0, 0x0C, 0, 1, 0, 1}), 12, "compression pointer loop or forward reference");
}

TEST(WireDecodeErrors, PointerLoopThroughALabel) {
  // 12: "a" then a pointer back to 12, which would read "a" forever.
  expect_error(cat(header(1), {0x01, 'a', 0xC0, 0x0C, 0, 1, 0, 1}), 14, "compression pointer loop or forward reference");
}

TEST(WireDecodeErrors, TwoPointersPointingAtEachOther) {
  // Question 1 at 12 is a.; question 2 at 19 points to 24, which points to 19.
  Bytes p = cat(header(2), {0x01, 'a', 0x00, 0, 1, 0, 1, 0xC0, 24, 0, 1, 0, 1, 0xC0, 19});
  expect_error(p, 19, "compression pointer loop or forward reference");
}

TEST(WireDecodeErrors, PointerOutOfBounds) {
  expect_error(cat(header(1), {0xC0, 0xFF, 0, 1, 0, 1}), 12, "compression pointer out of bounds");
  expect_error(cat(header(1), {0x01, 'a', 0x01, 'b', 0xC0}), 16, "truncated compression pointer");
}

TEST(WireDecodeErrors, TruncatedNamesAndQuestions) {
  expect_error(cat(header(1), {0x09, 'a', 'b', 0, 0, 0}), 12, "truncated label");
  expect_error(cat(header(1), {0x05, 'a', 'b', 0, 0, 0}), 18, "truncated name");
  expect_error(cat(header(1), {0x01, 'a', 0x01, 'b', 0x00}), 17, "truncated question");
  expect_error(cat(header(1), {0x01, 'a', 0x01, 'b', 0x00, 0, 1, 0}), 17, "truncated question");
  expect_error(cat(header(1), {0x41, 'a', 0, 0, 1, 0, 1}), 12, "unsupported label type");
}

TEST(WireDecodeErrors, NameLongerThan255Octets) {
  Bytes p = header(1);
  for (int i = 0; i < 4; ++i) {
    p.push_back(63);
    p.insert(p.end(), 63, 'x');
  }
  p.insert(p.end(), {0, 0, 1, 0, 1});
  expect_error(p, 12 + 3 * 64, "name longer than 255 octets");
}

TEST(WireDecodeErrors, RecordProblems) {
  Bytes q = {0x01, 'a', 0x00, 0, 1, 0, 1};  // a. A IN at 12..18
  // rdlength 5 for an A record.
  expect_error(cat(cat(header(1, 1), q), {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4, 5}), 31,
               "A rdata must be 4 octets, got 5");
  // rdlength past the end.
  expect_error(cat(cat(header(1, 1), q), {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 9, 1, 2, 3, 4}), 29,
               "rdata extends past end of message");
  // Class CH.
  expect_error(cat(cat(header(1, 1), q), {0xC0, 12, 0, 1, 0, 3, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4}), 19,
               "unsupported class 3");
  // MX is not modelled.
  expect_error(cat(cat(header(1, 1), q), {0xC0, 12, 0, 15, 0, 1, 0, 0, 0, 1, 0, 4, 0, 1, 0xC0, 12}), 21,
               "unsupported record type TYPE15");
  // A CNAME whose name runs past its rdlength.
  expect_error(cat(cat(header(1, 1), q), {0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 1, 0, 1, 0x01, 'b', 0x00}), 32,
               "name extends past rdata");
  // SRV rdata too short for its fixed fields.
  expect_error(cat(cat(header(1, 1), q), {0xC0, 12, 0, 33, 0, 1, 0, 0, 0, 1, 0, 3, 0, 1, 0}), 31, "truncated SRV rdata");
  // TXT with an empty rdata and TXT whose string overruns the rdata.
  expect_error(cat(cat(header(1, 1), q), {0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 1, 0, 0}), 31,
               "TXT rdata without a character-string");
  expect_error(cat(cat(header(1, 1), q), {0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 1, 0, 2, 5, 'x'}), 31,
               "character-string extends past rdata");
  // NAPTR with a replacement missing.
  expect_error(cat(cat(header(1, 1), q), {0xC0, 12, 0, 35, 0, 1, 0, 0, 0, 1, 0, 7, 0, 1, 0, 2, 0, 0, 0}), 38,
               "truncated name");
}

TEST(WireDecodeErrors, TrailingOctets) {
  expect_error(cat(header(1), {0x01, 'a', 0x00, 0, 1, 0, 1, 0xAA}), 19, "1 trailing octets after the last record");
}

TEST(WireDecodeErrors, TruncatedEncodingOfAValidMessageNeverDecodes) {
  Bytes full = encode(every_type_message());
  for (size_t n = 0; n < full.size(); ++n) {
    DecodeResult d = decode(std::span<const uint8_t>(full.data(), n));
    EXPECT_FALSE(d.message) << "prefix of " << n << " octets decoded";
    EXPECT_TRUE(d.error);
  }
}

TEST(WireRoundTrip, FuzzSeedCorpusDecodesAndReencodesIdentically) {
  // The fuzzer's seeds are real queries and responses of the bundled zones.
  size_t seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SIPLAB_SOURCE_DIR "/tests/fuzz/dns_decode/corpus/decode")) {
    std::ifstream in(entry.path(), std::ios::binary);
    Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    DecodeResult d = decode(bytes);
    ASSERT_TRUE(d.message) << entry.path() << ": " << d.error->reason;
    EXPECT_EQ(encode(*d.message), bytes) << entry.path();
    ++seeds;
  }
  EXPECT_EQ(seeds, 11u);
}

}  // namespace
}  // namespace siplab::dns
