#include "models/sip/transport/message_summary.h"

#include <algorithm>

#include "models/sip/message/parser.h"

namespace siplab::sip {

namespace {

bool is_lws(char c) { return c == ' ' || c == '\t'; }

// Index just past the quoted-string that opens at `i` (§25.1: quoted-pair
// escapes one character); the size when it never closes.
std::size_t skip_quoted(std::string_view v, std::size_t i) {
  for (++i; i < v.size(); ++i) {
    if (v[i] == '\\') {
      ++i;
    } else if (v[i] == '"') {
      return i + 1;
    }
  }
  return v.size();
}

// The value of parameter `name` in `*( SEMI generic-param )` starting at
// `i` (§25.1: generic-param = token [ EQUAL gen-value ], gen-value = token
// / host / quoted-string, LWS allowed around SEMI and EQUAL).  Scanning
// stops at a top-level comma when `stop_at_comma` (the next via-parm).
// Valueless parameter → empty value; absent → nullopt.
std::optional<std::string_view> param_value_at(std::string_view v, std::size_t i, std::string_view name,
                                               bool stop_at_comma) {
  const std::size_t n = v.size();
  for (;;) {
    while (i < n && is_lws(v[i])) ++i;
    if (i >= n || v[i] != ';') return std::nullopt;  // end, a comma, or not a parameter list
    ++i;
    while (i < n && is_lws(v[i])) ++i;
    const std::size_t name_begin = i;
    while (i < n && !is_lws(v[i]) && v[i] != '=' && v[i] != ';' && v[i] != ',') ++i;
    const std::string_view param = v.substr(name_begin, i - name_begin);
    while (i < n && is_lws(v[i])) ++i;
    std::string_view value;
    if (i < n && v[i] == '=') {
      ++i;
      while (i < n && is_lws(v[i])) ++i;
      const std::size_t value_begin = i;
      if (i < n && v[i] == '"') {
        i = skip_quoted(v, i);
      } else {
        while (i < n && !is_lws(v[i]) && v[i] != ';' && v[i] != ',') ++i;
      }
      value = v.substr(value_begin, i - value_begin);
    }
    if (iequals(param, name)) return value;
    while (i < n && is_lws(v[i])) ++i;
    if (i < n && v[i] == ',' && stop_at_comma) return std::nullopt;
  }
}

}  // namespace

std::optional<std::string_view> name_addr_tag(std::string_view value) {
  // §20.20 / §20.39: from-spec = ( name-addr / addr-spec ) *( SEMI from-param ).
  // A name-addr's parameters follow its ">"; §20.10: an addr-spec holding a
  // ';' must be bracketed, so in the bare form the first ';' starts them.
  // A display-name is tokens or a quoted-string (which may hold '<' or ';').
  for (std::size_t i = 0; i < value.size();) {
    const char c = value[i];
    if (c == '"') {
      i = skip_quoted(value, i);
    } else if (c == '<') {
      const std::size_t close = value.find('>', i + 1);  // a URI holds no '>' (§25.1)
      if (close == std::string_view::npos) return std::nullopt;
      return param_value_at(value, close + 1, "tag", false);
    } else if (c == ';') {
      return param_value_at(value, i, "tag", false);
    } else {
      ++i;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> via_branch(std::string_view value) {
  // §20.42: via-parm = sent-protocol LWS sent-by *( SEMI via-params ); the
  // protocol and sent-by hold neither ';' nor ',' (an IPv6 reference is
  // bracketed), so the first of them ends the sent-by.
  std::size_t end = 0;
  while (end < value.size() && value[end] != ';' && value[end] != ',') ++end;
  if (end == value.size() || value[end] == ',') return std::nullopt;
  return param_value_at(value, end, "branch", true);
}

MessageSummary summarize(const Message& message) {
  MessageSummary s;
  s.first_line = message.start_line();
  if (auto id = message.call_id()) s.call_id = *id;
  if (auto cseq = message.cseq()) s.cseq = cseq->to_string();
  // The identifying parameters are read straight from the rows: a summary
  // is made for every message a traced node sends or receives, and parsing
  // the whole Via and name-addrs for three parameters cost more than the
  // rest of the trace record.
  if (auto via = message.header(HeaderId::Via)) {
    if (auto branch = via_branch(*via)) s.branch = *branch;
  }
  if (auto from = message.header(HeaderId::From)) {
    if (auto tag = name_addr_tag(*from)) s.from_tag = *tag;
  }
  if (auto to = message.header(HeaderId::To)) {
    if (auto tag = name_addr_tag(*to)) s.to_tag = *tag;
  }
  return s;
}

MessageSummary summarize_unparsed(std::string_view bytes) {
  MessageSummary s;
  const std::size_t end = std::min(bytes.find("\r\n"), std::min<std::size_t>(bytes.size(), 200));
  s.first_line.assign(bytes.substr(0, end));
  return s;
}

MessageSummary summarize_wire(std::string_view bytes) {
  auto parsed = parse_message(bytes, Framing::Datagram);
  if (!parsed) return summarize_unparsed(bytes);
  return summarize(*parsed);
}

}  // namespace siplab::sip
