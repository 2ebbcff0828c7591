#include "models/sip/core/ua/digest_client.h"

#include <vector>

#include "models/sip/message/digest.h"

namespace siplab::sip {

std::string_view to_string(DigestOutcome outcome) {
  switch (outcome) {
    case DigestOutcome::Answered: return "answered";
    case DigestOutcome::NoCredentials: return "no credentials";
    case DigestOutcome::Rejected: return "credentials rejected";
    case DigestOutcome::Unusable: return "no usable challenge";
  }
  return "no usable challenge";
}

uint32_t DigestClient::nonce_count(const std::string& nonce) const {
  auto it = nc_by_nonce_.find(nonce);
  return it == nc_by_nonce_.end() ? 0 : it->second;
}

DigestOutcome DigestClient::answer(const Message& challenge, const Message& previous, Message& retry,
                                   Random& random) {
  const bool proxy = challenge.status_code() == 407;
  const HeaderId challenge_header = proxy ? HeaderId::ProxyAuthenticate : HeaderId::WwwAuthenticate;
  const HeaderId credential_header = proxy ? HeaderId::ProxyAuthorization : HeaderId::Authorization;
  if (!password_) return DigestOutcome::NoCredentials;

  // Realms the previous request already carried credentials for.
  std::vector<std::string> answered_realms;
  for (std::string_view value : previous.header_values(credential_header)) {
    auto parsed = parse_credentials(value);
    if (!parsed) continue;
    if (auto* digest = std::get_if<DigestCredentials>(&*parsed)) answered_realms.push_back(digest->realm);
  }

  std::vector<std::string> credentials;
  std::vector<std::string> challenged_realms;
  bool rejected = false;
  for (std::string_view value : challenge.header_values(challenge_header)) {
    auto parsed = parse_challenge(value);
    if (!parsed) continue;
    auto* digest = std::get_if<DigestChallenge>(&*parsed);
    if (!digest) continue;  // RFC 8760 §2.7: only Digest is usable in SIP
    challenged_realms.push_back(digest->realm);
    bool seen = false;
    for (const auto& realm : answered_realms) seen = seen || realm == digest->realm;
    // §22.2: a challenge for a realm we just answered means the credentials
    // were wrong — unless stale=true (RFC 2617 §3.2.1: nonce expired, the
    // password was right), which we answer again with the new nonce.
    if (seen && !digest->stale) {
      rejected = true;
      continue;
    }
    const std::string cnonce = random.token(16);
    const uint32_t nc = ++nc_by_nonce_[digest->nonce];
    const std::string uri = previous.request_uri().to_string();
    DigestClientInput input;
    input.username = username_;
    input.password = *password_;
    input.method = previous.method();
    input.uri = uri;
    input.body = previous.body();
    input.cnonce = cnonce;
    input.nc = nc;
    auto answer = answer_challenge(*digest, input);
    if (!answer) continue;
    credentials.push_back(serialize(*answer));
  }
  if (credentials.empty()) return rejected ? DigestOutcome::Rejected : DigestOutcome::Unusable;
  // Credentials for a realm this response does not challenge were accepted
  // on the way and go again: behind two proxies, the 407 of the second
  // comes back through the first, and the retry carries both proxies'
  // credentials (RFC 3261 §22.3, RFC 3665 §3.3 F9).  Those for a
  // challenged realm are replaced by the new answer.
  std::vector<std::string> kept;
  for (std::string_view value : previous.header_values(credential_header)) {
    auto parsed = parse_credentials(value);
    const auto* digest = parsed ? std::get_if<DigestCredentials>(&*parsed) : nullptr;
    bool challenged = false;
    if (digest)
      for (const auto& realm : challenged_realms) challenged = challenged || realm == digest->realm;
    if (!challenged) kept.emplace_back(value);
  }
  retry.remove_header(credential_header);
  for (const auto& value : kept) retry.add_header(canonical_name(credential_header), value);
  for (const auto& value : credentials) retry.add_header(canonical_name(credential_header), value);
  return DigestOutcome::Answered;
}

}  // namespace siplab::sip
