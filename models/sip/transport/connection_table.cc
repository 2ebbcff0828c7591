#include "models/sip/transport/connection_table.h"

namespace siplab::sip {

Connection& ConnectionTable::add(Transport transport, const Endpoint& remote, const Endpoint& local) {
  const ConnectionId id = next_id_++;
  Connection& c = by_id_[id];
  c.id = id;
  c.transport = transport;
  c.remote = remote;
  c.local = local;
  // A newer connection to the same peer replaces the older one for reuse;
  // the old one stays readable until it closes.
  by_remote_[{transport, remote}] = id;
  return c;
}

Connection* ConnectionTable::find(ConnectionId id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

Connection* ConnectionTable::find_to(Transport transport, const Endpoint& remote) {
  auto it = by_remote_.find({transport, remote});
  return it == by_remote_.end() ? nullptr : find(it->second);
}

bool ConnectionTable::remove(ConnectionId id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  auto r = by_remote_.find({it->second.transport, it->second.remote});
  if (r != by_remote_.end() && r->second == id) by_remote_.erase(r);
  by_id_.erase(it);
  return true;
}

}  // namespace siplab::sip
