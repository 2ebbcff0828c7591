// The session description a simulated device offers/answers with (RFC 4566,
// RFC 3264).  SIP carries it as opaque bytes; media is not simulated, so it
// describes one audio stream (PCMU/PCMA) at the device address.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "models/common/address.h"

namespace siplab::sip {

inline constexpr uint16_t kDefaultAudioPort = 49170;

// `session_id` stays fixed for a call; `version` goes up with every new
// offer/answer in it (RFC 3264 §8: o= version increments on change).
std::string make_sdp(std::string_view user, const IpAddress& address, uint64_t session_id,
                     uint32_t version, uint16_t audio_port = kDefaultAudioPort);

}  // namespace siplab::sip
