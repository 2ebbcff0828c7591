#include "models/sip/message/salvage.h"

#include <array>
#include <string>
#include <vector>

#include "models/sip/message/header_names.h"
#include "models/sip/message/header_values.h"
#include "models/sip/message/name_addr.h"

namespace siplab::sip {
namespace {

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-.!%*_+`'~").find(c) != std::string_view::npos;  // §25.1 token
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The next line without its line ending; advances `rest` past it.
std::string_view next_line(std::string_view& rest) {
  const size_t end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Whether the answer can echo this row as it is (Via: its first value).
ParseError row_error(HeaderId id, std::string_view value) {
  auto lift = [](const auto& parsed) { return parsed ? ParseError{std::string_view::npos, {}, 0} : parsed.error(); };
  switch (id) {
    case HeaderId::Via: return lift(parse_via(value));
    case HeaderId::From:
    case HeaderId::To: return lift(parse_name_addr(value));
    case HeaderId::CSeq: return lift(parse_cseq(value));
    default: return lift(parse_call_id(value));
  }
}

// A From or To name-addr read liberally, as RFC 4475 allows: spaces just
// inside "<" and ">" dropped (§3.1.2.14, badaspec: "< sip:t.watson@example.org >"),
// and a display name that is not a run of tokens quoted (§3.1.2.15, baddn:
// "Bell, Alexander <sip:a.g.bell@example.com>").  Empty when neither applies.
std::string liberal_name_addr(std::string_view value) {
  const std::size_t lt = value.find('<');
  const std::size_t gt = value.find('>', lt == std::string_view::npos ? 0 : lt);
  if (lt == std::string_view::npos || gt == std::string_view::npos) return {};
  const std::string_view display = trim(value.substr(0, lt));
  std::string out;
  if (!display.empty() && display.front() != '"') {
    out += '"';
    for (char c : display) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += "\" ";
  } else if (!display.empty()) {
    out.append(display).append(" ");
  }
  out.append("<").append(trim(value.substr(lt + 1, gt - lt - 1))).append(value.substr(gt));
  return out;
}

// A row the answer can echo, repaired the way RFC 4475 suggests when it
// does not parse as it is, or nullopt:
//  - an unterminated quoted display name (§3.1.2.6, quotbal) gets its
//    closing quote before the "<" of the address;
//  - a From or To otherwise read liberally (liberal_name_addr);
//  - otherwise the row is cut where it stops parsing, with the separators
//    left dangling there dropped (§3.1.2.1, badinv01: "192.0.2.15;;,;,,").
// Matching needs no more (§17.1.3: branch and CSeq method), and the client
// can parse the answer it gets.
std::optional<std::string> echoable(HeaderId id, std::string_view value) {
  ParseError e = row_error(id, value);
  if (e.offset == std::string_view::npos) return std::string(value);
  std::string repaired;
  const bool name_addr = id == HeaderId::From || id == HeaderId::To;
  const bool open_quote = name_addr && !value.empty() && value.front() == '"';
  const std::size_t lt = value.rfind('<');
  std::string liberal = name_addr ? liberal_name_addr(value) : std::string();
  if (open_quote && value.find('"', 1) == std::string_view::npos && lt != std::string_view::npos) {
    repaired = std::string(trim(value.substr(0, lt))) + "\" " + std::string(value.substr(lt));
  } else if (!liberal.empty() && row_error(id, liberal).offset == std::string_view::npos) {
    repaired = std::move(liberal);
  } else {
    std::string_view head = value.substr(0, std::min(e.offset, value.size()));
    while (!head.empty() && std::string_view(";, \t").find(head.back()) != std::string_view::npos) head.remove_suffix(1);
    repaired = std::string(head);
  }
  if (repaired.empty()) return repaired;  // nothing but separators
  if (row_error(id, repaired).offset != std::string_view::npos) return std::nullopt;
  return repaired;
}

// The row as the answer can echo it: each Via value repaired on its own
// (values that are only separators dropped, so every hop stays on the way
// back), other rows as one value.
std::optional<std::string> echoable_row(HeaderId id, std::string_view value) {
  if (id != HeaderId::Via) {
    auto one = echoable(id, value);
    if (!one || one->empty()) return std::nullopt;
    return one;
  }
  std::string joined;
  for (std::string_view item : split_list(value)) {
    if (item.empty()) continue;
    auto one = echoable(id, item);
    if (!one) return std::nullopt;
    if (one->empty()) continue;
    if (!joined.empty()) joined += ", ";
    joined += *one;
  }
  if (joined.empty()) return std::nullopt;
  return joined;
}

}  // namespace

std::optional<Message> salvage_request_for_reply(std::string_view bytes) {
  std::string_view rest = bytes;
  const std::string_view request_line = next_line(rest);
  const std::string_view method = request_line.substr(0, request_line.find(' '));
  if (method.empty() || method.starts_with("SIP/") || method == "ACK") return std::nullopt;
  for (char c : method)
    if (!is_token_char(c)) return std::nullopt;

  struct Row {
    std::string name;
    std::string value;
  };
  std::vector<Row> rows;
  bool keep_last = false;  // whether the previous row is kept (for folded lines)
  while (!rest.empty()) {
    std::string_view line = next_line(rest);
    if (line.empty()) break;  // end of the headers
    if (line.front() == ' ' || line.front() == '\t') {
      if (keep_last) {  // §7.3.1 folding
        rows.back().value += ' ';
        rows.back().value += trim(line);
      }
      continue;
    }
    const size_t colon = line.find(':');
    keep_last = false;
    if (colon == std::string_view::npos) continue;
    const std::string_view name = trim(line.substr(0, colon));
    const HeaderId id = header_id(name);
    if (id != HeaderId::Via && id != HeaderId::From && id != HeaderId::To && id != HeaderId::CallId &&
        id != HeaderId::CSeq)
      continue;
    rows.push_back({std::string(name), std::string(trim(line.substr(colon + 1)))});
    keep_last = true;
  }

  std::array<bool, 5> seen{};
  const std::array<HeaderId, 5> needed{HeaderId::Via, HeaderId::From, HeaderId::To, HeaderId::CallId,
                                       HeaderId::CSeq};
  Message request = Message::request(method, Uri{});
  for (const Row& row : rows) {
    const HeaderId id = header_id(row.name);
    for (size_t i = 0; i < needed.size(); ++i)
      if (id == needed[i]) seen[i] = true;
    // The answer copies these rows (§8.2.6.2): one that cannot be made to
    // parse would make it as malformed as the request, and no client could
    // read it.
    auto value = echoable_row(id, row.value);
    if (!value) return std::nullopt;
    request.add_header(row.name, *value);
  }
  for (bool s : seen)
    if (!s) return std::nullopt;
  if (!request.top_via() || !request.from() || !request.to() || !request.cseq() || !request.call_id())
    return std::nullopt;
  return request;
}

}  // namespace siplab::sip
