// The whole fix cycle of the service fixers on copies of the fixture roots, through the built
// binary: the audit fails → `guestprep fix --root COPY --yes --only ID` → "verified" and the audit
// passes → a second fix plans nothing → `guestprep rollback --root COPY` → the tree (contents,
// owners, modes, xattrs, flags, mtimes) is what it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "support/run_binary.h"
#include "support/tree_snapshot.h"

namespace guestprep::testing {
namespace {

namespace fs = std::filesystem;

nlohmann::json parse(const CommandResult& r, const std::string& what) {
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": not JSON (" << e.what() << "), exit " << r.exit_code
                  << ", stderr: " << r.err << ", stdout: " << r.out;
    return nlohmann::json::object();
  }
}

std::size_t plannedActions(const nlohmann::json& fix) {
  std::size_t n = 0;
  for (const auto& item : fix["plan"]["items"]) n += item["actions"].size();
  return n;
}

struct Cycle {
  std::string root;
  std::string requirement;
  std::function<void(const fs::path&)> prepare;
  /// The status the finding has after the fix ("pass", or "warn" where the policy keeps
  /// warning about something only --allow-package-changes removes).
  std::string status_after = "pass";
};

void runCycle(const Cycle& c) {
  SCOPED_TRACE(c.root + " " + c.requirement);
  TempCopy copy(fixtureRoot(c.root));
  if (c.prepare) c.prepare(copy.path());
  TreeSnapshot before = snapshotTree(copy.path());

  nlohmann::json audit = auditJson({"--root", copy.str()});
  nlohmann::json f = findingFor(audit, c.requirement);
  ASSERT_FALSE(f.is_null());
  ASSERT_TRUE(f["status"] == "fail" || f["status"] == "warn") << f.dump(2);

  CommandResult fixed = runGuestprep(
      {"fix", "--root", copy.str(), "--yes", "--only", c.requirement, "--format", "json"});
  nlohmann::json fix = parse(fixed, "fix");
  ASSERT_TRUE(fix.contains("result")) << fix.dump(2) << fixed.err;
  ASSERT_EQ(fix["result"]["results"].size(), 1u) << fix.dump(2);
  const auto& result = fix["result"]["results"][0];
  if (c.status_after == "pass") {
    EXPECT_EQ(result["outcome"], "verified") << result.dump(2);
    EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
  } else {
    EXPECT_EQ(result["outcome"], "not verified") << result.dump(2);
  }

  nlohmann::json after = findingFor(auditJson({"--root", copy.str()}), c.requirement);
  EXPECT_EQ(after["status"], c.status_after) << after.dump(2);

  CommandResult again = runGuestprep(
      {"fix", "--root", copy.str(), "--dry-run", "--only", c.requirement, "--format", "json"});
  EXPECT_EQ(plannedActions(parse(again, "second fix")), 0u) << again.out;

  CommandResult rolled = runGuestprep({"rollback", "--root", copy.str()});
  EXPECT_EQ(rolled.exit_code, 0) << rolled.out << rolled.err;
  EXPECT_EQ(diffSnapshots(before, snapshotTree(copy.path())), "");
  nlohmann::json restored = findingFor(auditJson({"--root", copy.str()}), c.requirement);
  EXPECT_EQ(restored["status"], f["status"]) << "rollback brings the finding back";
}

TEST(FixServices, Rhel6IptablesSysvLinks) { runCycle({"rhel6", "L-FIREWALL", {}}); }

TEST(FixServices, Debian7IptablesPersistentLinks) { runCycle({"debian7", "L-FIREWALL", {}}); }

TEST(FixServices, Sles12SuSEfirewall2Unit) { runCycle({"sles12", "L-FIREWALL", {}}); }

TEST(FixServices, Ubuntu18UfwConf) { runCycle({"ubuntu18", "L-FIREWALL", {}}); }

TEST(FixServices, Rhel6VmwareToolsOffAtBoot) { runCycle({"rhel6", "X-AGENTS", {}}); }

TEST(FixServices, Ubuntu18QemuGuestAgentMaskedStillWarns) {
  runCycle({"ubuntu18", "L-QEMUGA", {}, "warn"});
}

TEST(FixServices, Ubuntu18SshdOnAnotherPort) {
  runCycle({"ubuntu18", "L-SSH", [](const fs::path& root) {
              std::ofstream(root / "etc/ssh/sshd_config", std::ios::app) << "Port 2222\n";
            }});
}

TEST(FixServices, Rhel6SshdTurnedOff) {
  runCycle({"rhel6", "L-SSH", [](const fs::path& root) {
              for (const char* l : {"rc3.d", "rc5.d"}) {
                fs::path d = root / "etc/rc.d" / l;
                fs::remove(d / "S55sshd");
                fs::create_symlink("../init.d/sshd", d / "K25sshd");
              }
            }});
}

TEST(FixServices, Ubuntu18CloudInitStageOffAndOtherDatasource) {
  runCycle({"ubuntu18", "L-CLOUDINIT", [](const fs::path& root) {
              fs::remove(root / "etc/systemd/system/cloud-init.target.wants/cloud-final.service");
              fs::create_directories(root / "etc/cloud/cloud.cfg.d");
              std::ofstream(root / "etc/cloud/cloud.cfg.d/95-other.cfg")
                  << "datasource_list: [ Azure ]\n";
            }});
}

// The plan's text shows what changes before anything does: the links and the edits.
TEST(FixServices, DryRunShowsLinksAndTouchesNothing) {
  TempCopy copy(fixtureRoot("rhel6"));
  TreeSnapshot before = snapshotTree(copy.path());
  CommandResult r =
      runGuestprep({"fix", "--root", copy.str(), "--dry-run", "--only", "L-FIREWALL"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("remove /etc/rc.d/rc3.d/S08iptables"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("link /etc/rc.d/rc3.d/K92iptables -> ../init.d/iptables"), std::string::npos)
      << r.out;
  EXPECT_EQ(diffSnapshots(before, snapshotTree(copy.path())), "");
}

}  // namespace
}  // namespace guestprep::testing
