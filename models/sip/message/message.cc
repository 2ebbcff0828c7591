#include "models/sip/message/message.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "models/sip/message/internal.h"
#include "models/sip/message/syntax.h"

namespace siplab::sip {
namespace {

// Position of the first comma outside quotes and <>, or npos (§7.3.1).
std::size_t first_top_level_comma(std::string_view v) {
  // Most rows hold one value: no comma at all, or a first comma with no
  // quote or '<' before it, is settled by two or three memchr scans.
  const std::size_t comma = v.find(',');
  if (comma == std::string_view::npos) return comma;
  const std::string_view head = v.substr(0, comma);
  if (head.find('"') == std::string_view::npos && head.find('<') == std::string_view::npos) return comma;
  int angle = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '"') {
      std::size_t end = syntax::scan_quoted(v, i);
      if (end == std::string_view::npos) return std::string_view::npos;
      i = end - 1;
    } else if (c == '<') {
      ++angle;
    } else if (c == '>') {
      if (angle > 0) --angle;
    } else if (c == ',' && angle == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Calls fn(value) for every value of list header `id` in row order, as
// header_values(id) would return them, without building that vector.
template <typename Fn>
void for_each_list_value(const std::vector<Header>& headers, HeaderId id, Fn&& fn) {
  for (const Header& h : headers) {
    if (h.id != id || h.value.empty()) continue;  // empty row: no values
    internal::for_each_split_value(h.value, fn);
  }
}

// Rows of `id`: the number of values when each row holds one, which is
// the usual case, so reserving it saves the vector's regrowth.
std::size_t rows_of(const std::vector<Header>& headers, HeaderId id) {
  std::size_t n = 0;
  for (const Header& h : headers) n += h.id == id;
  return n;
}

// Parses every name-addr value of list header `id` straight into `out`,
// skipping malformed ones (parse_message() has already rejected those).
void append_name_addrs(const std::vector<Header>& headers, HeaderId id, std::vector<NameAddr>& out) {
  out.reserve(rows_of(headers, id));
  for_each_list_value(headers, id, [&](std::string_view v) {
    NameAddrView view;
    if (!internal::parse_name_addr_into(v, &view)) out.push_back(view.to_name_addr());
  });
}

std::optional<NameAddr> name_addr_of(std::optional<std::string_view> value) {
  if (!value) return std::nullopt;
  NameAddrView view;
  if (internal::parse_name_addr_into(*value, &view)) return std::nullopt;
  return view.to_name_addr();
}

bool same_header(const Header& h, HeaderId id, std::string_view name) {
  return id != HeaderId::Other ? h.id == id : (h.id == HeaderId::Other && iequals(h.name, name));
}

std::string join_name_addrs(const std::vector<NameAddr>& list) {
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ", ";
    list[i].append_to(out);
  }
  return out;
}

std::string uint_text(uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace

Message::Message(Message&& other) noexcept
    : text_(std::move(other.text_)),
      is_request_(other.is_request_),
      method_(std::exchange(other.method_, {})),
      request_uri_(std::move(other.request_uri_)),
      status_code_(other.status_code_),
      reason_(std::exchange(other.reason_, {})),
      version_(std::exchange(other.version_, {})),
      headers_(std::move(other.headers_)),
      body_(std::exchange(other.body_, {})) {
  other.headers_.clear();
}

Message& Message::operator=(Message&& other) noexcept {
  if (this != &other) {
    text_ = std::move(other.text_);
    is_request_ = other.is_request_;
    method_ = std::exchange(other.method_, {});
    request_uri_ = std::move(other.request_uri_);
    status_code_ = other.status_code_;
    reason_ = std::exchange(other.reason_, {});
    version_ = std::exchange(other.version_, {});
    headers_ = std::move(other.headers_);
    other.headers_.clear();
    body_ = std::exchange(other.body_, {});
  }
  return *this;
}

Message::Message(const Message& other)
    : is_request_(other.is_request_),
      request_uri_(other.request_uri_ ? std::make_unique<Uri>(*other.request_uri_) : nullptr),
      status_code_(other.status_code_) {
  std::size_t bytes = other.method_.size() + other.reason_.size() + other.version_.size() + other.body_.size();
  for (const Header& h : other.headers_) bytes += h.name.size() + h.value.size();
  reserve_headers(other.headers_.size(), bytes);
  method_ = text_.store(other.method_);
  reason_ = text_.store(other.reason_);
  version_ = text_.store(other.version_);
  for (const Header& h : other.headers_) headers_.emplace_back(h.id, text_.store(h.name), text_.store(h.value));
  body_ = text_.store(other.body_);
}

Message& Message::operator=(const Message& other) {
  if (this != &other) *this = Message(other);
  return *this;
}

const Uri& Message::request_uri() const {
  static const Uri kNone;
  return request_uri_ ? *request_uri_ : kNone;
}

Uri& Message::mutable_request_uri() {
  if (!request_uri_) request_uri_ = std::make_unique<Uri>();
  return *request_uri_;
}

bool operator==(const Message& a, const Message& b) {
  return a.is_request_ == b.is_request_ && a.method_ == b.method_ && a.request_uri() == b.request_uri() &&
         a.status_code_ == b.status_code_ && a.reason_ == b.reason_ && a.version_ == b.version_ &&
         a.headers_ == b.headers_ && a.body_ == b.body_;
}

Message Message::request(std::string_view method, Uri request_uri) {
  Message m;
  m.is_request_ = true;
  m.method_ = m.text_.store(method);
  m.request_uri_ = std::make_unique<Uri>(std::move(request_uri));
  return m;
}

Message Message::response(int status_code, std::string_view reason) {
  Message m;
  m.is_request_ = false;
  m.status_code_ = status_code;
  m.reason_ = m.text_.store(reason);
  return m;
}

void Message::set_status(int code, std::string_view reason) {
  status_code_ = code;
  reason_ = text_.store(reason);
}

std::string Message::start_line() const {
  std::string out;
  append_start_line(out);
  return out;
}

void Message::append_start_line(std::string& out) const {
  if (is_request_) {
    out += method_;
    out += ' ';
    request_uri().append_to(out);
    out += ' ';
    out += version_;
  } else {
    out += version_;
    const char code[5] = {' ', static_cast<char>('0' + status_code_ / 100 % 10),
                          static_cast<char>('0' + status_code_ / 10 % 10), static_cast<char>('0' + status_code_ % 10),
                          ' '};
    out.append(code, sizeof code);
    out += reason_;
  }
}

// ---- raw rows ----

void Message::add_header(std::string_view name, std::string_view value) { add_header(header_id(name), name, value); }

void Message::add_header(HeaderId id, std::string_view name, std::string_view value) {
  headers_.emplace_back(id, text_.store(name), text_.store(value));
}

void Message::insert_header(std::size_t index, HeaderId id, std::string_view name, std::string_view value) {
  headers_.insert(headers_.begin() + static_cast<std::ptrdiff_t>(index), Header(id, text_.store(name), text_.store(value)));
}

void Message::set_header_value(std::size_t index, std::string_view value) { headers_[index].value = text_.store(value); }

void Message::set_header_joined(std::size_t index, std::initializer_list<std::string_view> value_parts) {
  headers_[index].value = text_.store(value_parts);
}

void Message::add_header_joined(HeaderId id, std::string_view name, std::initializer_list<std::string_view> value_parts) {
  headers_.emplace_back(id, text_.store(name), text_.store(value_parts));
}

void Message::erase_header(std::size_t index) { headers_.erase(headers_.begin() + static_cast<std::ptrdiff_t>(index)); }

void Message::reserve_headers(std::size_t rows, std::size_t bytes) {
  headers_.reserve(headers_.size() + rows);
  text_.reserve(bytes);
}

void Message::set_header(std::string_view name, std::string_view value) {
  HeaderId id = header_id(name);
  auto first = std::find_if(headers_.begin(), headers_.end(), [&](const Header& h) { return same_header(h, id, name); });
  if (first == headers_.end()) {
    add_header(id, name, value);
    return;
  }
  first->value = text_.store(value);
  std::size_t keep = static_cast<std::size_t>(first - headers_.begin());
  std::size_t index = 0;
  std::erase_if(headers_, [&](const Header& h) { return index++ != keep && same_header(h, id, name); });
}

void Message::set_header(HeaderId id, std::string_view value) { set_header(canonical_name(id), value); }

std::size_t Message::remove_header(std::string_view name) {
  HeaderId id = header_id(name);
  return std::erase_if(headers_, [&](const Header& h) { return same_header(h, id, name); });
}

std::size_t Message::remove_header(HeaderId id) {
  return std::erase_if(headers_, [&](const Header& h) { return h.id == id; });
}

std::optional<std::string_view> Message::header(std::string_view name) const {
  HeaderId id = header_id(name);
  for (const Header& h : headers_)
    if (same_header(h, id, name)) return std::string_view(h.value);
  return std::nullopt;
}

std::optional<std::string_view> Message::header(HeaderId id) const {
  for (const Header& h : headers_)
    if (h.id == id) return std::string_view(h.value);
  return std::nullopt;
}

std::vector<std::string_view> Message::header_values(std::string_view name) const {
  HeaderId id = header_id(name);
  if (id != HeaderId::Other) return header_values(id);
  std::vector<std::string_view> out;
  for (const Header& h : headers_)
    if (same_header(h, id, name)) out.emplace_back(h.value);
  return out;
}

std::vector<std::string_view> Message::header_values(HeaderId id) const {
  std::vector<std::string_view> out;
  bool list = is_list_header(id);
  for (const Header& h : headers_) {
    if (h.id != id) continue;
    if (!list) {
      out.emplace_back(h.value);
      continue;
    }
    // An empty row of an optional list (e.g. "Supported:") has no values.
    if (h.value.empty()) continue;
    for (std::string_view v : split_list(h.value)) out.push_back(v);
  }
  return out;
}

std::size_t Message::row_count(HeaderId id) const {
  return static_cast<std::size_t>(std::count_if(headers_.begin(), headers_.end(), [&](const Header& h) { return h.id == id; }));
}

void Message::insert_before_first(HeaderId id, std::string_view name, std::string_view value) {
  auto first = std::find_if(headers_.begin(), headers_.end(), [&](const Header& h) { return h.id == id; });
  if (first == headers_.end() && id == HeaderId::Via) first = headers_.begin();  // Via rows lead
  insert_header(static_cast<std::size_t>(first - headers_.begin()), id, name, value);
}

bool Message::pop_first_list_value(HeaderId id) {
  auto first = std::find_if(headers_.begin(), headers_.end(), [&](const Header& h) { return h.id == id; });
  if (first == headers_.end()) return false;
  std::size_t comma = first_top_level_comma(first->value);
  if (comma == std::string_view::npos) {
    headers_.erase(first);
  } else {
    first->value = syntax::trim(first->value.substr(comma + 1));  // the rest of the stored text
  }
  return true;
}

// ---- Via ----

std::vector<Via> Message::vias() const {
  std::vector<Via> out;
  out.reserve(rows_of(headers_, HeaderId::Via));
  for_each_list_value(headers_, HeaderId::Via, [&](std::string_view v) {
    ViaView view;
    if (!internal::parse_via_into(v, &view)) out.push_back(view.to_via());
  });
  return out;
}

std::optional<ViaView> Message::top_via_view() const {
  for (const Header& h : headers_) {
    if (h.id != HeaderId::Via) continue;
    std::string_view v = h.value;
    std::size_t comma = first_top_level_comma(v);
    ViaView view;
    if (internal::parse_via_into(syntax::trim(v.substr(0, comma)), &view)) return std::nullopt;
    return view;
  }
  return std::nullopt;
}

std::optional<Via> Message::top_via() const {
  auto view = top_via_view();
  if (!view) return std::nullopt;
  return view->to_via();
}

void Message::push_via(const Via& via) { push_via_text(via.to_string()); }

void Message::push_via_text(std::string_view via) { insert_before_first(HeaderId::Via, "Via", via); }

bool Message::pop_via() { return pop_first_list_value(HeaderId::Via); }

void Message::set_top_via(const Via& via) {
  auto first = std::find_if(headers_.begin(), headers_.end(), [&](const Header& h) { return h.id == HeaderId::Via; });
  if (first == headers_.end()) {
    push_via(via);
    return;
  }
  std::size_t comma = first_top_level_comma(first->value);
  const std::string value = via.to_string();
  if (comma == std::string_view::npos) {
    first->value = text_.store(value);
  } else {
    first->value = text_.store({value, ", ", syntax::trim(first->value.substr(comma + 1))});
  }
}

// ---- From / To / Call-ID / CSeq ----

std::optional<NameAddr> Message::from() const { return name_addr_of(header(HeaderId::From)); }

std::optional<NameAddr> Message::to() const { return name_addr_of(header(HeaderId::To)); }

void Message::set_from(const NameAddr& v) { set_header(HeaderId::From, v.to_string()); }
void Message::set_to(const NameAddr& v) { set_header(HeaderId::To, v.to_string()); }

namespace {

// The tag of a From/To value, read through a view (no NameAddr built).
std::optional<std::string> tag_of(std::optional<std::string_view> value) {
  NameAddrView view;
  if (!value || internal::parse_name_addr_into(*value, &view)) return std::nullopt;
  auto tag = view.tag();
  if (!tag) return std::nullopt;
  return std::string(*tag);
}

// Sets the tag of the first `id` row, replacing one it already has.
// Without a tag yet, ";tag=" is appended to the row text, which the grammar
// allows after both name-addr and addr-spec (header params follow either,
// §20.20 / §20.39).
void set_tag_of(Message& m, HeaderId id, std::string_view tag) {
  const std::vector<Header>& rows = m.headers();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].id != id) continue;
    NameAddrView view;
    if (internal::parse_name_addr_into(rows[i].value, &view)) return;  // unparsable: left alone
    if (!view.params.has("tag")) {
      m.set_header_joined(i, {rows[i].value, ";tag=", tag});
    } else {
      NameAddr na = view.to_name_addr();
      na.set_tag(tag);
      m.set_header_value(i, na.to_string());
    }
    return;
  }
}

}  // namespace

