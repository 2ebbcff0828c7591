// Result type for the message layer: a value or a ParseError that says where
// (byte offset into the input) and why, plus the response code a receiver
// would answer with (RFC 3261 §21).  std::expected is C++23; this is the
// C++20 stand-in the SIP layers share.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace siplab::sip {

struct ParseError {
  std::size_t offset = 0;  // byte offset into the parsed text where it failed
  std::string reason;      // human readable, e.g. "CSeq number exceeds 2^32-1"
  int status_code = 400;   // what a UAS would answer: 400, 505, 501 ...

  friend bool operator==(const ParseError&, const ParseError&) = default;
};

template <typename T>
class Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Expected(ParseError error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const ParseError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ParseError> v_;
};

}  // namespace siplab::sip
