// The UA core (RFC 3261 §8, §10, §12–15) of one device: a TransactionUser on
// a SipNode.  A user (AOR) with several devices runs one UserAgent per
// device node, each with its own Contact.
//
// UAC: REGISTER (refresh, query, remove one / all), INVITE with forking
// (one early/confirmed dialog per To tag, every 2xx ACKed, extra ones
// BYE'd), CANCEL, BYE, re-INVITE, OPTIONS, digest challenges (401/407).
// UAS: 180 + 200/reject/no answer by AnswerPolicy, 2xx retransmission until
// ACK (§13.3.1.4), 487 after CANCEL, BYE, re-INVITE, OPTIONS, 481 for
// unknown dialogs, 482 for merged requests (§8.2.2.2).
//
// Scenario commands take `now` and are called inside SipNode::command().
// Bookkeeping goes out as TuTrace events: call.event, dialog.state and
// reg.event (fields aor, contact, expires, code).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/common/address.h"
#include "models/common/time.h"
#include "models/sip/core/ua/digest_client.h"
#include "models/sip/dialog/dialog.h"
#include "models/sip/message/validation.h"
#include "models/sip/node/tu.h"
#include "models/sip/txn/timer_config.h"

namespace siplab::sip {

struct UaConfig {
  std::string aor;                            // "sip:ivan@domain.ru"
  std::string username;                       // digest username (default: AOR user part)
  std::optional<std::string> password;
  std::optional<std::string> outbound_proxy;  // SIP URI; absent: requests go by RFC 3263 on the Request-URI / registrar
  std::string registrar;                      // "sip:domain.ru" (default from the AOR's domain)
  uint32_t expires = 3600;                    // asked for in REGISTER
  double refresh_fraction = 0.5;              // re-REGISTER after this share of the granted expiry
  Transport transport = Transport::Udp;       // ;transport= in our Contact when not UDP
  TimerConfig timers;                         // T1/T2 for 2xx retransmission (same as the stack's)
};

struct AnswerPolicy {  // what this device does with the next incoming INVITEs
  enum class Kind { Answer, Reject, NoAnswer } kind = Kind::Answer;
  int code = 200;                        // Reject: 486, 603, 480 …
  Duration after{};                      // from receiving the INVITE (180 Ringing is sent at once)
  std::optional<Duration> hangup_after;  // Answer: callee sends BYE this long after the ACK
};

struct CallOptions {
  int call_number = 0;                   // scenario call number, echoed in call.event traces
  std::optional<Duration> cancel_after;  // caller CANCELs this long after sending the INVITE
  std::optional<Duration> hangup_after;  // caller sends BYE this long after it is established
};

using CallHandle = uint64_t;
inline constexpr CallHandle kNoCall = 0;

enum class CallState : uint8_t {
  Calling,      // UAC: INVITE sent, no dialog yet; UAS: INVITE received
  Early,        // an early dialog exists (1xx with To tag sent/received)
  Established,  // UAC: 2xx ACKed; UAS: 2xx sent
  Ending,       // BYE sent, waiting for its final response
  Ended,        // BYE done (either side)
  Failed,       // final non-2xx (failed_code), or cancelled (487)
};
std::string_view to_string(CallState state);

// One dialog of a call; a UAC whose INVITE forked has several.
struct CallLeg {
  Dialog dialog;
  std::optional<Message> ack;  // UAC: the ACK for this leg's last 2xx (re-sent on retransmissions)
  Uri ack_next_hop;
  uint32_t acked_cseq = 0;     // CSeq number the ACK answers
  bool bye_sent = false;
};

struct Call {
  CallHandle handle = kNoCall;
  int number = 0;  // scenario call number (0 for incoming calls)
  bool outgoing = true;
  std::string call_id;
  std::string local_tag;
  CallState state = CallState::Calling;
  int final_code = 0;  // final response to the INVITE (sent or received)
  CallOptions options;
  std::map<std::string, CallLeg> legs;   // by remote tag
  std::optional<std::string> answered;   // remote tag of the leg the call runs on
  uint32_t sdp_version = 0;