std::optional<std::string> Message::from_tag() const { return tag_of(header(HeaderId::From)); }
std::optional<std::string> Message::to_tag() const { return tag_of(header(HeaderId::To)); }
void Message::set_from_tag(std::string_view tag) { set_tag_of(*this, HeaderId::From, tag); }
void Message::set_to_tag(std::string_view tag) { set_tag_of(*this, HeaderId::To, tag); }

std::optional<std::string_view> Message::call_id() const { return header(HeaderId::CallId); }
void Message::set_call_id(std::string_view id) { set_header(HeaderId::CallId, id); }

std::optional<CSeq> Message::cseq() const {
  auto view = cseq_view();
  if (!view) return std::nullopt;
  return view->to_cseq();
}

std::optional<CSeqView> Message::cseq_view() const {
  auto v = header(HeaderId::CSeq);
  if (!v) return std::nullopt;
  CSeqView view;
  if (internal::parse_cseq_into(*v, &view)) return std::nullopt;
  return view;
}

void Message::set_cseq(const CSeq& cseq) { set_header(HeaderId::CSeq, cseq.to_string()); }

// ---- Contact ----

ContactList Message::contacts() const {
  ContactList out;
  out.contacts.reserve(rows_of(headers_, HeaderId::Contact));
  for_each_list_value(headers_, HeaderId::Contact, [&](std::string_view v) {
    if (v == "*") {
      out.star = true;
      return;
    }
    NameAddrView view;
    if (!internal::parse_name_addr_into(v, &view)) out.contacts.push_back(view.to_name_addr());
  });
  return out;
}

