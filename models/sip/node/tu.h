// The seam between a SIP node (transport + transaction layers + resolver +
// RFC 3263 locator, see sip_node.h) and the transaction user on top of it
// (UA core, proxy core, registrar).  A TU never sees addresses it did not
// ask for, never reads a clock and never draws its own randomness: it gets
// `now` with every call and everything else through TuContext.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "models/common/address.h"
#include "models/common/random.h"
#include "models/common/time.h"
#include "models/sip/message/message.h"
#include "models/sip/txn/events.h"

namespace siplab::sip {

// Names one request the TU sent through TuContext::send_request; it stays
// the same across RFC 3263 failover (which uses new transactions).
using RequestHandle = uint64_t;
inline constexpr RequestHandle kNoRequest = 0;

// TU timers: the TU picks the cookie, the node hands it back when due.
using TimerCookie = uint64_t;

// A trace event the TU wants recorded (dialog.state, reg.binding,
// call.event …): kind plus ordered fields, rendered by the trace collector.
using TraceValue = std::variant<std::string, int64_t, double, bool>;
struct TuTrace {
  Instant t{};
  std::string kind;
  std::vector<std::pair<std::string, TraceValue>> fields;
};

// Who the node is, for Via/Contact/Record-Route construction.
struct NodeIdentity {
  std::string name;        // scenario node name
  IpAddress address;       // node address
  std::optional<IpAddress> address6;  // a dual-stack node's IPv6 address
  // What the node names itself by in Contact, Record-Route and SDP: a
  // dual-stack node's IPv6 address (its peers are dual-stack too: the
  // scenario's ipv6 gives every node one), else its address.
  const IpAddress& advertised() const { return address6 ? *address6 : address; }
  // Either of its addresses.
  bool has_address(const IpAddress& a) const { return a == address || (address6 && a == *address6); }
  uint16_t port = 5060;    // SIP port (UDP and TCP)
  Transport default_transport = Transport::Udp;
};

class TuContext {
 public:
  virtual ~TuContext() = default;

  // Sends `request` statefully toward `next_hop` (the TU applies §8.1.2 /
  // §16.6 routing and passes the URI to resolve: the first Route entry when
  // it is a loose router, else the Request-URI).  The node locates it per
  // RFC 3263 and, when a target times out, fails at the transport or
  // answers 503, retries the next target in a new transaction (RFC 3263
  // §4.3).  Responses arrive as TransactionUser::on_response(handle, …);
  // the final one ends the handle.
  virtual RequestHandle send_request(Instant now, Message request, const Uri& next_hop) = 0;

  // CANCELs the INVITE sent as `handle` (§9.1): at once when a provisional
  // response has arrived, else as soon as one does.  When the INVITE has not
  // left the node yet (still locating), it is dropped and the TU gets a
  // local 487.
  virtual void cancel_request(Instant now, RequestHandle handle) = 0;

  // Answers server transaction `txn` (from RequestReceived::txn).
  virtual void send_response(Instant now, TxnId txn, Message response) = 0;

  // Sends a request outside any transaction (ACK for a 2xx, §13.2.2.4),
  // located like send_request but with no failover and no responses.
  virtual void send_stateless(Instant now, Message request, const Uri& next_hop) = 0;

  // Sends a response outside any transaction (2xx retransmissions, §13.3.1.4),
  // routed by its top Via (§18.2.2), on `path`'s connection when open.
  virtual void send_stateless_response(Instant now, Message response,
                                       const std::optional<InboundContext>& path) = 0;

  // Calls TransactionUser::on_timer(cookie) at `at` (at once when past).
  // Several timers may share a cookie; cancel_timer removes them all.
  virtual void set_timer(Instant at, TimerCookie cookie) = 0;
  virtual void cancel_timer(TimerCookie cookie) = 0;

  virtual void trace(TuTrace event) = 0;
  virtual Random& random() = 0;
  virtual const NodeIdentity& identity() const = 0;
};

class TransactionUser {
 public:
  virtual ~TransactionUser() = default;

  // Called once, before any other call, with the node's services.
  virtual void attach(TuContext& context) = 0;

  // A new request (RequestReceived::txn == kNoTxn for an ACK to a 2xx;
  // `cancels` set for a CANCEL that matched an INVITE server transaction).
  virtual void on_request(Instant now, RequestReceived&& request) = 0;

  // A response for a request sent with send_request: provisional ones, then
  // one final (received, or a 408/503 the node synthesized when every
  // located target failed, or 487 for an INVITE cancelled before it left).
  // A 2xx ends the INVITE client transaction (§17.1.1.2), so further 2xx
  // from other forks arrive through on_stray_response.
  virtual void on_response(Instant now, RequestHandle handle, const Message& response,
                           ResponseOrigin origin) = 0;

  // A response that matched no transaction (§18.1.2), e.g. a 2xx
  // retransmitted after the INVITE client transaction ended.
  virtual void on_stray_response(Instant now, const Message& response) = 0;

  // A server transaction failed: no ACK for our final (Timer H) or the
  // response could not be sent.
  virtual void on_server_failure(Instant now, TxnId txn, ServerFailure reason) = 0;

  virtual void on_timer(Instant now, TimerCookie cookie) = 0;
};

}  // namespace siplab::sip
