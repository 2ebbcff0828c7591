#include "models/sip/txn/matching.h"

#include <cctype>

#include "models/sip/transport/branch.h"

namespace siplab::sip {

void client_key_into(std::string& out, std::string_view branch, std::string_view method) {
  out.clear();
  out.reserve(branch.size() + method.size() + 1);
  out.append(branch).push_back('\n');
  out.append(method);
}

std::string client_key(std::string_view branch, std::string_view method) {
  std::string key;
  client_key_into(key, branch, method);
  return key;
}

std::optional<std::string> client_key(const Message& response) {
  const auto via = response.top_via();
  const auto cseq = response.cseq();
  if (!via || !cseq) return std::nullopt;
  const auto branch = via->branch();
  if (!branch) return std::nullopt;
  return client_key(*branch, cseq->method);
}

std::optional<std::string> server_key(const Message& request,
                                      std::optional<std::string_view> method_override) {
  const auto via = request.top_via();
  if (!via) return std::nullopt;
  return server_key(*via, method_override ? *method_override : request.method());
}

std::optional<std::string> server_key(const Via& via, std::string_view method) {
  const auto branch = via.branch();
  if (!branch) return std::nullopt;
  return server_key(*branch, via.sent_by(), method);
}

std::optional<std::string> server_key(std::string_view branch, std::string_view sent_by, std::string_view method) {
  std::string key;
  if (!server_key_into(key, branch, sent_by, method)) return std::nullopt;
  return key;
}

bool server_key_into(std::string& key, std::string_view branch, std::string_view sent_by, std::string_view method) {
  key.clear();
  if (!is_rfc3261_branch(branch)) return false;
  if (method == "ACK") method = "INVITE";
  key.reserve(branch.size() + sent_by.size() + method.size() + 2);
  key.append(branch).push_back('\n');
  // sent-by host compares case-insensitively (hosts are case-insensitive).
  for (char c : sent_by) key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  key.push_back('\n');
  key.append(method);
  return true;
}

namespace {

// The fields every RFC 2543 comparison shares: Request-URI, From tag,
// Call-ID, CSeq number and top Via.
bool common_2543_fields_match(const Message& a, const Message& b) {
  if (!uri_equivalent(a.request_uri(), b.request_uri())) return false;
  if (a.from_tag() != b.from_tag()) return false;
  if (a.call_id() != b.call_id()) return false;
  const auto ca = a.cseq();
  const auto cb = b.cseq();
  if (!ca || !cb || ca->number != cb->number) return false;
  return a.top_via() == b.top_via();
}

}  // namespace

bool rfc2543_matches(const Message& original, std::string_view response_to_tag, const Message& incoming) {
  if (!common_2543_fields_match(original, incoming)) return false;
  const std::string incoming_to_tag = incoming.to_tag().value_or("");
  if (incoming.method() == "ACK") {
    return original.method() == "INVITE" && incoming_to_tag == response_to_tag;
  }
  if (incoming.method() != original.method()) return false;
  return incoming_to_tag == original.to_tag().value_or("");
}

bool rfc2543_cancel_matches(const Message& invite, const Message& cancel) {
  if (invite.method() != "INVITE") return false;
  if (!common_2543_fields_match(invite, cancel)) return false;
  return cancel.to_tag().value_or("") == invite.to_tag().value_or("");
}

}  // namespace siplab::sip