void Message::set_contacts(const std::vector<NameAddr>& contacts) {
  if (contacts.empty()) {
    remove_header(HeaderId::Contact);
    return;
  }
  set_header(HeaderId::Contact, join_name_addrs(contacts));
}

void Message::set_contact_star() { set_header(HeaderId::Contact, "*"); }

void Message::add_contact(const NameAddr& contact) { add_header("Contact", contact.to_string()); }

// ---- Max-Forwards ----

std::optional<uint32_t> Message::max_forwards() const {
  auto v = header(HeaderId::MaxForwards);
  if (!v) return std::nullopt;
  auto n = parse_uint(*v, 255);
  if (!n) return std::nullopt;
  return *n;
}

void Message::set_max_forwards(uint32_t hops) { set_header(HeaderId::MaxForwards, uint_text(hops)); }

// ---- Route / Record-Route ----

std::vector<NameAddr> Message::routes() const {
  std::vector<NameAddr> out;
  append_name_addrs(headers_, HeaderId::Route, out);
  return out;
}

std::vector<NameAddr> Message::record_routes() const {
  std::vector<NameAddr> out;
  append_name_addrs(headers_, HeaderId::RecordRoute, out);
  return out;
}

void Message::set_routes(const std::vector<NameAddr>& routes) {
  if (routes.empty()) {
    remove_header(HeaderId::Route);
    return;
  }
  set_header(HeaderId::Route, join_name_addrs(routes));
}

