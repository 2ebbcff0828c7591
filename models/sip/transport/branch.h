// RFC 3261 branch parameters for Via.
#pragma once

#include <string>
#include <string_view>

#include "models/common/random.h"
#include "models/sip/message/header_values.h"  // kMagicCookie (§8.1.1.7)

namespace siplab::sip {

// A fresh branch: the magic cookie plus 16 characters from `random` (36^16 ≈
// 8e24 values, so two transactions of one run collide with negligible odds).
std::string make_branch(Random& random);

// True when `branch` carries the RFC 3261 magic cookie; requests without it
// come from RFC 2543 elements and are matched by the §17.2.3 fallback rules.
bool is_rfc3261_branch(std::string_view branch);

}  // namespace siplab::sip
