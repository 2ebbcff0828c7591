// The stateful forking proxy of RFC 3261 §16: request validation (§16.3),
// route preprocessing (§16.4), target determination (§16.5) from the
// location service or the Request-URI, forwarding to every target in
// parallel or one at a time by q-value (§16.6), response processing with
// best-response selection (§16.7), Timer C (§16.8) and CANCEL (§16.10).
// Owned by ProxyCore, which hands it every request it does not answer as
// registrar.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "models/sip/core/proxy/proxy.h"
#include "models/sip/core/proxy/registrar.h"
#include "models/sip/node/tu.h"

namespace siplab::sip {

class ProxyEngine {
 public:
  // Timer cookies below this value belong to ProxyCore (registrar expiry).
  static constexpr TimerCookie kFirstCookie = 16;

  // `registrar` may be null (no registrar role: no local targets).
  ProxyEngine(const ProxyConfig& config, ProxyCounters& counters, const Registrar* registrar);

  void attach(TuContext& context) { ctx_ = &context; }
  void on_request(Instant now, RequestReceived&& request);
  void on_response(Instant now, RequestHandle handle, const Message& response, ResponseOrigin origin);
  void on_stray_response(Instant now, const Message& response);
  void on_server_failure(Instant now, TxnId txn, ServerFailure reason);
  void on_timer(Instant now, TimerCookie cookie);

  std::size_t live_contexts() const { return contexts_.size(); }

 private:
  enum class BranchState : uint8_t { Waiting, Calling, Proceeding, Completed };
  struct Branch {
    Uri target;
    uint16_t q_millis = 1000;
    BranchState state = BranchState::Waiting;
    RequestHandle handle = kNoRequest;
    TimerCookie timer_c = 0;
    std::optional<Message> final_response;  // non-2xx final, our Via removed
    uint64_t final_order = 0;               // arrival order among finals
  };
  // One response context (§16): the server transaction and its branches.
  struct Context {
    TxnId txn = kNoTxn;
    Message request;  // as received (after §16.4 preprocessing)
    InboundContext from;
    bool invite = false;
    std::size_t upstream_vias = 0;
    std::string loop_key;
    std::vector<Branch> branches;
    bool final_sent = false;
    bool cancelled = false;  // CANCEL from upstream, 2xx or 6xx: start nothing new
  };
  struct BranchRef {
    TxnId context = kNoTxn;
    std::size_t index = 0;
  };
  struct DeferredResponse {
    RequestHandle handle;
    Message response;
    ResponseOrigin origin;
  };

  // Entry guard: responses the node delivers while we are inside one of its
  // calls (send_request / cancel_request can answer locally at once) are
  // queued and processed when the outermost entry point finishes, so a
  // context never changes under a loop that walks it.
  class Guard;
  void drain_deferred(Instant now);

  void process_request(Instant now, RequestReceived&& received);
  void process_ack(Instant now, Message&& ack);
  void process_cancel(Instant now, RequestReceived&& cancel);
  void process_response(Instant now, RequestHandle handle, Message response, ResponseOrigin origin);
  // §16.4: strict-router Request-URI restore and removal of our Route entry.
  void preprocess_routes(Message& request) const;
  void answer(Instant now, TxnId txn, const Message& request, int code, std::string_view reason = {});

  void start_branch(Instant now, Context& context, std::size_t index);
  void arm_timer_c(Instant now, Context& context, std::size_t index);
  void start_next_sequential(Instant now, Context& context);
  void cancel_pending(Instant now, Context& context);
  void forward_2xx(Instant now, Context& context, Message&& response);
  void finish_if_done(Instant now, Context& context);
  Message best_response(Instant now, const Context& context);
  void forget(TxnId context_id);
  bool strip_our_via(Message& response, std::size_t upstream_vias) const;

  const ProxyConfig& config_;
  ProxyCounters& counters_;
  const Registrar* registrar_;
  TuContext* ctx_ = nullptr;

  std::map<TxnId, Context> contexts_;
  std::unordered_map<RequestHandle, BranchRef> by_handle_;
  std::unordered_map<TimerCookie, BranchRef> by_timer_;
  std::unordered_multiset<std::string> live_loop_keys_;
  TimerCookie next_cookie_ = kFirstCookie;
  uint64_t next_final_order_ = 1;
  int depth_ = 0;
  std::deque<DeferredResponse> deferred_;
};

}  // namespace siplab::sip