void Message::set_record_routes(const std::vector<NameAddr>& routes) {
  if (routes.empty()) {
    remove_header(HeaderId::RecordRoute);
    return;
  }
  set_header(HeaderId::RecordRoute, join_name_addrs(routes));
}

void Message::push_route(const NameAddr& route) { insert_before_first(HeaderId::Route, "Route", route.to_string()); }
bool Message::pop_route() { return pop_first_list_value(HeaderId::Route); }
void Message::push_record_route(const NameAddr& route) {
  insert_before_first(HeaderId::RecordRoute, "Record-Route", route.to_string());
}
bool Message::pop_record_route() { return pop_first_list_value(HeaderId::RecordRoute); }

// ---- scalars ----

std::optional<MediaType> Message::content_type() const {
  auto v = header(HeaderId::ContentType);
  if (!v) return std::nullopt;
  auto mt = parse_media_type(*v);
  if (!mt) return std::nullopt;
  return std::move(*mt);
}

void Message::set_content_type(const MediaType& type) { set_header(HeaderId::ContentType, type.to_string()); }

std::optional<uint32_t> Message::content_length() const {
  auto v = header(HeaderId::ContentLength);
  if (!v) return std::nullopt;
  auto n = parse_uint(*v, 0xFFFFFFFFu);
  if (!n) return std::nullopt;
  return *n;
}

