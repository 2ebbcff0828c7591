// RFC 3261 §12 dialog rules: creation at UAC and UAS, route set order,
// requests inside the dialog (loose and strict routing), CSeq checks and
// target refresh.
#include <gtest/gtest.h>

#include "models/sip/dialog/dialog.h"
#include "models/sip/message/parser.h"
#include "models/sip/message/serializer.h"

namespace siplab::sip {
namespace {

Message parse(std::string text) {
  auto parsed = parse_message(text);
  EXPECT_TRUE(parsed.ok()) << parsed.error().reason;
  return parsed.ok() ? std::move(parsed.value()) : Message{};
}

const char* kInvite =
    "INVITE sip:ivan@domain.ru SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bKa\r\n"
    "Max-Forwards: 70\r\n"
    "Record-Route: <sip:p2.example.org;lr>\r\n"
    "Record-Route: <sip:p1.domain.ru;lr>\r\n"
    "From: \"Peter\" <sip:peter@example.org>;tag=ptag\r\n"
    "To: <sip:ivan@domain.ru>\r\n"
    "Call-ID: c1@198.51.100.10\r\n"
    "CSeq: 7 INVITE\r\n"
    "Contact: <sip:peter@198.51.100.10:5060>\r\n"
    "Content-Length: 0\r\n\r\n";

const char* kRinging =
    "SIP/2.0 180 Ringing\r\n"
    "Via: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bKa\r\n"
    "Record-Route: <sip:p2.example.org;lr>\r\n"
    "Record-Route: <sip:p1.domain.ru;lr>\r\n"
    "From: \"Peter\" <sip:peter@example.org>;tag=ptag\r\n"
    "To: <sip:ivan@domain.ru>;tag=itag\r\n"
    "Call-ID: c1@198.51.100.10\r\n"
    "CSeq: 7 INVITE\r\n"
    "Contact: <sip:ivan@192.0.2.31:5060>\r\n"
    "Content-Length: 0\r\n\r\n";

TEST(Dialog, UacBuildsEarlyDialogWithReversedRouteSet) {
  auto d = dialog_as_uac(parse(kInvite), parse(kRinging));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id.to_string(), "c1@198.51.100.10;ptag;itag");
  EXPECT_EQ(d->state, DialogState::Early);
  EXPECT_EQ(d->remote_target.to_string(), "sip:ivan@192.0.2.31:5060");
  ASSERT_EQ(d->route_set.size(), 2u);
  EXPECT_EQ(d->route_set[0].uri.to_string(), "sip:p1.domain.ru;lr");
  EXPECT_EQ(d->route_set[1].uri.to_string(), "sip:p2.example.org;lr");
  EXPECT_EQ(d->local_cseq, 7u);
  EXPECT_FALSE(d->remote_cseq);
  EXPECT_EQ(d->local_uri.to_string(), "\"Peter\" <sip:peter@example.org>");
  EXPECT_EQ(d->remote_uri.to_string(), "<sip:ivan@domain.ru>");
}

TEST(Dialog, UasKeepsRecordRouteOrderAndRemoteCSeq) {
  auto d = dialog_as_uas(parse(kInvite), "itag");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id.to_string(), "c1@198.51.100.10;itag;ptag");
  EXPECT_EQ(d->route_set[0].uri.to_string(), "sip:p2.example.org;lr");
  EXPECT_EQ(d->route_set[1].uri.to_string(), "sip:p1.domain.ru;lr");
  EXPECT_EQ(d->remote_cseq, 7u);
  EXPECT_EQ(d->remote_target.to_string(), "sip:peter@198.51.100.10:5060");
}

TEST(Dialog, NoDialogWithoutToTagOrContact) {
  std::string no_tag = kRinging;
  no_tag.replace(no_tag.find(";tag=itag"), 9, "");
  EXPECT_FALSE(dialog_as_uac(parse(kInvite), parse(no_tag)));
  std::string no_contact = kInvite;
  no_contact.replace(no_contact.find("Contact: <sip:peter@198.51.100.10:5060>\r\n"), 41, "");
  EXPECT_FALSE(dialog_as_uas(parse(no_contact), "itag"));
}

