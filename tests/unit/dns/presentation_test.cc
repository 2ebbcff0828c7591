// type_name and to_presentation (records.h) and the helpers in
// presentation.h and name.h.
#include <gtest/gtest.h>

#include "models/dns/name.h"
#include "models/dns/presentation.h"

namespace siplab::dns {
namespace {

TEST(Presentation, TypeNames) {
  EXPECT_EQ(type_name(RrType::A), "A");
  EXPECT_EQ(type_name(RrType::NAPTR), "NAPTR");
  EXPECT_EQ(type_name(RrType::ANY), "ANY");
  EXPECT_EQ(type_name(static_cast<RrType>(15)), "TYPE15");
  EXPECT_EQ(type_from_name("naptr"), RrType::NAPTR);
  EXPECT_EQ(type_from_name("Srv"), RrType::SRV);
  EXPECT_EQ(type_from_name("MX"), std::nullopt);
  EXPECT_EQ(type_from_name("ANY"), std::nullopt);  // not a record type in a zone
}

TEST(Presentation, EveryType) {
  EXPECT_EQ(to_presentation({"a.t.", RrType::A, 60, AData{{192, 0, 2, 1}}}), "a.t. 60 IN A 192.0.2.1");
  EXPECT_EQ(to_presentation({"a.t.", RrType::AAAA, 60, AaaaData{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10}}}),
            "a.t. 60 IN AAAA 2001:db8::10");
  EXPECT_EQ(to_presentation({"t.", RrType::NS, 1, NsData{"ns.t."}}), "t. 1 IN NS ns.t.");
  EXPECT_EQ(to_presentation({"w.t.", RrType::CNAME, 1, CnameData{"a.t."}}), "w.t. 1 IN CNAME a.t.");
  EXPECT_EQ(to_presentation({"t.", RrType::SOA, 1, SoaData{"ns.t.", "h.t.", 7, 8, 9, 10, 11}}),
            "t. 1 IN SOA ns.t. h.t. 7 8 9 10 11");
  EXPECT_EQ(to_presentation({"t.", RrType::TXT, 1, TxtData{{"a b", "q\"\\", std::string("\x01\xff", 2)}}}),
            "t. 1 IN TXT \"a b\" \"q\\\"\\\\\" \"\\001\\255\"");
  EXPECT_EQ(to_presentation({"_sip._udp.domain.ru.", RrType::SRV, 3600, SrvData{10, 60, 5060, "proxy1.domain.ru."}}),
            "_sip._udp.domain.ru. 3600 IN SRV 10 60 5060 proxy1.domain.ru.");
  EXPECT_EQ(to_presentation({"domain.ru.", RrType::NAPTR, 3600, NaptrData{10, 50, "S", "SIP+D2U", "", "_sip._udp.domain.ru."}}),
            "domain.ru. 3600 IN NAPTR 10 50 \"S\" \"SIP+D2U\" \"\" _sip._udp.domain.ru.");
}

TEST(Presentation, Ipv6CanonicalForm) {
  // RFC 5952 §4: longest zero run, first on ties, never a single group.
  std::array<uint8_t, 16> a{};
  EXPECT_EQ(ipv6_to_string(a), "::");
  a[15] = 1;
  EXPECT_EQ(ipv6_to_string(a), "::1");
  std::array<uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(ipv6_to_string(b), "2001:db8:0:1::1");
  std::array<uint8_t, 16> c{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(ipv6_to_string(c), "2001:db8::1:0:0:1");
  std::array<uint8_t, 16> d{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0};
  EXPECT_EQ(ipv6_to_string(d), "2001:db8:1:1:1:1:1:0");
}

TEST(Presentation, Ipv4MappedIpv6KeepsTheDottedQuad) {
  // RFC 5952 §5, and what named-checkzone prints.
  std::array<uint8_t, 16> mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 40};
  EXPECT_EQ(ipv6_to_string(mapped), "::ffff:192.0.2.40");
  std::array<uint8_t, 16> translated{0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
  EXPECT_EQ(ipv6_to_string(translated), "64:ff9b::102:304");
}

TEST(Names, SplitLabels) {
  EXPECT_EQ(split_labels("a.B.").labels, (std::vector<std::string>{"a", "B"}));
  EXPECT_EQ(split_labels("a\\.b.c.").labels, (std::vector<std::string>{"a.b", "c"}));
  EXPECT_EQ(split_labels("\\065.").labels, (std::vector<std::string>{"A"}));
  EXPECT_TRUE(split_labels(".").labels.empty());
  EXPECT_EQ(split_labels("a.b").error, "name 'a.b' is not absolute");
  EXPECT_EQ(split_labels("a..").error, "empty label in name 'a..'");
  EXPECT_EQ(split_labels("\\256.").error, "\\DDD escape above 255 in name");
  std::string long_name;
  for (int i = 0; i < 64; ++i) long_name += "abc.";  // 64 * 4 + 1 = 257 octets
  EXPECT_EQ(split_labels(long_name).error, "name longer than 255 octets");
}

TEST(Names, AncestryAndParent) {
  EXPECT_TRUE(is_at_or_below("_sip._udp.Domain.RU.", "domain.ru."));
  EXPECT_TRUE(is_at_or_below("domain.ru.", "DOMAIN.ru."));
  EXPECT_FALSE(is_at_or_below("xdomain.ru.", "domain.ru."));
  EXPECT_FALSE(is_at_or_below("a\\.domain.ru.", "domain.ru."));  // "a.domain" is one label
  EXPECT_TRUE(is_at_or_below("anything.", "."));
  EXPECT_EQ(parent_name("a.b.c."), "b.c.");
  EXPECT_EQ(parent_name("a\\.b.c."), "c.");
  EXPECT_EQ(parent_name("c."), ".");
  EXPECT_EQ(parent_name("."), ".");
}

TEST(Names, LabelEscapes) {
  std::string out;
  append_label_presentation(out, std::string("a.b\\ \x01@", 7));
  EXPECT_EQ(out, "a\\.b\\\\\\032\\001\\@");
}

}  // namespace
}  // namespace siplab::dns