std::optional<uint32_t> Message::expires() const {
  auto v = header(HeaderId::Expires);
  if (!v) return std::nullopt;
  auto n = parse_uint(*v, 0xFFFFFFFFu);
  if (!n) return std::nullopt;
  return *n;
}

void Message::set_expires(uint32_t seconds) { set_header(HeaderId::Expires, uint_text(seconds)); }

std::optional<uint32_t> Message::min_expires() const {
  auto v = header(HeaderId::MinExpires);
  if (!v) return std::nullopt;
  auto n = parse_uint(*v, 0xFFFFFFFFu);
  if (!n) return std::nullopt;
  return *n;
}

void Message::set_min_expires(uint32_t seconds) { set_header(HeaderId::MinExpires, uint_text(seconds)); }

std::optional<RetryAfter> Message::retry_after() const {
  auto v = header(HeaderId::RetryAfter);
  if (!v) return std::nullopt;
  auto r = parse_retry_after(*v);
  if (!r) return std::nullopt;
  return std::move(*r);
}

void Message::set_retry_after(const RetryAfter& value) { set_header(HeaderId::RetryAfter, value.to_string()); }

std::optional<SipDate> Message::date() const {
  auto v = header(HeaderId::Date);
  if (!v) return std::nullopt;
  auto d = parse_date(*v);
  if (!d) return std::nullopt;
  return *d;
}

