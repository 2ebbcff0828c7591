// The client transaction index's hash.  A client key is "<branch>\n<method>"
// and every branch of the stack's own ends in its sequence number (see
// make_branch), so hashing by that number puts transactions made one after
// another in neighbouring slots: a node sending thousands of requests then
// walks its index (insert at send, lookup at the response, erase at Timer K)
// almost in order, a cache line serving four transactions, instead of
// touching a random slot of a table of megabytes each time.
//
// A sequence owns four slots, and the method picks one of them (an INVITE
// and its CANCEL share a branch): runs of consecutive sequences leave no
// clusters for linear probing to walk.  Keys without a sequence (branches
// from elsewhere, only ever looked up, never indexed) use the standard hash.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "models/sip/transport/branch.h"

namespace siplab::sip {

struct BranchSequenceHash {
  uint64_t operator()(std::string_view key) const {
    const std::size_t newline = key.find('\n');
    if (newline != std::string_view::npos) {
      if (const auto sequence = branch_sequence(key.substr(0, newline))) {
        const uint64_t method = std::hash<std::string_view>{}(key.substr(newline + 1));
        return *sequence * 4 + (method & 3);
      }
    }
    return std::hash<std::string_view>{}(key);
  }
};

}  // namespace siplab::sip
