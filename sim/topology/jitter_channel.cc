#include "sim/topology/jitter_channel.h"

#include <cmath>

#include "ns3/node.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/simulator.h"

namespace siplab::topo {

ns3::TypeId JitterChannel::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("siplab::topo::JitterChannel")
                               .SetParent<ns3::PointToPointChannel>()
                               .SetGroupName("siplab")
                               .AddConstructor<JitterChannel>();
  return tid;
}

JitterChannel::JitterChannel()
    : draw_{ns3::CreateObject<ns3::UniformRandomVariable>(),
            ns3::CreateObject<ns3::UniformRandomVariable>()} {}

void JitterChannel::Configure(ns3::Time jitter, int64_t stream_from_first,
                              int64_t stream_from_second) {
  jitter_ = jitter;
  draw_[0]->SetStream(stream_from_first);
  draw_[1]->SetStream(stream_from_second);
}

bool JitterChannel::TransmitStart(ns3::Ptr<const ns3::Packet> packet,
                                  ns3::Ptr<ns3::PointToPointNetDevice> source,
                                  ns3::Time tx_time) {
  const size_t wire = source == GetPointToPointDevice(0) ? 0 : 1;
  ns3::Ptr<ns3::PointToPointNetDevice> destination = GetPointToPointDevice(1 - wire);
  const ns3::Time now = ns3::Simulator::Now();
  const double extra_ns =
      std::floor(draw_[wire]->GetValue(0.0, static_cast<double>(jitter_.GetNanoSeconds()) + 1.0));
  ns3::Time arrival = now + tx_time + GetDelay() + ns3::NanoSeconds(static_cast<int64_t>(extra_ns));
  if (arrival < last_arrival_[wire]) arrival = last_arrival_[wire];  // never overtake
  last_arrival_[wire] = arrival;
  // As PointToPointChannel does: the last bit reaches the far device after
  // transmission plus propagation; run it in the receiving node's context.
  ns3::Simulator::ScheduleWithContext(destination->GetNode()->GetId(), arrival - now,
                                      &ns3::PointToPointNetDevice::Receive, destination,
                                      packet->Copy());
  return true;
}

}  // namespace siplab::topo
