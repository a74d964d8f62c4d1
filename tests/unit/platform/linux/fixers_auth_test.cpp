// The L-PASSWD fixer on literal PAM stacks of each family: the plan (exact new file content),
// the finding after the plan is applied, and a second plan that changes nothing.
#include <gtest/gtest.h>

#include "audit/audit.h"
#include "fix/fix.h"
#include "fixers/edit.h"
#include "fixers/fixers.h"
#include "policy/policy.h"
#include "probes/auth_probe.h"
#include "support/corpus.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using testing::TestHost;

struct Outcome {
  Plan plan;
  Finding before;
};

Finding passwdFinding(const std::vector<Finding>& findings) {
  for (const auto& f : findings) {
    if (f.requirement == "L-PASSWD") return f;
  }
  ADD_FAILURE() << "no L-PASSWD finding";
  return {};
}

/// Probes the auth facts of `host`, evaluates the built-in policy and plans L-PASSWD alone.
Outcome planPasswd(const TestHost& host) {
  Facts facts;
  probeAuth(host, facts.auth);
  auto policy = builtinPolicy(kDefaultLinuxPolicy);
  EXPECT_TRUE(policy) << policy.error().message;
  auto findings = evaluatePolicy(*policy, facts);
  FixOptions options;
  options.only = {"L-PASSWD"};
  return {buildPlan(*policy, findings, facts, host, options, platformFixers()),
          passwdFinding(findings)};
}

Finding auditPasswd(const TestHost& host) {
  Facts facts;
  probeAuth(host, facts.auth);
  auto policy = builtinPolicy(kDefaultLinuxPolicy);
  return passwdFinding(evaluatePolicy(*policy, facts));
}

/// The one L-PASSWD item of a plan.
const FixItem& item(const Plan& plan) {
  static const FixItem none;
  for (const auto& s : plan.skipped) ADD_FAILURE() << "skipped: " << s.reason;
  if (plan.items.size() != 1) {
    ADD_FAILURE() << plan.items.size() << " items";
    return none;
  }
  return plan.items.front();
}

std::string written(const FixItem& it, const std::string& path) {
  for (const auto& a : it.actions) {
    if (a.kind == ActionKind::kWriteFile && a.path == path) return a.content;
  }
  ADD_FAILURE() << "no write of " << path;
  return {};
}

/// Applies the planned writes to the fixture tree (the Journal's job on a real run).
void apply(TestHost& host, const FixItem& it) {
  for (const auto& a : it.actions) {
    if (a.kind == ActionKind::kWriteFile) host.addFile(a.path, a.content, 0644);
    if (a.kind == ActionKind::kMakeDir) host.addDir(a.path);
  }
}

/// After the writes: the finding passes (or only warns about a dictionary check) and a second
/// plan changes nothing.
void expectFixed(TestHost& host, const FixItem& it, Status expected = Status::kPass) {
  apply(host, it);
  Finding after = auditPasswd(host);
  EXPECT_EQ(after.status, expected) << after.message;
  auto again = planPasswd(host);
  EXPECT_EQ(again.plan.actionCount(), 0u);
  EXPECT_TRUE(again.plan.skipped.empty());
}

std::string marker(const std::string& what) {
  return "# " + editMarker() + ": " + what +
         " (the cloud's password rule: 8-30 characters, 3 classes)";
}

