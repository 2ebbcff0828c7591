// What a scenario says about the network: nodes, links and their loss models.
// Filled by the scenario loader (sim/scenario), consumed by the topology
// builder (sim/topology).  Plain data, no ns-3 types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/common/address.h"
#include "models/common/time.h"

namespace siplab::topo {

// Loss in one direction of a link.
struct LossSpec {
  enum class Model { None, Random, GilbertElliott, Outage };
  Model model = Model::None;
  // Random: each packet lost with probability `rate`.
  double rate = 0.0;
  // Gilbert-Elliott: p = P(good→bad), r = P(bad→good) per packet; loss
  // probability in each state (classic Gilbert: good 0, bad 1).
  double p = 0.0;
  double r = 1.0;
  double loss_good = 0.0;
  double loss_bad = 1.0;
  // Outage: every packet in [from, to) is lost.
  Duration from{};
  Duration to{};
};

struct LinkSpec {
  std::string a;
  std::string b;
  Duration delay = std::chrono::milliseconds(1);
  uint64_t rate_bps = 100'000'000;
  uint32_t queue_packets = 100;
  // Extra delay per packet, uniform in [0, jitter], drawn per direction from
  // the seed.  Never reorders: a packet that would overtake the one before it
  // arrives together with it instead.  Zero: a fixed-delay link.
  Duration jitter{};
  LossSpec loss_a_to_b;
  LossSpec loss_b_to_a;
  // Where in the scenario file the link was declared, for error messages.
  int source_line = 0;
};

struct NodeSpec {
  std::string name;
  // The node's own address (a /32 reachable from every node through the
  // static routes); auto-assigned when absent.
  std::optional<IpAddress> address;
  std::optional<IpAddress> address6;
  int source_line = 0;
};

struct TopologySpec {
  std::vector<NodeSpec> nodes;
  std::vector<LinkSpec> links;
  bool ipv6 = false;  // also give every node an IPv6 address and v6 routes
  // Compute IPv4 header, UDP and TCP checksums (valid packets in the
  // pcaps).  They are about a quarter of ns-3's work per packet; a program
  // that needs no pcaps may turn them off (IPv6 keeps UDP's, RFC 8200 §8.1).
  bool checksums = true;
};

}  // namespace siplab::topo
