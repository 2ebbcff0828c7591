// RFC 4475 torture messages: one test per INDEX.tsv row.  Every "valid"
// message parses and round-trips; every "invalid" one is rejected with the
// code the RFC names; every "valid-but-reject" one parses and the layer
// the RFC names (UAS, proxy, registrar, UAC) rejects it with that code.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/sip/message/parsed_message.h"
#include "models/sip/message/parser.h"
#include "models/sip/message/serializer.h"
#include "models/sip/message/validation.h"

namespace siplab::sip {
namespace {

const std::string kDir = SIPLAB_RFC4475_DIR;

struct Row {
  std::string name, section, expected, what, title, handling;
};

std::vector<Row> load_index() {
  std::ifstream in(kDir + "/INDEX.tsv");
  std::vector<Row> rows;
  std::string line;
  std::getline(in, line);  // column names
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() < 6) continue;
    rows.push_back({cols[0], cols[1], cols[2], cols[3], cols[4], cols[5]});
  }
  return rows;
}

std::string read_file(const std::string& name) {
  std::ifstream in(kDir + "/" + name + ".sip", std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Codes (3 digits, 1xx-6xx) named in the RFC's expected-handling text.
std::set<int> named_codes(const std::string& text) {
  std::set<int> codes;
  std::regex re("\\b([1-6][0-9][0-9])\\b");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    codes.insert(std::stoi((*it)[1]));
  return codes;
}

ValidationOptions opts(Role role) {
  ValidationOptions o;
  o.role = role;
  return o;
}

// One check a layer applies to a parsed message: which role, with which
// options, and the code it must answer (0 = accepted).
struct LayerCheck {
  ValidationOptions options;
  int code;
};

// What each element the RFC names does with the message.  Every corpus
// file appears here; a missing entry fails the test.
const std::map<std::string, std::vector<LayerCheck>>& layer_checks() {
  static const auto* table = [] {
    auto* t = new std::map<std::string, std::vector<LayerCheck>>;
    ValidationOptions message_uas = opts(Role::Uas);
    message_uas.allowed_methods.push_back("MESSAGE");
    message_uas.accepted_content_types = {"multipart/mixed"};
    ValidationOptions bext_uas = opts(Role::Uas);
    // valid
    (*t)["wsinv"] = {{opts(Role::Uas), 0}, {opts(Role::Proxy), 0}};
    (*t)["intmeth"] = {{opts(Role::Uas), 501}, {opts(Role::Proxy), 0}};
    (*t)["esc01"] = {{opts(Role::Uas), 0}};
    (*t)["escnull"] = {{opts(Role::Registrar), 0}};
    (*t)["esc02"] = {{opts(Role::Uas), 501}, {opts(Role::Proxy), 0}};
    (*t)["lwsdisp"] = {{opts(Role::Uas), 0}};
    (*t)["longreq"] = {{opts(Role::Uas), 0}, {opts(Role::Proxy), 0}};
    (*t)["dblreq"] = {{opts(Role::Registrar), 0}};
    (*t)["semiuri"] = {{opts(Role::Uas), 0}};
    (*t)["transports"] = {{opts(Role::Uas), 0}, {opts(Role::Proxy), 0}};
    (*t)["mpart01"] = {{message_uas, 0}, {opts(Role::Proxy), 0}};
    (*t)["unreason"] = {};
    (*t)["noreason"] = {};
    (*t)["cparam01"] = {{opts(Role::Registrar), 0}};
    (*t)["cparam02"] = {{opts(Role::Registrar), 0}};
    (*t)["regescrt"] = {{opts(Role::Registrar), 0}};
    (*t)["inv2543"] = {{opts(Role::Uas), 0}, {opts(Role::Proxy), 0}};
    // valid but rejected by a layer above the parser
    (*t)["badbranch"] = {{opts(Role::Uas), 400}, {opts(Role::Proxy), 400}};
    (*t)["insuf"] = {{opts(Role::Uas), 400}, {opts(Role::Proxy), 400}};
    (*t)["unkscm"] = {{opts(Role::Uas), 416}, {opts(Role::Proxy), 416}};
    (*t)["novelsc"] = {{opts(Role::Uas), 416}, {opts(Role::Proxy), 416}};
    (*t)["unksm2"] = {{opts(Role::Registrar), 400}, {opts(Role::Proxy), 0}};
    (*t)["bext01"] = {{bext_uas, 420}, {opts(Role::Proxy), 420}};
    (*t)["invut"] = {{opts(Role::Uas), 415}, {opts(Role::Proxy), 0}};
    // Authorization with an unknown scheme: a proxy forwards it, a
    // registrar leaves it to digest (which challenges with 401), an
    // endpoint that is not a registrar answers REGISTER with 405.
    (*t)["regaut01"] = {{opts(Role::Uas), 405}, {opts(Role::Proxy), 0}, {opts(Role::Registrar), 0}};
    (*t)["multi01"] = {{opts(Role::Uas), 400}, {opts(Role::Proxy), 400}};
    (*t)["mcl01"] = {{opts(Role::Uas), 400}, {opts(Role::Proxy), 400}};
    (*t)["bcast"] = {};
    (*t)["zeromf"] = {{opts(Role::Proxy), 483}, {opts(Role::Uas), 0}};
    (*t)["sdp01"] = {{opts(Role::Uas), 406}};
    return t;
  }();
  return *table;
}

// Invalid messages: the status the parse error carries (0 = a response,
// which is discarded rather than answered).
const std::map<std::string, int>& invalid_codes() {
  static const std::map<std::string, int> t = {
      {"badinv01", 400}, {"clerr", 400},    {"ncl", 400},       {"scalar02", 400}, {"scalarlg", 0},
      {"quotbal", 400},  {"ltgtruri", 400}, {"lwsruri", 400},   {"lwsstart", 400}, {"trws", 400},
      {"escruri", 400},  {"baddate", 400},  {"regbadct", 400},  {"badaspec", 400}, {"baddn", 400},
      {"badvers", 505},  {"mismatch01", 400}, {"mismatch02", 501}, {"bigcode", 0},
  };
  return t;
}

class Rfc4475 : public ::testing::TestWithParam<Row> {};

TEST(Rfc4475Index, HasAll49Messages) {
  auto rows = load_index();
  ASSERT_EQ(rows.size(), 49u);
  std::size_t valid = 0, invalid = 0, reject = 0;
  for (const Row& r : rows) {
    if (r.expected == "valid") ++valid;
    if (r.expected == "invalid") ++invalid;
    if (r.expected == "valid-but-reject-at-transaction-or-app-layer") ++reject;
  }
  EXPECT_EQ(valid, 17u);
  EXPECT_EQ(invalid, 19u);
  EXPECT_EQ(reject, 13u);
}

TEST_P(Rfc4475, ClassifiedAsTheRfcSays) {
  const Row& row = GetParam();
  std::string bytes = read_file(row.name);
  ASSERT_FALSE(bytes.empty()) << "cannot read " << row.name;
  auto parsed = parse_message(bytes);
  std::set<int> codes = named_codes(row.handling);

  if (row.expected == "invalid") {
    ASSERT_FALSE(parsed.ok()) << row.name << " must be rejected";
    auto it = invalid_codes().find(row.name);
    ASSERT_NE(it, invalid_codes().end()) << "no expectation for " << row.name;
    EXPECT_LT(parsed.error().offset, bytes.size());
    EXPECT_FALSE(parsed.error().reason.empty());
    if (it->second != 0) {
      EXPECT_EQ(parsed.error().status_code, it->second) << parsed.error().reason;
      EXPECT_EQ(rejection_for(parsed.error()).status_code, it->second);
      // When the RFC names codes, ours is one of them.
      if (!codes.empty()) {
        EXPECT_TRUE(codes.count(it->second)) << row.handling;
      }
    }
    return;
  }

  ASSERT_TRUE(parsed.ok()) << row.name << ": " << parsed.error().reason << " at " << parsed.error().offset;
  const Message& m = *parsed;
  // Round trip: the canonical text parses back to the same message, and
  // serializing is a fixed point.
  std::string text = serialize(m);
  auto again = parse_message(text);
  ASSERT_TRUE(again.ok()) << again.error().reason << " at " << again.error().offset << "\n" << text;
  EXPECT_EQ(*again, m);
  EXPECT_EQ(serialize(*again), text);

  auto it = layer_checks().find(row.name);
  ASSERT_NE(it, layer_checks().end()) << "no expectation for " << row.name;
  if (m.is_response()) {
    ASSERT_TRUE(it->second.empty());
    bool must_drop = row.expected != "valid";
    EXPECT_EQ(validate_response(m, ResponseRole::Uac).accept, !must_drop);
    if (must_drop) {
      EXPECT_FALSE(validate_response(m, ResponseRole::Proxy).accept);
    }
    // The stack validates with the parsed form at hand: the same verdicts.
    ParsedMessage view;
    ASSERT_FALSE(parse_message_into(bytes, view, Framing::Datagram));
    for (ResponseRole role : {ResponseRole::Uac, ResponseRole::Proxy}) {
      const ResponseVerdict rows = validate_response(m, role), typed = validate_response(m, role, &view);
      EXPECT_EQ(typed.accept, rows.accept);
      EXPECT_EQ(typed.reason, rows.reason);
    }
    return;
  }
  ASSERT_FALSE(it->second.empty());
  bool some_rejection = false;
  // The stack validates with the parsed form at hand: the same verdicts.
  ParsedMessage view;
  ASSERT_FALSE(parse_message_into(bytes, view, Framing::Datagram));
  for (const LayerCheck& check : it->second) {
    auto rejection = validate_request(m, check.options);
    EXPECT_EQ(validate_request(m, check.options, &view), rejection);
    int got = rejection ? rejection->status_code : 0;
    EXPECT_EQ(got, check.code) << "role " << static_cast<int>(check.options.role)
                               << (rejection ? ": " + rejection->reason : std::string());
    if (check.code != 0) {
      some_rejection = true;
      // A code we answer with is one the RFC names for this case, except
      // mcl01 whose text says only "Error response".
      if (!codes.empty()) {
        EXPECT_TRUE(codes.count(check.code)) << check.code << " vs " << row.handling;
      }
    }
  }
  if (row.expected != "valid") {
    EXPECT_TRUE(some_rejection) << row.name << " must be rejected by some layer";
  }
}

std::string test_name(const ::testing::TestParamInfo<Row>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Corpus, Rfc4475, ::testing::ValuesIn(load_index()), test_name);

// The exact answers for the cases whose extra headers matter.
TEST(Rfc4475Details, Bext01ListsUnsupportedTags) {
  auto m = parse_message(read_file("bext01"));
  ASSERT_TRUE(m.ok());
  auto uas = validate_request(*m, opts(Role::Uas));
  ASSERT_TRUE(uas);
  EXPECT_EQ(uas->status_code, 420);
  EXPECT_EQ(uas->reason, "Bad Extension");
  ASSERT_EQ(uas->extra_headers.size(), 1u);
  EXPECT_EQ(uas->extra_headers[0].name, "Unsupported");
  EXPECT_EQ(uas->extra_headers[0].value, "nothingSupportsThis, nothingSupportsThisEither");
  auto proxy = validate_request(*m, opts(Role::Proxy));
  ASSERT_TRUE(proxy);
  EXPECT_EQ(proxy->extra_headers[0].value, "noProxiesSupportThis, norDoAnyProxiesSupportThis");
}

TEST(Rfc4475Details, InsufNamesTheMissingHeaders) {
  auto m = parse_message(read_file("insuf"));
  ASSERT_TRUE(m.ok());
  auto r = validate_request(*m, opts(Role::Uas));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "Missing To, From, Call-ID header");
}

TEST(Rfc4475Details, DblreqIgnoresTrailingOctets) {
  std::string bytes = read_file("dblreq");
  auto m = parse_message(bytes);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->method(), "REGISTER");
  EXPECT_EQ(m->body(), "");
}

