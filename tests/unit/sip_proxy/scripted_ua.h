// Test helpers for the proxy and registrar tests: a scripted user agent
// (a TransactionUser that records what reaches it and answers only when the
// test tells it to, except CANCEL which it handles like a UAS, §9.2), and
// a world of SIP nodes on the in-memory network around one ProxyCore.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "models/dns/zone.h"
#include "models/sip/core/proxy/proxy.h"
#include "models/sip/message/parser.h"
#include "tests/support/node/node_network.h"

namespace siplab::sip::proxytest {

using namespace std::chrono_literals;

inline const IpAddress kDns = *IpAddress::parse("192.0.2.53");
inline const IpAddress kProxy = *IpAddress::parse("192.0.2.10");

class ScriptedUa : public TransactionUser {
 public:
  struct Seen {
    Instant at;
    RequestHandle handle;
    Message message;
  };
  struct Incoming {
    Instant at;
    RequestReceived request;
  };

  void attach(TuContext& context) override { ctx = &context; }
  void on_request(Instant now, RequestReceived&& r) override {
    if (r.request.method() == "CANCEL" && r.txn != kNoTxn) {
      // §9.2: 200 to the CANCEL, 487 to the INVITE it matched.
      ctx->send_response(now, r.txn, make_response(r.request, 200, {}, "uas-tag"));
      if (r.cancels) {
        for (const Incoming& in : requests) {
          if (in.request.txn == *r.cancels) {
            ctx->send_response(now, *r.cancels, make_response(in.request.request, 487, {}, "uas-tag"));
          }
        }
      }
    }
    requests.push_back({now, std::move(r)});
  }
  void on_response(Instant now, RequestHandle h, const Message& response, ResponseOrigin) override {
    responses.push_back({now, h, response});
  }
  void on_stray_response(Instant now, const Message& response) override { strays.push_back({now, 0, response}); }
  void on_server_failure(Instant, TxnId, ServerFailure) override {}
  void on_timer(Instant, TimerCookie) override {}

  // The first received request with this method (nullptr when none).
  const Incoming* request(std::string_view method, std::size_t nth = 0) const {
    for (const Incoming& in : requests) {
      if (in.request.request.method() == method && nth-- == 0) return &in;
    }
    return nullptr;
  }
  std::vector<int> codes() const {
    std::vector<int> out;
    for (const Seen& s : responses) out.push_back(s.message.status_code());
    return out;
  }

  TuContext* ctx = nullptr;
  std::vector<Incoming> requests;
  std::vector<Seen> responses;
  std::vector<Seen> strays;
};

inline Message parse_or_die(std::string text) {
  std::string wire;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) wire += '\r';
    wire += text[i];
  }
  auto parsed = parse_message(wire);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().reason) << "\n" << wire;
  return parsed.ok() ? std::move(parsed.value()) : Message{};
}

inline SipNodeConfig node_config(std::string name, IpAddress address) {
  SipNodeConfig c;
  c.identity.name = std::move(name);
  c.identity.address = address;
  c.resolver.servers = {Endpoint{kDns, 53}};
  return c;
}

inline Uri uri(std::string_view text) { return *parse_uri(text); }

// A proxy for domain.ru at 192.0.2.10 and any number of scripted UAs.
class World {
 public:
  // `stack_validation` false: the proxy node's SipStack passes every request
  // through, so the ProxyCore's own §16.3 checks are what answers.
  explicit World(ProxyConfig config, std::string_view zone_text = {}, bool stack_validation = true)
      : core(std::move(config)) {
    if (!zone_text.empty()) {
      auto zone = dns::parse_zone(zone_text, "test.zone", "example.");
      EXPECT_TRUE(zone.zone) << (zone.errors.empty() ? "" : dns::format_error(zone.errors[0]));
      if (zone.zone) authority.add_zone(std::move(*zone.zone));
    }
    net.add_dns_server("dns", kDns, authority);
    net.set_default_latency(10ms);
    SipNodeConfig proxy_config = node_config("proxy", kProxy);
    configure_proxy_node(proxy_config, core.config());
    proxy_config.stack.validate_requests = stack_validation;
    proxy = std::make_unique<SipNode>(proxy_config, random, core);
    net.add_sip_node(*proxy);
  }

  ScriptedUa& add_ua(const std::string& name, std::string_view address) {
    auto& ua = uas.emplace_back(std::make_unique<ScriptedUa>());
    nodes.push_back(std::make_unique<SipNode>(node_config(name, *IpAddress::parse(address)), random, *ua));
    net.add_sip_node(*nodes.back());
    return *ua;
  }

  // Sends `request` from `node` toward the proxy (or `next_hop`).
  RequestHandle send(const std::string& node, Message request, std::string_view next_hop = "sip:192.0.2.10") {
    RequestHandle handle = kNoRequest;
    net.command(node, [&](TuContext& ctx) { handle = ctx.send_request(net.now(), std::move(request), uri(next_hop)); });
    return handle;
  }
  void send_stateless(const std::string& node, Message request, std::string_view next_hop) {
    net.command(node, [&](TuContext& ctx) { ctx.send_stateless(net.now(), std::move(request), uri(next_hop)); });
  }
  void respond(const std::string& node, TxnId txn, Message response) {
    net.command(node, [&](TuContext& ctx) { ctx.send_response(net.now(), txn, std::move(response)); });
  }
  void cancel(const std::string& node, RequestHandle handle) {
    net.command(node, [&](TuContext& ctx) { ctx.cancel_request(net.now(), handle); });
  }

  // "from>to LABEL" of the SIP packets from index `from` on, in send order;
  // retransmissions only when asked for (they are the transaction layer's
  // business, tested there).
  std::vector<std::string> flow(std::size_t from = 0, bool retransmissions = false) const {
    std::vector<std::string> out;
    for (std::size_t i = from; i < net.packets().size(); ++i) {
      const auto& p = net.packets()[i];
      if (p.dns || (p.retransmit && !retransmissions)) continue;
      out.push_back(p.from_node + ">" + p.to_node + " " + p.label() + (p.retransmit ? " (re)" : ""));
    }
    return out;
  }
  // The text of the n-th SIP packet from `from` to `to` with `label`.
  Message packet(const std::string& from, const std::string& to, std::string_view label, std::size_t nth = 0) const {
    for (const auto& p : net.packets()) {
      if (!p.dns && p.from_node == from && p.to_node == to && p.label() == label && nth-- == 0) {
        return parse_or_die(p.bytes);
      }
    }
    ADD_FAILURE() << "no " << label << " from " << from << " to " << to;
    return {};
  }
  // reg.binding trace events of the proxy as "t aor contact expires action".
  std::vector<std::string> binding_events() {
    std::vector<std::string> out;
    for (const auto& trace : net.traces("proxy")) {
      const auto* tu = std::get_if<TuTrace>(&trace);
      if (!tu || tu->kind != "reg.binding") continue;
      std::string line = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(tu->t).count()) + "ms";
      for (const auto& [name, value] : tu->fields) {
        line += ' ';
        if (auto s = std::get_if<std::string>(&value)) line += *s;
        if (auto i = std::get_if<int64_t>(&value)) line += std::to_string(*i);
      }
      out.push_back(line);
    }
    return out;
  }

  dns::Authority authority;
  testing::NodeNetwork net;
  SeededRandom random{7};
  ProxyCore core;
  std::unique_ptr<SipNode> proxy;
  std::vector<std::unique_ptr<ScriptedUa>> uas;
  std::vector<std::unique_ptr<SipNode>> nodes;
};

}  // namespace siplab::sip::proxytest
