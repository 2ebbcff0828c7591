// libFuzzer target: the TCP stream framer (RFC 3261 §18.3) fed in random
// chunk sizes.  The first two input bytes seed the chunk sizes (1..64 bytes,
// including many single bytes); the rest is the stream.
//  - Framing must not depend on how the bytes arrive: the messages cut out
//    of the chunked feed, the final state, and any error (reason and offset)
//    equal those of the same bytes fed in one piece.
//  - Every message the framer cuts out is parsed as a stream message; one
//    that parses must round-trip through the serializer and parse to the
//    same message when read as a datagram.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "models/sip/message/parser.h"
#include "models/sip/message/serializer.h"
#include "models/sip/message/stream_framer.h"

namespace {

using namespace siplab::sip;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "STREAM FAILURE: %s\n", what.c_str());
  std::abort();
}

struct Outcome {
  std::vector<std::string> messages;
  StreamFramer::Status last = StreamFramer::Status::NeedMore;
  std::optional<ParseError> error;
  uint64_t keepalives = 0;
};

void drain(StreamFramer& framer, Outcome& out) {
  std::string message;
  while (true) {
    const auto status = framer.next(message);
    out.last = status;
    if (status != StreamFramer::Status::Message) return;
    if (message.empty()) fail("framer returned an empty message");
    out.messages.push_back(message);
  }
}

Outcome feed_whole(std::string_view stream) {
  StreamFramer framer;
  Outcome out;
  framer.feed(stream);
  drain(framer, out);
  out.error = framer.error();
  out.keepalives = framer.keepalive_crlfs();
  return out;
}

Outcome feed_chunked(std::string_view stream, uint16_t seed) {
  StreamFramer framer;
  Outcome out;
  uint32_t state = seed * 2654435761u + 1;  // test-only LCG for chunk sizes
  std::size_t pos = 0;
  while (pos < stream.size()) {
    state = state * 1664525u + 1013904223u;
    const uint32_t r = state >> 24;
    const std::size_t len = (r & 1) ? 1 : 1 + (r >> 2) % 64;
    const std::size_t n = std::min(len, stream.size() - pos);
    framer.feed(stream.substr(pos, n));
    pos += n;
    drain(framer, out);
  }
  drain(framer, out);
  out.error = framer.error();
  out.keepalives = framer.keepalive_crlfs();
  return out;
}

std::string describe(const Outcome& o) {
  std::string s = std::to_string(o.messages.size()) + " messages, status " +
                  std::to_string(static_cast<int>(o.last)) + ", keepalives " +
                  std::to_string(o.keepalives);
  if (o.error) s += ", error '" + o.error->reason + "' at " + std::to_string(o.error->offset);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint16_t seed = static_cast<uint16_t>(data[0] | (data[1] << 8));
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

  const Outcome whole = feed_whole(stream);
  const Outcome chunked = feed_chunked(stream, seed);
  if (whole.messages != chunked.messages || whole.last != chunked.last ||
      whole.error != chunked.error || whole.keepalives != chunked.keepalives)
    fail("chunking changed the framing: whole feed gave " + describe(whole) +
         "; chunked feed gave " + describe(chunked));

  std::size_t framed_bytes = 0;
  for (const auto& message : whole.messages) framed_bytes += message.size();
  if (framed_bytes + 2 * whole.keepalives > stream.size())
    fail("framer produced more bytes than it was fed");

  for (const auto& message : whole.messages) {
    auto parsed = parse_message(message, Framing::Stream);
    if (!parsed) continue;
    const std::string text = serialize(parsed.value());
    auto again = parse_message(text, Framing::Stream);
    if (!again) fail("serialized stream message does not parse: " + again.error().reason + "\n" + text);
    if (!(again.value() == parsed.value())) fail("re-parsed stream message differs\n" + text);
    // A framed message carries an exact Content-Length, so reading the same
    // bytes as a datagram must give the same message.
    auto as_datagram = parse_message(message, Framing::Datagram);
    if (!as_datagram || !(as_datagram.value() == parsed.value()))
      fail("stream and datagram parses of one framed message differ\n" + message);
  }
  return 0;
}