TEST(Rfc4475Details, Esc02HasTwoContactValues) {
  auto m = parse_message(read_file("esc02"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->method(), "RE%47IST%45R");
  EXPECT_EQ(m->contacts().contacts.size(), 2u);
  EXPECT_EQ(m->header("C%6Fntact"), "<sip:alias2@host2.example.com>");
}

TEST(Rfc4475Details, SemiuriUserPart) {
  auto m = parse_message(read_file("semiuri"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(unescape(m->request_uri().user), "user;par=u@example.net");
  EXPECT_EQ(m->request_uri().host, "example.com");
  EXPECT_TRUE(m->request_uri().params.empty());
}

TEST(Rfc4475Details, Cparam01ParamBelongsToContactHeader) {
  auto m = parse_message(read_file("cparam01"));
  ASSERT_TRUE(m.ok());
  auto c = m->contacts();
  ASSERT_EQ(c.contacts.size(), 1u);
  EXPECT_TRUE(c.contacts[0].uri.params.empty());
  EXPECT_TRUE(has_param(c.contacts[0].params, "unknownparam"));
  auto m2 = parse_message(read_file("cparam02"));
  ASSERT_TRUE(m2.ok());
  auto c2 = m2->contacts();
  ASSERT_EQ(c2.contacts.size(), 1u);
  EXPECT_TRUE(has_param(c2.contacts[0].uri.params, "unknownparam"));
  EXPECT_TRUE(c2.contacts[0].params.empty());
}

TEST(Rfc4475Details, Mpart01BodyFramedByContentLength) {
  std::string bytes = read_file("mpart01");
  auto m = parse_message(bytes);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->body().size(), 553u);
  EXPECT_EQ(m->body(), std::string_view(bytes).substr(bytes.size() - 553));
}

TEST(Rfc4475Details, Inv2543BodyRunsToEndOfDatagram) {
  std::string bytes = read_file("inv2543");
  auto m = parse_message(bytes);
  ASSERT_TRUE(m.ok());
  std::size_t body_at = bytes.find("\r\n\r\n") + 4;
  EXPECT_EQ(m->body(), std::string_view(bytes).substr(body_at));
  EXPECT_FALSE(m->content_length());
}

}  // namespace
}  // namespace siplab::sip
