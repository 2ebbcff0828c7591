// libFuzzer target: one UDP datagram through the message layer.
//  - parse_message must return a value or an error, never crash; an error's
//    offset lies within the input.
//  - Whatever parses must round-trip: parse(serialize(m)) succeeds and
//    equals m, and serializing again gives the same bytes (canonical form).
//  - Every typed accessor, receiver validation, the response builder and the
//    Digest parser run on the parsed message (they must not crash on
//    anything parse accepted), and parsed Digest values round-trip too.
//  - The zero-copy model (parse_message_into into a reused ParsedMessage)
//    accepts exactly the same inputs with the same error, each of its
//    typed values converts to what Message's accessors give, and request
//    validation reading it gives the same verdict as reading the rows.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "models/sip/message/digest.h"
#include "models/sip/message/message.h"
#include "models/sip/message/parsed_message.h"
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

template <typename View, typename Owned, typename Convert>
bool same_list(std::span<const View> views, const std::vector<Owned>& owned, Convert convert) {
  if (views.size() != owned.size()) return false;
  for (std::size_t i = 0; i < views.size(); ++i)
    if (!(convert(views[i]) == owned[i])) return false;
  return true;
}

void check_zero_copy_model(const ParsedMessage& p, const Message& m, std::string_view input) {
  auto na = [](const NameAddrView& v) { return v.to_name_addr(); };
  if (!(p.to_message() == m)) fail("ParsedMessage::to_message differs from parse_message", input);
  if (m.is_request()) {
    for (Role role : {Role::Uas, Role::Proxy, Role::Registrar}) {
      ValidationOptions options;
      options.role = role;
      if (validate_request(m, options, &p) != validate_request(m, options))
        fail("validation with the parsed form differs", input);
    }
  } else {
    for (ResponseRole role : {ResponseRole::Uac, ResponseRole::Proxy}) {
      const ResponseVerdict rows = validate_response(m, role), typed = validate_response(m, role, &p);
      if (rows.accept != typed.accept || rows.reason != typed.reason)
        fail("response validation with the parsed form differs", input);
    }
  }
  if (!same_list(p.vias(), m.vias(), [](const ViaView& v) { return v.to_via(); })) fail("Via views differ", input);
  if ((p.from() != nullptr) != m.from().has_value() || (p.from() && !(p.from()->to_name_addr() == *m.from())))
    fail("From view differs", input);
  if ((p.to() != nullptr) != m.to().has_value() || (p.to() && !(p.to()->to_name_addr() == *m.to())))
    fail("To view differs", input);
  if (p.call_id() != m.call_id()) fail("Call-ID view differs", input);
  if (p.cseq().has_value() != m.cseq().has_value() || (p.cseq() && !(p.cseq()->to_cseq() == *m.cseq())))
    fail("CSeq view differs", input);
  const ContactList contacts = m.contacts();
  if (p.contact_star() != contacts.star || !same_list(p.contacts(), contacts.contacts, na))
    fail("Contact views differ", input);
  if (!same_list(p.routes(), m.routes(), na) || !same_list(p.record_routes(), m.record_routes(), na))
    fail("Route views differ", input);
  if (p.max_forwards() != m.max_forwards() || p.content_length() != m.content_length() ||
      p.expires() != m.expires() || p.min_expires() != m.min_expires())
    fail("number views differ", input);
  auto ct = m.content_type();
  if (p.content_type().has_value() != ct.has_value() || (ct && !(p.content_type()->to_media_type() == *ct)))
    fail("Content-Type view differs", input);
  std::size_t valid = 0;
  for (std::string_view row : m.authorization()) {
    auto owned = parse_credentials(row);
    if (!owned) continue;
    if (valid >= p.authorization().size() || !(p.authorization()[valid].to_credentials() == *owned))
      fail("Authorization view differs", input);
    ++valid;
  }
  if (valid != p.authorization().size()) fail("Authorization view count differs", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_message(input, Framing::Datagram);
  static ParsedMessage reused;  // reuse across inputs, as a transport does
  auto error = parse_message_into(input, reused, Framing::Datagram);
  if (parsed.ok() == error.has_value()) fail("parse_message_into and parse_message disagree", input);
  if (!parsed) {
    if (parsed.error().offset > size) fail("error offset beyond the input", parsed.error().reason);
    if (!(*error == parsed.error())) fail("parse_message_into gives another error", input);
    (void)rejection_for(parsed.error());
    return 0;
  }
  const Message& m = parsed.value();
  check_zero_copy_model(reused, m, input);
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
