// Connects the topology's per-link observations to the trace collector:
// every packet a link drops becomes sip.drop / dns.drop (cause link-loss or
// queue, named at the node whose device dropped it), and at the end of the
// run every link direction's counters become link.stats.
#pragma once

#include "models/common/time.h"
#include "sim/topology/topology.h"
#include "sim/trace/collector.h"

namespace siplab::runtime {

// Installs the topology's drop handler (replacing any earlier one).  Both
// must outlive the simulation run.
void trace_link_drops(topo::Topology& topology, trace::Collector& collector);

// One link.stats line per link direction, in link declaration order (a→b,
// then b→a), at simulated time `end`.
void write_link_stats(const topo::Topology& topology, trace::Collector& collector, Instant end);

// "a--b" for link `link` of the topology.
std::string link_name(const topo::Topology& topology, size_t link);

}  // namespace siplab::runtime
