// The location service of a registrar (RFC 3261 §10.3): bindings of
// address-of-record → contact, each with its own expiry on the simulated
// clock.  Pure data structure: the registrar decides what to change, the
// proxy asks it for targets, the ProxyCore arms the expiry timer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <functional>
#include <map>
#include <queue>
#include <utility>
#include <vector>

#include "models/common/time.h"
#include "models/sip/message/uri.h"

namespace siplab::sip {

struct Binding {
  std::string contact;  // Contact URI text as registered (what the 200 lists)
  Uri uri;              // parsed, for §19.1.4 comparison and forwarding
  uint16_t q_millis = 1000;
  Instant expires_at{};
  std::string call_id;  // of the REGISTER that last touched it (§10.3 step 7)
  uint32_t cseq = 0;
};

enum class BindingAction : uint8_t { Added, Refreshed, Removed, Expired };
std::string_view to_string(BindingAction action);  // "added", "refreshed", ...

// What changed, for the `reg.binding` trace event.
struct BindingChange {
  std::string aor;
  std::string contact;
  uint32_t expires = 0;  // granted seconds (0 for removed/expired)
  BindingAction action = BindingAction::Added;
};

// Canonical AOR key (§10.3 step 5: "converted to canonical form"): scheme,
// unescaped user, lower-case host, no port or parameters — "sip:ivan@domain.ru".
// nullopt for a non-SIP URI or one whose user escapes are malformed.
std::optional<std::string> canonical_aor(const Uri& uri);

// Remaining whole seconds of a binding at `now`, rounded up so a live
// binding never reads 0.
uint32_t remaining_seconds(Instant expires_at, Instant now);

class LocationService {
 public:
  // Current bindings of `aor` (canonical key), expired ones included until
  // expire() runs; nullptr when the AOR has none.
  const std::vector<Binding>* find(std::string_view aor) const;
  std::vector<Binding>& bindings_of(const std::string& aor) { return table_[aor]; }
  // Drops an AOR with no bindings left.
  void compact(const std::string& aor);
  // Notes that a binding of `aor` now expires at `at` (call after adding or
  // refreshing one), so expire() looks at that AOR then.
  void schedule(const std::string& aor, Instant at) { deadlines_.emplace(at, aor); }

  // Removes every binding whose expiry is at or before `now`, appending the
  // changes (action Expired) to `changes`, in expiry order.
  void expire(Instant now, std::vector<BindingChange>& changes);
  // When expire() next has something to look at.  May be earlier than any
  // live binding's expiry (a refreshed binding leaves its old deadline in
  // the queue); expire() then finds nothing and the caller re-arms.
  std::optional<Instant> next_expiry() const;
  std::size_t aor_count() const { return table_.size(); }

 private:
  // Ordered so that same-instant expiries are reported deterministically.
  std::map<std::string, std::vector<Binding>, std::less<>> table_;
  // Min-heap of (deadline, AOR): O(log n) per registration at 100k devices,
  // instead of scanning every binding for the next expiry.
  using Deadline = std::pair<Instant, std::string>;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
};

}  // namespace siplab::sip
