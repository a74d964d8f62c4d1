// The system and storage fixers through the built binary on copies of fixture roots: audit fails,
// fix is verified, rollback gives back the identical tree, a second fix plans nothing.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/run_binary.h"
#include "support/tree_snapshot.h"

namespace guestprep::testing {
namespace {

namespace fs = std::filesystem;

std::string statusOf(const std::string& root, const std::string& requirement) {
  auto report = auditJson({"--root", root});
  return findingFor(report, requirement).value("status", "");
}

/// The whole cycle for one requirement on a prepared copy.
void fixCycle(TempCopy& copy, const std::string& requirement, const std::string& failing_status) {
  auto original = snapshotTree(copy.path());
  ASSERT_EQ(statusOf(copy.str(), requirement), failing_status);
  auto r = runGuestprep(
      {"fix", "--root", copy.str(), "--yes", "--only", requirement, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto report = nlohmann::json::parse(r.out);
  ASSERT_EQ(report["result"]["results"].size(), 1U) << r.out;
  EXPECT_EQ(report["result"]["results"][0]["outcome"], "verified") << r.out;
  EXPECT_EQ(statusOf(copy.str(), requirement), "pass");
  auto again = runGuestprep({"fix", "--root", copy.str(), "--yes", "--only", requirement});
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("Nothing to fix."), std::string::npos) << again.out;
  auto rb = runGuestprep({"rollback", "--root", copy.str()});
  EXPECT_EQ(rb.exit_code, 0) << rb.out << rb.err;
  EXPECT_EQ(diffSnapshots(original, snapshotTree(copy.path())), "");
}

TEST(FixStorage, NofailIsAddedToANetworkShare) {
  TempCopy copy(fixtureRoot("rhel7"));
  fixCycle(copy, "X-FSTABRESOLVE", "warn");
}

TEST(FixStorage, NofailOnAThreeFieldEntry) {
  TempCopy copy(fixtureRoot("rhel7"));
  std::ofstream(copy.path() / "etc/fstab", std::ios::app) << "//srv/share /mnt/share cifs\n";
  fixCycle(copy, "X-FSTABRESOLVE", "warn");
}

TEST(FixStorage, DeviceNamesOfflineAreRefusedWithTheReason) {
  TempCopy copy(fixtureRoot("rhel6"));
  auto original = snapshotTree(copy.path());
  auto r = runGuestprep({"fix", "--root", copy.str(), "--yes", "--only", "X-DEVNAMES"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;  // nothing planned: nothing unverified
  EXPECT_NE(r.out.find("not fixed: X-DEVNAMES"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/dev/sda1"), std::string::npos) << r.out;
  EXPECT_EQ(diffSnapshots(original, snapshotTree(copy.path(), "")), "");
}

TEST(FixSystem, MachineIdOnlyWhenAsked) {
  TempCopy copy(fixtureRoot("rhel7"));
  std::ofstream(copy.path() / "etc/machine-id", std::ios::trunc)
      << "4c4c4544003910548034b8c04f4e3032\n";
  std::ofstream(copy.path() / "etc/ssh/ssh_host_rsa_key") << "key\n";
  std::ofstream(copy.path() / "etc/ssh/ssh_host_rsa_key.pub") << "pub\n";
  ASSERT_EQ(statusOf(copy.str(), "X-MACHINEID"), "warn");
  auto r = runGuestprep({"fix", "--root", copy.str(), "--dry-run"});
  EXPECT_NE(r.out.find("fixed only when asked: --only X-MACHINEID"), std::string::npos) << r.out;
  fixCycle(copy, "X-MACHINEID", "warn");
}

TEST(FixSystem, MachineIdKeepsHostKeysNothingRegenerates) {
  TempCopy copy(fixtureRoot("ubuntu18"));
  fs::create_directories(copy.path() / "etc/ssh");
  std::ofstream(copy.path() / "etc/ssh/ssh_host_ed25519_key") << "key\n";
  std::ofstream(copy.path() / "etc/ssh/ssh_host_ed25519_key.pub") << "pub\n";
  auto r = runGuestprep({"fix", "--root", copy.str(), "--dry-run", "--only", "X-MACHINEID"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  bool cloud_init = statusOf(copy.str(), "L-CLOUDINIT") == "pass";
  if (cloud_init) {
    EXPECT_NE(r.out.find("remove /etc/ssh/ssh_host_ed25519_key"), std::string::npos) << r.out;
  } else {
    EXPECT_NE(r.out.find("SSH host keys kept"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("remove /etc/ssh/ssh_host_ed25519_key"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace guestprep::testing
