// libFuzzer harness for the DNS wire decoder: any input must decode to a
// message or an error value (never crash, never read out of bounds), and a
// decoded message must survive encode → decode unchanged.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "models/dns/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace siplab::dns;
  DecodeResult first = decode(std::span<const uint8_t>(data, size));
  if (first.message.has_value() == first.error.has_value()) std::abort();  // exactly one is set
  if (!first.message) return 0;
  std::vector<uint8_t> bytes = encode(*first.message);
  DecodeResult second = decode(bytes);
  if (!second.message) std::abort();
  if (!(*second.message == *first.message)) std::abort();
  return 0;
}
