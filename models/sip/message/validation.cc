#include "models/sip/message/validation.h"

#include <algorithm>
#include <array>

#include "models/sip/message/internal.h"

namespace siplab::sip {
namespace {

// Cold: the paths that reject are laid out of the hot code.
[[gnu::cold]] Rejection reject(int code, std::string_view reason, std::vector<ExtraHeader> extra = {}) {
  return Rejection{code, std::string(reason), std::move(extra)};
}

bool contains_ci(const std::vector<std::string>& list, std::string_view value) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& s) { return iequals(s, value); });
}

bool known_method(std::string_view m) {
  static constexpr std::string_view kMethods[] = {"INVITE", "ACK",       "OPTIONS", "BYE",     "CANCEL",
                                                  "REGISTER", "PRACK",   "SUBSCRIBE", "NOTIFY", "PUBLISH",
                                                  "INFO",   "REFER",     "MESSAGE", "UPDATE"};
  return std::find(std::begin(kMethods), std::end(kMethods), m) != std::end(kMethods);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  return out;
}

// Option tags in `required` that `supported` lacks (§8.2.2.3, §16.3 step 4).
std::vector<std::string> unsupported_tags(const std::vector<std::string_view>& required,
                                          const std::vector<std::string>& supported) {
  std::vector<std::string> out;
  for (std::string_view tag : required)
    if (!tag.empty() && !contains_ci(supported, tag)) out.emplace_back(tag);
  return out;
}

// Does an Accept element ("type/subtype;q=..") admit type/subtype?
bool accept_admits(std::string_view range, std::string_view type, std::string_view subtype) {
  auto mt = parse_media_type(range);
  if (!mt) return false;
  if (mt->type == "*" && mt->subtype == "*") return true;
  if (!iequals(mt->type, type)) return false;
  return mt->subtype == "*" || iequals(mt->subtype, subtype);
}

}  // namespace

namespace {

// The typed values validation reads beyond the raw rows.
struct TypedRows {
  CSeqView cseq;
  NameAddrView to;
  std::optional<std::string_view> top_branch;
  std::optional<uint32_t> max_forwards;
  std::optional<uint32_t> content_length;
};

// Parses them from the Message's rows; a row that does not parse is the
// 400 it earns.
std::optional<Rejection> read_typed_rows(const Message& req, TypedRows& out) {
  if (internal::parse_cseq_into(*req.header(HeaderId::CSeq), &out.cseq)) return reject(400, "Malformed CSeq header");
  if (internal::parse_name_addr_into(*req.header(HeaderId::From), nullptr)) return reject(400, "Malformed From header");
  if (internal::parse_name_addr_into(*req.header(HeaderId::To), &out.to)) return reject(400, "Malformed To header");
  if (!parse_call_id(*req.call_id())) return reject(400, "Malformed Call-ID header");
  const auto via = req.top_via_view();
  if (!via) return reject(400, "Malformed Via header");
  out.top_branch = via->branch();
  out.max_forwards = req.max_forwards();
  if (req.header(HeaderId::MaxForwards) && !out.max_forwards) return reject(400, "Malformed Max-Forwards header");
  out.content_length = req.content_length();
  return std::nullopt;
}

// The same values the parser already read (it checked every known row).
TypedRows typed_rows_of(const ParsedMessage& parsed) {
  const ViaView* via = parsed.top_via();
  return TypedRows{*parsed.cseq(), *parsed.to(), via ? via->branch() : std::nullopt, parsed.max_forwards(),
                   parsed.content_length()};
}

}  // namespace

