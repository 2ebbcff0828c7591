// Small pure helpers of the proxy's §16 processing: recognising this node
// in URIs and Via, the Record-Route entry it inserts, and the loop
// detection key (RFC 3261 §16.3 item 4, RFC 5393 §4.2).
#pragma once

#include <string>
#include <string_view>

#include "models/sip/message/message.h"
#include "models/sip/node/tu.h"

namespace siplab::sip {

// True when `uri` names this node: its address and port (§16.4: a URI
// "this proxy previously placed into a Record-Route"), or, for a loose-route
// entry (`lr`), our domain name.
bool uri_is_this_node(const Uri& uri, const NodeIdentity& self, std::string_view domain);

// True when `uri`'s host is our domain or this node's address: requests for
// it are resolved through the location service (§16.5).
bool uri_in_our_domain(const Uri& uri, const NodeIdentity& self, std::string_view domain);

// True when `via`'s sent-by is this node (a Via we pushed, §16.3 item 4).
bool via_is_this_node(const Via& via, const NodeIdentity& self);

// `<sip:ADDRESS:PORT;lr>` (§16.6 step 4; `lr` = loose routing, §19.1.1).
NameAddr record_route_entry(const NodeIdentity& self);

// The fields RFC 5393 §4.2 hashes for loop detection: the Request-URI,
// From tag, To tag, Call-ID, CSeq number, Proxy-Require,
// Proxy-Authorization and Route — everything that changes when a request
// legitimately spirals, nothing (Via, Max-Forwards) that changes on every
// hop.  Kept as the joined text rather than a hash: no collisions to reason
// about, and a context holds one.
std::string loop_key(const Message& request);

}  // namespace siplab::sip
