// Storage for a Message's header text.  Bytes stored here never move and
// are never freed while the arena lives: when the current chunk is full a
// new one is chained on instead of growing it.  So a view of a row handed
// out by a Message stays valid across later edits of the Message and across
// its moves (the chunks go with it), and a whole message's rows cost one
// allocation instead of one per name and value.  Rows replaced by an edit
// leave their old bytes behind until the Message dies or is copied (a copy
// stores only the live rows).
#pragma once

#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <new>
#include <string_view>
#include <utility>

namespace siplab::sip {

class TextArena {
 public:
  TextArena() = default;
  ~TextArena() { release(); }
  TextArena(TextArena&& other) noexcept
      : last_(std::exchange(other.last_, nullptr)), tail_(std::exchange(other.tail_, nullptr)),
        room_(std::exchange(other.room_, 0)) {}
  TextArena& operator=(TextArena&& other) noexcept {
    if (this != &other) {
      release();
      last_ = std::exchange(other.last_, nullptr);
      tail_ = std::exchange(other.tail_, nullptr);
      room_ = std::exchange(other.room_, 0);
    }
    return *this;
  }
  // Copying is the owner's job: only it knows which bytes are still in use.
  TextArena(const TextArena&) = delete;
  TextArena& operator=(const TextArena&) = delete;

  // Makes room for `bytes` more in one chunk, so the stores that follow
  // share a single allocation.
  void reserve(std::size_t bytes) {
    if (bytes > room_) add_chunk(bytes);
  }

  // Copies `text` in; the view returned stays valid as long as the arena.
  std::string_view store(std::string_view text) { return store({text}); }

  // Stores the concatenation of `parts` as one view.
  std::string_view store(std::initializer_list<std::string_view> parts) {
    std::size_t size = 0;
    for (std::string_view p : parts) size += p.size();
    if (size == 0) return {};
    reserve(size);
    char* begin = tail_;
    for (std::string_view p : parts) {
      if (p.empty()) continue;  // an empty view may have no data pointer: no memcpy of null
      std::memcpy(tail_, p.data(), p.size());
      tail_ += p.size();
    }
    room_ -= size;
    return {begin, size};
  }

  // Storage is not content: two messages with equal rows are equal
  // whatever their arenas hold.
  friend bool operator==(const TextArena&, const TextArena&) { return true; }

 private:
  // Chunks are chained newest first; each starts with the link to the
  // previous one, its bytes follow.
  struct Chunk {
    Chunk* previous;
  };
  static constexpr std::size_t kMinChunk = 256;

  void add_chunk(std::size_t bytes) {
    const std::size_t size = bytes < kMinChunk ? kMinChunk : bytes;
    void* memory = ::operator new(sizeof(Chunk) + size);
    last_ = new (memory) Chunk{last_};
    tail_ = reinterpret_cast<char*>(last_ + 1);
    room_ = size;
  }
  void release() {
    while (last_) {
      Chunk* previous = last_->previous;
      ::operator delete(last_);
      last_ = previous;
    }
    tail_ = nullptr;
    room_ = 0;
  }

  Chunk* last_ = nullptr;
  char* tail_ = nullptr;
  std::size_t room_ = 0;
};

}  // namespace siplab::sip
