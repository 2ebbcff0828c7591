// ParamsView::value / has on header params take a one-loop search
// (param.cc) instead of the next_param() walk that for_each uses.  These
// tests hold the two to the same answers: fixed edge cases, then random
// texts over the bytes that steer the walk (separators, quotes, brackets,
// whitespace, ':' and name letters in both cases).
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "models/sip/message/header_values.h"
#include "models/sip/message/internal.h"
#include "models/sip/message/name_addr.h"
#include "models/sip/message/param.h"

namespace siplab::sip {
namespace {

// The walk for_each takes, stopped where next_param() makes no progress
// (for_each would loop there forever).  nullopt: that happened first.
struct Found {
  bool present = false;
  std::optional<std::string_view> value;
  friend bool operator==(const Found&, const Found&) = default;
};
std::optional<Found> reference_find(std::string_view text, std::string_view wanted) {
  std::string_view name;
  std::optional<std::string_view> value;
  std::size_t i = 0;
  while (true) {
    const std::size_t next = internal::next_param(text, true, i, name, value);
    if (next == std::string_view::npos) return Found{};
    if (iequals(name, wanted)) return Found{true, value};
    if (next == i) return std::nullopt;
    i = next;
  }
}

Found fast_find(std::string_view text, std::string_view wanted) {
  const ParamsView view{text, true};
  Found f{view.has(wanted), view.value(wanted)};
  return f;
}

TEST(ParamsViewFind, EdgeCasesGiveExactValues) {
  const ParamsView via{";branch=z9hG4bK74bf9;received=192.0.2.111;rport", true};
  EXPECT_EQ(via.value("branch"), "z9hG4bK74bf9");
  EXPECT_EQ(via.value("BRANCH"), "z9hG4bK74bf9");
  EXPECT_EQ(via.value("received"), "192.0.2.111");
  EXPECT_TRUE(via.has("rport"));
  EXPECT_EQ(via.value("rport"), std::nullopt);
  EXPECT_FALSE(via.has("branc"));
  EXPECT_FALSE(via.has("branchx"));
  EXPECT_FALSE(via.has("maddr"));
  // A quoted value hides its ';' and '=': the next parameter is found after it.
  const ParamsView quoted{" ; q = \"a;tag=x\" ; tag = 77 ", true};
  EXPECT_EQ(quoted.value("tag"), "77");
  EXPECT_EQ(quoted.value("q"), "\"a;tag=x\"");
  // Bracketed and bare IPv6 received values.
  EXPECT_EQ(ParamsView({";received=[2001:db8::1];x=1", true}).value("received"), "[2001:db8::1]");
  EXPECT_EQ(ParamsView({";received=2001:db8::1;x=1", true}).value("x"), "1");
  // Unterminated quote / bracket run to the end, as next_param() does.
  EXPECT_EQ(ParamsView({";a=\"open;b=1", true}).value("a"), "\"open;b=1");
  EXPECT_FALSE(ParamsView({";a=\"open;b=1", true}).has("b"));
  EXPECT_EQ(ParamsView({";a=[::1;b=1", true}).value("a"), "[::1;b=1");
  // The first of two same-named parameters counts; an empty value is a value.
  EXPECT_EQ(ParamsView({";tag=1;TAG=2", true}).value("tag"), "1");
  EXPECT_EQ(ParamsView({";tag=;x", true}).value("tag"), "");
  EXPECT_FALSE(ParamsView({"", true}).has("tag"));
  // Case folds both ways; a name differing in one byte is another name.
  EXPECT_EQ(ParamsView({";Tag=5;tAh=6", true}).value("tag"), "5");
  EXPECT_EQ(ParamsView({";tag=5", true}).value("TAG"), "5");
  EXPECT_EQ(ParamsView({";tah=6", true}).value("tag"), std::nullopt);
  EXPECT_EQ(ParamsView({";tag`=6", true}).value("tag@"), std::nullopt);
  // An empty wanted name (even a null view) matches an empty parameter name.
  EXPECT_TRUE(ParamsView({"; =1", true}).has(std::string_view{}));
  EXPECT_EQ(ParamsView({"; =1", true}).value(""), "1");
  // A byte that starts no parameter stops the search (for_each would spin).
  EXPECT_FALSE(ParamsView({";a=1 @;tag=2", true}).has("tag"));
  EXPECT_EQ(reference_find(";a=1 @;tag=2", "tag"), std::nullopt);
}

TEST(ParamsViewFind, AgreesWithTheNextParamWalkOnRandomTexts) {
  static constexpr char kAlphabet[] = {';', ';', ';', '=', '=', ' ', '\t', '"', '\\', '[', ']', ':', ',',
                                       '@', 'a', 'b', 'A', 'B', 't', 'T', 'g', '1', '.', '-', '%'};
  static constexpr std::string_view kWanted[] = {"a", "B", "ab", "tag", "TaG", "b1", ""};
  std::mt19937_64 rng(20261128);
  std::string text;
  int compared = 0, matched = 0;
  for (int round = 0; round < 200000; ++round) {
    text.clear();
    const std::size_t len = rng() % 24;
    for (std::size_t k = 0; k < len; ++k) text += kAlphabet[rng() % sizeof(kAlphabet)];
    for (std::string_view wanted : kWanted) {
      const auto want = reference_find(text, wanted);
      if (!want) continue;  // for_each would never end on this text
      ++compared;
      if (want->present) ++matched;
      ASSERT_EQ(fast_find(text, wanted), *want) << "text [" << text << "] wanted [" << wanted << "]";
    }
  }
  // The generator reaches both outcomes often.
  EXPECT_GT(compared, 400000);
  EXPECT_GT(matched, 100000) << matched;
}

// The parser records where the first parameter lies; lookups through that
// record give what a walk of the same text (a view without the record)
// gives, for the first parameter, later ones and absent names.
TEST(ParamsViewFind, RecordedFirstParameterAgreesWithTheWalk) {
  static constexpr std::string_view kNames[] = {"tag", "TAG", "branch", "Branch", "lr", "x", "received", "expires"};
  static constexpr std::string_view kValues[] = {"abc", "z9hG4bK.1", "\"a;tag=b, c\"", "\"\"", "[2001:db8::1]", "7"};
  static constexpr std::string_view kSpaces[] = {"", "", "", " ", "\t "};
  std::mt19937_64 rng(4475);
  auto pick = [&](const auto& list) { return list[rng() % std::size(list)]; };
  int recorded = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string params;
    const int count = static_cast<int>(rng() % 5);
    for (int k = 0; k < count; ++k) {
      const std::string_view name = pick(kNames);
      params.append(pick(kSpaces)).append(";").append(pick(kSpaces)).append(name);
      if (rng() % 4 != 0) {
        // received may be a bare IPv6 address
        const std::string_view value = name == "received" && rng() % 2 ? "2001:db8::1" : pick(kValues);
        params.append(pick(kSpaces)).append("=").append(pick(kSpaces)).append(value);
      }
    }
    params.append(pick(kSpaces));
    for (const std::string prefix : {"Bob <sip:bob@example.com>", "sip:bob@example.com"}) {
      const std::string text = prefix + params;
      NameAddrView view;
      const auto error = internal::parse_name_addr_into(text, &view);
      ASSERT_FALSE(error.has_value()) << text << ": " << error->reason;
      const ParamsView walked{view.params.text, true};
      ASSERT_EQ(view.params.text, std::string_view(text).substr(prefix.size()));
      if (count > 0) {
        ASSERT_NE(view.params.first_name_end, 0) << text;
        ++recorded;
      }
      for (std::string_view name : kNames) {
        ASSERT_EQ(view.params.has(name), walked.has(name)) << text << " " << name;
        ASSERT_EQ(view.params.value(name), walked.value(name)) << text << " " << name;
      }
    }
  }
  EXPECT_GT(recorded, 30000);
}

TEST(ParamsViewFind, ViaRecordsItsFirstParameter) {
  ViaView via;
  const std::string_view text = "SIP/2.0/UDP h.example.com:5060 ; branch = z9hG4bK77 ;received=2001:db8::9;rport";
  ASSERT_FALSE(internal::parse_via_into(text, &via).has_value());
  EXPECT_EQ(via.params.text, " ; branch = z9hG4bK77 ;received=2001:db8::9;rport");
  EXPECT_EQ(via.params.first_name_at, 3);
  EXPECT_EQ(via.params.first_name_end, 9);
  EXPECT_EQ(via.params.first_value_at, 12);
  EXPECT_EQ(via.params.first_value_end, 21);
  EXPECT_EQ(via.branch(), "z9hG4bK77");
  EXPECT_EQ(via.received(), "2001:db8::9");
  EXPECT_TRUE(via.has_rport());
  EXPECT_EQ(via.maddr(), std::nullopt);
  // No parameters: nothing recorded.
  ASSERT_FALSE(internal::parse_via_into("SIP/2.0/TCP h", &via).has_value());
  EXPECT_EQ(via.params.first_name_end, 0);
  EXPECT_EQ(via.branch(), std::nullopt);
}

}  // namespace
}  // namespace siplab::sip
