#include "models/sip/core/ua/sdp_offer.h"

namespace siplab::sip {

std::string make_sdp(std::string_view user, const IpAddress& address, uint64_t session_id,
                     uint32_t version, uint16_t audio_port) {
  const std::string addr = address.to_string();
  const char* family = addr.find(':') != std::string::npos ? "IP6" : "IP4";
  std::string out;
  out.reserve(200);
  out += "v=0\r\n";
  out += "o=" + std::string(user.empty() ? "-" : user) + " " + std::to_string(session_id) + " " +
         std::to_string(version) + " IN " + family + " " + addr + "\r\n";
  out += "s=siplab\r\n";
  out += "c=IN " + std::string(family) + " " + addr + "\r\n";
  out += "t=0 0\r\n";
  out += "m=audio " + std::to_string(audio_port) + " RTP/AVP 0 8\r\n";
  out += "a=rtpmap:0 PCMU/8000\r\n";
  out += "a=rtpmap:8 PCMA/8000\r\n";
  out += "a=sendrecv\r\n";
  return out;
}

}  // namespace siplab::sip
