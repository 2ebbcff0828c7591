// Streams trace events to trace.jsonl in the format DESIGN.md fixes: one JSON
// object a line, keys `t`, `node`, `kind` first, then the kind's fields in the
// order they were added.  Output is a pure function of the events, so the
// same seed gives a byte-identical file.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <string_view>

#include "models/common/time.h"

namespace siplab::trace {

// Simulated seconds with nanosecond precision and no trailing zeros:
// 5.015 s → "5.015", 0 → "0", 1 ns → "0.000000001".
std::string format_seconds(Instant t);

class TraceWriter;

// One event under construction; written when it goes out of scope.
class EventBuilder {
 public:
  EventBuilder(TraceWriter& writer, Instant t, std::string_view node, std::string_view kind);
  EventBuilder(const EventBuilder&) = delete;
  EventBuilder& operator=(const EventBuilder&) = delete;
  ~EventBuilder();

  template <typename T>
  EventBuilder& field(std::string_view key, T&& value) {
    fields_[std::string(key)] = std::forward<T>(value);
    return *this;
  }

 private:
  TraceWriter& writer_;
  Instant t_;
  std::string head_;  // `{"t":…,"node":…,"kind":…` already serialized
  nlohmann::ordered_json fields_ = nlohmann::ordered_json::object();
};

class TraceWriter {
 public:
  explicit TraceWriter(std::ostream& out) : out_(out) {}

  // Throws std::logic_error when `t` is earlier than the previous event: the
  // simulator emits in time order, and a trace out of order would mislead
  // every reader.
  EventBuilder event(Instant t, std::string_view node, std::string_view kind);

  size_t events_written() const { return events_; }
  Instant last_time() const { return last_t_; }

 private:
  friend class EventBuilder;
  void write_line(const std::string& line);

  std::ostream& out_;
  size_t events_ = 0;
  Instant last_t_{};
};

}  // namespace siplab::trace
