#include "models/sip/locate/failover.h"

namespace siplab::sip::locate {

std::string_view failure_name(TargetFailure failure) {
  switch (failure) {
    case TargetFailure::Timeout: return "timeout";
    case TargetFailure::TransportError: return "transport-error";
    case TargetFailure::ServiceUnavailable: return "503";
  }
  return "unknown";
}

const Target* Failover::fail_current(TargetFailure failure) {
  if (exhausted()) return nullptr;
  failed_.push_back(Failed{targets_[next_], failure});
  ++next_;
  return current();
}

}  // namespace siplab::sip::locate
