// Why a TopologySpec cannot be built, with the scenario line it came from so
// the scenario loader can turn it into a file:line:col message.
#pragma once

#include <string>
#include <vector>

namespace siplab::topo {

struct TopologyError {
  int source_line = 0;  // 0 when no single declaration is at fault
  std::string message;

  friend bool operator==(const TopologyError&, const TopologyError&) = default;
};

using TopologyErrors = std::vector<TopologyError>;

}  // namespace siplab::topo