  // UAC
  RequestHandle invite_handle = kNoRequest;
  Message invite;            // as handed to the node (for ACK/CANCEL/auth retry)
  uint32_t invite_cseq = 0;  // CSeq number of the INVITE (after challenges)
  bool cancel_requested = false;
  bool ringing_reported = false;

  // UAS
  TxnId invite_txn = kNoTxn;
  Message received_invite;
  InboundContext invite_path;
  std::optional<Message> unacked_2xx;  // being retransmitted (§13.3.1.4)
  std::optional<Message> sent_2xx;     // the 2xx to the initial INVITE (for INVITE retransmissions)
  uint32_t unacked_cseq = 0;
  Duration retransmit_interval{};
  uint32_t retransmissions = 0;
  AnswerPolicy policy;  // the device's policy when the INVITE arrived
  bool hangup_when_acked = false;  // hangup() came before the ACK (§15)

  CallLeg* leg() { return answered ? &legs.at(*answered) : nullptr; }
};

struct RegistrationStatus {
  enum class State : uint8_t { Unregistered, Registering, Registered, Failed };
  State state = State::Unregistered;
  uint32_t granted_expires = 0;      // for our Contact in the last 2xx
  std::vector<NameAddr> bindings;    // every Contact the last 2xx listed
  int last_code = 0;                 // final code of the last REGISTER transaction
  std::optional<Instant> refresh_at; // when the next refresh goes out
  uint32_t requests_sent = 0;        // REGISTERs handed to the node (challenge retries included)
};

class UserAgent : public TransactionUser {
 public:
  explicit UserAgent(UaConfig config);

  // ---- scenario commands ----
  void register_binding(Instant now, std::optional<uint32_t> expires = std::nullopt);
  void unregister(Instant now);      // this device's binding, Expires: 0
  void unregister_all(Instant now);  // Contact: *, Expires: 0
  void query_bindings(Instant now);  // REGISTER without Contact
  CallHandle call(Instant now, const std::string& to_uri, CallOptions options);
  void cancel(Instant now, CallHandle call);
  void hangup(Instant now, CallHandle call);
  void reinvite(Instant now, CallHandle call);
  void options(Instant now, const std::string& uri);
  void set_answer_policy(AnswerPolicy policy) { policy_ = policy; }

  // ---- state for tests and the runner ----
  const UaConfig& config() const { return config_; }
  const NameAddr& contact() const { return contact_; }
  const RegistrationStatus& registration() const { return registration_; }
  const std::map<CallHandle, Call>& calls() const { return calls_; }
  const Call* find_call(CallHandle handle) const;
  const Call* find_call_by_id(std::string_view call_id) const;
  // Final code of the last OPTIONS sent with options() (0 while pending).
  int last_options_code() const { return last_options_code_; }

  // ---- TransactionUser ----
  void attach(TuContext& context) override;
  void on_request(Instant now, RequestReceived&& request) override;
  void on_response(Instant now, RequestHandle handle, const Message& response,
                   ResponseOrigin origin) override;
  void on_stray_response(Instant now, const Message& response) override;
  void on_server_failure(Instant now, TxnId txn, ServerFailure reason) override;
  void on_timer(Instant now, TimerCookie cookie) override;

 private:
  enum class RegisterKind : uint8_t { Add, Remove, RemoveAll, Query };
  enum class PendingKind : uint8_t { Register, Invite, ReInvite, Bye, Options };
  struct Pending {
    PendingKind kind = PendingKind::Options;
    Message request;  // as handed to the node (for challenge retries)
    Uri next_hop;
    CallHandle call = kNoCall;
    std::string remote_tag;  // Bye / ReInvite: the leg
    RegisterKind register_kind = RegisterKind::Add;
    bool min_expires_retried = false;
  };
  enum class TimerKind : uint8_t { RegisterRefresh = 1, Answer, OkRetransmit, OkGiveUp, CancelAfter,
                                   HangupAfter, ForkWindow };
  static TimerCookie cookie(CallHandle call, TimerKind kind) {
    return (static_cast<TimerCookie>(call) << 4) | static_cast<TimerCookie>(kind);
  }

