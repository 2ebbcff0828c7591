// Zone-file parsing (RFC 1035 §5): every record type, every syntax feature,
// and each error with its exact file:line:column.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/dns/zone.h"

namespace siplab::dns {
namespace {

constexpr std::string_view kHead =
    "$TTL 3600\n"
    "@ IN SOA ns.t. admin.t. 1 3600 600 86400 300\n"
    "@ IN NS ns.t.\n";

// Parses kHead + `body` with origin "t." and returns the records after the
// SOA and NS, in presentation form.
std::vector<std::string> body_records(std::string_view body) {
  std::string text(kHead);
  text += body;
  ZoneParseResult r = parse_zone(text, "t.zone", "t.");
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back("ERROR " + format_error(e));
  if (r.zone)
    for (size_t i = 2; i < r.zone->records.size(); ++i) out.push_back(to_presentation(r.zone->records[i]));
  return out;
}

// The errors of parsing `text` (origin "t."), formatted.
std::vector<std::string> errors_of(std::string_view text, std::string_view origin = "t.") {
  ZoneParseResult r = parse_zone(text, "t.zone", origin);
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(format_error(e));
  EXPECT_EQ(r.zone.has_value(), r.errors.empty());
  return out;
}

using Lines = std::vector<std::string>;

TEST(ZoneParse, SoaAndNsOfTheHead) {
  ZoneParseResult r = parse_zone(kHead, "t.zone", "t");
  ASSERT_TRUE(r.zone) << format_error(r.errors.at(0));
  EXPECT_EQ(r.zone->origin, "t.");
  ASSERT_EQ(r.zone->records.size(), 2u);
  EXPECT_EQ(to_presentation(r.zone->records[0]), "t. 3600 IN SOA ns.t. admin.t. 1 3600 600 86400 300");
  EXPECT_EQ(r.zone->records[0].data, (RData{SoaData{"ns.t.", "admin.t.", 1, 3600, 600, 86400, 300}}));
  EXPECT_EQ(to_presentation(r.zone->records[1]), "t. 3600 IN NS ns.t.");
}

TEST(ZoneParse, EveryRecordType) {
  EXPECT_EQ(body_records("a IN A 192.0.2.1\n"), Lines{"a.t. 3600 IN A 192.0.2.1"});
  EXPECT_EQ(body_records("a IN AAAA 2001:DB8:0:0:0:0:0:10\n"), Lines{"a.t. 3600 IN AAAA 2001:db8::10"});
  EXPECT_EQ(body_records("a IN AAAA ::ffff:192.0.2.1\n"), Lines{"a.t. 3600 IN AAAA ::ffff:192.0.2.1"});
  EXPECT_EQ(body_records("www IN CNAME a\n"), Lines{"www.t. 3600 IN CNAME a.t."});
  EXPECT_EQ(body_records("sub IN NS ns.other.\n"), Lines{"sub.t. 3600 IN NS ns.other."});
  EXPECT_EQ(body_records("a IN TXT \"hello world\" plain \"q\\\"uote\" \"\\\\\" \"\\007\"\n"),
            Lines{"a.t. 3600 IN TXT \"hello world\" \"plain\" \"q\\\"uote\" \"\\\\\" \"\\007\""});
  EXPECT_EQ(body_records("_sip._udp IN SRV 10 60 5060 proxy\n"),
            Lines{"_sip._udp.t. 3600 IN SRV 10 60 5060 proxy.t."});
  EXPECT_EQ(body_records("_sip._udp IN SRV 0 0 0 .\n"), Lines{"_sip._udp.t. 3600 IN SRV 0 0 0 ."});
  EXPECT_EQ(body_records("@ IN NAPTR 10 50 \"S\" \"SIP+D2U\" \"\" _sip._udp\n"),
            Lines{"t. 3600 IN NAPTR 10 50 \"S\" \"SIP+D2U\" \"\" _sip._udp.t."});
  EXPECT_EQ(body_records("@ IN NAPTR 100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:info@t!\" .\n"),
            Lines{"t. 3600 IN NAPTR 100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:info@t!\" ."});
}

TEST(ZoneParse, StructuredValues) {
  ZoneParseResult r = parse_zone(std::string(kHead) + "a 60 IN SRV 1 2 3 b.x.\nn NAPTR 5 6 S SIP+D2T \"\" c.x.\n",
                                 "t.zone", "t.");
  ASSERT_TRUE(r.zone);
  EXPECT_EQ(r.zone->records[2], (ResourceRecord{"a.t.", RrType::SRV, 60, SrvData{1, 2, 3, "b.x."}}));
  EXPECT_EQ(r.zone->records[3], (ResourceRecord{"n.t.", RrType::NAPTR, 3600, NaptrData{5, 6, "S", "SIP+D2T", "", "c.x."}}));
}

TEST(ZoneParse, OriginDirectiveAndAt) {
  EXPECT_EQ(body_records("$ORIGIN sub.t.\n@ A 192.0.2.1\nx A 192.0.2.2\n$ORIGIN deeper\ny A 192.0.2.3\n"),
            (Lines{"sub.t. 3600 IN A 192.0.2.1", "x.sub.t. 3600 IN A 192.0.2.2", "y.deeper.sub.t. 3600 IN A 192.0.2.3"}));
}

TEST(ZoneParse, AbsoluteAndRelativeNames) {
  EXPECT_EQ(body_records("abs.t. A 192.0.2.1\nrel A 192.0.2.2\nMiXeD.T. A 192.0.2.3\n"),
            (Lines{"abs.t. 3600 IN A 192.0.2.1", "rel.t. 3600 IN A 192.0.2.2", "MiXeD.T. 3600 IN A 192.0.2.3"}));
}

TEST(ZoneParse, OmittedOwnerTtlAndClassCarryOver) {
  // Without $TTL the last explicit TTL carries over (RFC 1035 §5.1).
  ZoneParseResult r = parse_zone(
      "@ 100 IN SOA ns.t. admin.t. 1 2 3 4 5\n"
      "  NS ns.t.\n"
      "a 200 A 192.0.2.1\n"
      "  IN AAAA ::1\n"
      "b A 192.0.2.2\n"
      "c IN 300 A 192.0.2.3\n",
      "t.zone", "t.");
  ASSERT_TRUE(r.zone) << format_error(r.errors.at(0));
  std::vector<std::string> got;
  for (const auto& rr : r.zone->records) got.push_back(to_presentation(rr));
  EXPECT_EQ(got, (Lines{"t. 100 IN SOA ns.t. admin.t. 1 2 3 4 5", "t. 100 IN NS ns.t.", "a.t. 200 IN A 192.0.2.1",
                        "a.t. 200 IN AAAA ::1", "b.t. 200 IN A 192.0.2.2", "c.t. 300 IN A 192.0.2.3"}));
}

TEST(ZoneParse, DollarTtlWinsOverPreviousTtl) {
  // RFC 2308 §4: records without a TTL take $TTL, not the previous record's.
  EXPECT_EQ(body_records("a 60 A 192.0.2.1\nb A 192.0.2.2\n$TTL 1h30m\nc A 192.0.2.3\nd 2d A 192.0.2.4\n"),
            (Lines{"a.t. 60 IN A 192.0.2.1", "b.t. 3600 IN A 192.0.2.2", "c.t. 5400 IN A 192.0.2.3",
                   "d.t. 172800 IN A 192.0.2.4"}));
}

TEST(ZoneParse, SoaWithoutAnyTtlUsesMinimum) {
  ZoneParseResult r = parse_zone("@ SOA ns.t. admin.t. 1 2 3 4 1w\n NS ns.t.\n", "t.zone", "t.");
  ASSERT_TRUE(r.zone);
  EXPECT_EQ(to_presentation(r.zone->records[0]), "t. 604800 IN SOA ns.t. admin.t. 1 2 3 4 604800");
  EXPECT_EQ(r.zone->records[1].ttl, 604800u);
}

TEST(ZoneParse, ParenthesesCommentsAndBlankLines) {
  EXPECT_EQ(body_records("\n; a comment line\n   \n"
                         "_sip._tcp ( IN SRV ; priority next\n"
                         "   10 20 ; weight\n"
                         "   5060 proxy ) ; done\n"
                         "a A 192.0.2.1 ; trailing\n"),
            (Lines{"_sip._tcp.t. 3600 IN SRV 10 20 5060 proxy.t.", "a.t. 3600 IN A 192.0.2.1"}));
}

TEST(ZoneParse, QuotedStringsKeepBlanksSemicolonsAndParentheses) {
  EXPECT_EQ(body_records("a TXT \"x ; (y) \\\"z\\\"\" \"\\065\\066\"\n"),
            Lines{"a.t. 3600 IN TXT \"x ; (y) \\\"z\\\"\" \"AB\""});
}

TEST(ZoneParse, EscapedNewlineInAQuotedString) {
  // RFC 1035 §5.1: \X is X for any non-digit X, a newline included; the
  // line count goes on past it (named-checkzone prints "a\010b").
  EXPECT_EQ(body_records("a TXT \"a\\\nb\"\nc A 192.0.2.1\n"),
            (Lines{"a.t. 3600 IN TXT \"a\\010b\"", "c.t. 3600 IN A 192.0.2.1"}));
  EXPECT_EQ(errors_of(std::string(kHead) + "a TXT \"a\\\nb\"\nc A 192.0.2.300\n"),
            Lines{"t.zone:6:5: error: '192.0.2.300' is not a valid IPv4 address"});
}

TEST(ZoneParse, EscapedCharactersInNames) {
  EXPECT_EQ(body_records("a\\.b A 192.0.2.1\n"), Lines{"a\\.b.t. 3600 IN A 192.0.2.1"});
}

TEST(ZoneParse, NamesAreReadIntoLabelsAndPrintedAsBindPrintsThem) {
  // RFC 1035 §5.1: \DDD and \X stand for the octet; a name is its octets,
  // however they were written (named-checkzone -D prints the same).
  EXPECT_EQ(body_records("pr\\111xy A 192.0.2.10\n"), Lines{"proxy.t. 3600 IN A 192.0.2.10"});
  EXPECT_EQ(body_records("a\\065b A 192.0.2.2\naAb A 192.0.2.2\n"), Lines{"aAb.t. 3600 IN A 192.0.2.2"});
  EXPECT_EQ(body_records("@x A 192.0.2.1\nx\\$ A 192.0.2.2\nsp\\032c A 192.0.2.3\nq\\\"x A 192.0.2.4\nx\\(y A 192.0.2.5\n"
                         "h\\195\\169 A 192.0.2.6\n\\h A 192.0.2.7\n"),
            (Lines{"\\@x.t. 3600 IN A 192.0.2.1", "x\\$.t. 3600 IN A 192.0.2.2", "sp\\032c.t. 3600 IN A 192.0.2.3",
                   "q\\\"x.t. 3600 IN A 192.0.2.4", "x\\(y.t. 3600 IN A 192.0.2.5", "h\\195\\169.t. 3600 IN A 192.0.2.6",
                   "h.t. 3600 IN A 192.0.2.7"}));
  // Names in the rdata too, and $ORIGIN.
  EXPECT_EQ(body_records("w CNAME pr\\111xy.\\116.\n$ORIGIN s\\117b.t.\nx A 192.0.2.1\n"),
            (Lines{"w.t. 3600 IN CNAME proxy.t.", "x.sub.t. 3600 IN A 192.0.2.1"}));
}

TEST(ZoneErrors, RawControlOctetInAName) {
  // BIND stops at a raw NUL with a syntax error; every control octet is
  // refused here, at its own column.  \000 is the way to write one.
  EXPECT_EQ(errors_of(std::string(kHead) + std::string("ab") + '\0' + "c A 192.0.2.2\n"),
            Lines{"t.zone:4:3: error: raw control octet in a name (write it as \\000)"});
  EXPECT_EQ(errors_of(std::string(kHead) + "w CNAME x\x01y\n"),
            Lines{"t.zone:4:10: error: raw control octet in a name (write it as \\001)"});
  EXPECT_EQ(errors_of(std::string(kHead) + "a\x7f A 192.0.2.2\n"),
            Lines{"t.zone:4:2: error: raw control octet in a name (write it as \\127)"});
  EXPECT_EQ(body_records("a\\000b A 192.0.2.2\n"), Lines{"a\\000b.t. 3600 IN A 192.0.2.2"});
}

TEST(ZoneErrors, QuotedTypeTtlClassNumberOrAddress) {
  // Only <character-string> fields may be quoted (BIND refuses these too).
  EXPECT_EQ(errors_of(std::string(kHead) + "a \"A\" 192.0.2.2\n"),
            Lines{"t.zone:4:3: error: a TTL, class or record type cannot be a quoted string"});
  EXPECT_EQ(errors_of(std::string(kHead) + "a \"60\" A 192.0.2.2\n"),
            Lines{"t.zone:4:3: error: a TTL, class or record type cannot be a quoted string"});
  EXPECT_EQ(errors_of(std::string(kHead) + "a IN \"A\" 192.0.2.2\n"),
            Lines{"t.zone:4:6: error: a TTL, class or record type cannot be a quoted string"});
  EXPECT_EQ(errors_of(std::string(kHead) + "$TTL \"60\"\n"), Lines{"t.zone:4:6: error: a TTL cannot be a quoted string"});
  EXPECT_EQ(errors_of(std::string(kHead) + "a A \"192.0.2.2\"\n"),
            Lines{"t.zone:4:5: error: the IPv4 address cannot be a quoted string"});
  EXPECT_EQ(errors_of(std::string(kHead) + "a AAAA \"2001:db8::1\"\n"),
            Lines{"t.zone:4:8: error: the IPv6 address cannot be a quoted string"});
  EXPECT_EQ(errors_of(std::string(kHead) + "s SRV \"10\" 60 5060 x.\n"),
            Lines{"t.zone:4:7: error: the SRV priority cannot be a quoted string"});
  EXPECT_EQ(errors_of(std::string(kHead) + "@ SOA ns.t. admin.t. \"2\" 3600 600 86400 300\n"),
            Lines{"t.zone:4:22: error: the SOA SERIAL cannot be a quoted string"});
}

TEST(ZoneErrors, NulAfterAnAddress) {
  // inet_pton would stop at the NUL and take "192.0.2.4" alone.
  EXPECT_EQ(errors_of(std::string(kHead) + std::string("a A 192.0.2.4") + '\0' + "x\n"),
            Lines{"t.zone:4:5: error: '192.0.2.4\\000x' is not a valid IPv4 address"});
  EXPECT_EQ(errors_of(std::string(kHead) + std::string("a AAAA 2001:db8::1") + '\0' + "\n"),
            Lines{"t.zone:4:8: error: '2001:db8::1\\000' is not a valid IPv6 address"});
}

TEST(ZoneParse, CrLfLineEndings) {
  EXPECT_EQ(body_records("a A 192.0.2.1\r\nb A 192.0.2.2\r\n"),
            (Lines{"a.t. 3600 IN A 192.0.2.1", "b.t. 3600 IN A 192.0.2.2"}));
}

TEST(ZoneParse, OriginWithoutDefaultComesFromSoaOwner) {
  ZoneParseResult r = parse_zone("$ORIGIN z.example.\n$TTL 5\n@ SOA ns admin 1 2 3 4 5\n NS ns\nns A 192.0.2.1\n", "z", "");
  ASSERT_TRUE(r.zone) << format_error(r.errors.at(0));
  EXPECT_EQ(r.zone->origin, "z.example.");
  EXPECT_EQ(r.zone->records.size(), 3u);
}

// --- errors, each at its exact line and column ---

TEST(ZoneErrors, UnknownType) {
  EXPECT_EQ(errors_of(std::string(kHead) + "a IN MX 10 mail\n"), Lines{"t.zone:4:6: error: unknown record type 'MX'"});
}

TEST(ZoneErrors, UnsupportedClass) {
  EXPECT_EQ(errors_of(std::string(kHead) + "a CH A 192.0.2.1\n"), Lines{"t.zone:4:3: error: unsupported class 'CH' (only IN)"});
}

TEST(ZoneErrors, BadAddresses) {
  EXPECT_EQ(errors_of(std::string(kHead) + "a A 192.0.2.256\nb AAAA 2001:db8::g\nc A 2001:db8::1\n"),
            (Lines{"t.zone:4:5: error: '192.0.2.256' is not a valid IPv4 address",
                   "t.zone:5:8: error: '2001:db8::g' is not a valid IPv6 address",
                   "t.zone:6:5: error: '2001:db8::1' is not a valid IPv4 address"}));
}

TEST(ZoneErrors, NumberOutOfRange) {
  EXPECT_EQ(errors_of(std::string(kHead) + "s SRV 10 60 65536 x.\n"),
            Lines{"t.zone:4:13: error: '65536' is not a valid SRV port (0-65535)"});
  EXPECT_EQ(errors_of(std::string(kHead) + "s SRV 10 -1 5060 x.\n"),
            Lines{"t.zone:4:10: error: '-1' is not a valid SRV weight (0-65535)"});
}

TEST(ZoneErrors, MissingAndExtraRdata) {
  EXPECT_EQ(errors_of(std::string(kHead) + "s SRV 10 60 5060\n"), Lines{"t.zone:4:17: error: missing SRV target"});
  EXPECT_EQ(errors_of(std::string(kHead) + "a A 192.0.2.1 192.0.2.2\n"),
            Lines{"t.zone:4:15: error: unexpected '192.0.2.2' after A rdata"});
  EXPECT_EQ(errors_of(std::string(kHead) + "a 300\n"), Lines{"t.zone:4:6: error: missing record type"});
}

TEST(ZoneErrors, BadTtl) {
  EXPECT_EQ(errors_of(std::string(kHead) + "a 1x A 192.0.2.1\n"), Lines{"t.zone:4:3: error: '1x' is not a valid TTL"});
  EXPECT_EQ(errors_of(std::string(kHead) + "$TTL 2147483648\n"),
            Lines{"t.zone:4:6: error: TTL 2147483648 exceeds 2147483647 (RFC 2181 section 8)"});
}

TEST(ZoneErrors, NoTtlAnywhere) {
  EXPECT_EQ(errors_of("a A 192.0.2.1\n@ 60 SOA ns.t. admin.t. 1 2 3 4 5\n@ NS ns.t.\n"),
            Lines{"t.zone:1:1: error: no TTL given and no $TTL or earlier TTL to use"});
}

TEST(ZoneErrors, UnterminatedQuoteAndParentheses) {
  EXPECT_EQ(errors_of(std::string(kHead) + "a TXT \"open\nb A 192.0.2.1\n"),
            Lines{"t.zone:4:7: error: unterminated quoted string"});
  EXPECT_EQ(errors_of(std::string(kHead) + "a TXT ( \"x\"\n  \"y\"\n"),
            Lines{"t.zone:4:7: error: '(' not closed before the end of the file"});
  EXPECT_EQ(errors_of(std::string(kHead) + "a A 192.0.2.1 )\n"), Lines{"t.zone:4:15: error: ')' without '('"});
}

TEST(ZoneErrors, Directives) {
  // Text given without a way to read files has nothing to include from.
  EXPECT_EQ(errors_of(std::string(kHead) + "$INCLUDE other.zone\n"),
            Lines{"t.zone:4:1: error: $INCLUDE needs a zone loaded from a file"});
  EXPECT_EQ(errors_of(std::string(kHead) + "$GENERATE 1-2 h$ A 192.0.2.$\n"),
            Lines{"t.zone:4:1: error: directive $GENERATE (a BIND extension) is not supported"});
  EXPECT_EQ(errors_of(std::string(kHead) + "$FOO bar\n"), Lines{"t.zone:4:1: error: unknown directive '$FOO'"});
  EXPECT_EQ(errors_of(std::string(kHead) + "$ORIGIN\n"), Lines{"t.zone:4:8: error: missing argument to $ORIGIN"});
}

TEST(ZoneErrors, RelativeNameWithoutOrigin) {
  EXPECT_EQ(errors_of("$TTL 1\nwww A 192.0.2.1\n", ""),
            Lines{"t.zone:2:1: error: relative name 'www' with no $ORIGIN"});
}

TEST(ZoneErrors, BadNames) {
  EXPECT_EQ(errors_of(std::string(kHead) + "a..b A 192.0.2.1\n"), Lines{"t.zone:4:1: error: empty label in name 'a..b.t.'"});
  std::string long_label(64, 'x');
  EXPECT_EQ(errors_of(std::string(kHead) + "c CNAME " + long_label + "\n"),
            Lines{"t.zone:4:9: error: label longer than 63 octets in name '" + long_label + ".t.'"});
}

TEST(ZoneErrors, QuotedName) {
  EXPECT_EQ(errors_of(std::string(kHead) + "w CNAME \"a b\"\n"),
            Lines{"t.zone:4:9: error: a domain name cannot be a quoted string"});
}

TEST(ZoneErrors, OmittedOwnerOnFirstRecord) {
  EXPECT_EQ(errors_of("$TTL 1\n  A 192.0.2.1\n"),
            Lines{"t.zone:2:3: error: no owner name and no previous record to take it from"});
}

TEST(ZoneErrors, TxtStringTooLong) {
  EXPECT_EQ(errors_of(std::string(kHead) + "a TXT " + std::string(256, 'x') + "\n"),
            Lines{"t.zone:4:7: error: TXT string longer than 255 octets"});
}

TEST(ZoneErrors, NaptrRules) {
  EXPECT_EQ(errors_of(std::string(kHead) + "@ NAPTR 10 50 \"S+\" \"SIP+D2U\" \"\" x.\n"),
            Lines{"t.zone:4:15: error: NAPTR flags may only hold A-Z and 0-9 (RFC 3403 section 4.1)"});
  EXPECT_EQ(errors_of(std::string(kHead) + "@ NAPTR 10 50 \"U\" \"E2U+sip\" \"!^.*$!sip:a@t!\" x.\n"),
            Lines{"t.zone:4:29: error: NAPTR regexp and replacement are mutually exclusive (RFC 3403 section 4.1)"});
}

// Whole-zone rules are checked once every entry parsed cleanly, so a
// syntax error does not also produce "no SOA" noise.
TEST(ZoneErrors, WholeZoneRules) {
  EXPECT_EQ(errors_of("$TTL 1\n@ NS ns.t.\n"), Lines{"t.zone:1:1: error: zone has no SOA record at t."});
  EXPECT_EQ(errors_of("$TTL 1\n@ SOA ns.t. a.t. 1 2 3 4 5\n"), Lines{"t.zone:1:1: error: zone has no NS record at t."});
  EXPECT_EQ(errors_of(std::string(kHead) + "@ SOA ns.t. a.t. 2 2 3 4 5\n"), Lines{"t.zone:4:1: error: more than one SOA record"});
  EXPECT_EQ(errors_of(std::string(kHead) + "x.other. A 192.0.2.1\n"), Lines{"t.zone:4:1: error: x.other. is outside the zone t."});
  EXPECT_EQ(errors_of(std::string(kHead) + "w CNAME a\nw A 192.0.2.1\n"),
            Lines{"t.zone:4:1: error: CNAME at w.t. beside other data (RFC 1034 section 3.6.2)"});
  EXPECT_EQ(errors_of("$TTL 1\nsub SOA ns.t. a.t. 1 2 3 4 5\n"),
            Lines{"t.zone:2:1: error: SOA owner sub.t. is not the zone apex t."});
}

TEST(ZoneErrors, EveryErrorIsReportedNotJustTheFirst) {
  EXPECT_EQ(errors_of(std::string(kHead) + "a MX 1 b\nb A 1.2.3\nc SRV 1 2\n"),
            (Lines{"t.zone:4:3: error: unknown record type 'MX'", "t.zone:5:5: error: '1.2.3' is not a valid IPv4 address",
                   "t.zone:6:10: error: missing SRV port"}));
}

TEST(ZoneLoad, DefaultOriginFromFileNameAndUnreadableFile) {
  ZoneParseResult r = load_zone_file(SIPLAB_SOURCE_DIR "/scenarios/domain.ru.zone");
  ASSERT_TRUE(r.zone);
  EXPECT_EQ(r.zone->origin, "domain.ru.");
  ZoneParseResult missing = load_zone_file("/nonexistent/x.zone");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(format_error(missing.errors[0]), "/nonexistent/x.zone:0:0: error: cannot read file");
  EXPECT_FALSE(missing.zone);
}

TEST(ZoneLoad, AFileOverTheSizeLimitIsAnErrorNotAnAbort) {
  // /dev/zero never ends: reading it whole would exhaust memory.
  ZoneParseResult endless = load_zone_file("/dev/zero");
  ASSERT_EQ(endless.errors.size(), 1u);
  EXPECT_EQ(format_error(endless.errors[0]), "/dev/zero:0:0: error: cannot read file: larger than 4 MiB");
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/include-zero.t.zone";
  {
    std::ofstream out(path);
    out << kHead << "$INCLUDE /dev/zero\n";
  }
  ZoneParseResult r = load_zone_file(path);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(format_error(r.errors[0]), path + ":4:10: error: cannot read included file /dev/zero: larger than 4 MiB");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace siplab::dns

namespace siplab::dns {
namespace {

// $INCLUDE (RFC 1035 §5.1) over files held in memory.
struct IncludeFiles {
  std::map<std::string, std::string> files;
  std::vector<std::string> asked;
  ZoneFileReader reader() {
    return [this](const std::string& path) -> std::optional<std::string> {
      asked.push_back(path);
      auto it = files.find(path);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
  }
  // The errors of kHead + `body` read as t.zone, formatted.
  std::vector<std::string> errors(std::string_view body) {
    std::vector<std::string> out;
    for (const auto& e : parse_zone(std::string(kHead) + std::string(body), "t.zone", "t.", reader()).errors)
      out.push_back(format_error(e));
    return out;
  }
};

std::vector<std::string> all_records(const ZoneParseResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back("ERROR " + format_error(e));
  if (r.zone)
    for (const auto& rr : r.zone->records) out.push_back(to_presentation(rr));
  return out;
}

TEST(ZoneInclude, ReadsTheFileInPlaceAndRestoresOriginAndOwner) {
  IncludeFiles fs;
  // The included file sets $TTL and $ORIGIN and ends with owner x.other.t.
  fs.files["zones/part.inc"] = "$TTL 60\nowner1 A 192.0.2.7\n$ORIGIN other.t.\nx A 192.0.2.8\n";
  const std::string text = std::string(kHead) +
                           "ns A 192.0.2.1\n"
                           "$INCLUDE part.inc\n"
                           "   AAAA 2001:db8::9\n"       // the parent's owner again: ns.t.
                           "y A 192.0.2.10\n"            // the parent's origin again, the included $TTL
                           "$INCLUDE part.inc sub\n";    // relative names under sub.t.
  ZoneParseResult r = parse_zone(text, "zones/t.zone", "t.", fs.reader());
  EXPECT_EQ(all_records(r), (Lines{"t. 3600 IN SOA ns.t. admin.t. 1 3600 600 86400 300", "t. 3600 IN NS ns.t.",
                                   "ns.t. 3600 IN A 192.0.2.1", "owner1.t. 60 IN A 192.0.2.7",
                                   "x.other.t. 60 IN A 192.0.2.8", "ns.t. 60 IN AAAA 2001:db8::9",
                                   "y.t. 60 IN A 192.0.2.10", "owner1.sub.t. 60 IN A 192.0.2.7"}));
  // The path is taken from the including file's directory; the second
  // include's x.other.t. repeats a record and is kept once (RFC 2181 §5).
  EXPECT_EQ(fs.asked, (Lines{"zones/part.inc", "zones/part.inc"}));
}

TEST(ZoneInclude, TheIncludedFileStartsFromTheCurrentOwner) {
  IncludeFiles fs;
  fs.files["part"] = "  A 192.0.2.77\n";
  ZoneParseResult r = parse_zone(std::string(kHead) + "ns A 192.0.2.1\n$INCLUDE part ; a comment\n", "t.zone", "t.",
                                 fs.reader());
  EXPECT_EQ(all_records(r).back(), "ns.t. 3600 IN A 192.0.2.77");
}

TEST(ZoneInclude, ErrorsNameTheFileTheyAreIn) {
  IncludeFiles fs;
  fs.files["bad.inc"] = "ok A 192.0.2.1\nbad A 300.1.1.1\n";
  fs.files["outside.inc"] = "elsewhere.example. A 192.0.2.1\n";
  fs.files["self.inc"] = "$INCLUDE self.inc\n";
  EXPECT_EQ(fs.errors("$INCLUDE bad.inc\n"), Lines{"bad.inc:2:7: error: '300.1.1.1' is not a valid IPv4 address"});
  EXPECT_EQ(fs.errors("$INCLUDE outside.inc\n"), Lines{"outside.inc:1:1: error: elsewhere.example. is outside the zone t."});
  EXPECT_EQ(fs.errors("$INCLUDE missing.inc\n"), Lines{"t.zone:4:10: error: cannot read included file missing.inc"});
  EXPECT_EQ(fs.errors("$INCLUDE\n"), Lines{"t.zone:4:9: error: missing file name after $INCLUDE"});
  EXPECT_EQ(fs.errors("$INCLUDE bad.inc sub extra\n"), Lines{"t.zone:4:22: error: unexpected 'extra' after $INCLUDE"});
  EXPECT_EQ(fs.errors("$INCLUDE self.inc\n"), Lines{"self.inc:1:10: error: file self.inc includes itself"});
  // The zone file itself counts as open.
  EXPECT_EQ(fs.errors("$INCLUDE ./t.zone\n"), Lines{"t.zone:4:10: error: file t.zone includes itself"});
}

TEST(ZoneInclude, NestingAndFanOutAreBounded) {
  IncludeFiles fs;
  // A chain of 20 files, each including the next: 16 levels are read.
  auto name = [](char prefix, int i) { return std::string(1, prefix) + std::to_string(i); };
  for (int i = 0; i < 20; ++i) fs.files[name('c', i)] = "$INCLUDE " + name('c', i + 1) + "\n";
  // Ten levels, each file including the next one twice: 2^10 reads unless stopped.
  for (int i = 0; i < 10; ++i) {
    const std::string line = "$INCLUDE " + name('f', i + 1) + "\n";
    fs.files[name('f', i)] = line + line;
  }
  fs.files["f10"] = "";
  EXPECT_EQ(fs.errors("$INCLUDE c0\n"), Lines{"c15:1:1: error: $INCLUDE nested more than 16 deep"});
  fs.asked.clear();
  const Lines fan_out = fs.errors("$INCLUDE f0\n");
  EXPECT_EQ(fs.asked.size(), 256u);
  ASSERT_FALSE(fan_out.empty());
  EXPECT_EQ(fan_out.front(), "f9:1:1: error: more than 256 $INCLUDEs in one zone");
}

TEST(ZoneParse, ARepeatedRecordIsKeptOnce) {
  // RFC 2181 §5: owner names compare without case.
  EXPECT_EQ(body_records("sip A 192.0.2.1\nSIP A 192.0.2.1\nsip A 192.0.2.2\n"),
            (Lines{"sip.t. 3600 IN A 192.0.2.1", "sip.t. 3600 IN A 192.0.2.2"}));
}

TEST(ZoneParse, NamesInTheRdataOfARepeatedRecordCompareWithoutCase) {
  // RFC 2181 §5 and RFC 4343: X.T. and x.t. are one name, so one record;
  // the first spelling stays, as BIND keeps it.
  EXPECT_EQ(body_records("a NS x.t.\na NS X.T.\n"), Lines{"a.t. 3600 IN NS x.t."});
  EXPECT_EQ(body_records("w CNAME Proxy\nw CNAME pr\\111xy\n"), Lines{"w.t. 3600 IN CNAME Proxy.t."});
  EXPECT_EQ(body_records("s SRV 0 0 5060 H.t.\ns SRV 0 0 5060 h.T.\n"), Lines{"s.t. 3600 IN SRV 0 0 5060 H.t."});
  EXPECT_EQ(body_records("n NAPTR 1 1 \"S\" \"SIP+D2U\" \"\" _SIP._udp\nn NAPTR 1 1 \"S\" \"SIP+D2U\" \"\" _sip._UDP\n"),
            Lines{"n.t. 3600 IN NAPTR 1 1 \"S\" \"SIP+D2U\" \"\" _SIP._udp.t."});
  // Character-strings are not names: their case matters.
  EXPECT_EQ(body_records("a TXT \"A\"\na TXT \"a\"\n"), (Lines{"a.t. 3600 IN TXT \"A\"", "a.t. 3600 IN TXT \"a\""}));
}

TEST(ZoneErrors, AnRrsetHasOneTtl) {
  // RFC 2181 §5.2: every RR of an RRset has the same TTL.  The error is at
  // the TTL written, or at the record when the TTL came from $TTL.
  EXPECT_EQ(errors_of(std::string(kHead) + "a 60 A 192.0.2.9\na 120 A 192.0.2.10\n"),
            Lines{"t.zone:5:3: error: TTL 120 differs from TTL 60 of the a.t. A records at t.zone:4 "
                  "(RFC 2181 section 5.2: one TTL per RRset)"});
  EXPECT_EQ(errors_of(std::string(kHead) + "a A 192.0.2.9\n$TTL 60\na A 192.0.2.10\n"),
            Lines{"t.zone:6:1: error: TTL 60 differs from TTL 3600 of the a.t. A records at t.zone:4 "
                  "(RFC 2181 section 5.2: one TTL per RRset)"});
  // A repeated record is no exception.
  EXPECT_EQ(errors_of(std::string(kHead) + "a A 192.0.2.9\na 60 A 192.0.2.9\n"),
            Lines{"t.zone:5:3: error: TTL 60 differs from TTL 3600 of the a.t. A records at t.zone:4 "
                  "(RFC 2181 section 5.2: one TTL per RRset)"});
  // Other types at the owner are other RRsets.
  EXPECT_EQ(body_records("a 60 A 192.0.2.9\na 120 AAAA 2001:db8::9\na 60 A 192.0.2.10\n"),
            (Lines{"a.t. 60 IN A 192.0.2.9", "a.t. 120 IN AAAA 2001:db8::9", "a.t. 60 IN A 192.0.2.10"}));
}

}  // namespace
}  // namespace siplab::dns
