#include "models/sip/message/stream_framer.h"

#include <cstring>

#include "models/sip/message/header_names.h"
#include "models/sip/message/header_values.h"
#include "models/sip/message/syntax.h"

namespace siplab::sip {
namespace {

constexpr std::size_t npos = std::string::npos;

// Content-Length of a header section (start line through the empty line).
// Error offsets are relative to `head`.
Expected<uint32_t> find_content_length(std::string_view head) {
  std::optional<uint32_t> length;
  std::size_t pos = head.find("\r\n");  // skip the start line
  while (pos != npos && pos + 2 < head.size()) {
    std::size_t start = pos + 2;
    std::size_t end = head.find("\r\n", start);
    if (end == npos || end == start) break;
    std::string_view line = head.substr(start, end - start);
    pos = end;
    std::size_t i = 0;
    while (i < line.size() && syntax::is_token(line[i])) ++i;
    if (i == 0 || header_id(line.substr(0, i)) != HeaderId::ContentLength) continue;
    std::size_t colon = syntax::skip_ws(line, i);
    if (colon >= line.size() || line[colon] != ':') continue;
    std::string value(syntax::trim(line.substr(colon + 1)));
    // A folded Content-Length value continues on the next lines.
    while (end + 2 < head.size() && syntax::is_ws(head[end + 2])) {
      std::size_t next = head.find("\r\n", end + 2);
      std::string_view cont = syntax::trim(head.substr(end + 2, next - end - 2));
      if (!cont.empty()) {
        if (!value.empty()) value += ' ';
        value.append(cont);
      }
      end = next;
      pos = end;
    }
    auto v = parse_uint(value, 0xFFFFFFFFu);
    if (!v) return ParseError{start, "bad Content-Length on a stream: \"" + value + "\"", 400};
    if (length && *length != *v) return ParseError{start, "conflicting Content-Length values on a stream", 400};
    length = *v;
  }
  if (!length) return ParseError{0, "missing Content-Length on a stream (RFC 3261 §18.3)", 400};
  return *length;
}

}  // namespace

StreamFramer::StreamFramer(std::size_t max_header_bytes, std::size_t max_body_bytes)
    : max_header_bytes_(max_header_bytes), max_body_bytes_(max_body_bytes) {}

void StreamFramer::feed(std::string_view bytes) {
  if (error_) return;
  // Drop consumed bytes once they dominate the buffer, so memory stays
  // proportional to one message and appends stay amortized O(1).
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    base_offset_ += pos_;
    scan_from_ = scan_from_ > pos_ ? scan_from_ - pos_ : 0;
    pos_ = 0;
  }
  buf_.append(bytes);
}

StreamFramer::Status StreamFramer::fail(std::size_t offset_in_buf, std::string reason) {
  error_ = ParseError{static_cast<std::size_t>(base_offset_ + offset_in_buf), std::move(reason), 400};
  return Status::Failed;
}

StreamFramer::Status StreamFramer::next(std::string& out) {
  if (error_) return Status::Failed;
  // Keep-alive CRLFs between messages (§7.5, RFC 5626 §3.5.1).
  while (buf_.size() - pos_ >= 2 && buf_[pos_] == '\r' && buf_[pos_ + 1] == '\n') {
    pos_ += 2;
    ++keepalives_;
  }
  if (buf_.size() - pos_ == 1 && buf_[pos_] == '\r') return Status::NeedMore;
  if (pos_ == buf_.size()) return Status::NeedMore;
  if (scan_from_ < pos_) scan_from_ = pos_;
  std::size_t head_end = buf_.find("\r\n\r\n", scan_from_);
  if (head_end == npos) {
    if (buf_.size() - pos_ > max_header_bytes_) return fail(pos_, "header section exceeds the size limit");
    scan_from_ = buf_.size() >= 3 ? std::max(pos_, buf_.size() - 3) : pos_;
    return Status::NeedMore;
  }
  std::size_t head_size = head_end + 4 - pos_;
  if (head_size > max_header_bytes_) return fail(pos_, "header section exceeds the size limit");
  auto length = find_content_length(std::string_view(buf_).substr(pos_, head_size));
  if (!length) return fail(pos_ + length.error().offset, length.error().reason);
  if (*length > max_body_bytes_) return fail(pos_, "Content-Length exceeds the body size limit");
  std::size_t total = head_size + *length;
  if (buf_.size() - pos_ < total) {
    scan_from_ = head_end;  // the header section is complete; just wait for the body
    return Status::NeedMore;
  }
  out.assign(buf_, pos_, total);
  pos_ += total;
  scan_from_ = pos_;
  return Status::Message;
}

}  // namespace siplab::sip
