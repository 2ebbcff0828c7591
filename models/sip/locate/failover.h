// RFC 3263 §4.3 failover along the located targets: when a request to the
// current target times out (timer B or F), meets a transport failure, or is
// answered 503, the client sends a new transaction to the next target.
#pragma once

#include <string>
#include <vector>

#include "models/sip/locate/locate_types.h"

namespace siplab::sip::locate {

enum class TargetFailure : uint8_t {
  Timeout,             // timer B / F fired without any response
  TransportError,      // ICMP error, connection refused or reset
  ServiceUnavailable,  // 503 response
};

std::string_view failure_name(TargetFailure failure);  // "timeout", "transport-error", "503"

class Failover {
 public:
  explicit Failover(std::vector<Target> targets) : targets_(std::move(targets)) {}

  // The target to use now; nullptr once every target has failed.
  const Target* current() const { return next_ < targets_.size() ? &targets_[next_] : nullptr; }
  // Records that the current target failed and moves on.  Returns the next
  // target, or nullptr when the list is exhausted.
  const Target* fail_current(TargetFailure failure);
  bool exhausted() const { return next_ >= targets_.size(); }
  // Targets not yet failed, the current one included.
  size_t remaining() const { return exhausted() ? 0 : targets_.size() - next_; }

  struct Failed {
    Target target;
    TargetFailure failure;
  };
  const std::vector<Failed>& failed() const { return failed_; }
  const std::vector<Target>& targets() const { return targets_; }

 private:
  std::vector<Target> targets_;
  size_t next_ = 0;
  std::vector<Failed> failed_;
};

}  // namespace siplab::sip::locate
