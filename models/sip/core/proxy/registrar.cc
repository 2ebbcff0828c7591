#include "models/sip/core/proxy/registrar.h"

#include <algorithm>

#include "models/sip/message/digest.h"

namespace siplab::sip {

namespace {

constexpr std::size_t kToTagLength = 10;

Message reply(const Message& request, int code, Random& random, std::string_view reason = {}) {
  // §8.2.6.2: a final response carries a To tag (the registrar is a UAS).
  return make_response(request, code, reason, random.token(kToTagLength));
}

// q in thousandths as a qvalue (§25.1): 500 → "0.5", 1000 → "1".
std::string format_q(uint16_t millis) {
  std::string out = std::to_string(millis / 1000);
  uint16_t frac = millis % 1000;
  if (frac == 0) return out;
  out += '.';
  std::string digits = std::to_string(1000 + frac).substr(1);  // 3 digits, zero padded
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return out + digits;
}

bool iequal_host(std::string_view a, std::string_view b) { return iequals(a, b); }

}  // namespace

Registrar::Registrar(RegistrarConfig config, std::string domain)
    : config_(std::move(config)), domain_(std::move(domain)), nonces_(config_.nonce_lifetime) {
  if (config_.realm.empty()) config_.realm = domain_;
}

bool Registrar::accepts_algorithm(std::string_view token) const {
  auto algorithm = parse_digest_algorithm(token);
  if (!algorithm) return false;
  switch (config_.algorithm) {
    case DigestAlgorithmChoice::Md5: return *algorithm == DigestAlgorithm::Md5;
    case DigestAlgorithmChoice::Sha256: return *algorithm == DigestAlgorithm::Sha256;
    case DigestAlgorithmChoice::Both:
      return *algorithm == DigestAlgorithm::Md5 || *algorithm == DigestAlgorithm::Sha256;
  }
  return false;
}

std::optional<std::string> Registrar::local_user(const Uri& aor) const {
  if (!aor.is_sip_or_sips() || !iequal_host(aor.host, domain_)) return std::nullopt;
  auto user = unescape(aor.user);
  if (!user || user->empty()) return std::nullopt;
  return user;
}

bool Registrar::knows(std::string_view aor) const {
  if (config_.users.empty()) return location_.find(aor) != nullptr;
  // canonical "sip:user@domain": the user is between ':' and the last '@'.
  const auto colon = aor.find(':');
  const auto at = aor.rfind('@');
  if (colon == std::string_view::npos || at == std::string_view::npos || at < colon) return false;
  if (!iequal_host(aor.substr(at + 1), domain_)) return false;
  return config_.users.contains(std::string(aor.substr(colon + 1, at - colon - 1)));
}

Message Registrar::challenge(Instant now, const Message& request, Random& random, bool stale,
                             ProxyCounters& counters) {
  ++counters.challenges;
  Message response = reply(request, 401, random);
  DigestChallenge ch;
  ch.realm = config_.realm;
  ch.nonce = nonces_.issue(now, random);
  ch.stale = stale;
  ch.qop_options = {"auth"};
  // RFC 8760 §2.4: one challenge per algorithm, most preferred first.
  if (config_.algorithm != DigestAlgorithmChoice::Md5) {
    ch.algorithm = "SHA-256";
    response.add_header("WWW-Authenticate", serialize(ch));
  }
  if (config_.algorithm != DigestAlgorithmChoice::Sha256) {
    ch.algorithm = "MD5";
    response.add_header("WWW-Authenticate", serialize(ch));
  }
  return response;
}

Registrar::AuthResult Registrar::authenticate(Instant now, const Message& request, Random& random,
                                              ProxyCounters& counters) {
  // §22.4: credentials for our realm in an Authorization row (one per row,
  // §7.3.1; credentials for other realms are not ours to check).
  std::optional<DigestCredentials> mine;
  for (std::string_view row : request.authorization()) {
    auto parsed = parse_credentials(row);
    if (!parsed) {
      // RFC 2617 §3.2.2: a malformed Authorization is a Bad Request.
      return {std::nullopt, reply(request, 400, random, "Malformed Authorization header")};
    }
    if (auto* digest = std::get_if<DigestCredentials>(&*parsed); digest && digest->realm == config_.realm) {
      mine = std::move(*digest);
      break;
    }
  }
  if (!mine) return {std::nullopt, challenge(now, request, random, false, counters)};

  // RFC 2617 §3.2.2.5 / RFC 7616 §3.4.6: the digest-uri must name the
  // Request-URI; a mismatch is a Bad Request.
  auto digest_uri = parse_uri(mine->uri);
  if (!digest_uri || !uri_equivalent(*digest_uri, request.request_uri())) {
    return {std::nullopt, reply(request, 400, random, "Digest uri does not match the Request-URI")};
  }

  // Wrong credentials of any kind (unknown user, algorithm we did not offer,
  // no qop although we asked for one — RFC 7616 §3.4 —, wrong response,
  // replayed nc) get a fresh challenge: the user may retry with the right
  // password, as RFC 3665 §2.4 (Unsuccessful SIP Registration) shows.  The
  // same 401 for every cause tells an attacker nothing about which users
  // exist.
  auto fail = [&]() {
    ++counters.auth_failures;
    return AuthResult{std::nullopt, challenge(now, request, random, false, counters)};
  };
  auto user = config_.users.find(mine->username);
  if (user == config_.users.end() || mine->userhash) return fail();
  if (!accepts_algorithm(mine->algorithm) || mine->qop != "auth") return fail();
  if (verify_digest(*mine, DigestSecret::password(user->second), request.method(), request.body()) !=
      DigestVerdict::Ok) {
    return fail();
  }
  // The response is right; now is the nonce still ours and fresh?
  switch (nonces_.check(now, mine->nonce, mine->nc)) {
    case NonceCheck::Fresh: break;
    case NonceCheck::Stale:
      // RFC 2617 §3.2.1: stale=true — the password was right, only the
      // nonce is old; the client retries with the new nonce silently.
      return {std::nullopt, challenge(now, request, random, true, counters)};
    case NonceCheck::Unknown:
    case NonceCheck::Replay:
    case NonceCheck::BadCount: return fail();
  }
  nonces_.accept(mine->nonce, mine->nc);
  return {user->first, std::nullopt};
}

Message Registrar::handle(Instant now, const Message& request, Random& random,
                          std::vector<BindingChange>& changes, ProxyCounters& counters) {
  ++counters.registers;
  // Bindings that expired by now are gone before we look at any (a REGISTER
  // arriving at the expiry instant must not refresh a dead binding).
  location_.expire(now, changes);

  // RFC 4475 §3.3.4 (unksm2): an AOR that is not a SIP URI cannot be
  // registered here; the registrar answers 400.
  auto to = request.to();
  if (!to || !to->uri.is_sip_or_sips()) return reply(request, 400, random, "Address-of-record is not a SIP URI");

  std::optional<std::string> authenticated;
  if (!config_.users.empty()) {
    AuthResult auth = authenticate(now, request, random, counters);  // §10.3 step 3
    if (auth.reject) return std::move(*auth.reject);
    authenticated = std::move(auth.user);
  }

  // §10.3 step 5: the AOR must be valid for the domain in the Request-URI.
  // Checked before step 4 because the step 4 policy ("a user may change
  // only its own AOR") is only defined for AORs that exist.
  auto user = local_user(to->uri);
  auto aor = canonical_aor(to->uri);
  if (!user || !aor) return reply(request, 404, random);
  if (!config_.users.empty() && !config_.users.contains(*user)) return reply(request, 404, random);
  // §10.3 step 4: the authenticated user must be allowed to modify this AOR.
  if (authenticated && *authenticated != *user) return reply(request, 403, random);

  return update_bindings(now, request, *aor, random, changes);
}

Message Registrar::update_bindings(Instant now, const Message& request, const std::string& aor,
                                   Random& random, std::vector<BindingChange>& changes) {
  const ContactList contacts = request.contacts();
  const std::string call_id(request.call_id().value_or(""));
  const uint32_t cseq = request.cseq() ? request.cseq()->number : 0;
  std::vector<Binding>& current = location_.bindings_of(aor);

  // §10.3 step 7: "If the binding does exist, the registrar checks the
  // Call-ID value.  If [it] agrees, [the binding is updated] only if the
  // CSeq in the request is higher"; otherwise the request fails, and a
  // failed update fails the whole REGISTER with 500 (Server Error) — the
  // same rule for the removals of step 6.
  auto out_of_order = [&](const Binding& b) { return b.call_id == call_id && cseq <= b.cseq; };
  auto fail_out_of_order = [&]() {
    location_.compact(aor);
    return reply(request, 500, random, "Out-of-order REGISTER (CSeq not higher for this Call-ID)");
  };

  if (contacts.star) {
    // §10.3 step 6: "*" only alone and only with Expires: 0.
    if (!contacts.contacts.empty() || request.expires() != std::optional<uint32_t>(0)) {
      location_.compact(aor);
      return reply(request, 400, random, "Contact: * requires Expires: 0 and no other Contact");
    }
    if (std::any_of(current.begin(), current.end(), out_of_order)) return fail_out_of_order();
    for (const Binding& b : current) changes.push_back({aor, b.contact, 0, BindingAction::Removed});
    current.clear();
    location_.compact(aor);
    return ok_response(now, request, aor, random);
  }

  // Plan every change first so the REGISTER is all-or-nothing (§10.3 step 7).
  struct Plan {
    const NameAddr* contact;
    uint32_t expires;
    std::size_t existing;  // index into `current`, or kNone
  };
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<Plan> plan;
  plan.reserve(contacts.contacts.size());
  for (const NameAddr& contact : contacts.contacts) {
    // §10.3 step 7: the expires param, else the Expires header, else the
    // registrar's default.
    uint32_t expires = contact.expires().value_or(request.expires().value_or(config_.default_expires));
    // §10.3 step 7: a non-zero interval below the configured minimum gets
    // 423 with Min-Expires (§20.23); longer than the maximum is shortened.
    if (expires != 0 && expires < config_.min_expires) {
      location_.compact(aor);
      Message response = reply(request, 423, random);
      response.set_min_expires(config_.min_expires);
      return response;
    }
    expires = std::min(expires, config_.max_expires);
    // §10.3 step 7: contacts compare with the URI rules of §19.1.4.
    auto found = std::find_if(current.begin(), current.end(),
                              [&](const Binding& b) { return uri_equivalent(b.uri, contact.uri); });
    if (found != current.end() && out_of_order(*found)) return fail_out_of_order();
    plan.push_back({&contact, expires,
                    found == current.end() ? kNone : static_cast<std::size_t>(found - current.begin())});
  }

  // Commit.  Removals are applied last so the planned indices stay valid.
  std::vector<std::string> removed;
  for (const Plan& p : plan) {
    const Duration lifetime = std::chrono::seconds(p.expires);
    if (p.existing != kNone) {
      Binding& existing = current[p.existing];
      if (p.expires == 0) {
        removed.push_back(existing.contact);
        continue;
      }
      existing.expires_at = now + lifetime;
      existing.call_id = call_id;
      existing.cseq = cseq;
      existing.q_millis = p.contact->q_millis().value_or(1000);
      location_.schedule(aor, existing.expires_at);
      changes.push_back({aor, existing.contact, p.expires, BindingAction::Refreshed});
    } else if (p.expires != 0) {
      Binding b;
      b.contact = p.contact->uri.to_string();
      b.uri = p.contact->uri;
      b.q_millis = p.contact->q_millis().value_or(1000);
      b.expires_at = now + lifetime;
      b.call_id = call_id;
      b.cseq = cseq;
      location_.schedule(aor, b.expires_at);
      changes.push_back({aor, b.contact, p.expires, BindingAction::Added});
      current.push_back(std::move(b));
    }
  }
  for (const std::string& contact : removed) {
    std::erase_if(current, [&](const Binding& b) { return b.contact == contact; });
    changes.push_back({aor, contact, 0, BindingAction::Removed});
  }
  Message response = ok_response(now, request, aor, random);
  location_.compact(aor);
  return response;
}

Message Registrar::ok_response(Instant now, const Message& request, const std::string& aor,
                               Random& random) const {
  // §10.3 step 8: the 200 lists every current binding with its remaining
  // expiration in an "expires" parameter.
  Message response = reply(request, 200, random);
  if (const auto* list = location_.find(aor)) {
    for (const Binding& b : *list) {
      NameAddr contact;
      contact.uri = b.uri;
      if (b.q_millis != 1000) set_param(contact.params, "q", format_q(b.q_millis));
      set_param(contact.params, "expires", std::to_string(remaining_seconds(b.expires_at, now)));
      response.add_contact(contact);
    }
  }
  return response;
}

std::vector<BindingView> Registrar::bindings(std::string_view aor, Instant now) const {
  std::vector<BindingView> out;
  if (const auto* list = location_.find(aor)) {
    for (const Binding& b : *list) {
      if (b.expires_at <= now) continue;
      out.push_back({b.contact, remaining_seconds(b.expires_at, now), b.q_millis, b.call_id, b.cseq});
    }
  }
  return out;
}

}  // namespace siplab::sip
