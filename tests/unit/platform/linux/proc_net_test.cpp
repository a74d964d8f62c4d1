// Tests for the /proc/net/if_inet6 parser and RFC 5952 address text, on literals and the corpus.
#include "parsers/proc_net.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "support/corpus.h"

namespace guestprep::os_linux {
namespace {

TEST(ProcNet, Rfc5952Text) {
  struct Case {
    const char* name;
    const char* hex;
    const char* text;
  };
  const Case cases[] = {
      {"loopback", "00000000000000000000000000000001", "::1"},
      {"unspecified", "00000000000000000000000000000000", "::"},
      {"link-local", "fe80000000000000025056fffe9a8481", "fe80::250:56ff:fe9a:8481"},
      {"upper-case input", "FE80000000000000025056FFFE9A8481", "fe80::250:56ff:fe9a:8481"},
      {"tie: first run shortened", "20010db8000000000001000000000001", "2001:db8::1:0:0:1"},
      {"longest run wins", "20010db8000000000000000100000000", "2001:db8::1:0:0"},
      {"single zero group kept", "20010db8000000010001000100010001", "2001:db8:0:1:1:1:1:1"},
      {"trailing run", "20010db8000100000000000000000000", "2001:db8:1::"},
      {"no zero group", "20010db8111122223333444455556666",
       "2001:db8:1111:2222:3333:4444:5555:6666"},
      {"ipv4-mapped", "00000000000000000000ffffc0000201", "::ffff:192.0.2.1"},
      {"leading zeros dropped", "00200db8000000000000000000000abc", "20:db8::abc"},
  };
  for (const Case& c : cases) {
    std::optional<std::string> text = ipv6FromHex(c.hex);
    ASSERT_TRUE(text.has_value()) << c.name;
    EXPECT_EQ(*text, c.text) << c.name;
  }
  EXPECT_FALSE(ipv6FromHex("0000000000000000000000000000001").has_value()) << "31 digits";
  EXPECT_FALSE(ipv6FromHex("fe8000000000000002505gfffe9a8481").has_value()) << "not hex";
  EXPECT_FALSE(ipv6FromHex("").has_value()) << "empty";
}

TEST(ProcNet, ScopeNames) {
  EXPECT_EQ(inet6ScopeName(0x00), "global");
  EXPECT_EQ(inet6ScopeName(0x10), "host");
  EXPECT_EQ(inet6ScopeName(0x20), "link");
  EXPECT_EQ(inet6ScopeName(0x40), "site");
  EXPECT_EQ(inet6ScopeName(0x80), "compat");
  EXPECT_EQ(inet6ScopeName(0x05), "");
}

TEST(ProcNet, IfInet6Lines) {
  struct Case {
    const char* name;
    const char* text;
    std::size_t addrs;
    std::size_t problems;
    int problem_line;  // line of the first problem, 0 when none
  };
  const Case cases[] = {
      {"one global", "20010db8000000000000000000000001 02 40 00 80     eth0\n", 1, 0, 0},
      {"crlf and blank lines", "\r\n00000000000000000000000000000001 01 80 10 80 lo\r\n\n", 1, 0,
       0},
      {"no trailing newline", "00000000000000000000000000000001 01 80 10 80 lo", 1, 0, 0},
      {"five fields", "00000000000000000000000000000001 01 80 10 80\n", 0, 1, 1},
      {"short address", "0000000000000000000000000000001 01 80 10 80 lo\n", 0, 1, 1},
      {"prefix over 128", "00000000000000000000000000000001 01 81 10 80 lo\n", 0, 1, 1},
      {"field not hex", "00000000000000000000000000000001 01 zz 10 80 lo\n", 0, 1, 1},
      {"unknown scope kept", "00000000000000000000000000000001 01 80 05 80 lo\n", 1, 1, 1},
      {"bad second line", "00000000000000000000000000000001 01 80 10 80 lo\ngarbage\n", 1, 1, 2},
      {"empty file", "", 0, 0, 0},
  };
  for (const Case& c : cases) {
    IfInet6File f = parseIfInet6(c.text);
    EXPECT_EQ(f.addrs.size(), c.addrs) << c.name;
    ASSERT_EQ(f.problems.size(), c.problems) << c.name;
    if (c.problems > 0) {
      EXPECT_EQ(f.problems[0].line, c.problem_line) << c.name;
      EXPECT_FALSE(f.problems[0].message.empty()) << c.name;
    }
  }
  IfInet6File f = parseIfInet6("20010db8000000000000000000000001 1a 30 00 80 eth0.100\n");
  ASSERT_EQ(f.addrs.size(), 1u);
  EXPECT_EQ(f.addrs[0], (Inet6Addr{"2001:db8::1", "eth0.100", 48, "global"}));
  f = parseIfInet6("00000000000000000000000000000001 01 80 05 80 lo\n");
  ASSERT_EQ(f.addrs.size(), 1u);
  EXPECT_EQ(f.addrs[0].scope, "0x05");
}

TEST(ProcNet, CorpusFacterIfInet6) {
  GUESTPREP_REQUIRE_CORPUS();
  auto dir = *testing::corpusDir() / "cmd-linux-net" / "facter";
  IfInet6File f = parseIfInet6(testing::readTestFile(dir / "proc-net-if_inet6"));
  EXPECT_TRUE(f.problems.empty());
  ASSERT_EQ(f.addrs.size(), 2u);
  EXPECT_EQ(f.addrs[0], (Inet6Addr{"::1", "lo", 128, "host"}));
  EXPECT_EQ(f.addrs[1], (Inet6Addr{"fe80::250:56ff:fe9a:8481", "ens160", 64, "link"}));

  // Every IFA flag value appears once; the flags do not change what is read.
  f = parseIfInet6(testing::readTestFile(dir / "proc-net-if_inet6-flags"));
  EXPECT_TRUE(f.problems.empty());
  ASSERT_EQ(f.addrs.size(), 10u);
  EXPECT_EQ(f.addrs[1], (Inet6Addr{"2001:db8::1", "temporary", 64, "link"}));
  EXPECT_EQ(f.addrs[9], (Inet6Addr{"2001:db8::9", "everything", 64, "link"}));
}

// Every file of the category: if_inet6 captures parse cleanly; the other formats (tcp6,
// ipv6_route, ip/ifconfig output) are refused line by line instead of yielding addresses.
TEST(ProcNet, CorpusAllCmdLinuxNet) {
  GUESTPREP_REQUIRE_CORPUS();
  int inet6_files = 0;
  auto files = testing::corpusFiles("cmd-linux-net");
  ASSERT_FALSE(files.empty());
  for (const auto& path : files) {
    std::string text = testing::readTestFile(path);
    int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    IfInet6File f = parseIfInet6(text);
    for (const ConfigProblem& p : f.problems) {
      EXPECT_GE(p.line, 1) << path;
      EXPECT_LE(p.line, lines) << path;
    }
    for (const Inet6Addr& a : f.addrs) {
      EXPECT_GE(a.prefix_len, 0) << path;
      EXPECT_LE(a.prefix_len, 128) << path;
      EXPECT_FALSE(a.ifname.empty()) << path;
      EXPECT_EQ(a.address.find("0000"), std::string::npos) << path << " " << a.address;
    }
    if (path.filename().string().find("if_inet6") != std::string::npos) {
      ++inet6_files;
      EXPECT_TRUE(f.problems.empty()) << path;
      EXPECT_FALSE(f.addrs.empty()) << path;
    } else {
      EXPECT_TRUE(f.addrs.empty()) << path << " is not an if_inet6 file";
    }
  }
  EXPECT_EQ(inet6_files, 2);
}

}  // namespace
}  // namespace guestprep::os_linux
