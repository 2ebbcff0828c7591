// The Via rules of the transport layer: stamping received/rport on arrival
// (RFC 3261 §18.2.1, RFC 3581 §4), choosing where a response goes
// (§18.2.2, RFC 3581 §4), and checking that a response's top Via is ours
// (§18.1.2).
#pragma once

#include <optional>
#include <string>

#include "models/common/address.h"
#include "models/sip/message/header_values.h"
#include "models/sip/message/message.h"
#include "models/sip/message/parsed_message.h"

namespace siplab::sip {

// §18.2.1: add `received` when the sent-by host is not the packet's source
// address; RFC 3581 §4: when `rport` is present without a value, set it to
// the source port and add `received` even if the host matches.
void stamp_received(Via& via, const Endpoint& source);

// The same stamp written into the text of `message`'s top via-parm: the
// first received / rport parameter gets the new value (received is
// appended when absent), every other parameter is kept in order, and the
// protocol and sent-by stay as written (with the sender's whitespace; a
// row that needs no stamp is left as received).  Otherwise the result
// equals set_top_via() of the stamped top_via(), without building a Via.
// Returns what a server transaction
// needs of the stamped Via, or nullopt when there is no parseable top Via
// (the message is left as it was).  `parsed`, when given, is the message
// as the parser read it: its top Via is used instead of parsing the row
// again while the row still holds the text parsed.
struct StampedTopVia {
  // "" when the Via has none.  Views the Via text as received: in the
  // message's storage, or in `parsed`'s buffer, so valid while the caller
  // still handles this request (a view saves a heap string per request).
  std::string_view branch;
  std::string sent_by;  // "host[:port]", IPv6 bracketed
  // response_destination() of the stamped Via over the arrival transport.
  std::optional<Endpoint> response_destination;
};
std::optional<StampedTopVia> stamp_top_via(Message& message, const Endpoint& source, Transport transport,
                                           const ParsedMessage* parsed = nullptr);

// §18.2.2 / RFC 3581 §4: where a response to a request carrying `via`
// (already stamped) goes when it is not sent on the request's connection.
// maddr → that address; received → received address and the rport value
// if present, else the sent-by port; otherwise the sent-by address.  Port
// defaults to 5060.  nullopt when the address is a host name (the RFC 3263
// §5 lookup belongs to the layer above) or not parseable.
std::optional<Endpoint> response_destination(const Via& via, Transport transport);
std::optional<Endpoint> response_destination(const ViaView& via, Transport transport);

// §18.1.2: does the top Via of a received response name us (host equal to
// our address text or `sent_by_host`, port equal to `port`, 5060 when absent)?
bool via_is_ours(const Via& via, const IpAddress& address, uint16_t port,
                 const std::string& sent_by_host);
// The same from the sent-by parts (host without brackets, port if written),
// for a node with a second, IPv6 address (a dual-stack node's Via names
// whichever of the two it sent from).
bool via_is_ours(std::string_view host, std::optional<uint16_t> via_port, const IpAddress& address,
                 const std::optional<IpAddress>& address6, uint16_t port, const std::string& sent_by_host);

}  // namespace siplab::sip