std::optional<Rejection> validate_request(const Message& req, const ValidationOptions& opt,
                                          const ParsedMessage* parsed) {
  if (!req.is_request()) return reject(400, "Not a request");
  // §8.2 / §16.3 step 1: a version we do not speak → 505.
  if (!iequals(req.version(), "SIP/2.0")) return reject(505, "Version Not Supported");

  // §8.1.1: To, From, CSeq, Call-ID and Via are mandatory.  (Max-Forwards
  // is too, but RFC 2543 peers omit it and RFC 4475 §3.4.1 accepts that.)
  // Rows of every known header, counted in one pass.
  std::array<uint16_t, static_cast<std::size_t>(HeaderId::kCount)> rows{};
  for (const Header& h : req.headers()) ++rows[static_cast<std::size_t>(h.id)];
  auto row_count = [&](HeaderId id) { return rows[static_cast<std::size_t>(id)]; };
  std::vector<std::string> missing;
  for (HeaderId id : {HeaderId::To, HeaderId::From, HeaderId::CallId, HeaderId::CSeq, HeaderId::Via})
    if (row_count(id) == 0) missing.emplace_back(canonical_name(id));
  if (!missing.empty()) return reject(400, "Missing " + join(missing) + " header");

  // Single-valued headers with several values (RFC 4475 §3.3.8, §3.3.9).
  // (The typed checks below read views: nothing is copied, since a request
  // that came through the parser passes them all.)
  const auto content_length_rows = req.header(HeaderId::ContentLength);
  if (content_length_rows &&
      (row_count(HeaderId::ContentLength) > 1 || content_length_rows->find(',') != std::string_view::npos) &&
      req.header_values(HeaderId::ContentLength).size() > 1) {
    auto values = req.header_values(HeaderId::ContentLength);
    bool conflict = std::any_of(values.begin(), values.end(), [&](std::string_view v) { return v != values[0]; });
    return reject(400, conflict ? "Conflicting Content-Length values" : "Multiple Content-Length values");
  }
  for (HeaderId id : {HeaderId::To, HeaderId::From, HeaderId::CallId, HeaderId::CSeq, HeaderId::MaxForwards})
    if (row_count(id) > 1) return reject(400, "Multiple values in single-value header " + std::string(canonical_name(id)));

  TypedRows typed;
  if (parsed) {
    typed = typed_rows_of(*parsed);
  } else if (auto rejection = read_typed_rows(req, typed)) {
    return rejection;
  }
  const CSeqView* cseq = &typed.cseq;
  const NameAddrView& to = typed.to;
  if (cseq->method != req.method())
    return known_method(req.method()) || opt.role == Role::Proxy
               ? reject(400, "CSeq method does not match request method")
               : reject(501, "Not Implemented", {ExtraHeader("Allow", join(opt.allowed_methods))});
  if (auto cl = typed.content_length; cl && *cl != req.body().size())
    return reject(400, "Content-Length does not match the body");

  // RFC 4475 §3.2.1: a branch that is only the magic cookie carries no
  // transaction id and can match neither RFC 3261 nor RFC 2543 rules.
  if (auto branch = typed.top_branch; branch && *branch == kMagicCookie)
    return reject(400, "Missing transaction identifier in Via branch");

  const Uri& ruri = req.request_uri();
  std::string_view scheme = ruri.scheme == UriScheme::Sip    ? std::string_view("sip")
                            : ruri.scheme == UriScheme::Sips ? std::string_view("sips")
                                                             : std::string_view(ruri.scheme_text);

  if (opt.role == Role::Proxy) {
    // §16.3 steps 2-4.
    if (!contains_ci(opt.supported_schemes, scheme)) return reject(416, "Unsupported URI Scheme");
    if (auto mf = typed.max_forwards; mf && *mf == 0) return reject(483, "Too Many Hops");
    if (row_count(HeaderId::ProxyRequire) > 0) {
      auto unsupported = unsupported_tags(req.proxy_require(), opt.supported_extensions);
      if (!unsupported.empty()) return reject(420, "Bad Extension", {ExtraHeader("Unsupported", join(unsupported))});
    }
    return std::nullopt;
  }

  // UAS and registrar (§8.2.1 - §8.2.3, §10.3).
  if (!contains_ci(opt.supported_schemes, scheme)) return reject(416, "Unsupported URI Scheme");
  // A registrar handles REGISTER by definition (§10.3).
  bool allowed = (opt.role == Role::Registrar && req.method() == "REGISTER") ||
                 std::find(opt.allowed_methods.begin(), opt.allowed_methods.end(), req.method()) !=
                     opt.allowed_methods.end();
  if (!allowed) {
    std::vector<ExtraHeader> allow{ExtraHeader("Allow", join(opt.allowed_methods))};
    if (known_method(req.method())) return reject(405, "Method Not Allowed", std::move(allow));
    return reject(501, "Not Implemented", std::move(allow));
  }
  // §8.2.2.3: never reject ACK (it has no response) or CANCEL on Require.
  if (req.method() != "ACK" && req.method() != "CANCEL") {
    if (row_count(HeaderId::Require) > 0) {
      auto unsupported = unsupported_tags(req.require(), opt.supported_extensions);
      if (!unsupported.empty()) return reject(420, "Bad Extension", {ExtraHeader("Unsupported", join(unsupported))});
    }
  }
  if (opt.role == Role::Registrar && req.method() == "REGISTER") {
    // §10.3 step 5, RFC 4475 §3.3.4: the AOR in To must be a SIP/SIPS URI.
    if (!to.uri.is_sip_or_sips()) return reject(400, "Address-of-record in To must be a SIP or SIPS URI");
  }
  // §8.2.3: a body we cannot process → 415 with the Accept we do take.
  if (!req.body().empty()) {
    MediaTypeView type_view;
    const auto type_row = req.header(HeaderId::ContentType);
    const MediaTypeView* type =
        type_row && !internal::parse_media_type_into(*type_row, &type_view) ? &type_view : nullptr;
    bool ok = type && std::any_of(opt.accepted_content_types.begin(), opt.accepted_content_types.end(),
                                  [&](const std::string& t) {
                                    std::size_t slash = t.find('/');
                                    return type->matches(std::string_view(t).substr(0, slash),
                                                         std::string_view(t).substr(slash + 1));
                                  });
    if (!ok) return reject(415, "Unsupported Media Type", {ExtraHeader("Accept", join(opt.accepted_content_types))});
  }
  // RFC 4475 §3.3.15: an INVITE whose Accept admits none of the session
  // description types we could answer with → 406 plus Warning 399.
  if (req.method() == "INVITE" && row_count(HeaderId::Accept) > 0) {
    auto ranges = req.header_values(HeaderId::Accept);
    bool any = false;
    for (std::string_view range : ranges)
      for (const std::string& t : opt.accepted_content_types) {
        std::size_t slash = t.find('/');
        if (accept_admits(range, std::string_view(t).substr(0, slash), std::string_view(t).substr(slash + 1)))
          any = true;
      }
    if (!ranges.empty() && !any) {
      Warning w{399, opt.warn_agent, "Supported types: " + join(opt.accepted_content_types)};
      return reject(406, "Not Acceptable", {ExtraHeader("Warning", w.to_string()), ExtraHeader("Accept", join(opt.accepted_content_types))});
    }
  }
  return std::nullopt;
}

