// `siplab parse FILE|- [--check-request] [--role uas|proxy|registrar]`:
// parse one SIP message (as a UDP datagram, RFC 3261 §18.3) and print it as
// JSON: start line, every header row in order, typed fields of the known
// headers, body length.  Exit 0 when it is valid; 1 with the reason and
// byte offset on stderr when it is not, or when --check-request finds that
// the receiver would reject it (the JSON then names the response code);
// 2 when the file cannot be read.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "models/sip/message/parser.h"
#include "models/sip/message/validation.h"
#include "sim/cli/command_registry.h"

namespace {

using json = nlohmann::ordered_json;  // keeps start line first, headers in order
using namespace siplab::sip;

json params_json(const ParamList& params) {
  json out = json::array();
  for (const Param& p : params) out.push_back({{"name", p.name}, {"value", p.value ? json(*p.value) : json(nullptr)}});
  return out;
}

json uri_json(const Uri& u) {
  json j = {{"text", u.to_string()}, {"scheme", u.scheme_text}};
  if (!u.is_sip_or_sips()) {
    j["opaque"] = u.opaque;
    return j;
  }
  j["user"] = u.user;
  if (auto plain = unescape(u.user); plain && *plain != u.user) j["user_unescaped"] = *plain;
  if (u.password) j["password"] = *u.password;
  j["host"] = u.host;
  j["host_kind"] = u.host_kind == HostKind::IPv4 ? "ipv4" : u.host_kind == HostKind::IPv6 ? "ipv6" : "name";
  j["port"] = u.port ? json(*u.port) : json(nullptr);
  j["params"] = params_json(u.params);
  json headers = json::array();
  for (const UriHeader& h : u.headers) headers.push_back({{"name", h.name}, {"value", h.value}});
  j["headers"] = headers;
  return j;
}

json name_addr_json(const NameAddr& na) {
  json j = {{"uri", uri_json(na.uri)}, {"angle_brackets", na.angle_brackets}, {"params", params_json(na.params)}};
  if (na.display_quoted || !na.display_name.empty()) j["display_name"] = na.display_name_text();
  return j;
}

json typed_json(const Message& m) {
  json t = json::object();
  if (m.row_count(HeaderId::Via)) {
    json vias = json::array();
    for (const Via& v : m.vias())
      vias.push_back({{"protocol", v.protocol_name + "/" + v.protocol_version},
                      {"transport", v.transport},
                      {"host", v.host},
                      {"port", v.port ? json(*v.port) : json(nullptr)},
                      {"branch", v.branch() ? json(std::string(*v.branch())) : json(nullptr)},
                      {"params", params_json(v.params)}});
    t["via"] = vias;
  }
  if (auto f = m.from()) t["from"] = name_addr_json(*f);
  if (auto to = m.to()) t["to"] = name_addr_json(*to);
  if (auto id = m.call_id()) t["call_id"] = std::string(*id);
  if (auto c = m.cseq()) t["cseq"] = {{"number", c->number}, {"method", c->method}};
  if (m.row_count(HeaderId::Contact)) {
    ContactList cl = m.contacts();
    json list = json::array();
    for (const NameAddr& na : cl.contacts) list.push_back(name_addr_json(na));
    t["contact"] = {{"star", cl.star}, {"values", list}};
  }
  if (auto mf = m.max_forwards()) t["max_forwards"] = *mf;
  for (auto [id, key] : {std::pair{HeaderId::Route, "route"}, std::pair{HeaderId::RecordRoute, "record_route"}}) {
    if (!m.row_count(id)) continue;
    json list = json::array();
    for (const NameAddr& na : id == HeaderId::Route ? m.routes() : m.record_routes()) list.push_back(name_addr_json(na));
    t[key] = list;
  }
  if (auto ct = m.content_type()) t["content_type"] = {{"type", ct->type}, {"subtype", ct->subtype}, {"params", params_json(ct->params)}};
  if (auto cl = m.content_length()) t["content_length"] = *cl;
  if (auto e = m.expires()) t["expires"] = *e;
  if (auto e = m.min_expires()) t["min_expires"] = *e;
  for (auto [id, key] : {std::pair{HeaderId::Require, "require"}, std::pair{HeaderId::ProxyRequire, "proxy_require"},
                         std::pair{HeaderId::Supported, "supported"}, std::pair{HeaderId::Unsupported, "unsupported"},
                         std::pair{HeaderId::Allow, "allow"}}) {
    if (!m.row_count(id)) continue;
    json list = json::array();
    for (std::string_view v : m.header_values(id)) list.push_back(std::string(v));
    t[key] = list;
  }
  for (auto [id, key] : {std::pair{HeaderId::WwwAuthenticate, "www_authenticate"},
                         std::pair{HeaderId::Authorization, "authorization"},
                         std::pair{HeaderId::ProxyAuthenticate, "proxy_authenticate"},
                         std::pair{HeaderId::ProxyAuthorization, "proxy_authorization"}}) {
    if (!m.row_count(id)) continue;
    json list = json::array();
    for (std::string_view v : m.header_values(id)) list.push_back(std::string(v));
    t[key] = list;
  }
  if (auto r = m.retry_after()) t["retry_after"] = {{"seconds", r->seconds}, {"comment", r->comment}, {"params", params_json(r->params)}};
  if (auto d = m.date()) t["date"] = d->to_string();
  if (m.row_count(HeaderId::Warning)) {
    json list = json::array();
    for (const Warning& w : m.warnings()) list.push_back({{"code", w.code}, {"agent", w.agent}, {"text", w.text}});
    t["warning"] = list;
  }
  if (auto ua = m.user_agent()) t["user_agent"] = std::string(*ua);
  if (auto s = m.server()) t["server"] = std::string(*s);
  return t;
}

json message_json(const Message& m) {
  json j;
  j["type"] = m.is_request() ? "request" : "response";
  j["start_line"] = m.start_line();
  j["version"] = std::string(m.version());
  if (m.is_request()) {
    j["method"] = std::string(m.method());
    j["request_uri"] = uri_json(m.request_uri());
  } else {
    j["status_code"] = m.status_code();
    j["reason"] = std::string(m.reason());
  }
  json headers = json::array();
  for (const Header& h : m.headers()) {
    json row = {{"name", h.name}, {"value", h.value}};
    if (h.id != HeaderId::Other) row["canonical"] = std::string(canonical_name(h.id));
    headers.push_back(row);
  }
  j["headers"] = headers;
  j["typed"] = typed_json(m);
  j["body_length"] = m.body().size();
  return j;
}

std::string dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

// Why bytes that did not parse get no answer, or nullopt when the receiver
// answers them (with the parse error's code).
struct Unanswered {
  bool response;  // the bytes are a response
  std::string reason;
};
std::optional<Unanswered> why_unanswered(std::string_view bytes) {
  // The parser's test for a status line: after any leading CRLFs (§7.5),
  // a first word starting "SIP/" in any case.
  std::size_t at = 0;
  while (bytes.substr(at, 2) == "\r\n") at += 2;
  if (bytes.size() - at >= 4 && iequals(bytes.substr(at, 4), "SIP/"))
    // RFC 4475 §3.1.2.5 / §3.1.2.19: a malformed response is discarded;
    // responses are never answered.
    return Unanswered{true, "malformed response (responses are never answered; RFC 4475 §3.1.2.19)"};
  if (bytes.substr(at, 4) == "ACK ")
    return Unanswered{false, "malformed ACK (no response is sent to an ACK; RFC 3261 §17)"};
  return std::nullopt;
}

struct ParseArgs {
  std::string path;
  bool check_request = false;
  std::string role = "uas";
};

int run_parse(const ParseArgs& args) {
  std::string bytes;
  if (args.path == "-") {
    bytes.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(args.path, std::ios::binary);
    if (!in) {
      std::cerr << args.path << ": cannot read file\n";
      return siplab::cli::kExitBadInput;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
  }
  const std::string& name = args.path == "-" ? std::string("<stdin>") : args.path;
  const Role role = args.role == "proxy" ? Role::Proxy : args.role == "registrar" ? Role::Registrar : Role::Uas;
  auto parsed = parse_message(bytes);
  if (!parsed) {
    const ParseError& e = parsed.error();
    std::cerr << name << ": byte " << e.offset << ": " << e.reason << "\n";
    if (args.check_request) {
      json out = {{"valid", false}, {"offset", e.offset}, {"reason", e.reason}};
      // As SipStack::answer_unparsable_request: responses and ACKs are
      // dropped, never answered.
      if (auto why = why_unanswered(bytes)) {
        if (!why->response) out["response"] = nullptr;
        out["accepted"] = false;
        out["drop_reason"] = why->reason;
        std::cerr << name << ": " << (why->response ? std::string("a UAC") : args.role) << " would drop it: "
                  << why->reason << "\n";
      } else {
        Rejection r = rejection_for(e, role);
        out["response"] = {{"code", r.status_code}, {"reason", r.reason}};
      }
      std::cout << dump(out) << "\n";
    }
    return siplab::cli::kExitFailed;
  }
  json out = message_json(*parsed);
  int rc = siplab::cli::kExitOk;
  if (args.check_request) {
    if (parsed->is_request()) {
      ValidationOptions options;
      options.role = role;
      auto rejection = validate_request(*parsed, options);
      if (rejection && parsed->method() == "ACK") {
        // RFC 3261 §17: no response is ever sent to an ACK; the stack drops
        // one that fails validation.
        out["response"] = nullptr;
        out["accepted"] = false;
        out["drop_reason"] = rejection->reason;
        std::cerr << name << ": " << args.role << " would drop it (an ACK is never answered): "
                  << rejection->reason << "\n";
        rc = siplab::cli::kExitFailed;
      } else if (rejection) {
        json extra = json::array();
        for (const ExtraHeader& h : rejection->extra_headers) extra.push_back({{"name", h.name}, {"value", h.value}});
        out["response"] = {{"code", rejection->status_code}, {"reason", rejection->reason}, {"headers", extra}};
        std::cerr << name << ": " << args.role << " would answer " << rejection->status_code << " "
                  << rejection->reason << "\n";
        rc = siplab::cli::kExitFailed;
      } else {
        out["response"] = nullptr;
      }
    } else {
      auto verdict = validate_response(*parsed, ResponseRole::Uac);
      out["accepted"] = verdict.accept;
      if (!verdict.accept) {
        out["drop_reason"] = verdict.reason;
        std::cerr << name << ": a UAC would drop it: " << verdict.reason << "\n";
        rc = siplab::cli::kExitFailed;
      }
    }
  }
  std::cout << dump(out) << "\n";
  return rc;
}

const siplab::cli::CommandRegistrar kParseCommand{
    "parse", [](CLI::App& app, int* exit_code) {
      auto args = std::make_shared<ParseArgs>();
      CLI::App* cmd = app.add_subcommand("parse", "Parse one SIP message (a UDP datagram) and print it as JSON");
      cmd->add_option("FILE", args->path, "message file, or - for stdin")->required();
      cmd->add_flag("--check-request", args->check_request,
                    "also apply receiver validation and print the response the receiver would send");
      cmd->add_option("--role", args->role, "receiver for --check-request")
          ->check(CLI::IsMember({"uas", "proxy", "registrar"}));
      cmd->callback([args, exit_code] { *exit_code = run_parse(*args); });
    }};

}  // namespace
