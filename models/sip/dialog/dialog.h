// Dialog state (RFC 3261 §12): the peer-to-peer relationship a 1xx/2xx to
// an INVITE creates.  Pure data plus the §12 rules that build it from the
// creating request/response, build requests inside it, and check requests
// received inside it.  No transport, no clock: the UA core owns dialogs and
// decides when they change state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/sip/message/message.h"

namespace siplab::sip {

enum class DialogState : uint8_t { Early, Confirmed, Terminated };
std::string_view to_string(DialogState state);  // "early" / "confirmed" / "terminated"

// §12: a dialog is identified by Call-ID, local tag and remote tag.
struct DialogId {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  // "call-id;local-tag;remote-tag" (trace.jsonl dialog.state contract).
  std::string to_string() const;
  friend bool operator==(const DialogId&, const DialogId&) = default;
  friend auto operator<=>(const DialogId&, const DialogId&) = default;
};

struct Dialog {
  DialogId id;
  DialogState state = DialogState::Early;
  // §12.1.1 / §12.1.2: local and remote URI (From/To without tags).
  NameAddr local_uri;
  NameAddr remote_uri;
  // Remote target: the peer's Contact URI, replaced by target refreshes.
  Uri remote_target;
  // Route set, in the order requests inside the dialog carry it.
  std::vector<NameAddr> route_set;
  // Local CSeq: the last number we used; remote: the last we accepted
  // (nullopt until the peer sends a request in the dialog, §12.1.1 "empty").
  uint32_t local_cseq = 0;
  std::optional<uint32_t> remote_cseq;
  bool secure = false;  // §12.1.1: sips Request-URI over TLS
};

// §12.1.1: the UAS builds its dialog from the INVITE it answers with a
// 1xx/2xx carrying `local_tag`.  Route set = Record-Route in order; remote
// target = the request's Contact; remote CSeq = the request's.
// nullopt when the request has no Contact, no From tag or no Call-ID (the
// UAS must not create a dialog it cannot address).
std::optional<Dialog> dialog_as_uas(const Message& request, std::string_view local_tag);

// §12.1.2: the UAC builds its dialog from the request it sent and a 1xx/2xx
// with a To tag.  Route set = the response's Record-Route reversed; remote
// target = the response's Contact; local CSeq = the request's.
// nullopt when the response has no To tag or no Contact.
std::optional<Dialog> dialog_as_uac(const Message& request, const Message& response);

// The next hop and the request inside `dialog` (§12.2.1.1): Request-URI,
// Route and next hop per the loose/strict routing rules (§12.2.1.1, §16.12),
// To/From with tags, Call-ID, Max-Forwards 70.  CSeq: ACK and CANCEL reuse
// `cseq_for_ack` (the INVITE's number, §13.2.2.4 / §9.1); any other method
// takes ++dialog.local_cseq.
struct DialogRequest {
  Message request;
  Uri next_hop;
};
DialogRequest make_dialog_request(Dialog& dialog, std::string_view method,
                                  std::optional<uint32_t> cseq_for_ack = std::nullopt);

// §12.2.2: what a UAS does with a request's CSeq inside `dialog`.  A number
// lower than the last accepted one is out of order → 500; otherwise the
// dialog's remote CSeq becomes the request's.
// ACK and CANCEL carry the INVITE's number and are not checked.
enum class CSeqCheck : uint8_t { Accept, OutOfOrder };
CSeqCheck check_remote_cseq(Dialog& dialog, const Message& request);

// §12.2 target refresh: a re-INVITE (or its 2xx) with a Contact replaces the
// remote target.  Returns true when the target changed.
bool refresh_remote_target(Dialog& dialog, const Message& message);

}  // namespace siplab::sip
