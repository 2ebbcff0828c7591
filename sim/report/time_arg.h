// Parses a time given on the command line: "5.1" or "5.1s" (seconds), "5100ms".
#pragma once

#include <optional>
#include <string_view>

#include "models/common/time.h"

namespace siplab::report {

std::optional<Instant> parse_time_arg(std::string_view text);

}  // namespace siplab::report
