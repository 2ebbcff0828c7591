// The UAC side of digest authentication (RFC 3261 §22.2, §22.3): turns a
// 401/407 into the credentials of the retried request.  Remembers the nonce
// count per nonce (RFC 2617 §3.2.2) and refuses to answer the same realm
// twice in a row unless the server said stale=true, so a wrong password
// ends in a failure instead of a loop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "models/common/random.h"
#include "models/sip/message/message.h"

namespace siplab::sip {

enum class DigestOutcome : uint8_t {
  Answered,        // `retry` carries new credentials
  NoCredentials,   // we have no password
  Rejected,        // the previous request already answered this realm (wrong credentials)
  Unusable,        // no Digest challenge we can answer (malformed, unknown algorithm/qop)
};
std::string_view to_string(DigestOutcome outcome);

class DigestClient {
 public:
  DigestClient(std::string username, std::optional<std::string> password)
      : username_(std::move(username)), password_(std::move(password)) {}

  // `challenge` is a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate)
  // answering `previous`; `retry` is the request to send next (a copy of
  // `previous` the caller gives a new CSeq).  The retry's Authorization
  // (401) or Proxy-Authorization (407) rows become those of `previous` for
  // realms the response does not challenge, then one credential per
  // challenge; cnonce from `random`.
  DigestOutcome answer(const Message& challenge, const Message& previous, Message& retry,
                       Random& random);

  uint32_t nonce_count(const std::string& nonce) const;

 private:
  std::string username_;
  std::optional<std::string> password_;
  std::unordered_map<std::string, uint32_t> nc_by_nonce_;
};

}  // namespace siplab::sip
