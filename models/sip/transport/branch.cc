#include "models/sip/transport/branch.h"

namespace siplab::sip {

std::string make_branch(Random& random) {
  std::string branch;
  branch.reserve(kMagicCookie.size() + 16);
  branch.append(kMagicCookie);
  random.append_token(branch, 16);
  return branch;
}

bool is_rfc3261_branch(std::string_view branch) {
  // §17.2.3: the cookie comparison is case-sensitive ("z9hG4bK" exactly).
  return branch.size() > kMagicCookie.size() && branch.starts_with(kMagicCookie);
}

}  // namespace siplab::sip