TEST(PasswordFixer, RhelPwqualityArgumentsAndConfFile) {
  TestHost host;
  host.addFile("/etc/pam.d/passwd", "#%PAM-1.0\npassword   substack     system-auth\n")
      .addFile("/etc/pam.d/system-auth",
               "#%PAM-1.0\n"
               "# This file is auto-generated.\n"
               "# User changes will be destroyed the next time authconfig is run.\n"
               "password    requisite     pam_pwquality.so try_first_pass minlen=12 dcredit=-1 "
               "retry=3\n"
               "password    sufficient    pam_unix.so sha512 shadow nullok use_authtok\n")
      .addFile("/etc/security/pwquality.conf", "# defaults\nucredit = -1\ndifok = 5\n");
  auto out = planPasswd(host);
  EXPECT_EQ(out.before.status, Status::kFail);
  const FixItem& it = item(out.plan);
  ASSERT_EQ(it.actions.size(), 2u);
  EXPECT_EQ(written(it, "/etc/pam.d/system-auth"),
            "#%PAM-1.0\n"
            "# This file is auto-generated.\n"
            "# User changes will be destroyed the next time authconfig is run.\n" +
                marker("minlen=12 -> minlen=8, dcredit=-1 -> dcredit=0") +
                "\n"
                "password    requisite     pam_pwquality.so try_first_pass minlen=8 dcredit=0 "
                "retry=3\n"
                "password    sufficient    pam_unix.so sha512 shadow nullok use_authtok\n");
  EXPECT_EQ(written(it, "/etc/security/pwquality.conf"),
            "# defaults\n" + marker("ucredit=-1 -> ucredit=0") + "\nucredit = 0\ndifok = 5\n");
  ASSERT_FALSE(it.notes.empty());
  EXPECT_NE(it.notes.front().find("authconfig"), std::string::npos) << it.notes.front();
  EXPECT_NE(it.summary.find("now pass"), std::string::npos) << it.summary;
  expectFixed(host, it);
}

TEST(PasswordFixer, CracklibRequiredClassesAndLength) {
  TestHost host;
  host.addFile("/etc/pam.d/passwd", "password   substack\tsystem-auth\n")
      .addFile("/etc/pam.d/system-auth",
               "password    requisite     pam_cracklib.so try_first_pass retry=3 minlen=12 "
               "ucredit=-2 type=\n"
               "password    sufficient    pam_unix.so sha512 shadow nullok use_authtok\n");
  auto out = planPasswd(host);
  EXPECT_EQ(out.before.status, Status::kFail);
  const FixItem& it = item(out.plan);
  EXPECT_EQ(written(it, "/etc/pam.d/system-auth"),
            marker("minlen=12 -> minlen=8, ucredit=-2 -> ucredit=0") +
                "\n"
                "password    requisite     pam_cracklib.so try_first_pass retry=3 minlen=8 "
                "ucredit=0 type=\n"
                "password    sufficient    pam_unix.so sha512 shadow nullok use_authtok\n");
  EXPECT_TRUE(it.notes.empty()) << it.notes.front();
  expectFixed(host, it);
}

// Only what rejects a cloud password is relaxed: minlen=10 with cracklib's default credits
// still accepts every 8-character password of three classes, so it stays.
TEST(PasswordFixer, SuseSymlinkedCommonPasswordOnlyTheOffendingOption) {
  TestHost host;
  host.addFile("/etc/pam.d/passwd", "password include        common-password\n")
      .addSymlink("/etc/pam.d/common-password", "common-password-pc")
      .addFile("/etc/pam.d/common-password-pc",
               "# Autogenerated by pam-config\n"
               "password\trequisite\tpam_cracklib.so\tminlen=10 maxrepeat=2\n"
               "password\trequired\tpam_unix.so\tuse_authtok nullok shadow try_first_pass\n");
  auto out = planPasswd(host);
  EXPECT_EQ(out.before.status, Status::kFail);
  const FixItem& it = item(out.plan);
  ASSERT_EQ(it.actions.size(), 1u);
  EXPECT_EQ(it.actions[0].path, "/etc/pam.d/common-password-pc") << "the symlink stays";
  EXPECT_EQ(it.actions[0].content,
            "# Autogenerated by pam-config\n" + marker("maxrepeat=2 -> maxrepeat=0") +
                "\n"
                "password\trequisite\tpam_cracklib.so\tminlen=10 maxrepeat=0\n"
                "password\trequired\tpam_unix.so\tuse_authtok nullok shadow try_first_pass\n");
  expectFixed(host, it);
}

