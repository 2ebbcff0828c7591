// RFC 3261 branch parameters for Via.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "models/common/random.h"
#include "models/sip/message/header_values.h"  // kMagicCookie (§8.1.1.7)

namespace siplab::sip {

// A fresh branch: the magic cookie, 12 characters from `random` (36^12 ≈
// 5e18 values: branches of different elements collide with negligible
// odds), a dot and `sequence` in base 36, which the element numbers its
// branches with (unique within it, so its own branches never collide).
// The sequence lets the element index its client transactions in the
// order it made them (see SequenceIndex).
std::string make_branch(Random& random, uint64_t sequence);
// The same written into `out` (replacing its contents).
void make_branch_into(std::string& out, Random& random, uint64_t sequence);

// The sequence number a branch made by make_branch() ends with: the
// base-36 digits after its last dot; nullopt when it has none.
std::optional<uint64_t> branch_sequence(std::string_view branch);

// True when `branch` carries the RFC 3261 magic cookie; requests without it
// come from RFC 2543 elements and are matched by the §17.2.3 fallback rules.
bool is_rfc3261_branch(std::string_view branch);

}  // namespace siplab::sip
