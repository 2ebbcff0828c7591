// Transaction identities and states (RFC 3261 §17, Figures 5–8).
#pragma once

#include <cstdint>
#include <string_view>

namespace siplab::sip {

// Handle for a transaction, unique within one SipStack.  0 means "none"
// (an ACK for a 2xx arrives outside any transaction, §17.2.3 / §13.3.1.4).
using TxnId = uint64_t;
inline constexpr TxnId kNoTxn = 0;

enum class TxnKind : uint8_t { InviteClient, NonInviteClient, InviteServer, NonInviteServer };

enum class TxnState : uint8_t { Calling, Trying, Proceeding, Completed, Confirmed, Terminated };

inline std::string_view state_name(TxnState s) {
  switch (s) {
    case TxnState::Calling: return "Calling";
    case TxnState::Trying: return "Trying";
    case TxnState::Proceeding: return "Proceeding";
    case TxnState::Completed: return "Completed";
    case TxnState::Confirmed: return "Confirmed";
    case TxnState::Terminated: return "Terminated";
  }
  return "";
}

inline bool is_client(TxnKind k) { return k == TxnKind::InviteClient || k == TxnKind::NonInviteClient; }
inline bool is_invite(TxnKind k) { return k == TxnKind::InviteClient || k == TxnKind::InviteServer; }

// The transaction timers (§17, Table 4) plus the §17.2.1 "send 100 Trying
// if the TU has not answered in 200 ms" timer, which the RFC leaves unnamed.
enum class TimerName : uint8_t { A, B, D, E, F, G, H, I, J, K, Trying };

inline std::string_view timer_name(TimerName t) {
  switch (t) {
    case TimerName::A: return "A";
    case TimerName::B: return "B";
    case TimerName::D: return "D";
    case TimerName::E: return "E";
    case TimerName::F: return "F";
    case TimerName::G: return "G";
    case TimerName::H: return "H";
    case TimerName::I: return "I";
    case TimerName::J: return "J";
    case TimerName::K: return "K";
    case TimerName::Trying: return "Trying";
  }
  return "";
}

}  // namespace siplab::sip
