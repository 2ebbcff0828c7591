// What happened on one direction of one link, and why packets were lost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace siplab::topo {

enum class Direction : uint8_t { AtoB = 0, BtoA = 1 };

enum class DropCause : uint8_t {
  LinkLoss,  // the direction's random or Gilbert-Elliott loss model
  Outage,    // a scheduled outage window
  Queue,     // the sender's device queue was full
};

// "link-loss", "outage", "queue".
constexpr std::string_view drop_cause_name(DropCause cause) {
  switch (cause) {
    case DropCause::LinkLoss: return "link-loss";
    case DropCause::Outage: return "outage";
    case DropCause::Queue: return "queue";
  }
  return "link-loss";
}

// The cause as DESIGN.md's trace events spell it: an outage is a link loss.
constexpr std::string_view trace_drop_cause(DropCause cause) {
  return cause == DropCause::Queue ? "queue" : "link-loss";
}

// Byte counts are IP datagram sizes (the 2-byte PPP header is not counted).
// Once the simulation has drained:
//   packets_sent == packets_received + lost_link + lost_outage.
// Queue drops never reached the wire, so they are not in packets_sent.
struct LinkCounters {
  uint64_t packets_sent = 0;  // transmissions started by the sender
  uint64_t bytes_sent = 0;
  uint64_t packets_received = 0;  // delivered by the receiving device
  uint64_t bytes_received = 0;
  uint64_t lost_link = 0;  // dropped by the loss model at the receiver
  uint64_t lost_outage = 0;
  uint64_t dropped_queue = 0;  // refused by the sender's full queue
  uint64_t bytes_dropped = 0;  // all three causes

  uint64_t packets_dropped() const { return lost_link + lost_outage + dropped_queue; }
};

// One direction of one link, by indices into the TopologyPlan.
struct LinkDirection {
  size_t link = 0;
  Direction direction = Direction::AtoB;
  size_t from = 0;  // sending node
  size_t to = 0;    // receiving node
};

}  // namespace siplab::topo
