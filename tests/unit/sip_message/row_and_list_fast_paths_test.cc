// The third round of parser fast paths against plain references:
//  - the header-row loop, which takes the ':' after a name from the block
//    it scanned for the line end and trims with one compare per byte,
//    against a split-at-the-first-colon reference on random rows whose
//    ':' / whitespace / CRLF land at every offset of a 16-byte block;
//  - Via, Contact and Route rows, parsed whole before the element-by-element
//    split, against that split (for_each_list_item + the element parser)
//    on random lists: same values, same errors (reason and offset);
//  - the start line's "SIP/2.0" and "SIP/" shortcuts, the hashed header
//    name lookup, the Content-Length row value, the one-pass Call-ID,
//    parse_uint_fast's single bound check, the unrolled IPv4 check and the
//    word-wise parameter-name compare, each against the plain version.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "models/sip/message/header_names.h"
#include "models/sip/message/header_values.h"
#include "models/sip/message/internal.h"
#include "models/sip/message/name_addr.h"
#include "models/sip/message/parsed_message.h"
#include "tests/unit/sip_message/parser_test_references.h"

namespace siplab::sip {
namespace {

const std::string& kStart = test::kOptionsHead;

bool ws(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_ref(std::string_view s) {
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

TEST(RowFastPaths, RandomRowsSplitAtTheFirstColonLikeTheReference) {
  std::mt19937_64 rng(31);
  ParsedMessage m;
  std::size_t rows_checked = 0;
  for (int round = 0; round < 1500; ++round) {
    // Names of 1..40 token bytes (unknown ones: "X" prefix keeps them out of
    // the typed checks), blanks before and after ':', values with ':' and
    // blanks of their own, rows of every length.
    const std::size_t rows = 1 + rng() % 4;
    std::vector<std::string> names, values;
    std::string text = kStart;
    for (std::size_t r = 0; r < rows; ++r) {
      std::string name = "X-";
      const std::size_t len = rng() % 40;
      for (std::size_t k = 0; k < len; ++k) name += "abZ9-.!%*_+`'~"[rng() % 14];
      std::string value;
      const std::size_t vlen = rng() % 40;
      for (std::size_t k = 0; k < vlen; ++k) value += "vw: \t;,<>\"@"[rng() % 11];
      std::string row = name + std::string(rng() % 3, rng() % 2 ? ' ' : '\t') + ":" +
                        std::string(rng() % 3, rng() % 2 ? ' ' : '\t') + value + std::string(rng() % 2, ' ');
      // A blank first value byte after ": " exercises the general trim.
      text += row + "\r\n";
      names.push_back(name);
      const std::size_t colon = row.find(':');
      values.emplace_back(trim_ref(std::string_view(row).substr(colon + 1)));
      EXPECT_EQ(trim_ref(std::string_view(row).substr(0, colon)), name);
    }
    text += "\r\n";
    ASSERT_EQ(parse_message_into(text, m), std::nullopt) << text;
    ASSERT_EQ(m.headers().size(), 5 + rows) << text;
    for (std::size_t r = 0; r < rows; ++r) {
      const HeaderView& h = m.headers()[5 + r];
      EXPECT_EQ(h.id, HeaderId::Other);
      EXPECT_EQ(h.name, names[r]) << text;
      EXPECT_EQ(h.value, values[r]) << text;
      ++rows_checked;
    }
  }
  EXPECT_GT(rows_checked, 3000u);
}

TEST(RowFastPaths, ColonAndLineEndAtEveryBlockOffset) {
  // "Subject" padded so that its ':' (or the blank before it) sits at every
  // offset 0..40 from the row start, with the value ending at every offset.
  ParsedMessage m;
  for (std::size_t blanks = 0; blanks <= 20; ++blanks)
    for (std::size_t vlen = 0; vlen <= 20; ++vlen) {
      const std::string value(vlen, 'v');
      std::string xname(blanks + 1, 'n');
      xname[0] = 'X';
      const std::string text = kStart + "Subject" + std::string(blanks, ' ') + ":" + value + "\r\n" + xname + ":" +
                               std::string(blanks % 3, '\t') + value + " \r\n\r\n";
      ASSERT_EQ(parse_message_into(text, m), std::nullopt) << blanks << " " << vlen;
      ASSERT_EQ(m.headers().size(), 7u);
      EXPECT_EQ(m.headers()[5].id, HeaderId::Subject);
      EXPECT_EQ(m.headers()[5].name, "Subject");
      EXPECT_EQ(m.headers()[5].value, value);
      EXPECT_EQ(m.headers()[6].name, xname);
      EXPECT_EQ(m.headers()[6].value, value);
    }
  // A row without ':' whose first block holds none, and one that ends
  // before any: the same error either way.
  for (std::size_t len : {3u, 15u, 16u, 17u, 40u}) {
    const std::string name(len, 'n');
    const auto e = parse_message_into(kStart + name + "\r\n\r\n", m);
    ASSERT_TRUE(e.has_value()) << len;
    EXPECT_EQ(e->reason, "expected ':' after header name");
    EXPECT_EQ(e->offset, kStart.size() + len);
  }
}

TEST(RowFastPaths, RepeatedContentLengthRowsKeepTheFirstAndSpotConflicts) {
  // Each row's value is taken from its own check (not parsed again): equal
  // rows frame the body, differing ones are a conflict (the datagram keeps
  // the rest as its body; a stream message is rejected, RFC 3261 §18.3).
  ParsedMessage m;
  const std::string head = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h.example.com\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n";
  ASSERT_EQ(parse_message_into(head + "Content-Length: 3\r\nl: 003\r\n\r\nabcdef", m), std::nullopt);
  EXPECT_EQ(m.content_length(), 3u);
  EXPECT_EQ(m.body(), "abc");
  ASSERT_EQ(parse_message_into(head + "Content-Length: 3\r\nl: 4\r\n\r\nabcdef", m), std::nullopt);
  EXPECT_EQ(m.content_length(), 3u);
  EXPECT_EQ(m.body(), "abcdef");
  const std::string conflict = head + "Content-Length: 3\r\nl: 4\r\nContent-Length: 3\r\n\r\nabcdef";
  const auto e = parse_message_into(conflict, m, Framing::Stream);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->reason, "conflicting Content-Length values on a stream");
  EXPECT_EQ(e->offset, conflict.size() - 6);
}

TEST(StartLineFastPaths, VersionAndResponseChecksKeepTheirVerdicts) {
  // "SIP/2.0" skips the version checks, "SIP/" in any case marks a
  // response; everything else takes the checks in their usual order.
  ParsedMessage m;
  const std::string rows = "Via: SIP/2.0/UDP h.example.com\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n";
  ASSERT_EQ(parse_message_into("sip/2.0 200 OK\r\n" + rows, m), std::nullopt);
  EXPECT_TRUE(m.is_response());
  EXPECT_EQ(m.version(), "sip/2.0");
  ASSERT_EQ(parse_message_into("INVITE sip:a@b.example.com sIp/2.0\r\n" + rows, m), std::nullopt);
  EXPECT_TRUE(m.is_request());
  EXPECT_EQ(m.version(), "sIp/2.0");
  struct Case {
    std::string start;
    std::size_t offset;
    std::string reason;
    int status;
  };
  const Case cases[] = {
      {"SIP\x0f2.0 200 OK", 0, "malformed request method", 400},  // not "SIP/" under OR 0x20
      {"INVITE sip:a@b.example.com SIP/2.0 ", 34, "extra whitespace in request line", 400},
      {"INVITE sip:a@b.example.com SIP/2.0\t", 34, "extra whitespace in request line", 400},
      {"INVITE sip:a@b.example.com ", 27, "missing SIP version", 400},
      {"INVITE sip:a@b.example.com SIP/3.0", 27, "SIP version not supported", 505},
      {"INVITE sip:a@b.example.com SIP/2.00", 27, "SIP version not supported", 505},
      {"INVITE sip:a@b.example.com SIP-2.0", 27, "malformed SIP version", 400},
      {"INVITE <sip:a@b.example.com> SIP/2.0", 7, "Request-URI must not be enclosed in <>", 400},
      {"INVITE <sip:a@b.example.com> SIP/3.0", 7, "Request-URI must not be enclosed in <>", 400},
  };
  for (const Case& c : cases) {
    const auto e = parse_message_into(c.start + "\r\n" + rows, m);
    ASSERT_TRUE(e.has_value()) << c.start;
    EXPECT_EQ(e->reason, c.reason) << c.start;
    EXPECT_EQ(e->offset, c.offset) << c.start;
    EXPECT_EQ(e->status_code, c.status) << c.start;
  }
}

TEST(RowFastPaths, HashedNameLookupAgreesWithTheTableLookup) {
  // header_id_padded (first word folded and cut by a per-length mask, the
  // first word compared as it is) against header_id, for every known name
  // in random case, with every byte value but CR (which the parser keeps
  // away from it) at every position, and one byte shorter or longer.
  std::mt19937_64 rng(71);
  std::size_t known = 0;
  for (std::size_t k = 1; k < static_cast<std::size_t>(HeaderId::kCount); ++k) {
    const std::string canonical(canonical_name(static_cast<HeaderId>(k)));
    std::vector<std::string> names = {canonical, canonical.substr(0, canonical.size() - 1), canonical + "s"};
    for (std::size_t at = 0; at < canonical.size(); ++at)
      for (int b = 1; b < 256; ++b) {
        if (b == '\r') continue;
        std::string n = canonical;
        n[at] = static_cast<char>(b);
        names.push_back(n);
      }
    for (std::string name : names) {
      for (char& c : name)
        if (rng() % 2 && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      std::string padded = name + std::string(8, '\0');
      const std::string_view view(padded.data(), name.size());
      ASSERT_EQ(header_id_padded(view), header_id(view)) << name;
      known += header_id(view) != HeaderId::Other;
    }
  }
  EXPECT_GT(known, 1000u);  // the names, and each letter replaced by itself in either case
}

// The element-by-element verdict for a list row (what the parser did
// before parsing the row whole first): every element through the element
// parser, errors at value_at + the element's offset + the error's offset.
template <typename Parse>
std::optional<ParseError> split_reference(std::string_view value, std::size_t value_at, std::string_view header,
                                          std::string_view empty_reason, Parse parse) {
  auto e = internal::for_each_list_item(value, [&](std::string_view item) -> std::optional<ParseError> {
    const std::size_t off = static_cast<std::size_t>(item.data() - value.data());
    if (item.empty()) return ParseError{off, std::string(empty_reason), 400};
    if (auto err = parse(item)) return ParseError{off + err->offset, err->reason, 400};
    return std::nullopt;
  });
  if (e) {
    e->offset += value_at;
    e->reason = std::string(header) + ": " + e->reason;
  }
  return e;
}

// The parse's verdict against the reference's: both accept, or both reject
// with the same reason at the same offset.
::testing::AssertionResult same_verdict(const std::optional<ParseError>& got, const std::optional<ParseError>& want) {
  if (got.has_value() != want.has_value()) {
    return ::testing::AssertionFailure() << (got ? "rejected (" + got->reason + "), the reference accepts"
                                                 : "accepted, the reference rejects (" + want->reason + ")");
  }
  if (got && (got->reason != want->reason || got->offset != want->offset)) {
    return ::testing::AssertionFailure() << "\"" << got->reason << "\" at " << got->offset << ", the reference \""
                                         << want->reason << "\" at " << want->offset;
  }
  return ::testing::AssertionSuccess();
}

std::string random_via(std::mt19937_64& rng) {
  static const std::string kParts[] = {"SIP/2.0/UDP ", "SIP/2.0/TCP ", "SIP / 2.0 / UDP "};
  static const std::string kHosts[] = {"a.example.com", "192.0.2.1", "[2001:db8::1]", "host-1.example.org", "h"};
  static const std::string kTails[] = {"", ":5060", ";branch=z9hG4bK1", ";x=\"a,b\"", ";received=192.0.2.7",
                                       ";rport", ";maddr=m.example.com", ";ttl=300", ";branch=\"q\""};
  std::string v = kParts[rng() % 3] + kHosts[rng() % 5];
  for (int k = rng() % 3; k > 0; --k) v += kTails[rng() % 9];
  return v;
}

std::string random_name_addr(std::mt19937_64& rng) {
  static const std::string kForms[] = {"<sip:a@b.example.com>", "\"A, B\" <sip:a@b.example.com>",
                                       "Bob <sip:b@c.example.com;lr>", "sip:x@y.example.com", "<sip:p,q@z.example.com>",
                                       "<sip:r@s.example.com", "\"unterminated <sip:a@b>", "<tel:+1-555>"};
  static const std::string kTails[] = {"", ";tag=abc", ";expires=60", ";q=0.5", ";x=\"1,2\"", ";lr", ";bad=<"};
  std::string v = kForms[rng() % 8];
  for (int k = rng() % 3; k > 0; --k) v += kTails[rng() % 7];
  return v;
}

// Lists of 1..3 elements with blanks around the commas, now and then an
// empty element or stray byte, so that both verdicts show up.
template <typename Element>
std::string random_list(std::mt19937_64& rng, Element element) {
  std::string v = element(rng);
  for (int k = rng() % 3; k > 0; --k) {
    v.append(rng() % 2, ' ');
    v.push_back(',');
    v.append(rng() % 2, ' ');
    v.append(element(rng));
  }
  if (rng() % 8 == 0) {
    const std::size_t at = rng() % (v.size() + 1);
    v = v.substr(0, at) + (rng() % 2 ? ',' : '!') + v.substr(at);
  }
  return trim_ref(v).empty() ? "x" : std::string(trim_ref(v));
}

TEST(ListFastPaths, ViaRowsMatchTheElementByElementSplit) {
  std::mt19937_64 rng(41);
  ParsedMessage m;
  std::size_t ok = 0, bad = 0, multi = 0;
  const std::string head = "SIP/2.0 200 OK\r\nVia: ";
  for (int round = 0; round < 3000; ++round) {
    const std::string value = random_list(rng, random_via);
    const std::string text = head + value + "\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n";
    std::vector<ViaView> want;
    const auto want_error = split_reference(value, head.size(), "Via", "empty Via value", [&](std::string_view item) {
      ViaView v;
      auto e = internal::parse_via_into(item, &v);
      if (!e) want.push_back(v);
      return e;
    });
    const auto got = parse_message_into(text, m);
    ASSERT_TRUE(same_verdict(got, want_error)) << value;
    if (got) {
      ++bad;
      continue;
    }
    ++ok;
    ASSERT_EQ(m.vias().size(), want.size()) << value;
    multi += want.size() > 1;
    for (std::size_t k = 0; k < want.size(); ++k) {
      EXPECT_EQ(m.vias()[k].host, want[k].host) << value;
      EXPECT_EQ(m.vias()[k].transport, want[k].transport) << value;
      EXPECT_EQ(m.vias()[k].port, want[k].port) << value;
      EXPECT_EQ(m.vias()[k].params.text, want[k].params.text) << value;
      EXPECT_EQ(m.vias()[k].branch(), want[k].branch()) << value;
    }
  }
  EXPECT_GT(ok, 500u);
  EXPECT_GT(bad, 300u);
  EXPECT_GT(multi, 200u);
}

TEST(ListFastPaths, ContactAndRouteRowsMatchTheElementByElementSplit) {
  std::mt19937_64 rng(43);
  ParsedMessage m;
  std::size_t ok = 0, bad = 0, unbracketed_routes = 0;
  for (int round = 0; round < 3000; ++round) {
    const bool route = round % 2 == 1;
    const std::string name = route ? "Route" : "Contact";
    const std::string head = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h.example.com\r\n" + name + ": ";
    const std::string value = random_list(rng, random_name_addr);
    const std::string text = head + value + "\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n";
    std::vector<NameAddrView> want;
    const auto parse_element = [&](std::string_view item) -> std::optional<ParseError> {
      NameAddrView v;
      if (auto e = internal::parse_name_addr_into(item, &v)) return e;
      if (route && !v.angle_brackets) {
        ++unbracketed_routes;
        return ParseError{0, "route value must be a name-addr in <>", 400};
      }
      want.push_back(v);
      return std::nullopt;
    };
    const auto want_error = split_reference(value, head.size(), name, "empty list element", parse_element);
    const auto got = parse_message_into(text, m);
    ASSERT_TRUE(same_verdict(got, want_error)) << value;
    if (got) {
      ++bad;
      continue;
    }
    ++ok;
    const auto list = route ? m.routes() : m.contacts();
    ASSERT_EQ(list.size(), want.size()) << value;
    for (std::size_t k = 0; k < want.size(); ++k) {
      EXPECT_EQ(list[k].display_name, want[k].display_name) << value;
      EXPECT_EQ(list[k].uri.host, want[k].uri.host) << value;
      EXPECT_EQ(list[k].uri.user, want[k].uri.user) << value;
      EXPECT_EQ(list[k].angle_brackets, want[k].angle_brackets) << value;
      EXPECT_EQ(list[k].params.text, want[k].params.text) << value;
    }
  }
  EXPECT_GT(ok, 300u);
  EXPECT_GT(bad, 300u);
  EXPECT_GT(unbracketed_routes, 50u);
}

// A comma in the user or password of a bare addr-spec separates list
// elements (§20: a URI with a comma MUST be in <>), so the whole-row parse
// must not take "sip:a,b@..." as one contact: the row is judged as the
// element-by-element split judges it, and only the bracketed form is one
// contact.
TEST(ListFastPaths, ACommaInABareAddrSpecSeparatesElements) {
  ParsedMessage m;
  const std::string head = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h.example.com\r\nContact: ";
  for (std::string value : {"sip:a,b@example.com", "sip:a,b@example.com;expires=5", "sip:u:p,w@h.example",
                            "sip:a@example.com,sip:b@example.com", "<sip:a,b@example.com>"}) {
    const std::string text = head + value + "\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n";
    std::vector<std::string> want_users;
    const auto want_error =
        split_reference(value, head.size(), "Contact", "empty list element", [&](std::string_view item) {
          NameAddrView v;
          auto e = internal::parse_name_addr_into(item, &v);
          if (!e) want_users.emplace_back(v.uri.user);
          return e;
        });
    const auto got = parse_message_into(text, m);
    ASSERT_TRUE(same_verdict(got, want_error)) << value;
    if (got) {
      continue;
    }
    ASSERT_EQ(m.contacts().size(), want_users.size()) << value;
    for (std::size_t k = 0; k < want_users.size(); ++k) EXPECT_EQ(m.contacts()[k].uri.user, want_users[k]) << value;
  }
  // The bracketed one is a single contact whose user holds the comma.
  ASSERT_FALSE(parse_message_into(head + "<sip:a,b@example.com>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n", m));
  ASSERT_EQ(m.contacts().size(), 1u);
  EXPECT_EQ(m.contacts()[0].uri.user, "a,b");
  // And "sip:a,b@..." unbracketed is not one contact "a,b".
  const auto bare = parse_message_into(head + "sip:a,b@example.com\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n", m);
  EXPECT_TRUE(bare.has_value() || m.contacts().size() != 1 || m.contacts()[0].uri.user != "a,b");
}

TEST(ListFastPaths, NameAddrFormsAroundTheLeadingAngleBracket) {
  // "<" first takes the no-scan path; a ";" first must not be mistaken
  // for it (no URI before the parameters).
  const auto bare = parse_name_addr("<sip:a@b.example.com>;tag=1");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->display_name, "");
  EXPECT_TRUE(bare->angle_brackets);
  EXPECT_EQ(bare->tag(), "1");
  const auto glued = parse_name_addr("Bob<sip:a@b.example.com>");
  ASSERT_TRUE(glued.ok());
  EXPECT_EQ(glued->display_name, "Bob");
  const auto semi = parse_name_addr(";tag=1");
  ASSERT_FALSE(semi.ok());
  EXPECT_EQ(semi.error().reason, "empty URI");
  EXPECT_EQ(semi.error().offset, 0u);
  const auto open = parse_name_addr("<sip:a@b.example.com");
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.error().reason, "missing '>'");
  EXPECT_EQ(open.error().offset, 0u);
  const auto spaced = parse_name_addr("  <sip:a@b.example.com>");
  ASSERT_TRUE(spaced.ok());
  EXPECT_EQ(spaced->uri.host, "b.example.com");
}

// callid = word [ "@" word ] (§25.1), byte by byte.
bool reference_call_id(std::string_view v) {
  auto word = [](std::string_view w) {
    if (w.empty()) return false;
    for (char c : w) {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && std::string_view("-.!%*_+`'~()<>:\\\"/[]?{}").find(c) == std::string_view::npos) return false;
    }
    return true;
  };
  const std::size_t at = v.find('@');
  if (at == std::string_view::npos) return word(v);
  return word(v.substr(0, at)) && word(v.substr(at + 1));
}

TEST(CallIdFastPaths, HostLikeCallIdsAgreeWithTheGrammar) {
  // The one-pass check takes alnum / "-" / "." / one "@": draw mostly
  // those, with a second "@", an "@" at either end, other word bytes and
  // non-word bytes now and then, at every length around the blocks.
  std::mt19937_64 rng(59);
  std::size_t valid = 0, invalid = 0;
  for (int round = 0; round < 100000; ++round) {
    const std::size_t n = rng() % 72;
    std::string v(n, 'a');
    for (char& c : v) c = "aZ09-.aZ09-.x"[rng() % 13];
    if (n > 0 && rng() % 3 != 0) v[rng() % n] = '@';
    if (n > 0 && rng() % 8 == 0) v[rng() % n] = "@_/ ;\x7f"[rng() % 6];
    if (n > 0 && rng() % 10 == 0) v[rng() % 2 == 0 ? 0 : n - 1] = '@';
    const bool want = reference_call_id(v);
    const auto got = parse_call_id(v);
    ASSERT_EQ(got.ok(), want) << "[" << v << "]";
    if (want) {
      EXPECT_EQ(got.value(), std::string_view(v));
    }
    (want ? valid : invalid)++;
  }
  EXPECT_GT(valid, 30000u);
  EXPECT_GT(invalid, 10000u);
}

TEST(NumberFastPaths, ParseUintFastAgreesWithParseUintAtEveryLength) {
  // Up to nine digits the bound is checked once at the end: numbers of 0 to
  // 12 digits (leading zeros, a stray byte now and then) against parse_uint.
  std::mt19937_64 rng(67);
  std::size_t ok = 0, above = 0;
  for (int round = 0; round < 60000; ++round) {
    const std::size_t n = rng() % 13;
    std::string v(n, '0');
    for (char& c : v) c = static_cast<char>('0' + rng() % 10);
    if (n > 0 && rng() % 3 == 0) v[0] = '0';
    if (n > 0 && rng() % 10 == 0) v[rng() % n] = "a /:"[rng() % 4];
    for (uint32_t max : {255u, 65535u, 0xFFFFFFFFu}) {
      uint32_t fast = 0;
      const bool got = internal::parse_uint_fast(v, max, fast);
      const auto want = parse_uint(v, max);
      ASSERT_EQ(got, want.ok()) << v << " max " << max;
      if (got) {
        EXPECT_EQ(fast, *want) << v;
        ++ok;
      } else if (want.error().reason.rfind("number exceeds", 0) == 0) {
        ++above;
      }
    }
  }
  EXPECT_GT(ok, 30000u);
  EXPECT_GT(above, 30000u);
}

using test::reference_ipv4;

TEST(HostFastPaths, Ipv4CheckAgreesWithTheGrammar) {
  std::mt19937_64 rng(47);
  std::size_t v4 = 0;
  for (int round = 0; round < 50000; ++round) {
    std::string s;
    const std::size_t n = rng() % 20;
    for (std::size_t k = 0; k < n; ++k) s += "0125999.."[rng() % 9];
    if (rng() % 4 == 0) s = std::to_string(rng() % 300) + "." + std::to_string(rng() % 300) + "." +
                            std::to_string(rng() % 300) + "." + std::to_string(rng() % 300);
    if (rng() % 10 == 0 && !s.empty()) s[rng() % s.size()] = "/:a\0"[rng() % 4];
    const bool want = reference_ipv4(s);
    ASSERT_EQ(internal::classify_host(s) == HostKind::IPv4, want) << s;
    v4 += want;
  }
  EXPECT_GT(v4, 5000u);
  for (const char* s : {"0.0.0.0", "255.255.255.255", "256.1.1.1", "1.1.1", "1.1.1.1.", ".1.1.1.1", "1..1.1",
                        "001.002.003.004", "0001.1.1.1", "1.1.1.1234"})
    EXPECT_EQ(internal::classify_host(s) == HostKind::IPv4, reference_ipv4(s)) << s;
}

template <std::size_t N>
void check_word_compare(const char (&lower)[N], std::mt19937_64& rng) {
  const std::string_view word(lower, N - 1);
  // Every byte value at every position of the name, then random case
  // mixes and lengths around the word.
  for (std::size_t at = 0; at < word.size(); ++at)
    for (int b = 0; b < 256; ++b) {
      std::string name(word);
      name[at] = static_cast<char>(b);
      ASSERT_EQ(internal::iequals_letters(name, lower), iequals(name, word)) << word << " " << at << " " << b;
    }
  for (int round = 0; round < 2000; ++round) {
    std::string name(word);
    for (char& c : name)
      if (rng() % 2) c = static_cast<char>(c - 'a' + 'A');
    if (rng() % 3 == 0) name.resize(rng() % (word.size() + 3), 'x');
    ASSERT_EQ(internal::iequals_letters(name, lower), iequals(name, word)) << name;
  }
}

TEST(ParamNameFastPaths, WordCompareAgreesWithIequalsForEveryByte) {
  std::mt19937_64 rng(53);
  check_word_compare("branch", rng);
  check_word_compare("received", rng);
  check_word_compare("ttl", rng);
  check_word_compare("maddr", rng);
  check_word_compare("rport", rng);
  check_word_compare("lr", rng);
  check_word_compare("expires", rng);
  check_word_compare("digest", rng);
}

}  // namespace
}  // namespace siplab::sip
