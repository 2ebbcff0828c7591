// A clock the test moves by hand: cores only ever see the `now` it hands out.
#pragma once

#include <stdexcept>

#include "models/common/time.h"

namespace siplab::testing {

class ManualClock {
 public:
  Instant now() const { return now_; }
  // Moves forward to `t`; time never goes backwards.
  void advance_to(Instant t) {
    if (t < now_) throw std::logic_error("ManualClock: time cannot go backwards");
    now_ = t;
  }
  void advance_by(Duration d) { advance_to(now_ + d); }

 private:
  Instant now_{};
};

}  // namespace siplab::testing
