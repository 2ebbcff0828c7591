#include "sim/trace/trace_writer.h"

#include <stdexcept>

namespace siplab::trace {

std::string format_seconds(Instant t) {
  const int64_t ns = t.count();
  const bool negative = ns < 0;
  const uint64_t abs_ns = negative ? static_cast<uint64_t>(-ns) : static_cast<uint64_t>(ns);
  std::string out = negative ? "-" : "";
  out += std::to_string(abs_ns / 1'000'000'000ULL);
  uint64_t frac = abs_ns % 1'000'000'000ULL;
  if (frac != 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 9 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out;
}

EventBuilder::EventBuilder(TraceWriter& writer, Instant t, std::string_view node, std::string_view kind)
    : writer_(writer), t_(t) {
  head_ = "{\"t\":" + format_seconds(t) + ",\"node\":" + nlohmann::json(std::string(node)).dump() +
          ",\"kind\":" + nlohmann::json(std::string(kind)).dump();
}

EventBuilder::~EventBuilder() {
  std::string line = std::move(head_);
  if (!fields_.empty()) {
    // Splice the fields object in after the fixed keys: drop its braces.
    std::string body = fields_.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    line += ",";
    line.append(body, 1, body.size() - 2);
  }
  line += "}";
  writer_.write_line(line);
}

EventBuilder TraceWriter::event(Instant t, std::string_view node, std::string_view kind) {
  if (t < last_t_) throw std::logic_error("trace event out of time order at t=" + format_seconds(t));
  last_t_ = t;
  return EventBuilder(*this, t, node, kind);
}

void TraceWriter::write_line(const std::string& line) {
  out_ << line << '\n';
  ++events_;
}

}  // namespace siplab::trace
