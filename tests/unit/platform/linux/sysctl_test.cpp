// Tests for the sysctl.conf / sysctl.d parser and the boot's load order, on literals and the
// corpus.
#include "parsers/sysctl.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "support/corpus.h"

namespace guestprep::os_linux {
namespace {

TEST(Sysctl, TableOfLiterals) {
  struct Case {
    const char* name;
    const char* text;
    std::size_t settings;
    const char* key;  // of the last setting
    const char* value;
    int line;
    bool ignore_failure;
    std::size_t problems;
  };
  const Case cases[] = {
      {"spaced", "net.ipv6.conf.all.disable_ipv6 = 1\n", 1, "net.ipv6.conf.all.disable_ipv6", "1",
       1, false, 0},
      {"unspaced", "kernel.sysrq=0\n", 1, "kernel.sysrq", "0", 1, false, 0},
      {"comments", "# c\n; c\n  # indented\nvm.swappiness = 10\n", 1, "vm.swappiness", "10", 4,
       false, 0},
      {"ignore failure", "-net.ipv6.conf.lo.disable_ipv6 = 1\n", 1, "net.ipv6.conf.lo.disable_ipv6",
       "1", 1, true, 0},
      {"slash form", "net/ipv6/conf/eth0.100/disable_ipv6 = 1\n", 1,
       "net.ipv6.conf.eth0/100.disable_ipv6", "1", 1, false, 0},
      {"value with blanks", "kernel.core_pattern =  |/bin/x %p  \n", 1, "kernel.core_pattern",
       "|/bin/x %p", 1, false, 0},
      {"empty value", "net.ipv6.conf.all.forwarding =\n", 1, "net.ipv6.conf.all.forwarding", "", 1,
       false, 0},
      {"crlf", "a.b = 1\r\nc.d = 2\r\n", 2, "c.d", "2", 2, false, 0},
      {"later line", "a.b = 1\na.b = 2\n", 2, "a.b", "2", 2, false, 0},
      {"not an assignment", "garbage\na.b = 1\n", 1, "a.b", "1", 2, false, 1},
      {"no key", " = 1\na.b = 1\n", 1, "a.b", "1", 2, false, 1},
      {"exclusion pattern", "-net.ipv6.conf.*.foo\na.b = 1\n", 1, "a.b", "1", 2, false, 0},
      {"glob key", "net.ipv6.conf.*.disable_ipv6 = 1\n", 1, "net.ipv6.conf.*.disable_ipv6", "1", 1,
       false, 0},
  };
  for (const Case& c : cases) {
    SysctlFile f = parseSysctl(c.text);
    ASSERT_EQ(f.settings.size(), c.settings) << c.name;
    EXPECT_EQ(f.problems.size(), c.problems) << c.name;
    const SysctlLine& s = f.settings.back();
    EXPECT_EQ(s.key, c.key) << c.name;
    EXPECT_EQ(s.value, c.value) << c.name;
    EXPECT_EQ(s.line, c.line) << c.name;
    EXPECT_EQ(s.ignore_failure, c.ignore_failure) << c.name;
  }
  SysctlFile bad = parseSysctl("net.ipv6.x = 1\nnot an assignment\n");
  ASSERT_EQ(bad.problems.size(), 1u);
  EXPECT_EQ(bad.problems[0].line, 2);
}

TEST(Sysctl, KeyNormalisation) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.all.disable_ipv6"},
      {"net/ipv6/conf/all/disable_ipv6", "net.ipv6.conf.all.disable_ipv6"},
      {"net/ipv4/conf/enp3s0.200/forwarding", "net.ipv4.conf.enp3s0/200.forwarding"},
      {"net.ipv4.conf.enp3s0/200.forwarding", "net.ipv4.conf.enp3s0/200.forwarding"},
      {"kernel", "kernel"},
  };
  for (const Case& c : cases) EXPECT_EQ(normaliseSysctlKey(c.in), c.out) << c.in;
}

