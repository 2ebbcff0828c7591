// Uri (SIP message library) → LocateRequest (locator core).
#include "models/sip/locate/uri_request.h"

#include <gtest/gtest.h>

namespace siplab::sip::locate {
namespace {

LocateRequest convert(std::string_view text) {
  auto uri = parse_uri(text);
  EXPECT_TRUE(uri.ok()) << text;
  std::string error;
  auto request = to_locate_request(*uri, &error);
  EXPECT_TRUE(request.has_value()) << error;
  return request.value_or(LocateRequest{});
}

TEST(UriRequest, CarriesHostPortTransportAndMaddr) {
  LocateRequest r = convert("sip:ivan@domain.ru:5070;transport=TCP;maddr=192.0.2.20");
  EXPECT_FALSE(r.secure);
  EXPECT_EQ(r.host, "domain.ru");
  EXPECT_EQ(r.port, 5070);
  EXPECT_EQ(r.transport, "TCP");
  EXPECT_EQ(r.maddr, "192.0.2.20");
}

TEST(UriRequest, SipsIpv6WithoutBrackets) {
  LocateRequest r = convert("sips:[2001:db8::10]:5071");
  EXPECT_TRUE(r.secure);
  EXPECT_EQ(r.host, "2001:db8::10");
  EXPECT_EQ(r.port, 5071);
  EXPECT_FALSE(r.transport.has_value());
  EXPECT_FALSE(r.maddr.has_value());
}

TEST(UriRequest, UnescapesParameterValues) {
  LocateRequest r = convert("sip:domain.ru;transport=%74cp");
  EXPECT_EQ(r.transport, "tcp");
  EXPECT_FALSE(r.port.has_value());
}

TEST(UriRequest, RejectsOtherSchemes) {
  auto uri = parse_uri("tel:+74951234567");
  ASSERT_TRUE(uri.ok());
  std::string error;
  EXPECT_FALSE(to_locate_request(*uri, &error).has_value());
  EXPECT_EQ(error, "only sip: and sips: URIs can be located (RFC 3263)");
}

}  // namespace
}  // namespace siplab::sip::locate
