// Small builders for tests that drive SipStacks: requests with the
// mandatory headers (§8.1.1), endpoints from text, stack configs per node.
#pragma once

#include <string>
#include <string_view>

#include "models/common/address.h"
#include "models/sip/message/message.h"
#include "models/sip/txn/sip_stack.h"

namespace siplab::testing {

// "192.0.2.1:5060" → Endpoint; throws std::invalid_argument on bad text.
Endpoint endpoint(std::string_view text);

// A request with To, From (with tag), Call-ID, CSeq, Max-Forwards: 70 and
// Content-Length: 0 — no Via (the stack adds it).  Throws on a bad URI.
sip::Message make_request(std::string_view method, std::string_view request_uri, std::string_view call_id,
                          uint32_t cseq = 1, std::string_view from_tag = "fromtag1");

// A stack config for a node at `address` (UDP and TCP on 5060, default timers).
sip::SipStackConfig stack_config(std::string_view address);

}  // namespace siplab::testing
