#include "models/sip/message/parsed_message.h"

#include <memory>
#include <tuple>
#include <utility>
#include <vector>

namespace siplab::sip {
namespace {

// Buffers of parsed messages kept for the next one (per thread), so that
// parsing every datagram into a fresh ParsedMessage allocates nothing once
// warm.  Small buffers are rounded up so that any ordinary message fits.
class BufferPool {
 public:
  static constexpr std::size_t kMinSize = 4096, kMaxKept = 8, kMaxSize = 64 * 1024;

  std::pair<std::unique_ptr<char[]>, std::size_t> take(std::size_t need) {
    for (std::size_t i = free_.size(); i-- > 0;)
      if (free_[i].second >= need) {
        auto found = std::move(free_[i]);
        free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(i));
        return found;
      }
    const std::size_t size = need < kMinSize ? kMinSize : need;
    return {std::make_unique_for_overwrite<char[]>(size), size};
  }
  void give_back(std::unique_ptr<char[]> buffer, std::size_t size) {
    if (buffer && size <= kMaxSize && free_.size() < kMaxKept) free_.emplace_back(std::move(buffer), size);
  }

 private:
  std::vector<std::pair<std::unique_ptr<char[]>, std::size_t>> free_;
};

// Set when this thread's pool is destroyed.  A ParsedMessage with static
// storage outlives the thread_local pool at exit; its destructor must then
// free its buffer instead of handing it to a pool that no longer exists.  A
// bool is trivially destructible, so reading it stays valid to the end.
thread_local bool pool_gone = false;

class ThreadPool : public BufferPool {
 public:
  ~ThreadPool() { pool_gone = true; }
};

// This thread's pool, or nullptr once it has been destroyed.
BufferPool* buffer_pool() {
  if (pool_gone) return nullptr;
  thread_local ThreadPool pool;
  return &pool;
}

}  // namespace

ParsedMessage::~ParsedMessage() {
  if (BufferPool* pool = buffer_pool()) pool->give_back(std::move(buffer_), capacity_);
}

void ParsedMessage::reserve_buffer(std::size_t need) {
  if (buffer_ && capacity_ >= need) return;  // (a moved-from message has no buffer)
  BufferPool* pool = buffer_pool();
  if (pool == nullptr) {
    buffer_ = std::make_unique_for_overwrite<char[]>(need);
    capacity_ = need;
    return;
  }
  pool->give_back(std::move(buffer_), capacity_);
  std::tie(buffer_, capacity_) = pool->take(need);
}

std::optional<std::string_view> ParsedMessage::header(HeaderId id) const {
  for (const HeaderView& h : headers_)
    if (h.id == id) return h.value;
  return std::nullopt;
}

std::optional<std::string_view> ParsedMessage::header(std::string_view name) const {
  const HeaderId id = header_id(name);
  if (id != HeaderId::Other) return header(id);
  for (const HeaderView& h : headers_)
    if (h.id == HeaderId::Other && iequals(h.name, name)) return h.value;
  return std::nullopt;
}

Message ParsedMessage::to_message() const {
  Message m;
  m.is_request_ = is_request_;
  m.status_code_ = status_code_;
  if (is_request_) m.request_uri_ = std::make_unique<Uri>(request_uri_.to_uri());
  // The start line, the rows and the body lie in the parse buffer, in
  // order (unfolded values after them): the span they cover is copied in
  // one piece and the views are moved onto the copy.
  const char* lo = nullptr;
  const char* hi = nullptr;
  std::size_t bytes = 0;
  auto cover = [&](std::string_view part) {
    if (part.empty()) return;
    if (!lo || part.data() < lo) lo = part.data();
    if (!hi || part.data() + part.size() > hi) hi = part.data() + part.size();
    bytes += part.size();
  };
  for (std::string_view part : {method_, reason_, version_, body_}) cover(part);
  for (const HeaderView& h : headers_) cover(h.name), cover(h.value);
  const char* const buffer = buffer_.get();
  const bool in_buffer = lo && lo >= buffer && hi <= buffer + capacity_;
  // A received request gets its top Via stamped (received / rport, RFC
  // 3581): room for that edit in the same block saves a second one.
  const std::size_t edit_room = is_request_ ? 96 : 0;
  // One piece when the parts lie together; else (a part outside the
  // buffer, or far apart) each part on its own.
  const bool one_piece = in_buffer && static_cast<std::size_t>(hi - lo) <= 2 * bytes;
  m.text_.reserve((one_piece ? static_cast<std::size_t>(hi - lo) : bytes) + edit_room);
  const char* const copy = one_piece ? m.text_.store(std::string_view(lo, static_cast<std::size_t>(hi - lo))).data() : nullptr;
  auto own = [&](std::string_view part) {
    if (part.empty()) return std::string_view();
    return copy ? std::string_view(copy + (part.data() - lo), part.size()) : m.text_.store(part);
  };
  m.method_ = own(method_);
  m.reason_ = own(reason_);
  m.version_ = own(version_);
  m.headers_.reserve(headers_.size());
  for (const HeaderView& h : headers_) m.headers_.emplace_back(h.id, own(h.name), own(h.value));
  m.body_ = own(body_);
  return m;
}

}  // namespace siplab::sip
