// ns-3 Application hosting the authoritative DNS core (models/dns/authority.h)
// on UDP port 53 of its node address.
#pragma once

#include <functional>
#include <memory>

#include "ns3/application.h"
#include "ns3/socket.h"

#include "models/common/address.h"
#include "models/common/time.h"
#include "models/dns/authority.h"
#include "models/dns/message.h"

namespace siplab::runtime {

class DnsServerApp : public ns3::Application {
 public:
  // Called once per query answered: when it arrived (the answer leaves at the
  // same instant), from whom, the decoded query (nullopt when undecodable)
  // and the answer sent (nullopt when nothing was sent).
  using ServeObserver = std::function<void(Instant now, const Endpoint& client, const Endpoint& server,
                                           const std::optional<dns::Message>& query,
                                           const std::optional<dns::Message>& answer)>;

  DnsServerApp(std::shared_ptr<const dns::Authority> authority, IpAddress bind_address, uint16_t port = 53);

  void set_observer(ServeObserver observer) { observer_ = std::move(observer); }
  uint64_t queries_served() const { return served_; }

 private:
  void StartApplication() override;
  void StopApplication() override;
  void on_readable(ns3::Ptr<ns3::Socket> socket);

  std::shared_ptr<const dns::Authority> authority_;
  Endpoint local_;
  ns3::Ptr<ns3::Socket> socket_;
  ServeObserver observer_;
  uint64_t served_ = 0;
};

}  // namespace siplab::runtime
