// Auto-remediation and POST /v1/fix on a copy of the rhel6 fixture root (SELinux enforcing):
// only the allowed IDs are applied, through the same journal as `guestprep fix`, so
// `guestprep journal list` shows the run and `guestprep rollback` undoes it byte for byte.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "daemon_process.h"
#include "support/run_binary.h"
#include "support/tree_snapshot.h"

namespace guestprep::testing {
namespace {

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string statusOf(DaemonProcess& d, const std::string& requirement) {
  auto r = d.request("GET", "/v1/report");
  if (r.status != 200) return "";
  return findingFor(r.json(), requirement).value("status", "");
}

TEST(DaemonAutoFix, AppliesOnlyTheAllowedIdsAfterTheAudit) {
  TempCopy root(fixtureRoot("rhel6"));
  auto before = auditJson({"--root", root.str()});
  ASSERT_EQ(findingFor(before, "L-SELINUX").value("status", ""), "fail");
  std::string shadow_before = findingFor(before, "L-SHADOW").value("status", "");
  TreeSnapshot original = snapshotTree(root.path(), "");

  DaemonProcess d("listen: ${DIR}/api.sock\nfix: auto\nfix_allow: [L-SELINUX]\n", root.str());
  std::string why;
  ASSERT_TRUE(d.waitListening(why)) << why;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (statusOf(d, "L-SELINUX") != "pass" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(statusOf(d, "L-SELINUX"), "pass") << d.log();
  EXPECT_NE(readFile(root.path() / "etc/selinux/config").find("SELINUX=permissive"),
            std::string::npos);
  // Nothing beyond the allowed ID was touched.
  auto report = d.request("GET", "/v1/report").json();
  EXPECT_EQ(findingFor(report, "L-SHADOW").value("status", ""), shadow_before);
  std::string changed = diffSnapshots(original, snapshotTree(root.path(), "var/lib/guestprep"));
  EXPECT_NE(changed.find("etc/selinux/config"), std::string::npos) << changed;
  std::istringstream lines(changed);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(" ")) continue;  // the "was:" and "now:" lines of an entry
    EXPECT_NE(line.find("etc/selinux"), std::string::npos) << "unexpected change: " << line;
  }
  auto metrics = d.request("GET", "/metrics").body;
  EXPECT_NE(metrics.find("guestprep_fix_runs_total{outcome=\"verified\"} 1\n"), std::string::npos)
      << metrics;
  EXPECT_NE(d.log().find("fix run "), std::string::npos) << d.log();
  EXPECT_EQ(d.terminate(), 0) << d.log();

  // The run is in the journal `guestprep fix` uses, and rollback restores the tree.
  auto list = runGuestprep({"journal", "list", "--root", root.str()});
  EXPECT_NE(list.out.find("guestprep daemon (auto)"), std::string::npos) << list.out;
  auto rollback = runGuestprep({"rollback", "--root", root.str()});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.out << rollback.err;
  EXPECT_EQ(diffSnapshots(original, snapshotTree(root.path(), "var/lib/guestprep")), "");
}

TEST(DaemonAutoFix, OffByDefaultAndApiFixAppliesOnlyWhenAsked) {
  TempCopy root(fixtureRoot("rhel6"));
  TreeSnapshot original = snapshotTree(root.path(), "");
  DaemonProcess d("listen: ${DIR}/api.sock\nfix_allow: [L-SELINUX]\n", root.str());
  std::string why;
  ASSERT_TRUE(d.waitListening(why)) << why;
  ASSERT_TRUE(d.waitReport()) << d.log();
  EXPECT_EQ(statusOf(d, "L-SELINUX"), "fail");
  ASSERT_EQ(d.request("POST", "/v1/audit").status, 200);
  EXPECT_EQ(diffSnapshots(original, snapshotTree(root.path(), "")), "")
      << "fix: off (the default) changes nothing";

  auto dry = d.request("POST", "/v1/fix", R"({"apply": false})");
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(diffSnapshots(original, snapshotTree(root.path(), "")), "");

  auto applied = d.request("POST", "/v1/fix", R"({"apply": true, "only": ["L-SELINUX"]})");
  ASSERT_EQ(applied.status, 200) << applied.body;
  auto j = applied.json();
  EXPECT_EQ(j.value("dry_run", true), false);
  ASSERT_TRUE(j.contains("result")) << applied.body;
  EXPECT_NE(j["result"].dump().find("verified"), std::string::npos) << applied.body;
  // The report was refreshed after the fix.
  EXPECT_EQ(statusOf(d, "L-SELINUX"), "pass");
  // Asking again plans nothing.
  auto again = d.request("POST", "/v1/fix", R"({"apply": true})");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_FALSE(again.json().contains("result")) << again.body;
  EXPECT_EQ(d.terminate(), 0) << d.log();
  auto rollback = runGuestprep({"rollback", "--root", root.str()});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.out << rollback.err;
  EXPECT_EQ(diffSnapshots(original, snapshotTree(root.path(), "var/lib/guestprep")), "");
}

}  // namespace
}  // namespace guestprep::testing
