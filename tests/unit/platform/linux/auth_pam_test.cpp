// PAM parser, password-stack resolution, settings parsers and the auth probe (literals, corpus,
// TestHost).
#include <gtest/gtest.h>

#include <map>

#include "parsers/auth_pam.h"
#include "parsers/auth_settings.h"
#include "probes/auth_probe.h"
#include "support/corpus.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

TEST(AuthPamParser, LinesOfEveryShape) {
  struct Case {
    const char* name;
    const char* text;
    bool pam_conf;
    std::string type, control, module;
    std::vector<std::string> args;
    bool ignore_missing;
  };
  const Case cases[] = {
      {"plain",
       "password requisite pam_pwquality.so try_first_pass retry=3\n",
       false,
       "password",
       "requisite",
       "pam_pwquality.so",
       {"try_first_pass", "retry=3"},
       false},
      {"bracket control",
       "auth [success=1  default=ignore] pam_unix.so nullok\n",
       false,
       "auth",
       "[success=1 default=ignore]",
       "pam_unix.so",
       {"nullok"},
       false},
      {"dash type",
       "-session optional pam_systemd.so\n",
       false,
       "session",
       "optional",
       "pam_systemd.so",
       {},
       true},
      {"continuation",
       "password required pam_cracklib.so \\\n   minlen=15 difok=3\n",
       false,
       "password",
       "required",
       "pam_cracklib.so",
       {"minlen=15", "difok=3"},
       false},
      {"bracket arg",
       "auth required pam_succeed_if.so [user ingroup a\\]b] quiet\n",
       false,
       "auth",
       "required",
       "pam_succeed_if.so",
       {"user ingroup a]b", "quiet"},
       false},
      {"pam.conf",
       "passwd\tpassword required pam_unix.so shadow md5\n",
       true,
       "password",
       "required",
       "pam_unix.so",
       {"shadow", "md5"},
       false},
      {"trailing comment",
       "password include system-auth # shared\n",
       false,
       "password",
       "include",
       "system-auth",
       {},
       false},
      {"upper-case type",
       "PASSWORD Required pam_unix.so\n",
       false,
       "password",
       "required",
       "pam_unix.so",
       {},
       false},
  };
  for (const Case& c : cases) {
    PamFile f = parsePam(c.text, c.pam_conf);
    ASSERT_EQ(f.entries.size(), 1u) << c.name;
    const PamEntry& e = f.entries[0];
    EXPECT_EQ(e.type, c.type) << c.name;
    EXPECT_EQ(e.control, c.control) << c.name;
    EXPECT_EQ(e.module, c.module) << c.name;
    EXPECT_EQ(e.args, c.args) << c.name;
    EXPECT_EQ(e.ignore_missing, c.ignore_missing) << c.name;
    EXPECT_TRUE(f.problems.empty()) << c.name;
  }
}

TEST(AuthPamParser, AtIncludeAndProblems) {
  PamFile f = parsePam("@include common-password\nbogus required pam_x.so\npassword\n");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].control, "@include");
  EXPECT_EQ(f.entries[0].module, "common-password");
  ASSERT_EQ(f.problems.size(), 2u);
  EXPECT_EQ(f.problems[0].line, 2);
  EXPECT_EQ(f.problems[1].line, 3);
}

PamFileLoader loaderOf(std::map<std::string, std::string> files) {
  return [files](const std::string& p) -> std::optional<std::string> {
    auto it = files.find(p);
    if (it == files.end()) return std::nullopt;
    return it->second;
  };
}

TEST(AuthPamResolve, IncludesSubstackAtIncludeAndOther) {
  std::vector<ConfigProblem> problems;
  auto load = loaderOf({
      {"/etc/pam.d/passwd", "auth include system-auth\npassword substack system-auth\n"},
      {"/etc/pam.d/system-auth",
       "password requisite pam_pwquality.so retry=3\npassword sufficient pam_unix.so sha512\n"
       "password include missing-file\n"},
      {"/etc/pam.d/other", "@include common-password\n"},
      {"/usr/lib/pam.d/common-password",
       "auth required pam_unix.so\npassword required "
       "pam_cracklib.so minlen=10\n"},
  });
  PasswordStack s = resolvePasswordStack("passwd", PamLayout{}, load, problems);
  EXPECT_EQ(s.file, "/etc/pam.d/passwd");
  ASSERT_EQ(s.lines.size(), 2u);
  EXPECT_EQ(s.lines[0].module, "pam_pwquality.so");
  EXPECT_EQ(s.lines[0].source, (SourceRef{"/etc/pam.d/system-auth", 1}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].file, "/etc/pam.d/system-auth");
  EXPECT_EQ(problems[0].line, 3);

  PasswordStack c = resolvePasswordStack("chpasswd", PamLayout{}, load, problems);
  EXPECT_EQ(c.file, "/etc/pam.d/other") << "no chpasswd file: the other service applies";
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_EQ(c.lines[0].args, std::vector<std::string>{"minlen=10"});
}

