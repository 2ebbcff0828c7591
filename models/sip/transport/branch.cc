#include "models/sip/transport/branch.h"

namespace siplab::sip {

std::string make_branch(Random& random, uint64_t sequence) {
  std::string branch;
  make_branch_into(branch, random, sequence);
  return branch;
}

void make_branch_into(std::string& branch, Random& random, uint64_t sequence) {
  char digits[13];  // 36^13 > 2^64
  char* end = digits + sizeof digits;
  char* p = end;
  do {
    *--p = kBase36Digits[sequence % 36];
    sequence /= 36;
  } while (sequence);
  branch.clear();
  branch.reserve(kMagicCookie.size() + 12 + 1 + static_cast<std::size_t>(end - p));
  branch.append(kMagicCookie);
  random.append_token(branch, 12);
  branch.push_back('.');
  branch.append(p, end);
}

std::optional<uint64_t> branch_sequence(std::string_view branch) {
  const std::size_t dot = branch.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view digits = branch.substr(dot + 1);
  if (digits.empty() || digits.size() > 12) return std::nullopt;  // 36^12 < 2^64: no overflow
  uint64_t value = 0;
  for (char c : digits) {
    unsigned d;
    if (c >= '0' && c <= '9') {
      d = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'z') {
      d = static_cast<unsigned>(c - 'a') + 10;
    } else {
      return std::nullopt;
    }
    value = value * 36 + d;
  }
  return value;
}

bool is_rfc3261_branch(std::string_view branch) {
  // §17.2.3: the cookie comparison is case-sensitive ("z9hG4bK" exactly).
  return branch.size() > kMagicCookie.size() && branch.starts_with(kMagicCookie);
}

}  // namespace siplab::sip
