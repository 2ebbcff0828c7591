#include "models/sip/message/salvage.h"

#include <array>
#include <string>
#include <vector>

#include "models/sip/message/header_names.h"

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
      if (keep_last) rows.back().value += " " + std::string(trim(line));  // §7.3.1 folding
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
    for (size_t i = 0; i < needed.size(); ++i)
      if (header_id(row.name) == needed[i]) seen[i] = true;
    request.add_header(row.name, row.value);
  }
  for (bool s : seen)
    if (!s) return std::nullopt;
  // The answer copies these rows (§8.2.6.2): when they do not parse, it
  // would be as malformed as the request and no client could match it.
  if (!request.top_via() || !request.from() || !request.to() || !request.cseq() || !request.call_id())
    return std::nullopt;
  return request;
}

}  // namespace siplab::sip
