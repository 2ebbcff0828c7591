// libFuzzer target: one UDP datagram through the message layer.
//  - parse_message must return a value or an error, never crash; an error's
//    offset lies within the input.
//  - Whatever parses must round-trip: parse(serialize(m)) succeeds and
//    equals m, and serializing again gives the same bytes (canonical form).
//  - Every typed accessor, receiver validation, the response builder and the
//    Digest parser run on the parsed message (they must not crash on
//    anything parse accepted), and parsed Digest values round-trip too.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "models/sip/message/digest.h"
#include "models/sip/message/message.h"
#include "models/sip/message/parser.h"
#include "models/sip/message/serializer.h"
#include "models/sip/message/validation.h"

namespace {

using namespace siplab::sip;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "ROUND-TRIP FAILURE: %s\n", what);
  std::fwrite(detail.data(), 1, detail.size(), stderr);  // may hold NULs
  std::fputc('\n', stderr);
  std::abort();
}

void exercise_typed(const Message& m) {
  volatile std::size_t sink = 0;
  for (const auto& via : m.vias()) sink = sink + via.host.size() + via.sent_by().size();
  if (auto v = m.top_via()) sink = sink + v->to_string().size();
  if (auto f = m.from()) sink = sink + f->uri.host.size();
  if (auto t = m.to()) sink = sink + t->uri.host.size();
  if (auto tag = m.from_tag()) sink = sink + tag->size();
  if (auto tag = m.to_tag()) sink = sink + tag->size();
  if (auto c = m.cseq()) sink = sink + c->number;
  if (auto id = m.call_id()) sink = sink + id->size();
  sink = sink + m.contacts().contacts.size();
  if (auto mf = m.max_forwards()) sink = sink + *mf;
  sink = sink + m.routes().size() + m.record_routes().size();
  if (auto ct = m.content_type()) sink = sink + ct->to_string().size();
  if (auto cl = m.content_length()) sink = sink + *cl;
  if (auto e = m.expires()) sink = sink + *e;
  if (auto e = m.min_expires()) sink = sink + *e;
  if (auto r = m.retry_after()) sink = sink + r->seconds;
  sink = sink + m.warnings().size() + m.require().size() + m.supported().size() +
         m.allow().size() + m.unsupported().size() + m.proxy_require().size();
  if (m.is_request()) {
    for (Role role : {Role::Uas, Role::Proxy, Role::Registrar}) {
      ValidationOptions options;
      options.role = role;
      if (auto rejection = validate_request(m, options))
        sink = sink + make_rejection_response(m, *rejection, "fuzz").headers().size();
    }
    sink = sink + make_response(m, 200, {}, "tag1").headers().size();
  } else {
    sink = sink + validate_response(m, ResponseRole::Uac).accept +
           validate_response(m, ResponseRole::Proxy).accept;
  }
}

void exercise_digest(const Message& m) {
  auto challenges = [](std::vector<std::string_view> values) {
    for (std::string_view v : values) {
      auto parsed = parse_challenge(v);
      if (!parsed) continue;
      const std::string text = serialize(parsed.value());
      auto again = parse_challenge(text);
      if (!again) fail("digest challenge re-parse failed", text);
      if (!(again.value() == parsed.value())) fail("digest challenge changed", text);
    }
  };
  auto credentials = [](std::vector<std::string_view> values) {
    for (std::string_view v : values) {
      auto parsed = parse_credentials(v);
      if (!parsed) continue;
      const std::string text = serialize(parsed.value());
      auto again = parse_credentials(text);
      if (!again) fail("digest credentials re-parse failed", text);
      if (!(again.value() == parsed.value())) fail("digest credentials changed", text);
      if (auto* d = std::get_if<DigestCredentials>(&parsed.value()))
        (void)verify_digest(*d, DigestSecret::password("secret"), "REGISTER", "");
    }
  };
  challenges(m.www_authenticate());
  challenges(m.proxy_authenticate());
  credentials(m.authorization());
  credentials(m.proxy_authorization());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_message(input, Framing::Datagram);
  if (!parsed) {
    if (parsed.error().offset > size) fail("error offset beyond the input", parsed.error().reason);
    (void)rejection_for(parsed.error());
    return 0;
  }
  const Message& m = parsed.value();
  const std::string text = serialize(m);
  auto again = parse_message(text, Framing::Datagram);
  if (!again) {
    fail(("serialized message does not parse: " + again.error().reason + " at offset " +
          std::to_string(again.error().offset))
             .c_str(),
         text);
  }
  if (!(again.value() == m)) fail("re-parsed message differs from the original", text);
  if (serialize(again.value()) != text) fail("serialization is not canonical", text);
  exercise_typed(m);
  exercise_digest(m);
  return 0;
}