TEST(AuthPamResolve, CycleIsReportedNotLooped) {
  std::vector<ConfigProblem> problems;
  auto load = loaderOf({{"/etc/pam.d/passwd", "password include a\n"},
                        {"/etc/pam.d/a", "password include passwd\n"}});
  PasswordStack s = resolvePasswordStack("passwd", PamLayout{}, load, problems);
  EXPECT_TRUE(s.lines.empty());
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].message.find("cycle"), std::string::npos);
}

TEST(AuthPamResolve, PamConfWhenNoPamD) {
  std::vector<ConfigProblem> problems;
  PamLayout layout;
  layout.has_pam_d = false;
  auto load = loaderOf({{"/etc/pam.conf",
                         "other password required pam_deny.so\n"
                         "passwd password required pam_cracklib.so minlen=12\n"}});
  PasswordStack s = resolvePasswordStack("passwd", layout, load, problems);
  EXPECT_EQ(s.file, "/etc/pam.conf");
  ASSERT_EQ(s.lines.size(), 1u);
  EXPECT_EQ(s.lines[0].module, "pam_cracklib.so");
  PasswordStack c = resolvePasswordStack("chpasswd", layout, load, problems);
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_EQ(c.lines[0].module, "pam_deny.so");
}

TEST(AuthSettings, PwqualityAndLoginDefs) {
  SettingsFile p = parseNameValueConf(
      "# comment\nminlen = 12\n  ucredit=-2 # inline\nenforce_for_root\nbad key = 1\n");
  ASSERT_EQ(p.settings.size(), 3u);
  EXPECT_EQ(p.settings[0].key, "minlen");
  EXPECT_EQ(p.settings[0].value, "12");
  EXPECT_EQ(p.settings[1].value, "-2");
  EXPECT_EQ(p.settings[2].key, "enforce_for_root");
  EXPECT_EQ(p.settings[2].value, "");
  ASSERT_EQ(p.problems.size(), 1u);
  EXPECT_EQ(p.problems[0].line, 5);
  SettingsFile l = parseLoginDefs("PASS_MIN_LEN\t5\nENV_PATH PATH=/bin:/usr/bin\nLONELY\n");
  ASSERT_EQ(l.settings.size(), 2u);
  EXPECT_EQ(l.settings[0].value, "5");
  EXPECT_EQ(l.settings[1].value, "PATH=/bin:/usr/bin");
  EXPECT_EQ(l.problems.size(), 1u);
}

TEST(AuthCorpus, PamFilesParse) {
  GUESTPREP_REQUIRE_CORPUS();
  int files = 0;
  for (const auto& path : testing::corpusFiles("auth")) {
    std::string name = path.filename().string();
    bool pam_conf = name.starts_with("pam.conf");
    bool pam = pam_conf || name.starts_with("pam.d") || name.starts_with("system-auth") ||
               name.starts_with("password-auth") || name.starts_with("common-");
    if (!pam) continue;
    ++files;
    PamFile f = parsePam(testing::readTestFile(path), pam_conf);
    EXPECT_FALSE(f.entries.empty()) << name;
    for (const auto& e : f.entries) {
      EXPECT_FALSE(e.module.empty()) << name << ":" << e.line;
      if (pam_conf) {
        EXPECT_FALSE(e.service.empty()) << name << ":" << e.line;
      }
    }
  }
  EXPECT_GE(files, 12);
  auto dir = *testing::corpusDir() / "auth";
  PamFile rhel = parsePam(testing::readTestFile(dir / "insights-core/password-auth-rhel-cracklib"));
  bool found = false;
  for (const auto& e : rhel.entries) {
    if (e.module != "pam_cracklib.so") continue;
    found = true;
    EXPECT_EQ(e.control, "requisite");
    EXPECT_EQ(e.args.back(), "minlen=12");
  }
  EXPECT_TRUE(found);
  PamFile tricky = parsePam(testing::readTestFile(dir / "insights-core/pam.d-tricky-lines"));
  ASSERT_FALSE(tricky.entries.empty());
  EXPECT_EQ(tricky.entries[0].module, "pam_cracklib.so");
  EXPECT_EQ(tricky.entries[0].args[0], "difok=3") << "continuation joined";
  EXPECT_TRUE(tricky.entries.back().ignore_missing);
  PamFile conf = parsePam(testing::readTestFile(dir / "linux-pam/pam.conf-example"), true);
  int passwd_lines = 0;
  for (const auto& e : conf.entries) passwd_lines += e.service == "passwd";
  EXPECT_EQ(passwd_lines, 1);
}

