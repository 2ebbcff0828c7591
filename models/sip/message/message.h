// A SIP request or response (RFC 3261 §7).
//
// The header list is the single source of truth: every row keeps its name
// as written and its value (unfolded, §7.3.1) in order, unknown headers
// verbatim.  Typed accessors parse the rows on demand; typed mutators
// rewrite the rows, so the serialized form always reflects a change.
// Messages produced by parse_message() have already had every known header
// checked, so their typed accessors never see malformed rows.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/sip/message/header_names.h"
#include "models/sip/message/header_values.h"
#include "models/sip/message/name_addr.h"
#include "models/sip/message/text_arena.h"
#include "models/sip/message/uri.h"

namespace siplab::sip {

// One header row: its name as written ("v", "MaX-fOrWaRdS", "X-Foo") and
// its value, unfolded with the outer whitespace trimmed.  A Message's rows
// view text the Message owns (see TextArena): they stay valid until the
// Message is destroyed, whatever is edited or moved meanwhile.
struct Header {
  HeaderId id = HeaderId::Other;  // derived from name
  std::string_view name;
  std::string_view value;

  Header() = default;
  Header(std::string_view n, std::string_view v) : id(header_id(n)), name(n), value(v) {}
  // For callers that already know the id (the parser): no second lookup.
  Header(HeaderId known_id, std::string_view n, std::string_view v) : id(known_id), name(n), value(v) {}
  friend bool operator==(const Header& a, const Header& b) {
    return a.name == b.name && a.value == b.value;
  }
};

// Contact header contents (§20.10): either "*" or a list of addresses.
struct ContactList {
  bool star = false;
  std::vector<NameAddr> contacts;
  friend bool operator==(const ContactList&, const ContactList&) = default;
};

class Message {
 public:
  Message() = default;
  // A move takes the text with it (views stay valid); the moved-from
  // message is left empty.  A copy stores the live text in one block.
  Message(Message&& other) noexcept;
  Message& operator=(Message&& other) noexcept;
  Message(const Message& other);
  Message& operator=(const Message& other);

  static Message request(std::string_view method, Uri request_uri);
  static Message response(int status_code, std::string_view reason);

  // ---- start line ----
  bool is_request() const { return is_request_; }
  bool is_response() const { return !is_request_; }
  std::string_view method() const { return method_; }
  void set_method(std::string_view m) { method_ = text_.store(m); }
  const Uri& request_uri() const;  // an empty Uri for a response
  Uri& mutable_request_uri();
  void set_request_uri(Uri uri) { mutable_request_uri() = std::move(uri); }
  int status_code() const { return status_code_; }
  std::string_view reason() const { return reason_; }
  void set_status(int code, std::string_view reason);
  std::string_view version() const { return version_; }  // "SIP/2.0"
  void set_version(std::string_view v) { version_ = text_.store(v); }
  // "INVITE sip:bob@example.com SIP/2.0" / "SIP/2.0 200 OK".
  std::string start_line() const;
  void append_start_line(std::string& out) const;  // the same, appended to `out`

  // ---- raw header rows ----
  const std::vector<Header>& headers() const { return headers_; }
  void add_header(std::string_view name, std::string_view value);
  void add_header(HeaderId id, std::string_view name, std::string_view value);
  // Row edits by position (index < headers().size(); insert also at the end).
  void insert_header(std::size_t index, HeaderId id, std::string_view name, std::string_view value);
  void set_header_value(std::size_t index, std::string_view value);
  // The same, with the value given as parts to concatenate.
  void set_header_joined(std::size_t index, std::initializer_list<std::string_view> value_parts);
  void add_header_joined(HeaderId id, std::string_view name, std::initializer_list<std::string_view> value_parts);
  void erase_header(std::size_t index);
  // Room for `rows` more rows holding `bytes` of text in all.
  void reserve_headers(std::size_t rows, std::size_t bytes);
  // Replaces every row of that header with one row in the place of the
  // first (or appends).  Known headers match by id, so "v" and "Via" are
  // the same header; unknown ones by case-insensitive name.
  void set_header(std::string_view name, std::string_view value);
  void set_header(HeaderId id, std::string_view value);
  std::size_t remove_header(std::string_view name);
  std::size_t remove_header(HeaderId id);
  // First row's value.
  std::optional<std::string_view> header(std::string_view name) const;
  std::optional<std::string_view> header(HeaderId id) const;
  // Every value of that header in order: list headers split at top-level
  // commas across all rows; other headers one value per row.
  std::vector<std::string_view> header_values(std::string_view name) const;
  std::vector<std::string_view> header_values(HeaderId id) const;
  std::size_t row_count(HeaderId id) const;

  // ---- Via ----
  std::vector<Via> vias() const;
  std::optional<Via> top_via() const;
  // The same top via-parm as a view into its row: no copy, valid until the
  // message changes.  nullopt when there is no Via or it does not parse.
  std::optional<ViaView> top_via_view() const;
  void push_via(const Via& via);  // becomes the new top value
  void push_via_text(std::string_view via);  // the same, for a via-parm already written
  bool pop_via();                 // removes the top value; false if none
  void set_top_via(const Via& via);

