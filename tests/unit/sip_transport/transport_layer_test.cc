// TransportLayer: §18.1.1 size rule, connection reuse, stream framing,
// parse drops.
#include <gtest/gtest.h>

#include "models/sip/transport/transport_layer.h"

namespace siplab::sip {
namespace {

TransportConfig config() {
  TransportConfig c;
  c.address = IpAddress::v4(192, 0, 2, 2);
  c.udp_port = 5060;
  c.tcp_port = 5062;
  return c;
}

const Endpoint kPeer{IpAddress::v4(192, 0, 2, 1), 5060};

constexpr std::string_view kOptions =
    "OPTIONS sip:bob@192.0.2.2 SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKs1\r\n"
    "From: <sip:a@a>;tag=1\r\nTo: <sip:b@b>\r\nCall-ID: s1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
    "Content-Length: 0\r\n\r\n";

TEST(TransportLayer, SizeRuleMovesLargeUdpRequestsToTcp) {
  TransportLayer t(config());
  EXPECT_EQ(t.udp_size_threshold(), 1300u);
  EXPECT_EQ(t.transport_for_request(Transport::Udp, 1300), Transport::Udp);
  EXPECT_EQ(t.transport_for_request(Transport::Udp, 1301), Transport::Tcp);
  EXPECT_EQ(t.transport_for_request(Transport::Tcp, 100), Transport::Tcp);
  TransportConfig known = config();
  known.path_mtu = 1000;  // within 200 bytes of the MTU
  EXPECT_EQ(TransportLayer(known).transport_for_request(Transport::Udp, 801), Transport::Tcp);
  EXPECT_EQ(TransportLayer(known).transport_for_request(Transport::Udp, 800), Transport::Udp);
  TransportConfig no_tcp = config();
  no_tcp.tcp_enabled = false;
  EXPECT_EQ(TransportLayer(no_tcp).transport_for_request(Transport::Udp, 5000), Transport::Udp);
}

TEST(TransportLayer, ViaNamesTransportAndListeningPort) {
  TransportLayer t(config());
  EXPECT_EQ(t.make_via(Transport::Udp, "z9hG4bKa").to_string(), "SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKa;rport");
  EXPECT_EQ(t.make_via(Transport::Tcp, "z9hG4bKa").to_string(), "SIP/2.0/TCP 192.0.2.2:5062;branch=z9hG4bKa;rport");
  TransportConfig named = config();
  named.sent_by_host = "proxy.domain.ru";
  named.request_rport = false;
  EXPECT_EQ(TransportLayer(named).make_via(Transport::Udp, "z9hG4bKb").to_string(),
            "SIP/2.0/UDP proxy.domain.ru:5060;branch=z9hG4bKb");
}

TEST(TransportLayer, ViaTextIsTheViaMakeViaBuilds) {
  TransportConfig v6 = config();
  v6.address = *IpAddress::parse("2001:db8::2");
  TransportConfig named = config();
  named.sent_by_host = "proxy.domain.ru";
  named.request_rport = false;
  // Written over what the buffer held (the stack reuses one).
  auto via_text = [](const TransportLayer& t, Transport transport, std::string_view branch) {
    std::string out = "left over from the last request";
    t.via_text_into(out, transport, branch);
    return out;
  };
  for (const TransportConfig& c : {config(), v6, named}) {
    TransportLayer t(c);
    for (Transport transport : {Transport::Udp, Transport::Tcp, Transport::Tls, Transport::Sctp}) {
      EXPECT_EQ(via_text(t, transport, "z9hG4bKx1"), t.make_via(transport, "z9hG4bKx1").to_string());
    }
  }
  EXPECT_EQ(via_text(TransportLayer(v6), Transport::Tcp, "z9hG4bKc"),
            "SIP/2.0/TCP [2001:db8::2]:5062;branch=z9hG4bKc;rport");
  EXPECT_EQ(via_text(TransportLayer(named), Transport::Udp, "z9hG4bKb"),
            "SIP/2.0/UDP proxy.domain.ru:5060;branch=z9hG4bKb");
}

TEST(TransportLayer, StreamSendsOpenOnceThenReuseTheConnection) {
  TransportLayer t(config());
  const MessageSummary s;
  const auto first = t.send(Instant{}, Transport::Tcp, kPeer, std::nullopt, "one", s, false);
  const auto second = t.send(Instant{}, Transport::Tcp, kPeer, std::nullopt, "two", s, false);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first, second);
  auto a = t.poll_transmit();
  auto b = t.poll_transmit();
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(a->open_connection);
  EXPECT_FALSE(b->open_connection);
  // Our end of the connection: the node address and an ephemeral port the
  // driver binds (the Via names the listening port, 5062, not this).
  EXPECT_EQ(a->source, (Endpoint{IpAddress::v4(192, 0, 2, 2), 49152}));
  EXPECT_EQ(b->source, a->source);
  // After the connection closes, the next send opens a new one, from the
  // next port.
  EXPECT_TRUE(t.close(*first));
  const auto third = t.send(Instant{}, Transport::Tcp, kPeer, std::nullopt, "three", s, false);
  EXPECT_NE(third, first);
  auto c = t.poll_transmit();
  EXPECT_TRUE(c->open_connection);
  EXPECT_EQ(c->source, (Endpoint{IpAddress::v4(192, 0, 2, 2), 49153}));
  // UDP has no connection.
  EXPECT_EQ(t.send(Instant{}, Transport::Udp, kPeer, std::nullopt, "dgram", s, true), std::nullopt);
  auto d = t.poll_transmit();
  EXPECT_TRUE(d->retransmit);
  EXPECT_EQ(d->bytes, "dgram");
}

TEST(TransportLayer, StreamBytesInArbitraryPiecesYieldWholeMessages) {
  TransportLayer t(config());
  const ConnectionId id = t.accept(Transport::Tcp, kPeer, Endpoint{IpAddress::v4(192, 0, 2, 2), 5062});
  const std::string stream = "\r\n\r\n" + std::string(kOptions) + std::string(kOptions);
  std::vector<Received> out;
  for (char c : stream) ASSERT_TRUE(t.receive_stream(Instant{}, id, std::string_view(&c, 1), out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].message.method(), "OPTIONS");
  EXPECT_EQ(out[0].from.connection, id);
  EXPECT_EQ(out[0].from.source, kPeer);
  EXPECT_EQ(out[0].bytes, kOptions.size());
  EXPECT_EQ(t.counters().received, 2u);
}

TEST(TransportLayer, BrokenStreamIsClosedAndCounted) {
  TransportLayer t(config());
  const ConnectionId id = t.accept(Transport::Tcp, kPeer, Endpoint{IpAddress::v4(192, 0, 2, 2), 5062});
  std::string bad(kOptions);
  bad.replace(bad.find("Content-Length: 0\r\n"), 19, "");  // §18.3: mandatory on streams
  std::vector<Received> out;
  EXPECT_FALSE(t.receive_stream(Instant{}, id, bad, out));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(t.counters().stream_errors, 1u);
  EXPECT_EQ(t.poll_close(), id);
  EXPECT_FALSE(t.is_open(id));
  auto event = t.poll_message_event();
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->cause, DropCause::StreamError);
}