TEST(AuthCorpus, SettingsFiles) {
  GUESTPREP_REQUIRE_CORPUS();
  auto dir = *testing::corpusDir() / "auth";
  for (const char* f :
       {"libpwquality/pwquality.conf-1.2.3", "libpwquality/pwquality.conf-current"}) {
    SettingsFile s = parseNameValueConf(testing::readTestFile(dir / f));
    EXPECT_TRUE(s.settings.empty()) << f << ": every setting is commented out";
    EXPECT_TRUE(s.problems.empty()) << f;
  }
  for (const char* f : {"shadow/login.defs-shadow-4.1.4.2", "shadow/login.defs-shadow-current"}) {
    SettingsFile s = parseLoginDefs(testing::readTestFile(dir / f));
    bool min_len = false;
    for (const auto& x : s.settings)
      if (x.key == "PASS_MIN_LEN") min_len = x.value == "5";
    EXPECT_TRUE(min_len) << f;
  }
}

TEST(AuthProbe, StacksSettingsAndShadow) {
  testing::TestHost host;
  host.addFile("/etc/pam.d/passwd", "password include system-auth\n")
      .addFile("/etc/pam.d/system-auth",
               "password requisite pam_passwdqc.so config=/etc/passwdqc.conf\n")
      .addFile("/etc/passwdqc.conf", "min=disabled,24,11,8,7\n")
      .addFile("/etc/security/pwquality.conf.d/10-a.conf", "minlen = 10\n")
      .addFile("/etc/security/pwquality.conf", "minlen = 11\n")
      .addFile("/etc/login.defs", "PASS_MIN_LEN 5\nUMASK 022\n")
      .addFile("/etc/shadow", "root:!!:1::::::\n", 0)
      .addFile("/proc/self/mounts",
               "/dev/sda1 / ext4 rw,relatime 0 0\n/dev/sda2 /etc ext4 ro,relatime 0 0\n")
      .setInodeFlags("/etc/shadow", kInodeImmutable);
  AuthFacts f;
  probeAuth(host, f);
  ASSERT_EQ(f.stacks.size(), 2u);
  EXPECT_EQ(f.stacks[0].file, "/etc/pam.d/passwd");
  ASSERT_EQ(f.stacks[0].lines.size(), 1u);
  EXPECT_EQ(f.stacks[1].file, "") << "no chpasswd and no other";
  ASSERT_EQ(f.passwdqc.size(), 1u);
  EXPECT_EQ(f.passwdqc[0].source, (SourceRef{"/etc/passwdqc.conf", 1}));
  ASSERT_EQ(f.pwquality.size(), 2u);
  EXPECT_EQ(f.pwquality[1].source.file, "/etc/security/pwquality.conf") << "main file last";
  ASSERT_EQ(f.login_defs.size(), 1u);
  EXPECT_TRUE(f.shadow.present);
  EXPECT_EQ(f.shadow.mode.value, 0u);
  EXPECT_EQ(f.shadow.inode_flags.value, kInodeImmutable);
  ASSERT_TRUE(f.shadow.mount.ok());
  EXPECT_EQ(f.shadow.mount.value->mount_point, "/etc");
  EXPECT_TRUE(f.shadow.mount.value->read_only);
}

// CoreOS keeps its PAM configuration in the vendor directory only; no /etc/pam.d at all.
TEST(AuthProbe, VendorPamDirWithoutEtcPamD) {
  testing::TestHost host;
  host.addFile("/usr/lib/pam.d/passwd", "password include system-auth\n")
      .addFile("/usr/lib/pam.d/system-auth",
               "password required pam_unix.so try_first_pass nullok sha512 shadow\n")
      .addFile("/etc/pam.conf", "passwd password requisite pam_deny.so\n");
  AuthFacts f;
  probeAuth(host, f);
  ASSERT_EQ(f.stacks.size(), 2u);
  EXPECT_EQ(f.stacks[0].file, "/usr/lib/pam.d/passwd");
  ASSERT_EQ(f.stacks[0].lines.size(), 1u) << "pam.conf is ignored when a pam.d exists";
  EXPECT_EQ(f.stacks[0].lines[0].source.file, "/usr/lib/pam.d/system-auth");
}

TEST(AuthProbe, OfflineAndMissingShadow) {
  testing::TestHost host;
  host.setRuntime(false);
  AuthFacts f;
  probeAuth(host, f);
  EXPECT_FALSE(f.shadow.present);
  EXPECT_FALSE(f.shadow.inode_flags.ok());
  host.addFile("/etc/shadow", "");
  AuthFacts g;
  probeAuth(host, g);
  EXPECT_TRUE(g.shadow.present);
  EXPECT_EQ(g.shadow.mount.error, "not checked: offline root");
}

TEST(AuthProbe, MountHoldingDecodesEscapes) {
  auto m = mountHolding("/dev/a / xfs rw 0 0\n/dev/b /my\\040etc ext4 ro 0 0\n", "/my etc/shadow");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->mount_point, "/my etc");
  EXPECT_TRUE(m->read_only);
  EXPECT_EQ(mountHolding("/dev/a /boot ext4 rw 0 0\n", "/etc/shadow"), std::nullopt);
}

}  // namespace
}  // namespace guestprep::os_linux
