// A domain name converted once from presentation form to uncompressed wire
// form, in a fixed buffer so the encoder's hot path does not allocate.
#pragma once

#include <cstdint>
#include <string_view>

namespace siplab::dns {

struct WireName {
  uint8_t bytes[256];        // length-prefixed labels, ending with the root 0
  uint8_t label_starts[128];  // offset in `bytes` of each label's length octet
  uint16_t size = 0;          // octets in `bytes`, including the root 0
  uint8_t label_count = 0;    // labels before the root
};

// Converts an absolute presentation name (\X and \DDD escapes honoured).
// Returns nullptr on success, else a static description of the problem.
const char* to_wire_name(std::string_view name, WireName& out);

}  // namespace siplab::dns
