// The daemon's configuration: defaults, every key, unknown keys and wrong types with
// file:line:col, listen addresses, durations, and the token file's mode and owner.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "daemon/config.h"
#include "daemon/daemon.h"
#include "support/tree_snapshot.h"

namespace guestprep {
namespace {

TEST(DaemonConfig, EmptyFileGivesTheDefaults) {
  auto c = parseDaemonConfig("", "guestprep.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen.kind, ListenAddress::Kind::kUnix);
  EXPECT_EQ(c->listen.path, "/run/guestprep/api.sock");
  EXPECT_EQ(c->audit_interval.count(), 3600);
  EXPECT_FALSE(c->auto_fix);
  EXPECT_TRUE(c->fix_allow.empty());
  EXPECT_FALSE(c->allow_live);
  EXPECT_FALSE(c->allow_package_changes);
  EXPECT_EQ(c->limits.max_body_bytes, 65536);
}

TEST(DaemonConfig, EveryKey) {
  auto c = parseDaemonConfig(R"(
policy: aliyun-ecs-linux
fail_on: warn
audit_interval: 15m
listen: 127.0.0.1:8470
token_file: /etc/guestprep/api.token
fix: auto
fix_allow: [L-SELINUX, L-SHADOW]
allow_live: true
allow_package_changes: false
limits:
  max_body_bytes: 1024
  requests_per_second: 5
  burst: 7
  max_connections: 2
)",
                             "g.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->policy, "aliyun-ecs-linux");
  EXPECT_EQ(c->fail_on, "warn");
  EXPECT_EQ(c->audit_interval.count(), 900);
  EXPECT_EQ(c->listen.kind, ListenAddress::Kind::kTcp);
  EXPECT_EQ(c->listen.host, "127.0.0.1");
  EXPECT_EQ(c->listen.port, 8470);
  EXPECT_EQ(c->token_file, "/etc/guestprep/api.token");
  EXPECT_TRUE(c->auto_fix);
  EXPECT_EQ(c->fix_allow, (std::vector<std::string>{"L-SELINUX", "L-SHADOW"}));
  EXPECT_TRUE(c->allow_live);
  EXPECT_EQ(c->limits.max_body_bytes, 1024);
  EXPECT_EQ(c->limits.requests_per_second, 5);
  EXPECT_EQ(c->limits.burst, 7);
  EXPECT_EQ(c->limits.max_connections, 2);
}

TEST(DaemonConfig, UnknownKeysAreErrorsWithLineAndColumn) {
  auto c = parseDaemonConfig("fix: off\nintervall: 1h\nlimits:\n  max_bodybytes: 5\n", "g.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("g.yaml:2:1: unknown key 'intervall'"), std::string::npos)
      << c.error().message;
  EXPECT_NE(c.error().message.find("g.yaml:4:3: unknown key 'max_bodybytes' in limits"),
            std::string::npos)
      << c.error().message;
}

TEST(DaemonConfig, WrongTypesAreErrors) {
  struct Case {
    const char* yaml;
    const char* expected;
  };
  const Case cases[] = {
      {"fix: yes\n", "g.yaml:1:6: 'fix' must be one of: auto, off"},
      {"allow_live: maybe\n", "g.yaml:1:13: 'allow_live' must be true or false"},
      {"fix_allow: L-SELINUX\n", "g.yaml:1:12: 'fix_allow' must be a list"},
      {"audit_interval: 5 minutes\n", "g.yaml:1:17: 'audit_interval'"},
      {"audit_interval: 0\n", "at least 1s"},
      {"limits:\n  burst: -3\n", "g.yaml:2:10: 'burst' must be a positive integer"},
      {"limits: 5\n", "'limits' must be a mapping"},
      {"policy: [a, b]\n", "'policy' must be a string"},
      {"listen: 0.0.0.0:8470\ntoken_file: /t\n", "not a loopback address"},
      {"listen: 10.0.0.1:80\ntoken_file: /t\n", "not a loopback address"},
      {"listen: 127.0.0.1:99999\ntoken_file: /t\n", "is not a port"},
      {"listen: 127.0.0.1:8470\n", "needs 'token_file'"},
      {"listen: relative.sock\n", "neither an absolute socket path"},
      {"listen: C:\\guestprep\\api.sock\n",
       "g.yaml:1:9: 'listen': 'C:\\guestprep\\api.sock' is not an absolute path"},
      {"- a\n- b\n", "must be a mapping"},
      {"fix: [\n", "g.yaml:2:1:"},
  };
  for (const auto& c : cases) {
    auto r = parseDaemonConfig(c.yaml, "g.yaml");
    ASSERT_FALSE(r) << c.yaml;
    EXPECT_NE(r.error().message.find(c.expected), std::string::npos)
        << "case: " << c.yaml << "\nmessage: " << r.error().message;
  }
}

TEST(DaemonConfig, ListenAddresses) {
  auto ipv6 = parseListenAddress("[::1]:0");
  ASSERT_TRUE(ipv6) << ipv6.error().message;
  EXPECT_EQ(ipv6->host, "::1");
  EXPECT_EQ(ipv6->port, 0);
  auto local = parseListenAddress("localhost:8470");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->host, "127.0.0.1");
  EXPECT_FALSE(parseListenAddress("127.0.0.1.5:80"));
  EXPECT_FALSE(parseListenAddress("example.com:80"));
  EXPECT_FALSE(parseListenAddress("/" + std::string(200, 'a')));
}

TEST(DaemonConfig, Durations) {
  EXPECT_EQ(parseDuration("90")->count(), 90);
  EXPECT_EQ(parseDuration("30s")->count(), 30);
  EXPECT_EQ(parseDuration("2m")->count(), 120);
  EXPECT_EQ(parseDuration("1h")->count(), 3600);
  EXPECT_EQ(parseDuration("1d")->count(), 86400);
  EXPECT_FALSE(parseDuration("h"));
  EXPECT_FALSE(parseDuration("-5s"));
  EXPECT_FALSE(parseDuration("1w"));
}

class TokenFile : public ::testing::Test {
 protected:
  std::string write(const std::string& content, mode_t mode) {
    std::string path = (dir_.path() / "token").string();
    ::unlink(path.c_str());
    std::ofstream(path) << content;
    ::chmod(path.c_str(), mode);
    return path;
  }
  testing::TempCopy dir_;
  const std::string token_ = std::string(40, 'k');
};

TEST_F(TokenFile, PrivateFileIsRead) {
  auto t = readTokenFile(write(token_ + "\n", 0600));
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(*t, token_);
  EXPECT_TRUE(readTokenFile(write(token_, 0400)));
}

TEST_F(TokenFile, ReadableByOthersIsRefused) {
  for (mode_t mode : {0644, 0640, 0604, 0620}) {
    auto t = readTokenFile(write(token_, mode));
    ASSERT_FALSE(t) << std::oct << mode;
    EXPECT_NE(t.error().message.find("group or others"), std::string::npos) << t.error().message;
  }
}

TEST_F(TokenFile, ShortEmptyMissingOrSymlinkIsRefused) {
  EXPECT_FALSE(readTokenFile(write("short", 0600)));
  EXPECT_FALSE(readTokenFile(write("", 0600)));
  EXPECT_FALSE(readTokenFile(write(token_ + "\nsecond line\n", 0600)));
  EXPECT_FALSE(readTokenFile((dir_.path() / "missing").string()));
  std::string target = write(token_, 0600);
  std::string link = (dir_.path() / "link").string();
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  EXPECT_FALSE(readTokenFile(link));
}

TEST(DaemonServiceArgs, WindowsServiceOptionsAreUsageErrorsOnLinux) {
  DaemonOptions options;
  options.service_args = {"/registerService"};
  EXPECT_EQ(runDaemon(options), 2);
}

}  // namespace
}  // namespace guestprep