// pwquality.conf.d/*.conf are read in order, then pwquality.conf: the setting that wins is the
// one edited; the overridden one is left alone.
TEST(PasswordFixer, PwqualityDropInThatWins) {
  TestHost host;
  host.addFile("/etc/pam.d/passwd", "@include common-password\n")
      .addFile("/etc/pam.d/common-password",
               "password\trequisite\t\t\tpam_pwquality.so retry=3\n"
               "password\t[success=1 default=ignore]\tpam_unix.so obscure use_authtok sha512\n")
      .addFile("/etc/security/pwquality.conf.d/10-site.conf", "minlen = 10\nminclass = 4\n")
      .addFile("/etc/security/pwquality.conf.d/20-hardening.conf", "minlen = 14\n")
      .addFile("/etc/security/pwquality.conf", "# minlen = 9\n");
  auto out = planPasswd(host);
  EXPECT_EQ(out.before.status, Status::kFail);
  const FixItem& it = item(out.plan);
  ASSERT_EQ(it.actions.size(), 2u);
  EXPECT_EQ(written(it, "/etc/security/pwquality.conf.d/10-site.conf"),
            "minlen = 10\n" + marker("minclass=4 -> minclass=3") + "\nminclass = 3\n");
  EXPECT_EQ(written(it, "/etc/security/pwquality.conf.d/20-hardening.conf"),
            marker("minlen=14 -> minlen=8") + "\nminlen = 8\n");
  expectFixed(host, it);
}

// libpwquality before 1.3.0 defaults to minlen 9 with credits 1; with the credits set to 0 the
// old default rejects 8-character passwords, so an explicit minlen is added where it applies.
TEST(PasswordFixer, TooStrictBuiltInDefaultGetsAnExplicitSetting) {
  TestHost host;
  host.addFile("/etc/pam.d/passwd", "password requisite pam_pwquality.so\n")
      .addFile("/etc/security/pwquality.conf",
               "dcredit = 0\r\nucredit = 0\r\nlcredit = 0\r\nocredit = 0");
  auto out = planPasswd(host);
  EXPECT_EQ(out.before.status, Status::kWarn) << "rejected only under the old defaults";
  const FixItem& it = item(out.plan);
  EXPECT_EQ(written(it, "/etc/security/pwquality.conf"),
            "dcredit = 0\r\nucredit = 0\r\nlcredit = 0\r\nocredit = 0\r\n# " + editMarker() +
                ": minlen = 8 added: a built-in default was stricter than the cloud's password "
                "rule: 8-30 characters, 3 classes\r\nminlen = 8\r\n");
  expectFixed(host, it);

  TestHost crack;
  crack.addFile("/etc/pam.d/passwd",
                "password requisite pam_cracklib.so dcredit=0 ucredit=0 lcredit=0 ocredit=0 "
                "# no credits\n");
  auto c = planPasswd(crack);
  EXPECT_EQ(c.before.status, Status::kFail);
  const FixItem& ci = item(c.plan);
  EXPECT_EQ(written(ci, "/etc/pam.d/passwd"),
            marker("minlen=8 added") +
                "\npassword requisite pam_cracklib.so dcredit=0 ucredit=0 lcredit=0 ocredit=0 "
                "minlen=8 # no credits\n");
  expectFixed(crack, ci);
}