TEST(Dialog, LooseRoutedRequestKeepsTargetAsRequestUri) {
  auto d = dialog_as_uac(parse(kInvite), parse(kRinging));
  ASSERT_TRUE(d);
  DialogRequest bye = make_dialog_request(*d, "BYE");
  EXPECT_EQ(serialize(bye.request),
            "BYE sip:ivan@192.0.2.31:5060 SIP/2.0\r\n"
            "Max-Forwards: 70\r\n"
            "To: <sip:ivan@domain.ru>;tag=itag\r\n"
            "From: \"Peter\" <sip:peter@example.org>;tag=ptag\r\n"
            "Call-ID: c1@198.51.100.10\r\n"
            "CSeq: 8 BYE\r\n"
            "Route: <sip:p1.domain.ru;lr>, <sip:p2.example.org;lr>\r\n"
            "\r\n");
  EXPECT_EQ(bye.next_hop.to_string(), "sip:p1.domain.ru;lr");
  EXPECT_EQ(d->local_cseq, 8u);
  DialogRequest ack = make_dialog_request(*d, "ACK", 7);
  EXPECT_EQ(ack.request.cseq()->to_string(), "7 ACK");
  EXPECT_EQ(d->local_cseq, 8u);
}

TEST(Dialog, StrictRouterBecomesRequestUriAndTargetGoesLast) {
  auto d = dialog_as_uac(parse(kInvite), parse(kRinging));
  ASSERT_TRUE(d);
  d->route_set = {*parse_name_addr("<sip:strict.domain.ru>"), *parse_name_addr("<sip:p2.example.org;lr>")};
  DialogRequest bye = make_dialog_request(*d, "BYE");
  EXPECT_EQ(bye.request.request_uri().to_string(), "sip:strict.domain.ru");
  auto routes = bye.request.routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].uri.to_string(), "sip:p2.example.org;lr");
  EXPECT_EQ(routes[1].uri.to_string(), "sip:ivan@192.0.2.31:5060");
  EXPECT_EQ(bye.next_hop.to_string(), "sip:strict.domain.ru");
}

TEST(Dialog, NoRouteSetGoesStraightToTheTarget) {
  auto d = dialog_as_uas(parse(kInvite), "itag");
  ASSERT_TRUE(d);
  d->route_set.clear();
  DialogRequest bye = make_dialog_request(*d, "BYE");
  EXPECT_TRUE(bye.request.routes().empty());
  EXPECT_EQ(bye.next_hop.to_string(), "sip:peter@198.51.100.10:5060");
  EXPECT_EQ(bye.request.cseq()->to_string(), "1 BYE");  // the UAS's own numbering
  EXPECT_EQ(bye.request.to()->to_string(), "\"Peter\" <sip:peter@example.org>;tag=ptag");
}

TEST(Dialog, RemoteCSeqLowerThanLastIsOutOfOrder) {
  auto d = dialog_as_uas(parse(kInvite), "itag");
  ASSERT_TRUE(d);
  auto request_with = [](uint32_t n, std::string method) {
    Message m = Message::request(method, *parse_uri("sip:ivan@192.0.2.31"));
    m.set_cseq(CSeq{n, method});
    return m;
  };
  EXPECT_EQ(check_remote_cseq(*d, request_with(6, "BYE")), CSeqCheck::OutOfOrder);
  EXPECT_EQ(d->remote_cseq, 7u);
  EXPECT_EQ(check_remote_cseq(*d, request_with(9, "BYE")), CSeqCheck::Accept);
  EXPECT_EQ(d->remote_cseq, 9u);
  EXPECT_EQ(check_remote_cseq(*d, request_with(7, "ACK")), CSeqCheck::Accept);
  EXPECT_EQ(d->remote_cseq, 9u);
}

TEST(Dialog, TargetRefreshReplacesRemoteTarget) {
  auto d = dialog_as_uas(parse(kInvite), "itag");
  ASSERT_TRUE(d);
  std::string reinvite = kInvite;
  reinvite.replace(reinvite.find("sip:peter@198.51.100.10:5060"), 28, "sip:peter@203.0.113.5:5070");
  EXPECT_TRUE(refresh_remote_target(*d, parse(reinvite)));
  EXPECT_EQ(d->remote_target.to_string(), "sip:peter@203.0.113.5:5070");
  EXPECT_FALSE(refresh_remote_target(*d, parse(reinvite)));
  EXPECT_EQ(to_string(DialogState::Confirmed), "confirmed");
}

}  // namespace
}  // namespace siplab::sip