Rejection rejection_for(const ParseError& error, Role role) {
  int code = error.status_code >= 400 ? error.status_code : 400;
  if (code == 501 && role == Role::Proxy) code = 400;
  std::string_view phrase = default_reason_phrase(code);
  return Rejection{code, phrase.empty() ? std::string("Bad Request") : std::string(phrase), {}};
}

namespace {

// §16.7 step 3 / RFC 4475 §3.3.10: the Via a proxy forwards along.
template <typename V>
ResponseVerdict check_next_via(const V& next) {
  std::string_view target = next.received() ? *next.received() : std::string_view(next.host);
  if (target == "255.255.255.255") return {false, "next Via is the broadcast address"};
  if (auto maddr = next.maddr(); maddr && *maddr == "255.255.255.255") return {false, "next Via maddr is the broadcast address"};
  return {true, {}};
}

}  // namespace

namespace {

// §8.1.1 / §20 table: To, From, Call-ID and CSeq are mandatory in a
// response too (Via is checked by the caller), and each holds one value
// (RFC 4475 §3.3.8).  Cold: a response that fails is dropped.
[[gnu::cold]] ResponseVerdict missing_or_repeated(bool to, bool from, bool call_id, bool cseq,
                                                  std::optional<HeaderId> repeated) {
  std::vector<std::string> missing;
  if (!to) missing.emplace_back("To");
  if (!from) missing.emplace_back("From");
  if (!call_id) missing.emplace_back("Call-ID");
  if (!cseq) missing.emplace_back("CSeq");
  if (!missing.empty()) return {false, "Missing " + join(missing) + " header"};
  return {false, "Multiple values in single-value header " + std::string(canonical_name(*repeated))};
}

// The same check on the Message's rows: one pass over the row ids.
ResponseVerdict check_single_values(const Message& resp) {
  std::array<uint8_t, 4> rows{};  // To, From, Call-ID, CSeq
  std::optional<HeaderId> repeated;
  for (const Header& h : resp.headers()) {
    int k = h.id == HeaderId::To       ? 0
            : h.id == HeaderId::From   ? 1
            : h.id == HeaderId::CallId ? 2
            : h.id == HeaderId::CSeq   ? 3
                                       : -1;
    if (k < 0) continue;
    if (rows[static_cast<std::size_t>(k)]++ == 1 && !repeated) repeated = h.id;
  }
  if (rows[0] && rows[1] && rows[2] && rows[3] && !repeated) return {true, {}};
  return missing_or_repeated(rows[0], rows[1], rows[2], rows[3], repeated);
}

}  // namespace

ResponseVerdict validate_response(const Message& resp, ResponseRole role, const ParsedMessage* parsed) {
  if (!resp.is_response()) return {false, "not a response"};
  const std::size_t vias = parsed ? parsed->vias().size() : resp.header_values(HeaderId::Via).size();
  if (vias == 0) return {false, "response has no Via"};
  // The parser kept the typed values and noted a repeated row.
  if (parsed) {
    if (!parsed->to() || !parsed->from() || !parsed->call_id() || !parsed->cseq() || parsed->repeated_single_value())
      return missing_or_repeated(parsed->to(), parsed->from(), parsed->call_id().has_value(),
                                 parsed->cseq().has_value(), parsed->repeated_single_value());
  } else if (auto verdict = check_single_values(resp); !verdict.accept) {
    return verdict;
  }
  if (role == ResponseRole::Uac) {
    // §8.1.3.3: more than one Via means it was meant for someone else.
    if (vias > 1) return {false, "response to a UAC carries more than one Via"};
    return {true, {}};
  }
  // §16.7 step 3: the proxy removes its own Via and forwards along the
  // next one, which must be a usable unicast destination.
  if (vias < 2) return {false, "no Via left to forward the response to"};
  if (parsed) return check_next_via(parsed->vias()[1]);
  auto list = resp.vias();
  if (list.size() < 2) return {false, "malformed Via"};
  return check_next_via(list[1]);
}

Message make_rejection_response(const Message& request, const Rejection& rejection,
                                std::optional<std::string_view> to_tag) {
  Message r = make_response(request, rejection.status_code, rejection.reason, to_tag);
  // Keep Content-Length last, after the extra headers.
  r.remove_header(HeaderId::ContentLength);
  for (const auto& [name, value] : rejection.extra_headers) r.add_header(name, value);
  r.add_header("Content-Length", "0");
  return r;
}

}  // namespace siplab::sip
