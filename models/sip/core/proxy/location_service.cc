#include "models/sip/core/proxy/location_service.h"

#include <algorithm>
#include <cctype>

namespace siplab::sip {

std::string_view to_string(BindingAction action) {
  switch (action) {
    case BindingAction::Added: return "added";
    case BindingAction::Refreshed: return "refreshed";
    case BindingAction::Removed: return "removed";
    case BindingAction::Expired: return "expired";
  }
  return "";
}

std::optional<std::string> canonical_aor(const Uri& uri) {
  if (!uri.is_sip_or_sips()) return std::nullopt;
  auto user = unescape(uri.user);
  if (!user) return std::nullopt;
  std::string key = uri.scheme == UriScheme::Sips ? "sips:" : "sip:";
  if (!user->empty()) {
    key += *user;
    key += '@';
  }
  for (char c : uri.host) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

uint32_t remaining_seconds(Instant expires_at, Instant now) {
  if (expires_at <= now) return 0;
  const auto ns = (expires_at - now).count();
  constexpr int64_t kSecond = 1'000'000'000;
  return static_cast<uint32_t>((ns + kSecond - 1) / kSecond);
}

const std::vector<Binding>* LocationService::find(std::string_view aor) const {
  auto it = table_.find(aor);
  if (it == table_.end() || it->second.empty()) return nullptr;
  return &it->second;
}

void LocationService::compact(const std::string& aor) {
  auto it = table_.find(aor);
  if (it != table_.end() && it->second.empty()) table_.erase(it);
}

void LocationService::expire(Instant now, std::vector<BindingChange>& changes) {
  while (!deadlines_.empty() && deadlines_.top().first <= now) {
    const std::string aor = deadlines_.top().second;
    deadlines_.pop();
    auto it = table_.find(aor);
    if (it == table_.end()) continue;  // already removed or expired
    auto& list = it->second;
    for (const Binding& b : list) {
      if (b.expires_at <= now) changes.push_back({aor, b.contact, 0, BindingAction::Expired});
    }
    std::erase_if(list, [now](const Binding& b) { return b.expires_at <= now; });
    if (list.empty()) table_.erase(it);
  }
}

std::optional<Instant> LocationService::next_expiry() const {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.top().first;
}

}  // namespace siplab::sip
