#include "sim/runtime/dns_server_app.h"

#include <vector>

#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/udp-socket-factory.h"

#include "sim/runtime/ns3_address.h"

namespace siplab::runtime {

DnsServerApp::DnsServerApp(std::shared_ptr<const dns::Authority> authority, IpAddress bind_address,
                           uint16_t port)
    : authority_(std::move(authority)), local_{bind_address, port} {}

void DnsServerApp::StartApplication() {
  socket_ = ns3::Socket::CreateSocket(GetNode(), ns3::UdpSocketFactory::GetTypeId());
  socket_->Bind(to_ns3_socket_address(local_));
  socket_->SetRecvCallback(ns3::MakeCallback(&DnsServerApp::on_readable, this));
}

void DnsServerApp::StopApplication() {
  if (socket_) {
    socket_->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket_->Close();
    socket_ = nullptr;
  }
}

void DnsServerApp::on_readable(ns3::Ptr<ns3::Socket> socket) {
  ns3::Address from;
  while (ns3::Ptr<ns3::Packet> packet = socket->RecvFrom(from)) {
    std::vector<uint8_t> bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    const Endpoint client = endpoint_from_ns3(from);
    const Instant now{ns3::Simulator::Now().GetNanoSeconds()};

    std::optional<dns::Message> query;
    std::optional<dns::Message> answer;
    std::vector<uint8_t> reply;
    auto decoded = dns::decode(bytes);
    if (decoded.message && !decoded.message->qr) {
      query = std::move(decoded.message);
      answer = authority_->answer(*query);
      reply = dns::encode(*answer, dns::kUdpPayloadLimit);
    } else {
      // Undecodable (or a response sent to a server): the core answers
      // FORMERR when the header is readable, nothing otherwise.
      reply = authority_->handle_query(bytes);
      if (!reply.empty()) {
        auto formerr = dns::decode(reply);
        if (formerr.message) answer = std::move(formerr.message);
      }
    }
    if (!reply.empty()) {
      socket->SendTo(ns3::Create<ns3::Packet>(reply.data(), reply.size()), 0, from);
      ++served_;
    }
    if (observer_) observer_(now, client, local_, query, answer);
  }
}

}  // namespace siplab::runtime
