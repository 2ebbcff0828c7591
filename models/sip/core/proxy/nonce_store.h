// Server nonces for digest authentication (RFC 2617 §3.2.1, RFC 7616
// §3.3, §5.4): each nonce is drawn from the injected Random and remembered
// with its issue time and the highest nonce count (nc) the client has used,
// so the registrar can answer stale=true for an old nonce and reject a
// replayed nc.
#pragma once

#include <cstdint>
#include <string>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "models/common/random.h"
#include "models/common/time.h"

namespace siplab::sip {

enum class NonceCheck : uint8_t {
  Fresh,    // known, within its lifetime, nc higher than any seen before
  Stale,    // known but older than the lifetime (→ 401 stale=true)
  Unknown,  // never issued by us, or forgotten
  Replay,   // nc not higher than one already accepted (RFC 7616 §3.4 / §5.4)
  BadCount, // nc is not 8 hex digits
};

class NonceStore {
 public:
  explicit NonceStore(Duration lifetime) : lifetime_(lifetime) {}

  // A new nonce issued at `now` (32 characters from `random`).
  std::string issue(Instant now, Random& random);

  // Checks `nonce` with nonce count `nc` (8 hex digits, RFC 2617 §3.2.2) at
  // `now` without recording anything.
  NonceCheck check(Instant now, std::string_view nonce, std::string_view nc) const;
  // Records `nc` as used for `nonce` (after the credentials verified).
  void accept(std::string_view nonce, std::string_view nc);

  std::size_t size() const { return nonces_.size(); }

 private:
  struct Entry {
    Instant issued{};
    uint32_t last_nc = 0;  // 0: not used yet (nc starts at 1)
  };
  // Forgets nonces old enough that even a stale answer is no longer useful.
  void purge(Instant now);

  Duration lifetime_;
  std::unordered_map<std::string, Entry> nonces_;
  Instant last_purge_{};
};

// "0000000a" → 10; nullopt unless exactly 8 hex digits.
std::optional<uint32_t> parse_nonce_count(std::string_view nc);

}  // namespace siplab::sip
