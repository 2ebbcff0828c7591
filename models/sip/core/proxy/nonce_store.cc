#include "models/sip/core/proxy/nonce_store.h"

#include <optional>

namespace siplab::sip {

std::optional<uint32_t> parse_nonce_count(std::string_view nc) {
  if (nc.size() != 8) return std::nullopt;
  uint32_t value = 0;
  for (char c : nc) {
    uint32_t digit;
    if (c >= '0' && c <= '9') digit = static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') digit = static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') digit = static_cast<uint32_t>(c - 'A' + 10);
    else return std::nullopt;
    value = value << 4 | digit;
  }
  return value;
}

std::string NonceStore::issue(Instant now, Random& random) {
  purge(now);
  std::string nonce = random.token(32);
  nonces_[nonce] = Entry{now, 0};
  return nonce;
}

NonceCheck NonceStore::check(Instant now, std::string_view nonce, std::string_view nc) const {
  auto it = nonces_.find(std::string(nonce));
  if (it == nonces_.end()) return NonceCheck::Unknown;
  if (now - it->second.issued > lifetime_) return NonceCheck::Stale;
  auto count = parse_nonce_count(nc);
  if (!count) return NonceCheck::BadCount;
  if (*count <= it->second.last_nc) return NonceCheck::Replay;
  return NonceCheck::Fresh;
}

void NonceStore::accept(std::string_view nonce, std::string_view nc) {
  auto it = nonces_.find(std::string(nonce));
  auto count = parse_nonce_count(nc);
  if (it != nonces_.end() && count && *count > it->second.last_nc) it->second.last_nc = *count;
}

void NonceStore::purge(Instant now) {
  // Keep a nonce for four lifetimes: long enough that a client still using
  // it is told stale=true (and retries without a new round trip to the
  // user), short enough that the table stays bounded.  Sweep at most once a
  // lifetime so issuing stays O(1) amortized.
  if (now - last_purge_ < lifetime_) return;
  last_purge_ = now;
  std::erase_if(nonces_, [&](const auto& entry) { return now - entry.second.issued > 4 * lifetime_; });
}

}  // namespace siplab::sip
