// libFuzzer target: Digest challenge / credentials header values
// (models/sip/message/digest.h).  Parsing never crashes; an error's offset
// lies within the input; whatever parses round-trips exactly; the verifier
// and the client helper run on every parsed value.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "models/sip/message/digest.h"

namespace {

using namespace siplab::sip;

[[noreturn]] void fail(const char* what, const std::string& text) {
  std::fprintf(stderr, "DIGEST FAILURE: %s\n", what);
  std::fwrite(text.data(), 1, text.size(), stderr);  // may hold NULs
  std::fputc('\n', stderr);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  auto credentials = parse_credentials(input);
  if (!credentials) {
    if (credentials.error().offset > size) fail("credentials error offset beyond input", "");
  } else {
    const std::string text = serialize(credentials.value());
    auto again = parse_credentials(text);
    if (!again) fail("credentials re-parse failed", text);
    if (!(again.value() == credentials.value())) fail("credentials changed in round trip", text);
    if (auto* d = std::get_if<DigestCredentials>(&credentials.value())) {
      (void)verify_digest(*d, DigestSecret::password("secret"), "INVITE", "body");
      (void)verify_digest(*d, DigestSecret::ha1(d->response), "INVITE", "", "user");
    }
  }

  auto challenge = parse_challenge(input);
  if (!challenge) {
    if (challenge.error().offset > size) fail("challenge error offset beyond input", "");
  } else {
    const std::string text = serialize(challenge.value());
    auto again = parse_challenge(text);
    if (!again) fail("challenge re-parse failed", text);
    if (!(again.value() == challenge.value())) fail("challenge changed in round trip", text);
    if (auto* c = std::get_if<DigestChallenge>(&challenge.value())) {
      DigestClientInput in;
      in.username = "user";
      in.password = "secret";
      in.method = "REGISTER";
      in.uri = "sip:example.com";
      in.cnonce = "0a4f113b";
      in.use_userhash = true;
      auto answer = answer_challenge(*c, in);
      if (answer) {
        const std::string answer_text = serialize(answer.value());
        auto reparsed = parse_credentials(answer_text);
        if (!reparsed) fail("answer does not parse", answer_text);
        const auto& d = std::get<DigestCredentials>(reparsed.value());
        if (verify_digest(d, DigestSecret::password("secret"), "REGISTER", "", "user") !=
            DigestVerdict::Ok)
          fail("answer does not verify", answer_text);
      }
    }
  }

  auto list = parse_challenge_list(input);
  if (list) {
    for (const auto& one : list.value()) {
      const std::string text = serialize(one);
      auto again = parse_challenge(text);
      if (!again) fail("challenge from list re-parse failed", text);
      if (!(again.value() == one)) fail("challenge from list changed in round trip", text);
    }
  }
  return 0;
}