  // ---- From / To / Call-ID / CSeq ----
  std::optional<NameAddr> from() const;
  std::optional<NameAddr> to() const;
  void set_from(const NameAddr& v);
  void set_to(const NameAddr& v);
  std::optional<std::string> from_tag() const;
  std::optional<std::string> to_tag() const;
  void set_from_tag(std::string_view tag);
  void set_to_tag(std::string_view tag);
  std::optional<std::string_view> call_id() const;
  void set_call_id(std::string_view id);
  std::optional<CSeq> cseq() const;
  // The same as a view into its row (valid until the message changes).
  std::optional<CSeqView> cseq_view() const;
  void set_cseq(const CSeq& cseq);

  // ---- Contact ----
  ContactList contacts() const;
  void set_contacts(const std::vector<NameAddr>& contacts);
  void set_contact_star();
  void add_contact(const NameAddr& contact);

  // ---- Max-Forwards ----
  std::optional<uint32_t> max_forwards() const;
  void set_max_forwards(uint32_t hops);

  // ---- Route / Record-Route ----
  std::vector<NameAddr> routes() const;
  std::vector<NameAddr> record_routes() const;
  void set_routes(const std::vector<NameAddr>& routes);
  void set_record_routes(const std::vector<NameAddr>& routes);
  void push_route(const NameAddr& route);  // becomes the first value
  bool pop_route();                        // removes the first value
  void push_record_route(const NameAddr& route);
  bool pop_record_route();

  // ---- single-valued scalars ----
  std::optional<MediaType> content_type() const;
  void set_content_type(const MediaType& type);
  std::optional<uint32_t> content_length() const;
  std::optional<uint32_t> expires() const;
  void set_expires(uint32_t seconds);
  std::optional<uint32_t> min_expires() const;
  void set_min_expires(uint32_t seconds);
  std::optional<RetryAfter> retry_after() const;
  void set_retry_after(const RetryAfter& value);
  std::optional<SipDate> date() const;
  void set_date(const SipDate& date);
  std::vector<Warning> warnings() const;
  void add_warning(const Warning& warning);
  std::optional<std::string_view> user_agent() const { return header(HeaderId::UserAgent); }
  std::optional<std::string_view> server() const { return header(HeaderId::Server); }

  // ---- option tags and methods (token lists) ----
  std::vector<std::string_view> require() const { return header_values(HeaderId::Require); }
  std::vector<std::string_view> proxy_require() const { return header_values(HeaderId::ProxyRequire); }
  std::vector<std::string_view> supported() const { return header_values(HeaderId::Supported); }
  std::vector<std::string_view> unsupported() const { return header_values(HeaderId::Unsupported); }
  std::vector<std::string_view> allow() const { return header_values(HeaderId::Allow); }
  // Writes one row "a, b, c" (removes the header when `tokens` is empty).
  void set_token_list(HeaderId id, const std::vector<std::string>& tokens);

  // ---- authentication (raw; one credential/challenge per row) ----
  std::vector<std::string_view> www_authenticate() const { return header_values(HeaderId::WwwAuthenticate); }
  std::vector<std::string_view> authorization() const { return header_values(HeaderId::Authorization); }
  std::vector<std::string_view> proxy_authenticate() const { return header_values(HeaderId::ProxyAuthenticate); }
  std::vector<std::string_view> proxy_authorization() const { return header_values(HeaderId::ProxyAuthorization); }

  // ---- body ----
  std::string_view body() const { return body_; }
  // Sets the body and its Content-Length row (and Content-Type when given;
  // an empty body with no type removes Content-Type).
  void set_body(std::string_view bytes, std::optional<std::string_view> content_type = std::nullopt);
  // Sets the body bytes only (the parser uses this; Content-Length untouched).
  void set_body_raw(std::string_view body) { body_ = text_.store(body); }

  friend bool operator==(const Message& a, const Message& b);

 private:
  friend class ParsedMessage;  // to_message() copies the parsed rows in one piece

  void insert_before_first(HeaderId id, std::string_view name, std::string_view value);
  bool pop_first_list_value(HeaderId id);

  // The text of the start line, the rows and the body: the string_views
  // below and every row view into it (or into static text).
  TextArena text_;
  bool is_request_ = true;
  std::string_view method_;
  // Held apart: a Uri is many strings, and messages are moved several
  // times on their way through the layers (a response has none).
  std::unique_ptr<Uri> request_uri_;
  int status_code_ = 0;
  std::string_view reason_;
  std::string_view version_ = "SIP/2.0";
  std::vector<Header> headers_;
  std::string_view body_;
};

// The reason phrase RFC 3261 §21 gives for a code ("" for unknown codes).
std::string_view default_reason_phrase(int code);

// A response to `request` per §8.2.6.2: every Via row, From, To, Call-ID
// and CSeq copied in order, the To tag added when `to_tag` is given and To
// has none; Content-Length: 0.  `reason` empty → default_reason_phrase.
Message make_response(const Message& request, int status_code, std::string_view reason = {},
                      std::optional<std::string_view> to_tag = std::nullopt);

}  // namespace siplab::sip
