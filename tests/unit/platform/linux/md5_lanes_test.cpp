// md5Many against RFC 1321's test suite and against OpenSSL's MD5, at every lane width this CPU
// runs: every length around the padding's edges (55, 56, 63, 64 bytes), more messages than
// lanes (a lane takes the next message when its own ends), and lanes left idle.
#include <gtest/gtest.h>

#include <random>

#include "host/md5_lanes.h"
#include "host/openssl_digest.h"

namespace guestprep::os_linux {
namespace {

std::vector<std::string> hexOfAll(const std::vector<std::string>& messages, unsigned lanes) {
  std::vector<std::string_view> views(messages.begin(), messages.end());
  std::vector<Md5Digest> digests(messages.size());
  md5Many(views, digests, lanes);
  std::vector<std::string> out;
  for (const Md5Digest& d : digests) out.push_back(md5ToHex(d));
  return out;
}

TEST(Md5Lanes, Rfc1321TestSuiteAtEveryWidth) {
  const std::vector<std::string> messages = {
      "",
      "a",
      "abc",
      "message digest",
      "abcdefghijklmnopqrstuvwxyz",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      "12345678901234567890123456789012345678901234567890123456789012345678901234567890"};
  const std::vector<std::string> expected = {
      "d41d8cd98f00b204e9800998ecf8427e", "0cc175b9c0f1b6a831c399e269772661",
      "900150983cd24fb0d6963f7d28e17f72", "f96b697d7cb7938d525a2f31aaf161d0",
      "c3fcd3d76192e4007dfb496cca67e13b", "d174ab98d277d9f5a5611c2c9f419d9f",
      "57edf4a22be3c955ac49da2e2107b67a"};
  const std::vector<unsigned> widths = md5LaneWidths();
  ASSERT_FALSE(widths.empty());
  EXPECT_EQ(widths.front(), 4U);
  for (unsigned w : widths) {
    EXPECT_EQ(hexOfAll(messages, w), expected) << w << " lanes";
  }
  EXPECT_EQ(hexOfAll(messages, 0), expected) << "the widest width";
}

TEST(Md5Lanes, AgreesWithOpenSslOnEveryLengthAndMoreMessagesThanLanes) {
  std::mt19937 rng(20261125);
  std::vector<std::string> messages;
  for (std::size_t len = 0; len <= 200; ++len) {
    std::string m(len, '\0');
    for (char& c : m) c = static_cast<char>(rng());
    messages.push_back(std::move(m));
  }
  // A few long ones among them, so that lanes end at very different times.
  for (std::size_t len : {4096U, 65536U, 65599U, 100000U, 1U << 20}) {
    std::string m(len, '\0');
    for (char& c : m) c = static_cast<char>(rng());
    messages.push_back(std::move(m));
  }
  std::vector<std::string> expected;
  for (const std::string& m : messages) expected.push_back(hexDigest(m, DigestKind::kMd5));
  for (unsigned w : md5LaneWidths()) {
    EXPECT_EQ(hexOfAll(messages, w), expected) << w << " lanes";
  }
}

TEST(Md5Lanes, FewerMessagesThanLanesAndNone) {
  const std::vector<std::string> one = {std::string(1000, 'z')};
  for (unsigned w : md5LaneWidths()) {
    EXPECT_EQ(hexOfAll(one, w), std::vector<std::string>{hexDigest(one[0], DigestKind::kMd5)});
    EXPECT_TRUE(hexOfAll({}, w).empty());
  }
}

TEST(Md5Lanes, RefusesAWidthItCannotRunAndMismatchedSpans) {
  std::vector<std::string_view> views = {"a"};
  std::vector<Md5Digest> digests(1);
  EXPECT_THROW(md5Many(views, digests, 3), std::invalid_argument);
  std::vector<Md5Digest> none;
  EXPECT_THROW(md5Many(views, none), std::invalid_argument);
}

}  // namespace
}  // namespace guestprep::os_linux

namespace guestprep::os_linux {
namespace {

// A source that makes the lanes wait for memory, as the package verification's does: it gives
// at most `cap` messages in flight and answers kWait beyond that.
TEST(Md5Stream, ASourceThatWaitsGetsEveryDigestOnce) {
  std::vector<std::string> messages;
  for (std::size_t i = 0; i < 100; ++i)
    messages.push_back(std::string(i * 37 % 500, static_cast<char>('a' + i % 26)));
  for (unsigned w : md5LaneWidths()) {
    for (std::size_t cap : {1U, 3U, 40U}) {
      std::size_t next = 0;
      std::size_t in_flight = 0;
      std::size_t most = 0;
      std::vector<std::string> got(messages.size());
      md5Stream(
          [&](Md5Job& job) {
            if (next == messages.size()) return Md5Next::kEnd;
            if (in_flight == cap) return Md5Next::kWait;
            job = {next, messages[next]};
            ++next;
            most = std::max(most, ++in_flight);
            return Md5Next::kMessage;
          },
          [&](std::size_t id, const Md5Digest& d) {
            EXPECT_TRUE(got[id].empty()) << "message " << id << " done twice";
            got[id] = md5ToHex(d);
            --in_flight;
          },
          w);
      for (std::size_t i = 0; i < messages.size(); ++i) {
        EXPECT_EQ(got[i], hexDigest(messages[i], DigestKind::kMd5)) << w << " lanes, cap " << cap;
      }
      EXPECT_EQ(most, std::min<std::size_t>(cap, w));
    }
  }
}

TEST(Md5Stream, ASourceThatWaitsWithNothingInFlightIsAnError) {
  EXPECT_THROW(
      md5Stream([](Md5Job&) { return Md5Next::kWait; }, [](std::size_t, const Md5Digest&) {}),
      std::logic_error);
}

}  // namespace
}  // namespace guestprep::os_linux
