// What the SIP stack hands its driver to put on the wire, and where requests
// are sent.  Stream connections are named by ids the stack assigns; the
// driver (ns-3 runtime, test network, live sockets) maps them to sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "models/common/address.h"

namespace siplab::sip {

using ConnectionId = uint64_t;

// Where the transaction user wants a request sent (RFC 3263 gives it).
struct Target {
  Transport transport = Transport::Udp;
  Endpoint destination;
};

struct Transmit {
  Transport transport = Transport::Udp;
  Endpoint source;       // our address and port; a connection we open: its ephemeral port (bind it)
  Endpoint destination;  // remote endpoint
  // Stream transports: the connection to write on.  When `open_connection`
  // is set the driver first opens it to `destination`, then writes `bytes`;
  // later bytes for the same id go on that connection.
  std::optional<ConnectionId> connection;
  bool open_connection = false;
  bool retransmit = false;  // re-sent by a transaction timer or an absorbed retransmission
  std::string bytes;
};

}  // namespace siplab::sip
