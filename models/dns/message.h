// DNS messages (RFC 1035 §4) and their wire codec.  Shared contract between
// the authoritative server core, the stub resolver core and the RFC 3263
// locator.  Plain C++: no ns-3.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/dns/records.h"

namespace siplab::dns {

enum class Rcode : uint8_t {
  NoError = 0,
  FormErr = 1,
  ServFail = 2,
  NxDomain = 3,
  NotImp = 4,
  Refused = 5,
};

struct Question {
  std::string name;  // absolute, trailing dot
  RrType type = RrType::A;
  uint16_t qclass = kClassIn;

  friend bool operator==(const Question&, const Question&) = default;
};

struct Message {
  uint16_t id = 0;
  bool qr = false;  // response
  uint8_t opcode = 0;
  bool aa = false;
  bool tc = false;
  bool rd = false;
  bool ra = false;
  Rcode rcode = Rcode::NoError;
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authority;
  std::vector<ResourceRecord> additional;

  friend bool operator==(const Message&, const Message&) = default;
};

// Classic UDP payload limit without EDNS (RFC 1035 §4.2.1).
inline constexpr size_t kUdpPayloadLimit = 512;

// Encodes with name compression (RFC 1035 §4.1.4).  When the result would
// exceed `max_size`, whole records are dropped from the end (additional, then
// authority, then answer) and TC is set (RFC 2181 §9).
std::vector<uint8_t> encode(const Message& message, size_t max_size = 65535);
// Precisely (RFC 2181 §9): TC is set when a question, answer or authority
// record had to be dropped; additional records that do not fit are left out
// without TC, since a client can query for them.  Name compression is
// case-preserving, so decode(encode(m)) == m for every m that decode() returns.

struct DecodeError {
  size_t offset = 0;     // where decoding stopped
  std::string reason;    // e.g. "compression pointer loop"
};

struct DecodeResult {
  std::optional<Message> message;  // set on success
  std::optional<DecodeError> error;  // set on failure
};

// Never trusts a length or pointer: malformed input yields an error value.
DecodeResult decode(std::span<const uint8_t> bytes);

}  // namespace siplab::dns