TEST(TransportLayer, UnparseableDatagramIsDroppedWithItsReason) {
  TransportLayer t(config());
  EXPECT_FALSE(t.receive_datagram(Instant{}, kPeer, Endpoint{IpAddress::v4(192, 0, 2, 2), 5060}, "garbage").has_value());
  EXPECT_EQ(t.counters().parse_errors, 1u);
  EXPECT_EQ(t.counters().dropped, 1u);
  auto event = t.poll_message_event();
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->action, MessageAction::Dropped);
  EXPECT_EQ(event->cause, DropCause::ParseError);
  EXPECT_TRUE(event->detail.starts_with("byte ")) << event->detail;
  EXPECT_EQ(event->text, "garbage");
}

TEST(TransportLayer, ReceivedDatagramIsSummarizedForTheTrace) {
  TransportLayer t(config());
  auto r = t.receive_datagram(std::chrono::milliseconds(5), kPeer, Endpoint{IpAddress::v4(192, 0, 2, 2), 5060}, kOptions);
  ASSERT_TRUE(r.has_value());
  auto event = t.poll_message_event();
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->action, MessageAction::Received);
  EXPECT_EQ(event->t, std::chrono::milliseconds(5));
  EXPECT_EQ(event->summary.first_line, "OPTIONS sip:bob@192.0.2.2 SIP/2.0");
  EXPECT_EQ(event->summary.call_id, "s1");
  EXPECT_EQ(event->summary.cseq, "1 OPTIONS");
  EXPECT_EQ(event->summary.branch, "z9hG4bKs1");
  EXPECT_EQ(event->summary.from_tag, "1");
  EXPECT_EQ(event->summary.to_tag, "");
}

}  // namespace
}  // namespace siplab::sip
