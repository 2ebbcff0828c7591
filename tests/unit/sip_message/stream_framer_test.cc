// §18.3 stream framing: arbitrary chunking, keep-alives, Content-Length errors.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "models/sip/message/parser.h"
#include "models/sip/message/stream_framer.h"

namespace siplab::sip {
namespace {

const std::string kA = "OPTIONS sip:a@b.com SIP/2.0\r\nCSeq: 1 OPTIONS\r\nContent-Length: 5\r\n\r\nhello";
const std::string kB = "SIP/2.0 200 OK\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n";
const std::string kC =
    "MESSAGE sip:a@b.com SIP/2.0\r\nCSeq: 2 MESSAGE\r\nContent-Length:\r\n 12\r\n\r\nbody\r\n\r\nmore";

std::vector<std::string> drain(StreamFramer& f) {
  std::vector<std::string> out;
  std::string msg;
  while (f.next(msg) == StreamFramer::Status::Message) out.push_back(msg);
  return out;
}

TEST(StreamFramer, ByteByByte) {
  std::string stream = "\r\n\r\n" + kA + "\r\n" + kB + kC + "\r\n\r\n";
  StreamFramer f;
  std::vector<std::string> got;
  for (char c : stream) {
    f.feed(std::string_view(&c, 1));
    for (auto& m : drain(f)) got.push_back(m);
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], kA);
  EXPECT_EQ(got[1], kB);
  EXPECT_EQ(got[2], kC);
  EXPECT_EQ(f.keepalive_crlfs(), 5u);
  EXPECT_FALSE(f.failed());
  EXPECT_EQ(f.buffered(), 0u);
  EXPECT_EQ(f.consumed(), stream.size());
  EXPECT_EQ(parse_message(got[2], Framing::Stream)->body(), "body\r\n\r\nmore");
}

TEST(StreamFramer, EveryChunkSizeGivesTheSameMessages) {
  std::string stream = kA + kB + "\r\n" + kC;
  for (std::size_t chunk = 1; chunk <= stream.size(); chunk += 7) {
    StreamFramer f;
    std::vector<std::string> got;
    for (std::size_t i = 0; i < stream.size(); i += chunk) {
      f.feed(std::string_view(stream).substr(i, chunk));
      for (auto& m : drain(f)) got.push_back(m);
    }
    ASSERT_EQ(got, (std::vector<std::string>{kA, kB, kC})) << "chunk " << chunk;
  }
}

TEST(StreamFramer, WaitsForTheWholeBody) {
  StreamFramer f;
  std::string msg;
  f.feed(kA.substr(0, kA.size() - 1));
  EXPECT_EQ(f.next(msg), StreamFramer::Status::NeedMore);
  f.feed(kA.substr(kA.size() - 1));
  EXPECT_EQ(f.next(msg), StreamFramer::Status::Message);
  EXPECT_EQ(msg, kA);
}

TEST(StreamFramer, MissingContentLengthClosesTheStream) {
  StreamFramer f;
  std::string msg;
  f.feed(kB);
  f.feed("OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n");
  EXPECT_EQ(f.next(msg), StreamFramer::Status::Message);
  EXPECT_EQ(f.next(msg), StreamFramer::Status::Failed);
  ASSERT_TRUE(f.error());
  EXPECT_EQ(f.error()->offset, kB.size());
  EXPECT_EQ(f.error()->reason, "missing Content-Length on a stream (RFC 3261 §18.3)");
  f.feed(kA);  // ignored once failed
  EXPECT_EQ(f.next(msg), StreamFramer::Status::Failed);
}

TEST(StreamFramer, BadContentLengthClosesTheStream) {
  struct Case {
    std::string text, reason;
    std::size_t offset;  // start of the offending Content-Length row
  };
  const Case cases[] = {
      {"INVITE sip:a@b SIP/2.0\r\nContent-Length: -999\r\n\r\n", "bad Content-Length on a stream: \"-999\"", 24},
      {"INVITE sip:a@b SIP/2.0\r\nContent-Length: five\r\n\r\n", "bad Content-Length on a stream: \"five\"", 24},
      {"INVITE sip:a@b SIP/2.0\r\nContent-Length: 13\r\nl: 5\r\n\r\n", "conflicting Content-Length values on a stream", 44},
  };
  for (const Case& c : cases) {
    StreamFramer f;
    std::string msg;
    f.feed(c.text);
    EXPECT_EQ(f.next(msg), StreamFramer::Status::Failed) << c.text;
    EXPECT_EQ(f.error()->reason, c.reason);
    EXPECT_EQ(f.error()->offset, c.offset);
  }
}

TEST(StreamFramer, OversizedHeaderSectionFails) {
  StreamFramer f(64);
  std::string msg;
  f.feed("INVITE sip:a@b SIP/2.0\r\nX-Long: " + std::string(100, 'a'));
  EXPECT_EQ(f.next(msg), StreamFramer::Status::Failed);
  EXPECT_EQ(f.error()->reason, "header section exceeds the size limit");
}

TEST(StreamFramer, TortureMessagesWithContentLengthSurviveChunking) {
  // Every RFC 4475 file whose Content-Length matches its body frames to
  // exactly itself when streamed 3 bytes at a time.
  const char* names[] = {"wsinv", "esc01", "escnull", "esc02", "lwsdisp", "longreq", "semiuri",
                         "transports", "mpart01", "unreason", "noreason", "cparam01", "cparam02", "regescrt"};
  for (const char* name : names) {
    std::ifstream in(std::string(SIPLAB_RFC4475_DIR) + "/" + name + ".sip", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string bytes = ss.str();
    ASSERT_FALSE(bytes.empty()) << name;
    StreamFramer f;
    std::vector<std::string> got;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
      f.feed(std::string_view(bytes).substr(i, 3));
      for (auto& m : drain(f)) got.push_back(m);
    }
    ASSERT_EQ(got.size(), 1u) << name;
    EXPECT_EQ(got[0], bytes) << name;
    EXPECT_TRUE(parse_message(got[0], Framing::Stream).ok()) << name;
  }
}

}  // namespace
}  // namespace siplab::sip
