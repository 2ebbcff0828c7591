// A received SIP message parsed once into its full typed model, without
// copying a value (RFC 3261 §7, grammar §25.1).
//
// parse_message_into() copies the bytes into the ParsedMessage's own buffer
// and, in the same validating pass that parse_message() runs, records every
// header row and every typed value of the headers the SIP layers read (Via,
// From, To, Call-ID, CSeq, Contact, Route, Record-Route, Max-Forwards,
// Content-Type, Content-Length, Expires, Min-Expires and the Digest
// credentials) as views into that buffer.  Reading a value afterwards is a
// field access; nothing is parsed twice and, for a typical message, nothing
// is allocated: the typed lists keep their first elements inline, and the
// buffer is reused when the object is parsed into again or recycled from
// an earlier ParsedMessage of the same thread.
//
// It is read-only.  Message (message.h) is the mutable, owning model:
// to_message() builds one, and parse_message() is exactly
// parse_message_into() followed by to_message(), so both accept the same
// messages with the same errors.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "models/sip/message/digest.h"
#include "models/sip/message/expected.h"
#include "models/sip/message/header_names.h"
#include "models/sip/message/header_values.h"
#include "models/sip/message/inline_vector.h"
#include "models/sip/message/message.h"
#include "models/sip/message/name_addr.h"
#include "models/sip/message/parser.h"
#include "models/sip/message/uri.h"

namespace siplab::sip {

// One header row: the name as written and the value unfolded (§7.3.1) with
// the outer whitespace trimmed, as Message's Header holds them.
struct HeaderView {
  HeaderId id = HeaderId::Other;
  std::string_view name;
  std::string_view value;
};

class ParsedMessage {
 public:
  ParsedMessage() = default;
  ~ParsedMessage();  // hands the buffer back for the next message
  // Views point into the buffer, which a move keeps; a copy would not.
  ParsedMessage(ParsedMessage&&) noexcept = default;
  ParsedMessage& operator=(ParsedMessage&&) noexcept = default;
  ParsedMessage(const ParsedMessage&) = delete;
  ParsedMessage& operator=(const ParsedMessage&) = delete;

  // ---- start line ----
  bool is_request() const { return is_request_; }
  bool is_response() const { return !is_request_; }
  std::string_view method() const { return method_; }
  const UriView& request_uri() const { return request_uri_; }
  int status_code() const { return status_code_; }
  std::string_view reason() const { return reason_; }
  std::string_view version() const { return version_; }

  // ---- every row, in order ----
  std::span<const HeaderView> headers() const { return headers_.span(); }
  // First row's value: known headers by id (any spelling, compact forms
  // included), others by case-insensitive name.
  std::optional<std::string_view> header(HeaderId id) const;
  std::optional<std::string_view> header(std::string_view name) const;

  // ---- typed values (first row's value for single-valued headers) ----
  std::span<const ViaView> vias() const { return vias_.span(); }
  const ViaView* top_via() const { return vias_.empty() ? nullptr : &vias_.front(); }
  const NameAddrView* from() const { return from_.empty() ? nullptr : from_.data(); }
  const NameAddrView* to() const { return to_.empty() ? nullptr : to_.data(); }
  std::optional<std::string_view> call_id() const { return call_id_; }
  std::optional<CSeqView> cseq() const { return cseq_; }
  // The first of From, To, Call-ID and CSeq that came in more than one
  // row (RFC 4475 §3.3.8), or nullopt.  (Requests are judged on row
  // counts by validate_request; responses on this.)
  std::optional<HeaderId> repeated_single_value() const {
    if (repeated_single_value_ == HeaderId::Other) return std::nullopt;
    return repeated_single_value_;
  }
  // Contact values in order; contact_star() for "Contact: *".
  std::span<const NameAddrView> contacts() const { return contacts_.span(); }
  bool contact_star() const { return contact_star_; }
  std::span<const NameAddrView> routes() const { return routes_.span(); }
  std::span<const NameAddrView> record_routes() const { return record_routes_.span(); }
  std::optional<uint32_t> max_forwards() const { return max_forwards_; }
  std::optional<uint32_t> content_length() const { return content_length_; }
  std::optional<uint32_t> expires() const { return expires_; }
  std::optional<uint32_t> min_expires() const { return min_expires_; }
  std::optional<MediaTypeView> content_type() const { return content_type_; }
  // Authorization / Proxy-Authorization values (one per row).  A value
  // that is not valid credentials does not make the message unparsable
  // (the registrar or proxy answers it); it is left out here and counted
  // in malformed_credentials().
  std::span<const DigestCredentialsView> authorization() const { return authorization_.span(); }
  std::span<const DigestCredentialsView> proxy_authorization() const { return proxy_authorization_.span(); }
  std::size_t malformed_credentials() const { return malformed_credentials_; }

  std::string_view body() const { return body_; }

  // The owning, mutable Message with the same start line, rows and body.
  Message to_message() const;

 private:
  friend class ParsedMessageBuilder;  // the parser (parser.cc)
  // At least `need` bytes of buffer, recycled from earlier messages when
  // possible; the contents are not kept.
  void reserve_buffer(std::size_t need);

  // bytes, then room for the unfolded text of folded rows (which is never
  // longer than the message).
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;

  bool is_request_ = true;
  std::string_view method_;
  UriView request_uri_;
  int status_code_ = 0;
  std::string_view reason_;
  std::string_view version_;
  InlineVector<HeaderView, 24> headers_;
  InlineVector<ViaView, 4> vias_;
  // (At most one element each: an InlineVector rather than an optional so
  // that the parser fills the value in place without clearing it first.)
  InlineVector<NameAddrView, 1> from_, to_;
  std::optional<std::string_view> call_id_;
  std::optional<CSeqView> cseq_;
  HeaderId repeated_single_value_ = HeaderId::Other;
  InlineVector<NameAddrView, 2> contacts_;
  bool contact_star_ = false;
  InlineVector<NameAddrView, 4> routes_, record_routes_;
  std::optional<uint32_t> max_forwards_, content_length_, expires_, min_expires_;
  std::optional<MediaTypeView> content_type_;
  InlineVector<DigestCredentialsView, 1> authorization_, proxy_authorization_;
  std::size_t malformed_credentials_ = 0;
  std::string_view body_;
};

// Parses `bytes` into `out` (replacing what it held and reusing its
// buffer).  Same checks and errors as parse_message(); on error `out` is
// left in an unspecified state.
std::optional<ParseError> parse_message_into(std::string_view bytes, ParsedMessage& out,
                                             Framing framing = Framing::Datagram);

}  // namespace siplab::sip