// passwdqc does not count an uppercase first letter or a final digit: "Qqxzkwh7" is one class to
// it, so only N0 could let it through, and lowering N0 accepts one-class passwords: not done.
TEST(PasswordFixer, DebianPasswdqcThatOnlyN0CouldFixIsNotFixed) {
  TestHost host;
  host.addFile("/etc/pam.d/passwd", "@include common-password\n")
      .addFile("/etc/pam.d/common-password",
               "password\trequisite\t\t\tpam_passwdqc.so min=disabled,24,12,10,9 max=20\n"
               "password\t[success=1 default=ignore]\tpam_unix.so use_authtok sha512\n");
  auto out = planPasswd(host);
  EXPECT_EQ(out.before.status, Status::kFail);
  EXPECT_TRUE(out.plan.items.empty());
  ASSERT_EQ(out.plan.skipped.size(), 1u);
  const std::string& why = out.plan.skipped[0].reason;
  EXPECT_NE(why.find("pam_passwdqc at /etc/pam.d/common-password:1"), std::string::npos) << why;
  EXPECT_NE(why.find("N0"), std::string::npos) << why;
  EXPECT_EQ(auditPasswd(host).status, Status::kFail) << "nothing was changed";
}

// With N0 already at the cloud's minimum, max= is what rejects the long passwords: raised to 30,
// min= kept as written; the same in a config= file.
TEST(PasswordFixer, PasswdqcMaxRaisedOthersKept) {
  TestHost host;
  host.addFile("/etc/pam.d/passwd", "@include common-password\n")
      .addFile("/etc/pam.d/common-password",
               "password requisite pam_passwdqc.so min=8,24,12,10,9 max=20 enforce=everyone\n");
  auto out = planPasswd(host);
  EXPECT_EQ(out.before.status, Status::kFail);
  const FixItem& it = item(out.plan);
  EXPECT_EQ(written(it, "/etc/pam.d/common-password"),
            marker("max=20 -> max=30") +
                "\npassword requisite pam_passwdqc.so min=8,24,12,10,9 max=30 enforce=everyone\n");
  ASSERT_FALSE(it.notes.empty()) << "passwdqc's word check still applies to root";
  EXPECT_NE(it.notes.front().find("word"), std::string::npos) << it.notes.front();
  expectFixed(host, it, Status::kWarn);

  TestHost conf;
  conf.addFile("/etc/pam.d/passwd",
               "password requisite pam_passwdqc.so max=12 config=/etc/passwdqc.conf\n")
      .addFile("/etc/passwdqc.conf", "min=8,8,8,8,8\nmax=16\n");
  auto c = planPasswd(conf);
  const FixItem& ci = item(c.plan);
  ASSERT_EQ(ci.actions.size(), 1u) << "the PAM argument max=12 is overridden by the file";
  EXPECT_EQ(written(ci, "/etc/passwdqc.conf"),
            "min=8,8,8,8,8\n" + marker("max=16 -> max=30") + "\nmax=30\n");
  expectFixed(conf, ci, Status::kWarn);
}

// A continued PAM line: the argument is edited on the physical line that holds it.
TEST(PasswordFixer, ContinuedPamLineNoFinalNewline) {
  TestHost host;
  host.addFile("/etc/pam.d/passwd",
               "password required pam_pwquality.so retry=3 \\\n"
               "    minclass=4 maxsequence=3 enforce_for_root\n"
               "password required pam_unix.so use_authtok");
  auto out = planPasswd(host);
  EXPECT_EQ(out.before.status, Status::kFail);
  const FixItem& it = item(out.plan);
  EXPECT_EQ(written(it, "/etc/pam.d/passwd"),
            marker("minclass=4 -> minclass=3, maxsequence=3 -> maxsequence=0") +
                "\npassword required pam_pwquality.so retry=3 \\\n"
                "    minclass=3 maxsequence=0 enforce_for_root\n"
                "password required pam_unix.so use_authtok");
  ASSERT_FALSE(it.notes.empty()) << "dictionary check enforced for root";
  expectFixed(host, it, Status::kWarn);
}