  // common (user_agent.cc)
  RequestHandle send(Instant now, Pending pending);
  Message new_request(std::string_view method, Uri request_uri, const NameAddr& to,
                      std::string_view call_id, std::string_view from_tag, uint32_t cseq) const;
  Uri next_hop_for(Message& request, const Uri& target) const;
  void add_contact_and_allow(Message& message) const;
  void add_sdp(Message& message, Call& call) const;
  void respond(Instant now, TxnId txn, const Message& request, int code,
               std::optional<std::string_view> to_tag = std::nullopt);
  void trace_call(Instant now, const Call& call, std::string_view event, int code = 0);
  void trace_dialog(Instant now, const Dialog& dialog);
  Call* call_by_id(std::string_view call_id);
  Call* mutable_call(CallHandle handle);
  Call& new_call(bool outgoing, std::string call_id, std::string local_tag);

  // registration (registration.cc)
  void send_register(Instant now, RegisterKind kind, uint32_t expires);
  void on_register_response(Instant now, Pending& pending, const Message& response);
  void trace_registration(Instant now, uint32_t expires, int code);

  // UAC calls (uac_calls.cc)
  void on_invite_response(Instant now, Pending& pending, const Message& response);
  void on_invite_2xx(Instant now, Call& call, const Message& response);
  void on_reinvite_response(Instant now, Pending& pending, const Message& response);
  void on_bye_response(Instant now, Pending& pending, const Message& response);
  void send_ack(Instant now, Call& call, CallLeg& leg, uint32_t cseq);
  void send_bye(Instant now, Call& call, CallLeg& leg);
  void end_early_legs(Instant now, Call& call);
  void establish(Instant now, Call& call, const std::string& remote_tag);

  // UAS calls (uas_calls.cc)
  void on_invite(Instant now, RequestReceived& received);
  void on_ack(Instant now, const Message& ack);
  void on_cancel(Instant now, RequestReceived& received);
  void on_in_dialog_request(Instant now, RequestReceived& received);
  void answer(Instant now, Call& call);
  void reject(Instant now, Call& call, int code);
  void send_2xx_with_retransmission(Instant now, Call& call, TxnId txn, const Message& request);
  void retransmit_2xx(Instant now, Call& call);
  void give_up_2xx(Instant now, Call& call);
  enum class Arrival : uint8_t { New, Retransmission, Merged };
  Arrival classify_new_request(Instant now, const RequestReceived& received);

  UaConfig config_;
  TuContext* ctx_ = nullptr;
  NameAddr aor_;
  NameAddr contact_;
  Uri registrar_;
  std::optional<NameAddr> outbound_route_;
  DigestClient digest_;
  AnswerPolicy policy_;

  // registration
  RegistrationStatus registration_;
  std::string register_call_id_;
  std::string register_from_tag_;
  uint32_t register_cseq_ = 0;
  bool register_in_flight_ = false;
  std::optional<std::pair<RegisterKind, uint32_t>> queued_register_;

  // requests and calls
  std::unordered_map<RequestHandle, Pending> pending_;
  std::optional<Pending> sending_;  // inside send(): see there
  std::map<CallHandle, Call> calls_;
  std::unordered_map<std::string, CallHandle> call_by_call_id_;
  CallHandle next_call_ = 1;
  int last_options_code_ = 0;

  // §8.2.2.2 merged-request detection: requests without a To tag seen
  // within their transaction lifetime, keyed by From tag, Call-ID and CSeq.
  struct SeenRequest {
    std::string branch;  // top Via branch of the first copy
    Instant expires{};
  };
  std::unordered_map<std::string, SeenRequest> seen_requests_;
  std::deque<std::pair<Instant, std::string>> seen_order_;
};

// The SIP stack validation a UA node should run with (§8.2): the methods
// this core implements (Allow) and the body types it understands.
ValidationOptions ua_validation_options();

}  // namespace siplab::sip
