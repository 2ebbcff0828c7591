// Cuts whole SIP messages out of a byte stream (TCP, TLS) that arrives in
// arbitrary pieces (RFC 3261 §18.3).  CRLFs before a start line are
// keep-alives (§7.5, RFC 5626 §3.5.1) and are skipped and counted.  Every
// message on a stream must carry one valid Content-Length; a missing, bad or
// conflicting one makes the framing unrecoverable: the framer fails and the
// connection should be closed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "models/sip/message/expected.h"

namespace siplab::sip {

class StreamFramer {
 public:
  // Bytes a header section may reach before the stream is declared broken.
  static constexpr std::size_t kDefaultMaxHeaderBytes = 64 * 1024;
  static constexpr std::size_t kDefaultMaxBodyBytes = 16 * 1024 * 1024;

  explicit StreamFramer(std::size_t max_header_bytes = kDefaultMaxHeaderBytes,
                        std::size_t max_body_bytes = kDefaultMaxBodyBytes);

  // Appends received bytes.  Ignored once the framer has failed.
  void feed(std::string_view bytes);

  enum class Status : uint8_t { NeedMore, Message, Failed };
  // Extracts the next complete message into `out` (replacing its contents).
  // Message: `out` holds exactly one message's bytes.  Failed: see error();
  // the stream must be closed.
  Status next(std::string& out);

  bool failed() const { return error_.has_value(); }
  const std::optional<ParseError>& error() const { return error_; }
  // Offsets in errors count from the first byte ever fed.
  uint64_t consumed() const { return base_offset_ + pos_; }
  // Keep-alive CRLF pairs skipped so far ("\r\n\r\n" pings count 2).
  uint64_t keepalive_crlfs() const { return keepalives_; }
  std::size_t buffered() const { return buf_.size() - pos_; }

 private:
  Status fail(std::size_t offset_in_buf, std::string reason);

  std::string buf_;
  std::size_t pos_ = 0;         // start of unconsumed data in buf_
  std::size_t scan_from_ = 0;   // where to resume the search for CRLFCRLF
  uint64_t base_offset_ = 0;    // stream offset of buf_[0]
  uint64_t keepalives_ = 0;
  std::size_t max_header_bytes_;
  std::size_t max_body_bytes_;
  std::optional<ParseError> error_;
};

}  // namespace siplab::sip