TEST(PasswordFixer, AuthselectSymlinkGetsANote) {
  TestHost host;
  host.addFile("/etc/pam.d/passwd", "password substack system-auth\n")
      .addSymlink("/etc/pam.d/system-auth", "/etc/authselect/system-auth")
      .addFile("/etc/authselect/system-auth",
               "# Generated by authselect on Thu Jan  1 00:00:00 2026\n"
               "password    requisite     pam_pwquality.so try_first_pass local_users_only "
               "minlen=15\n");
  auto out = planPasswd(host);
  const FixItem& it = item(out.plan);
  ASSERT_EQ(it.actions.size(), 1u);
  EXPECT_EQ(it.actions[0].path, "/etc/authselect/system-auth");
  ASSERT_EQ(it.notes.size(), 1u);
  EXPECT_NE(it.notes[0].find("authselect apply-changes"), std::string::npos) << it.notes[0];
  expectFixed(host, it);
}

// CoreOS keeps PAM in the vendor directory: the edited copy goes to /etc/pam.d, which wins.
TEST(PasswordFixer, VendorPamFileCopiedToEtc) {
  TestHost host;
  host.addFile("/usr/lib/pam.d/passwd", "password include system-auth\n")
      .addFile("/usr/lib/pam.d/system-auth",
               "password\trequired\tpam_unix.so try_first_pass sha512 minlen=10\n");
  auto out = planPasswd(host);
  EXPECT_EQ(out.before.status, Status::kFail);
  const FixItem& it = item(out.plan);
  ASSERT_EQ(it.actions.size(), 2u);
  EXPECT_EQ(it.actions[0].kind, ActionKind::kMakeDir);
  EXPECT_EQ(written(it, "/etc/pam.d/system-auth"),
            marker("minlen=10 -> minlen=8") +
                "\npassword\trequired\tpam_unix.so try_first_pass sha512 minlen=8\n");
  expectFixed(host, it);
  EXPECT_EQ(*host.readFile("/usr/lib/pam.d/system-auth"),
            "password\trequired\tpam_unix.so try_first_pass sha512 minlen=10\n");
}

// Without any PAM password stack, shadow's passwd checks PASS_MIN_LEN itself.
TEST(PasswordFixer, LoginDefsWithoutPam) {
  TestHost host;
  host.addFile("/etc/login.defs", "PASS_MAX_DAYS\t99999\nPASS_MIN_LEN\t12   \nUMASK 022\n");
  auto out = planPasswd(host);
  EXPECT_EQ(out.before.status, Status::kFail);
  const FixItem& it = item(out.plan);
  EXPECT_EQ(written(it, "/etc/login.defs"), "PASS_MAX_DAYS\t99999\n" +
                                                marker("PASS_MIN_LEN 12 -> PASS_MIN_LEN 8") +
                                                "\nPASS_MIN_LEN\t8   \nUMASK 022\n");
  expectFixed(host, it);
}

// A stack that accepts every cloud password but checks words for root: the finding warns and the
// fixer plans nothing, saying why.
TEST(PasswordFixer, DictionaryOnlyWarningPlansNothing) {
  TestHost host;
  host.addFile("/etc/pam.d/passwd",
               "password requisite pam_pwquality.so retry=3 enforce_for_root\n"
               "password required pam_unix.so use_authtok\n")
      .addFile("/etc/security/pwquality.conf", "minlen = 8\nminclass = 3\n");
  auto out = planPasswd(host);
  EXPECT_EQ(out.before.status, Status::kWarn);
  const FixItem& it = item(out.plan);
  EXPECT_TRUE(it.actions.empty());
  ASSERT_EQ(it.notes.size(), 1u);
  EXPECT_NE(it.notes[0].find("dictionary"), std::string::npos) << it.notes[0];
}

// The fixer changes nothing itself: it reads through the host and returns actions.
TEST(PasswordFixer, PlanningTouchesNothing) {
  TestHost host;
  const std::string pam = "password requisite pam_cracklib.so minlen=20\n";
  host.addFile("/etc/pam.d/passwd", pam);
  auto out = planPasswd(host);
  EXPECT_EQ(item(out.plan).actions.size(), 1u);
  EXPECT_EQ(*host.readFile("/etc/pam.d/passwd"), pam);
}