TEST(Sysctl, LoadOrder) {
  std::vector<SysctlDirListing> listings = {
      {"/etc/sysctl.d", {"10-a.conf", "99-sysctl.conf", "README", ".hidden.conf"}},
      {"/run/sysctl.d", {"10-a.conf", "50-run.conf"}},
      {"/usr/lib/sysctl.d", {"10-a.conf", "50-default.conf", "60-x.conf", "60-x.conf.rpmsave"}},
      {"/lib/sysctl.d", {"50-default.conf", "05-first.conf"}},
  };
  std::vector<std::string> want = {"/lib/sysctl.d/05-first.conf",
                                   "/etc/sysctl.d/10-a.conf",
                                   "/usr/lib/sysctl.d/50-default.conf",
                                   "/run/sysctl.d/50-run.conf",
                                   "/usr/lib/sysctl.d/60-x.conf",
                                   "/etc/sysctl.d/99-sysctl.conf",
                                   "/etc/sysctl.conf"};
  EXPECT_EQ(sysctlLoadOrder(listings, true), want);
  want.pop_back();
  EXPECT_EQ(sysctlLoadOrder(listings, false), want) << "without /etc/sysctl.conf";
  EXPECT_EQ(sysctlLoadOrder({}, true), std::vector<std::string>{"/etc/sysctl.conf"});
  EXPECT_TRUE(sysctlLoadOrder({}, false).empty());
}

TEST(Sysctl, CorpusRedHatDefault) {
  GUESTPREP_REQUIRE_CORPUS();
  SysctlFile f = parseSysctl(
      testing::readTestFile(*testing::corpusDir() / "kernel" / "augeas" / "sysctl.conf-rhel"));
  EXPECT_TRUE(f.problems.empty());
  ASSERT_EQ(f.settings.size(), 5u);
  EXPECT_EQ(f.settings[0].key, "net.ipv4.ip_forward");
  EXPECT_EQ(f.settings[0].value, "0");
  EXPECT_EQ(f.settings[0].line, 7);
  EXPECT_EQ(f.settings[1].key, "net.ipv4.conf.default.rp_filter");
  EXPECT_EQ(f.settings[1].value, "1");
  EXPECT_EQ(f.settings[3].key, "kernel.sysrq");
  EXPECT_EQ(f.settings[4].key, "kernel.core_uses_pid");
  EXPECT_EQ(f.settings[4].value, "1");
  EXPECT_EQ(f.settings[4].line, 20);
  EXPECT_TRUE(std::none_of(f.settings.begin(), f.settings.end(),
                           [](const SysctlLine& s) { return s.key.starts_with("net.ipv6."); }));
}

// Every sysctl file of the kernel category parses cleanly with keys in dotted form and lines in
// range; the other files (lsmod, modinfo) are not sysctl files and are only checked not to
// crash and to report lines in range.
TEST(Sysctl, CorpusAllKernel) {
  GUESTPREP_REQUIRE_CORPUS();
  int sysctl_files = 0;
  for (const auto& path : testing::corpusFiles("kernel")) {
    std::string text = testing::readTestFile(path);
    int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    SysctlFile f = parseSysctl(text);
    for (const ConfigProblem& p : f.problems) {
      EXPECT_GE(p.line, 1) << path;
      EXPECT_LE(p.line, lines) << path;
    }
    for (const SysctlLine& s : f.settings) {
      EXPECT_GE(s.line, 1) << path;
      EXPECT_LE(s.line, lines) << path;
      EXPECT_FALSE(s.key.empty()) << path;
    }
    if (path.filename().string().starts_with("sysctl")) {
      ++sysctl_files;
      EXPECT_TRUE(f.problems.empty()) << path;
      EXPECT_FALSE(f.settings.empty()) << path;
      for (const SysctlLine& s : f.settings) {
        EXPECT_EQ(s.key.find_first_of(" \t=/"), std::string::npos) << path << " " << s.key;
      }
    }
  }
  EXPECT_EQ(sysctl_files, 1);
}

}  // namespace
}  // namespace guestprep::os_linux
