// Graphviz rendering of a planned topology (`topology.dot` in the output
// folder): one box per node labelled with its name and address, one edge per
// link labelled with delay, rate, queue size and any loss model per direction.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "sim/topology/topology_plan.h"

namespace siplab::topo {

std::string to_dot(const TopologyPlan& plan);

// Writes to_dot(plan) to `path`; on failure returns the reason.
std::optional<std::string> write_dot(const TopologyPlan& plan, const std::filesystem::path& path);

// "15ms", "250us", "7ns", "2s": the largest unit that divides exactly.
std::string format_duration(Duration d);
// "10Mbps", "1Gbps", "64kbps", "1500bps": the largest unit that divides exactly.
std::string format_rate(uint64_t bps);
// "none", "random 0.05", "gilbert-elliott p=0.01 r=0.3 good=0 bad=1",
// "outage 1s-2s".
std::string describe_loss(const LossSpec& loss);

}  // namespace siplab::topo