/// Every PAM file of the corpus as the system-auth of a passwd stack, and the pwquality.conf and
/// login.defs samples: the fixer either refuses with a reason or plans edits after which the
/// rule finds no rejection; every line it changes carries an option it relaxes; a second plan is
/// empty.
TEST(PasswordFixer, CorpusStacks) {
  GUESTPREP_REQUIRE_CORPUS();
  int planned = 0, refused = 0, files = 0;
  auto check = [&](TestHost& host, const std::string& name) {
    ++files;
    auto out = planPasswd(host);
    if (out.before.status == Status::kPass || out.before.status == Status::kError) {
      EXPECT_TRUE(out.plan.items.empty() && out.plan.skipped.empty()) << name;
      return;
    }
    if (!out.plan.skipped.empty()) {
      ++refused;
      EXPECT_FALSE(out.plan.skipped[0].reason.empty()) << name;
      return;
    }
    ASSERT_EQ(out.plan.items.size(), 1u) << name;
    const FixItem& it = out.plan.items[0];
    for (const auto& a : it.actions) {
      if (a.kind != ActionKind::kWriteFile) continue;
      auto old = host.readFile(a.path);
      if (!old) continue;
      TextLines before(*old), after(a.content);
      for (int n = 1; n <= static_cast<int>(before.size()); ++n) {
        const std::string& line = before.at(n);
        bool kept = false;
        for (int k = 1; k <= static_cast<int>(after.size()) && !kept; ++k)
          kept = after.at(k) == line;
        bool relaxed_option = false;
        for (const char* key : {"minlen", "credit", "minclass", "maxrepeat", "maxclassrepeat",
                                "maxsequence", "min=", "max=", "maxlen", "PASS_MIN_LEN"}) {
          relaxed_option = relaxed_option || line.find(key) != std::string::npos;
        }
        EXPECT_TRUE(kept || relaxed_option) << name << ": line " << n << " changed: " << line;
      }
    }
    if (!it.actions.empty()) ++planned;
    apply(host, it);
    Finding after = auditPasswd(host);
    EXPECT_NE(after.status, Status::kFail) << name << ": " << after.message;
    EXPECT_EQ(after.message.find("rejects"), std::string::npos) << name << ": " << after.message;
    EXPECT_EQ(planPasswd(host).plan.actionCount(), 0u) << name;
  };
  for (const auto& path : testing::corpusFiles("auth")) {
    std::string name = path.parent_path().filename().string() + "/" + path.filename().string();
    std::string fname = path.filename().string();
    std::string text = testing::readTestFile(path);
    TestHost host;
    if (fname.starts_with("pam.conf")) {
      host.addFile("/etc/pam.conf", text);
    } else if (fname.starts_with("pam.d") || fname.starts_with("system-auth") ||
               fname.starts_with("password-auth") || fname.starts_with("common-")) {
      host.addFile("/etc/pam.d/passwd", "password include system-auth\n")
          .addFile("/etc/pam.d/system-auth", text);
    } else if (fname.starts_with("pwquality.conf")) {
      host.addFile("/etc/pam.d/passwd", "password requisite pam_pwquality.so enforce_for_root\n")
          .addFile("/etc/security/pwquality.conf", text + "\nminlen = 13\nmaxrepeat = 3\n");
    } else if (fname.starts_with("login.defs")) {
      host.addFile("/etc/login.defs", text + "\nPASS_MIN_LEN 11\n");
    } else {
      continue;
    }
    check(host, name);
  }
  EXPECT_GE(files, 15);
  EXPECT_GE(planned, 4) << "cracklib minlen=12, the hardened pwquality.conf and login.defs";
}

}  // namespace
}  // namespace guestprep::os_linux
