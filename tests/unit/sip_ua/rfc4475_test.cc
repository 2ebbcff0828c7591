// RFC 4475 messages a UA endpoint must refuse (INDEX.tsv
// rfc_expected_handling): fed as datagrams to a UA node, the response code
// the node sends back.
#include <fstream>
#include <sstream>

#include "tests/unit/sip_ua/ua_world.h"

namespace siplab::sip::ua_test {
namespace {

std::string torture(const std::string& name) {
  std::ifstream in(std::string(SIPLAB_RFC4475_DIR) + "/" + name + ".sip", std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The status code of the first SIP response the node transmits for `bytes`.
int answer_to(const std::string& bytes) {
  SeededRandom random(3);
  UserAgent ua(ivan_config());
  SipNode node(node_config("ivan-laptop", kLaptop), random, ua);
  node.handle_datagram(Instant{}, Endpoint{kPeter, 5060}, Endpoint{kLaptop, 5060}, bytes);
  while (auto t = node.poll_transmit()) {
    auto m = parse_message(t->bytes);
    if (m.ok() && m->is_response()) return m->status_code();
  }
  return 0;
}

TEST(UaRfc4475, EndpointRefusals) {
  EXPECT_EQ(answer_to(torture("unkscm")), 416);    // §8.2.2.1 unknown Request-URI scheme
  EXPECT_EQ(answer_to(torture("invut")), 415);     // §8.2.3 body type we do not understand
  EXPECT_EQ(answer_to(torture("regaut01")), 405);  // REGISTER at a non-registrar endpoint
  EXPECT_EQ(answer_to(torture("sdp01")), 406);     // Accept without application/sdp
}

}  // namespace
}  // namespace siplab::sip::ua_test
