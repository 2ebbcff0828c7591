// Turns what the simulated nodes report into trace.jsonl lines (DESIGN.md
// "Trace events", made exact in the runtime issue).  The runtime calls it as
// things happen in simulated time, so every event is written at once: time
// order is the simulator's order, ties keep emission order, and the same
// seed gives a byte-identical file.  No ns-3 here: the runtime extracts what
// a dropped packet carried and passes plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/common/address.h"
#include "models/common/time.h"
#include "models/dns/message.h"
#include "models/sip/node/sip_node.h"
#include "sim/trace/trace_writer.h"

namespace siplab::trace {

// One direction of one link at the end of the run (kind link.stats).
struct LinkStats {
  std::string link;  // "a--b"
  std::string from;
  std::string to;
  uint64_t sent = 0;
  uint64_t lost = 0;         // link-loss (and outage) drops
  uint64_t queue_drops = 0;  // refused by the sender's full queue
  uint64_t bytes = 0;        // bytes put on the wire
};

// A packet a link dropped, as the runtime decoded it from the IP datagram.
struct LinkDrop {
  Instant t{};
  std::string_view node;   // whose device dropped it
  std::string_view link;   // "a--b"
  std::string_view cause;  // "link-loss" or "queue"
  Transport transport = Transport::Udp;
  Endpoint src;
  Endpoint dst;
  std::string_view payload;  // transport payload (UDP datagram body, TCP segment data)
};

class Collector {
 public:
  explicit Collector(TraceWriter& writer) : writer_(writer) {}

  // node.info at t=0: one per node, before any other event.
  void node_info(std::string_view node, std::string_view label, const std::vector<std::string>& roles,
                 const std::vector<IpAddress>& addresses);

  // sip.send / sip.recv / sip.drop / sip.discard, dns.query / dns.answer /
  // dns.timeout / dns.cache / dns.unmatched, txn.state, timer.fire, and the
  // transaction user's own kinds (dialog.state, reg.binding, call.event …)
  // verbatim.
  void node_trace(std::string_view node, const sip::NodeTrace& event);

  // dns.serve at the server (DnsServerApp's observer).  Nothing is written
  // for a datagram that was not a decodable query.
  void dns_serve(Instant now, std::string_view node, const Endpoint& client, const Endpoint& server,
                 const std::optional<dns::Message>& query, const std::optional<dns::Message>& answer);

  // A packet lost on a link: dns.drop when it is DNS (port 53 at either
  // end), sip.drop when its payload is SIP (parsed, or at least a SIP first
  // line: a TCP segment may carry part of a message), else nothing (a bare
  // TCP ACK, foreign traffic) and returns false.
  bool link_drop(const LinkDrop& drop);

  void link_stats(Instant end, const LinkStats& stats);

  TraceWriter& writer() { return writer_; }

 private:
  void message_event(std::string_view node, const sip::MessageEvent& event);
  void resolver_event(std::string_view node, const sip::ResolverTrace& event);

  TraceWriter& writer_;
};

// DNS rcode mnemonics as the trace spells them ("NOERROR", "NXDOMAIN" …).
std::string_view rcode_name(dns::Rcode rcode);

}  // namespace siplab::trace
