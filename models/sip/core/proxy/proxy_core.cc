#include "models/sip/core/proxy/proxy.h"

#include "models/sip/core/proxy/proxy_engine.h"
#include "models/sip/core/proxy/proxy_routing.h"
#include "models/sip/core/proxy/registrar.h"

namespace siplab::sip {

namespace {

// The registrar's single expiry timer (engine cookies start above it).
constexpr TimerCookie kExpiryCookie = 1;
static_assert(kExpiryCookie < ProxyEngine::kFirstCookie);

}  // namespace

ValidationOptions proxy_validation_options(const ProxyConfig& config) {
  ValidationOptions options;
  options.role = Role::Proxy;
  options.supported_extensions = config.supported_extensions;
  return options;
}

void configure_proxy_node(SipNodeConfig& node, const ProxyConfig& config) {
  node.stack.validation = proxy_validation_options(config);
  node.stack.timers.immediate_trying = false;
}

ProxyCore::ProxyCore(ProxyConfig config) : config_(std::move(config)) {
  if (config_.registrar) registrar_ = std::make_unique<Registrar>(*config_.registrar, config_.domain);
  engine_ = std::make_unique<ProxyEngine>(config_, counters_, registrar_.get());
}

ProxyCore::~ProxyCore() = default;

void ProxyCore::attach(TuContext& context) {
  context_ = &context;
  engine_->attach(context);
}

void ProxyCore::on_request(Instant now, RequestReceived&& request) {
  const Message& req = request.request;
  const bool for_us = req.method() == "REGISTER" && request.txn != kNoTxn &&
                      uri_in_our_domain(req.request_uri(), context_->identity(), config_.domain);
  if (!for_us) {
    engine_->on_request(now, std::move(request));
    return;
  }
  if (!registrar_) {
    // §10.3 step 1: only a registrar accepts REGISTER for the domain, and we
    // are the domain's only server: refuse rather than forward to nowhere.
    context_->send_response(now, request.txn, make_response(req, 403, {}, context_->random().token(10)));
    return;
  }
  std::vector<BindingChange> changes;
  Message response = registrar_->handle(now, req, context_->random(), changes, counters_);
  context_->send_response(now, request.txn, std::move(response));
  report(now, changes);
}

void ProxyCore::report(Instant now, const std::vector<BindingChange>& changes) {
  for (const BindingChange& change : changes) {
    TuTrace event;
    event.t = now;
    event.kind = "reg.binding";
    event.fields = {{"aor", change.aor},
                    {"contact", change.contact},
                    {"expires", static_cast<int64_t>(change.expires)},
                    {"action", std::string(to_string(change.action))}};
    context_->trace(std::move(event));
  }
  // Keep one timer at the earliest expiry (§10.3: bindings expire on their
  // own; the trace shows it at that very instant).
  context_->cancel_timer(kExpiryCookie);
  if (auto next = registrar_->next_expiry()) context_->set_timer(*next, kExpiryCookie);
}

void ProxyCore::on_response(Instant now, RequestHandle handle, const Message& response, ResponseOrigin origin) {
  engine_->on_response(now, handle, response, origin);
}

void ProxyCore::on_stray_response(Instant now, const Message& response) {
  engine_->on_stray_response(now, response);
}

void ProxyCore::on_server_failure(Instant now, TxnId txn, ServerFailure reason) {
  engine_->on_server_failure(now, txn, reason);
}

void ProxyCore::on_timer(Instant now, TimerCookie cookie) {
  if (cookie == kExpiryCookie && registrar_) {
    std::vector<BindingChange> changes;
    registrar_->expire(now, changes);
    report(now, changes);
    return;
  }
  engine_->on_timer(now, cookie);
}

std::vector<BindingView> ProxyCore::bindings(std::string_view aor, Instant now) const {
  if (!registrar_) return {};
  auto uri = parse_uri(aor);
  if (!uri) return {};
  auto key = canonical_aor(*uri);
  if (!key) return {};
  return registrar_->bindings(*key, now);
}

}  // namespace siplab::sip
