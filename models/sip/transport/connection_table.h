// Stream connections (TCP; later TLS) as the transport layer sees them:
// ids it hands the driver, the remote endpoint, and the framer cutting
// messages out of the byte stream (§18.3).  Outgoing requests reuse an open
// connection to the same (transport, address, port) (§18.1.1).
#pragma once

#include <map>
#include <optional>
#include <unordered_map>

#include "models/common/address.h"
#include "models/sip/message/stream_framer.h"
#include "models/sip/transport/transmit.h"

namespace siplab::sip {

struct Connection {
  ConnectionId id = 0;
  Transport transport = Transport::Tcp;
  Endpoint remote;
  Endpoint local;
  StreamFramer framer;
};

class ConnectionTable {
 public:
  // A connection we open (outgoing) or the driver accepted (incoming).
  Connection& add(Transport transport, const Endpoint& remote, const Endpoint& local);
  Connection* find(ConnectionId id);
  // The open connection to `remote` over `transport`, if any (reuse rule).
  Connection* find_to(Transport transport, const Endpoint& remote);
  // Forgets the connection; false when it was not open.
  bool remove(ConnectionId id);
  std::size_t size() const { return by_id_.size(); }

 private:
  ConnectionId next_id_ = 1;
  std::unordered_map<ConnectionId, Connection> by_id_;
  std::map<std::pair<Transport, Endpoint>, ConnectionId> by_remote_;
};

}  // namespace siplab::sip
