// Small TopologySpec builders shared by the topology tests.
#pragma once

#include <initializer_list>
#include <string>

#include "sim/topology/topology_spec.h"

namespace siplab::topo::testing {

inline TopologySpec nodes_only(std::initializer_list<const char*> names) {
  TopologySpec spec;
  int line = 1;
  for (const char* n : names) spec.nodes.push_back({n, std::nullopt, std::nullopt, line++});
  return spec;
}

inline LinkSpec& add_link(TopologySpec& spec, const std::string& a, const std::string& b,
                          Duration delay, uint64_t rate_bps = 100'000'000) {
  LinkSpec l;
  l.a = a;
  l.b = b;
  l.delay = delay;
  l.rate_bps = rate_bps;
  l.source_line = 100 + static_cast<int>(spec.links.size());
  spec.links.push_back(l);
  return spec.links.back();
}

}  // namespace siplab::topo::testing
