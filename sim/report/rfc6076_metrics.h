// RFC 6076 (Basic Telephony SIP End-to-End Performance Metrics) measured
// from a trace, at the originating user agent as the RFC's figures place it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/report/trace.h"

namespace siplab::report {

// One registration attempt: the first REGISTER up to its final response,
// including any 401/407 challenge round trips (RFC 6076 §4.1, Figure 1).
struct RegistrationAttempt {
  std::string node, call_id, aor;
  Instant start{0};
  std::vector<std::string> branches;  // one per REGISTER transaction in the attempt
  int challenges = 0;
  int final_code = 0;                 // 0: none seen
  std::optional<Instant> end;
  bool timed_out = false;             // Timer F fired (RFC 3261 §17.1.2.2)
  bool open = true;

  // "registered" | "failed" | "timeout" | "challenged" | "redirected" | "incomplete"
  std::string outcome() const;
  // RFC 6076 §4.2: a final failure response (4xx except 401, 402, 407; 5xx;
  // 6xx) or a timeout.
  bool ineffective() const;
};

// One session attempt: an out-of-dialog INVITE sent by a node that did not
// receive that Call-ID's INVITE first (so a forwarding proxy is not an
// originator), with any re-sent INVITE after a 401/407 challenge.
struct SessionAttempt {
  std::string node, call_id;
  int64_t call = 0;  // scenario call number from call.event, 0 when unknown
  Instant start{0};
  std::vector<std::string> branches;
  std::optional<Instant> first_provisional;  // first 1xx other than 100
  std::optional<Instant> answered;           // first 2xx
  int final_code = 0;                        // first 2xx, else the final non-2xx
  std::optional<Instant> final_at;
  bool timed_out = false;                    // Timer B
  // Session end: the BYE as the originating UA sees it (sent or received).
  std::optional<Instant> bye_at_originator;
  std::string bye_sender, bye_branch;
  std::optional<Instant> bye_sent;
  std::optional<Instant> bye_completed;      // 2xx to BYE at its sender
  bool bye_timed_out = false;                // Timer F on the BYE

  std::string outcome() const;  // "established" | "failed" | "timeout" | "challenged" | "incomplete"
  bool established() const { return answered.has_value(); }
  bool redirected() const { return !answered && final_code >= 300 && final_code < 400; }
  bool effective() const;    // RFC 6076 §4.7 numerator
  bool ineffective() const;  // RFC 6076 §4.8
  bool completed() const;    // RFC 6076 §4.9
};

struct Rfc6076Analysis {
  std::vector<RegistrationAttempt> registrations;
  std::vector<SessionAttempt> sessions;
};

Rfc6076Analysis analyze_rfc6076(const Trace& trace);

// {"registrations": [...], "sessions": [...], "aggregate": {...}}
nlohmann::ordered_json rfc6076_json(const Rfc6076Analysis& analysis);

}  // namespace siplab::report
