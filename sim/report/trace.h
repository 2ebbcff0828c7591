// A trace.jsonl loaded into memory: the runtime's record of every SIP/DNS
// message, timer and state change (DESIGN.md "Trace events").  The report and
// ladder tools read only this; they never run the simulator.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/common/time.h"

namespace siplab::report {

enum class EventKind : uint8_t {
  NodeInfo,
  SipSend,
  SipRecv,
  SipDrop,
  DnsQuery,
  DnsServe,
  DnsAnswer,
  DnsTimeout,
  TxnState,
  TimerFire,
  DialogState,
  RegBinding,
  CallEvent,
  LinkStats,
  Other,  // a kind this version does not know: kept, ignored by the tools
};

// One trace line.  Only the fields of its kind are filled; the rest stay empty.
struct TraceEvent {
  Instant t{0};
  std::size_t line = 0;  // 1-based line in the trace file, for messages
  EventKind kind = EventKind::Other;
  std::string node;
  std::string kind_name;

  // node.info
  std::string label;
  std::vector<std::string> roles;
  std::vector<std::string> addresses;

  // sip.send / sip.recv / sip.drop
  std::string transport, src, dst, first_line, call_id, cseq, branch, from_tag, to_tag, msg;
  int64_t bytes = 0;
  bool retransmit = false;  // sip.send only
  std::string cause, link;  // sip.drop (link also on link.stats)

  // dns.query / dns.serve / dns.answer / dns.timeout (src/dst above)
  std::string name, type, rcode, server;
  int64_t id = -1;
  int64_t attempt = 0;
  std::vector<std::string> answers;

  // txn.state / timer.fire / dialog.state / reg.binding / call.event
  std::string txn, from_state, to_state, timer;
  int64_t retransmit_count = 0;
  std::string dialog, state;
  std::string aor, contact, action;
  int64_t expires = 0;
  int64_t call = 0;
  std::string call_event;
  int64_t code = 0;

  // link.stats (link above)
  std::string link_from, link_to;
  int64_t sent = 0, lost = 0, queue_drops = 0;
};

struct NodeInfo {
  std::string name;
  std::string label;
  std::vector<std::string> roles;
  std::vector<std::string> addresses;
};

struct Trace {
  std::string source;  // file name (or "<stream>") for messages
  std::vector<NodeInfo> nodes;  // in node.info order
  std::vector<TraceEvent> events;  // every line, in file order

  // The node owning this IP address ("192.0.2.10" or "192.0.2.10:5060"), or
  // nullptr when no node.info lists it.
  const NodeInfo* node_by_address(std::string_view ip_or_endpoint) const;
  const NodeInfo* node_by_name(std::string_view name) const;
};

// Thrown for an unreadable or malformed trace; what() is "file:line: reason"
// (or "file: reason" when the file cannot be opened).
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Trace load_trace(const std::string& path);
// `source` names the stream in error messages.
Trace load_trace(std::istream& in, const std::string& source);

// SIP helpers on trace fields.
// "INVITE sip:x SIP/2.0" -> "INVITE"; "SIP/2.0 180 Ringing" -> "".
std::string_view request_method(std::string_view first_line);
// "SIP/2.0 180 Ringing" -> 180; requests -> 0.
int response_code(std::string_view first_line);
// "SIP/2.0 180 Ringing" -> "180 Ringing".
std::string_view response_status(std::string_view first_line);
// "1 INVITE" -> "INVITE".
std::string_view cseq_method(std::string_view cseq);
// "192.0.2.10:5060" / "[2001:db8::1]:5060" -> host part without brackets.
std::string_view endpoint_host(std::string_view endpoint);

}  // namespace siplab::report
