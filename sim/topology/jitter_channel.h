// A point-to-point channel whose propagation delay varies per packet (delay
// plus a uniform extra in [0, jitter]) while keeping each direction FIFO, as
// a real link does: a packet whose draw would land it before the previous
// packet of the same direction arrives at the same instant as that packet
// (ns-3 runs same-time events in scheduling order, so order is kept).
#pragma once

#include <cstdint>

#include "ns3/nstime.h"
#include "ns3/point-to-point-channel.h"
#include "ns3/random-variable-stream.h"

namespace siplab::topo {

class JitterChannel : public ns3::PointToPointChannel {
 public:
  static ns3::TypeId GetTypeId();
  JitterChannel();

  // Streams for the direction from the first attached device (0) and from
  // the second (1).
  void Configure(ns3::Time jitter, int64_t stream_from_first, int64_t stream_from_second);

  bool TransmitStart(ns3::Ptr<const ns3::Packet> packet,
                     ns3::Ptr<ns3::PointToPointNetDevice> source, ns3::Time tx_time) override;

 private:
  ns3::Time jitter_;
  ns3::Ptr<ns3::UniformRandomVariable> draw_[2];
  ns3::Time last_arrival_[2];
};

}  // namespace siplab::topo