void Message::set_date(const SipDate& date) { set_header(HeaderId::Date, date.to_string()); }

std::vector<Warning> Message::warnings() const {
  std::vector<Warning> out;
  for (std::string_view v : header_values(HeaderId::Warning))
    if (auto w = parse_warning(v)) out.push_back(std::move(*w));
  return out;
}

void Message::add_warning(const Warning& warning) { add_header("Warning", warning.to_string()); }

void Message::set_token_list(HeaderId id, const std::vector<std::string>& tokens) {
  if (tokens.empty()) {
    remove_header(id);
    return;
  }
  std::string value;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i) value += ", ";
    value += tokens[i];
  }
  set_header(id, value);
}

void Message::set_body(std::string_view bytes, std::optional<std::string_view> content_type) {
  body_ = text_.store(bytes);
  set_header(HeaderId::ContentLength, uint_text(bytes.size()));
  if (content_type) {
    set_header(HeaderId::ContentType, *content_type);
  } else if (bytes.empty()) {
    remove_header(HeaderId::ContentType);
  }
}

std::string_view default_reason_phrase(int code) {
  switch (code) {
    case 100: return "Trying";
    case 180: return "Ringing";
    case 181: return "Call Is Being Forwarded";
    case 182: return "Queued";
    case 183: return "Session Progress";
    case 200: return "OK";
    case 202: return "Accepted";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Moved Temporarily";
    case 305: return "Use Proxy";
    case 380: return "Alternative Service";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Unsupported URI Scheme";
    case 420: return "Bad Extension";
    case 421: return "Extension Required";
    case 423: return "Interval Too Brief";
    case 480: return "Temporarily Unavailable";
    case 481: return "Call/Transaction Does Not Exist";
    case 482: return "Loop Detected";
    case 483: return "Too Many Hops";
    case 484: return "Address Incomplete";
    case 485: return "Ambiguous";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 488: return "Not Acceptable Here";
    case 491: return "Request Pending";
    case 493: return "Undecipherable";
    case 500: return "Server Internal Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Server Time-out";
    case 505: return "Version Not Supported";
    case 513: return "Message Too Large";
    case 600: return "Busy Everywhere";
    case 603: return "Decline";
    case 604: return "Does Not Exist Anywhere";
    case 606: return "Not Acceptable";
    default: return "";
  }
}

Message make_response(const Message& request, int status_code, std::string_view reason,
                      std::optional<std::string_view> to_tag) {
  Message r = Message::response(status_code, reason.empty() ? default_reason_phrase(status_code) : reason);
  auto copied = [&](const Header& h) {
    return h.id == HeaderId::Via || h.id == HeaderId::From || h.id == HeaderId::To || h.id == HeaderId::CallId ||
           h.id == HeaderId::CSeq || (status_code == 100 && h.id == HeaderId::Timestamp);  // §8.2.6.1
  };
  std::size_t rows = 1, bytes = 14 + 1 + (to_tag ? 5 + to_tag->size() : 0);  // + Content-Length: 0
  for (const Header& h : request.headers())
    if (copied(h)) ++rows, bytes += h.name.size() + h.value.size();
  r.reserve_headers(rows, bytes);
  // §8.2.6.2: a UAS adds a To tag when the request had none (not on 100),
  // written as the first To row is copied.
  bool tag_pending = to_tag && status_code > 100;
  for (const Header& h : request.headers()) {
    if (!copied(h)) continue;
    if (tag_pending && h.id == HeaderId::To) {
      tag_pending = false;
      NameAddrView view;
      if (!internal::parse_name_addr_into(h.value, &view) && !view.params.has("tag")) {
        r.add_header_joined(h.id, h.name, {h.value, ";tag=", *to_tag});
        continue;
      }
    }
    r.add_header(h.id, h.name, h.value);
  }
  r.add_header(HeaderId::ContentLength, "Content-Length", "0");
  return r;
}

}  // namespace siplab::sip
