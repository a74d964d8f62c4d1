// The L-PASSWD fixer's whole cycle through the built binary on copies of the fixture roots: the
// audit fails, `guestprep fix --only L-PASSWD --yes` relaxes the options and reports "verified",
// the audit passes, a second fix plans nothing, and `guestprep rollback` leaves the copy byte for
// byte (and metadata) as it was. Roots whose own settings already accept the cloud's passwords
// are made stricter first, the way a hardening guide would.
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <gtest/gtest.h>

#include "support/run_binary.h"
#include "support/tree_snapshot.h"

namespace guestprep::testing {
namespace {

namespace fs = std::filesystem;

nlohmann::json parse(const CommandResult& r) {
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON (" << e.what() << "), exit " << r.exit_code << "\nstdout: " << r.out
                  << "\nstderr: " << r.err;
    return nlohmann::json::object();
  }
}

std::string readText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeText(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

/// Replaces `from` by `to` in a file of the copy (the test's own hardening).
void replaceIn(const fs::path& p, const std::string& from, const std::string& to) {
  std::string text = readText(p);
  auto pos = text.find(from);
  ASSERT_NE(pos, std::string::npos) << from << " not in " << p;
  text.replace(pos, from.size(), to);
  writeText(p, text);
}

struct Case {
  std::string root;
  std::function<void(const fs::path&)> harden;  ///< makes a passing root fail (or nothing)
  std::string changed_file;                     ///< relative to the root
  std::string expect_text;                      ///< what the changed file must then contain
  std::string untouched_file;                   ///< a file that must not change ("" for none)
  std::string after_status = "pass";            ///< "warn" where a dictionary check applies to root
};

class FixPasswdCycle : public ::testing::TestWithParam<Case> {};

TEST_P(FixPasswdCycle, FixVerifyAgainRollback) {
  const Case& c = GetParam();
  TempCopy copy(fixtureRoot(c.root));
  if (c.harden) c.harden(copy.path());
  const TreeSnapshot before = snapshotTree(copy.path());
  const std::string untouched =
      c.untouched_file.empty() ? "" : readText(copy.path() / c.untouched_file);

  nlohmann::json audit = auditJson({"--root", copy.str()});
  nlohmann::json finding = findingFor(audit, "L-PASSWD");
  ASSERT_EQ(finding.value("status", ""), "fail") << finding.dump(2);

  CommandResult fix = runGuestprep(
      {"fix", "--root", copy.str(), "--only", "L-PASSWD", "--yes", "--format", "json"});
  nlohmann::json report = parse(fix);
  std::string outcome;
  for (const auto& r : report["result"]["results"]) {
    if (r.value("requirement", "") == "L-PASSWD") outcome = r.value("outcome", "");
  }
  if (c.after_status == "pass") {
    EXPECT_EQ(fix.exit_code, 0) << fix.out << fix.err;
    EXPECT_EQ(outcome, "verified") << report.dump(2);
  } else {
    // Fix mode verifies a pass only; the dictionary warning is left to the operator, by design.
    EXPECT_EQ(outcome, "not verified") << report.dump(2);
  }
  EXPECT_NE(readText(copy.path() / c.changed_file).find(c.expect_text), std::string::npos)
      << c.changed_file << ":\n"
      << readText(copy.path() / c.changed_file);
  if (!c.untouched_file.empty()) {
    EXPECT_EQ(readText(copy.path() / c.untouched_file), untouched) << c.untouched_file;
  }

  audit = auditJson({"--root", copy.str()});
  nlohmann::json after = findingFor(audit, "L-PASSWD");
  EXPECT_EQ(after.value("status", ""), c.after_status) << after.dump(2);
  EXPECT_EQ(after.value("message", "").find("rejects"), std::string::npos) << after.dump(2);

  CommandResult again = runGuestprep(
      {"fix", "--root", copy.str(), "--only", "L-PASSWD", "--dry-run", "--format", "json"});
  nlohmann::json plan = parse(again);
  EXPECT_EQ(again.exit_code, 0);
  for (const auto& item : plan["plan"]["items"]) {
    if (item.value("requirement", "") != "L-PASSWD") continue;
    EXPECT_TRUE(item["actions"].empty()) << "a second fix plans again: " << item.dump(2);
  }
  EXPECT_TRUE(plan["plan"]["skipped"].empty()) << plan["plan"]["skipped"].dump(2);

  CommandResult rb = runGuestprep({"rollback", "--root", copy.str()});
  EXPECT_EQ(rb.exit_code, 0) << rb.out << rb.err;
  EXPECT_EQ(diffSnapshots(before, snapshotTree(copy.path())), "");
}

INSTANTIATE_TEST_SUITE_P(
    Roots, FixPasswdCycle,
    ::testing::Values(
        // pam_cracklib minlen=12 ucredit=-2 in system-auth, as shipped in the fixture.
        Case{"rhel6",
             {},
             "etc/pam.d/system-auth",
             "pam_cracklib.so try_first_pass retry=3 "
             "minlen=8 ucredit=0 type=",
             "",
             "pass"},
        // authconfig's system-auth is left alone: the drop-in that sets the values is edited.
        Case{"rhel7",
             [](const fs::path& root) {
               writeText(root / "etc/security/pwquality.conf.d/50-hardening.conf",
                         "# site hardening\nminlen = 12\nminclass = 4\nmaxrepeat = 2\n");
             },
             "etc/security/pwquality.conf.d/50-hardening.conf", "\nmaxrepeat = 0\n",
             "etc/pam.d/system-auth", "pass"},
        // common-password is a symlink to common-password-pc (pam-config): the target is edited.
        Case{"sles12",
             [](const fs::path& root) {
               replaceIn(root / "etc/pam.d/common-password-pc", "pam_cracklib.so\n",
                         "pam_cracklib.so\tminlen=10 dcredit=-1 maxclassrepeat=3\n");
             },
             "etc/pam.d/common-password-pc",
             "pam_cracklib.so\tminlen=10 dcredit=0 "
             "maxclassrepeat=0\n",
             "", "pass"},
        // pwquality.conf minlen = 14 with every credit at -1, as shipped in the fixture.
        Case{"ubuntu14",
             {},
             "etc/security/pwquality.conf",
             "minlen = 8\n",
             "etc/pam.d/common-password",
             "pass"},
        // enforce_for_root: the dictionary check still applies to root, so the finding warns.
        Case{"ubuntu18",
             [](const fs::path& root) {
               replaceIn(root / "etc/security/pwquality.conf", "minclass = 3\n",
                         "minclass = 3\nmaxsequence = 3\n");
             },
             "etc/security/pwquality.conf", "maxsequence = 0\n", "etc/pam.d/common-password",
             "warn"},
        // pam_unix minlen= (Debian's common-password).
        Case{"debian7",
             [](const fs::path& root) {
               replaceIn(root / "etc/pam.d/common-password", "obscure minlen=8",
                         "obscure minlen=12");
             },
             "etc/pam.d/common-password", "pam_unix.so obscure minlen=8 sha512", "", "pass"}),
    [](const ::testing::TestParamInfo<Case>& param_info) { return param_info.param.root; });

// The dry run shows the diff with the marker comment and changes nothing.
TEST(FixPasswd, DryRunShowsTheDiffAndTouchesNothing) {
  TempCopy copy(fixtureRoot("rhel6"));
  const TreeSnapshot before = snapshotTree(copy.path(), "");
  CommandResult r = runGuestprep({"fix", "--root", copy.str(), "--only", "L-PASSWD", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("--- a/etc/pam.d/system-auth"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-password    requisite     pam_cracklib.so try_first_pass retry=3 "
                       "minlen=12 ucredit=-2 type="),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("minlen=12 -> minlen=8, ucredit=-2 -> ucredit=0"), std::string::npos)
      << r.out;
  EXPECT_EQ(diffSnapshots(before, snapshotTree(copy.path(), "")), "");
}

// A stack the fixer cannot relax without going below the cloud's rule is reported, not touched.
TEST(FixPasswd, PasswdqcNeedingN0IsNotFixed) {
  TempCopy copy(fixtureRoot("ubuntu14"));
  replaceIn(copy.path() / "etc/pam.d/common-password", "pam_pwquality.so retry=3",
            "pam_passwdqc.so min=disabled,24,12,10,9");
  const TreeSnapshot before = snapshotTree(copy.path(), "");
  CommandResult r = runGuestprep(
      {"fix", "--root", copy.str(), "--only", "L-PASSWD", "--yes", "--format", "json"});
  nlohmann::json out = parse(r);
  ASSERT_EQ(out["plan"]["skipped"].size(), 1u) << r.out;
  EXPECT_NE(out["plan"]["skipped"][0].value("reason", "").find("N0"), std::string::npos) << r.out;
  EXPECT_EQ(diffSnapshots(before, snapshotTree(copy.path(), "")), "");
}

}  // namespace
}  // namespace guestprep::testing
