// The L-FSCHECK fixer on Facts literals (superblocks are read only on a running system) and
// fixture trees for the init system: /forcefsck where the boot reads it, notes for what a boot
// check cannot do, and nothing planned twice.
#include <gtest/gtest.h>

#include "audit/audit.h"
#include "fix/fix.h"
#include "fixers/fixers.h"
#include "policy/policy.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using testing::TestHost;

constexpr std::int64_t kCollected = 1795478400;  // 2026-11-24T00:00:00Z

FilesystemCheck extFs(std::string mount_point, std::string device, bool mounted, disk::ExtInfo e) {
  disk::FilesystemInfo fs;
  fs.type = "ext4";
  fs.ext = std::move(e);
  return {std::move(mount_point), std::move(device), mounted,
          Observed<disk::FilesystemInfo>::of(std::move(fs))};
}

disk::ExtInfo recentlyChecked() {
  disk::ExtInfo e;
  e.features = {"has_journal", "extent"};
  e.last_check = kCollected - 86400;
  return e;
}

FstabEntry fstab(std::string mount_point, int line, int passno) {
  FstabEntry e;
  e.source = {"/etc/fstab", line};
  e.spec = "UUID=0";
  e.file = std::move(mount_point);
  e.vfstype = "ext4";
  e.passno = passno;
  return e;
}

Facts factsWith(std::vector<FilesystemCheck> fs, std::vector<FstabEntry> entries) {
  Facts f;
  f.collected_at = "2026-11-24T00:00:00Z";
  f.storage.filesystems = Observed<std::vector<FilesystemCheck>>::of(std::move(fs));
  f.storage.fstab = std::move(entries);
  return f;
}

struct Planned {
  Plan plan;
  Finding finding;
};

Planned plan(const Facts& facts, const Host& host, bool ask = true) {
  auto policy = builtinPolicy(kDefaultLinuxPolicy);
  EXPECT_TRUE(policy) << policy.error().message;
  auto findings = evaluatePolicy(*policy, facts);
  Finding fsck;
  for (const auto& f : findings) {
    if (f.requirement == "L-FSCHECK") fsck = f;
  }
  FixOptions options;
  if (ask) options.only = {"L-FSCHECK"};
  return {buildPlan(*policy, findings, facts, host, options, platformFixers()), fsck};
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

void sysvInit(TestHost& host) { host.addFile("/sbin/init", "", 0755); }

void systemdInit(TestHost& host, bool legacy_tmpfiles) {
  host.addFile("/lib/systemd/systemd", "", 0755).addSymlink("/sbin/init", "/lib/systemd/systemd");
  if (legacy_tmpfiles) {
    host.addFile("/usr/lib/tmpfiles.d/legacy.conf",
                 "d /run/lock 0755 root root -\nr! /forcefsck\nr! /fastboot\n");
  }
}

TEST(FsCheckFixer, SysvErrorsRecordedSchedulesForceFsckOnce) {
  TestHost host;
  sysvInit(host);
  disk::ExtInfo e = recentlyChecked();
  e.errors = true;
  e.error_count = 3;
  Facts facts = factsWith({extFs("/", "/dev/sda1", true, e)}, {fstab("/", 1, 1)});
  auto p = plan(facts, host);
  EXPECT_EQ(p.finding.status, Status::kFail) << p.finding.message;
  ASSERT_EQ(p.plan.items.size(), 1u) << (p.plan.skipped.empty() ? "" : p.plan.skipped[0].reason);
  const FixItem& it = p.plan.items[0];
  ASSERT_EQ(it.actions.size(), 1u);
  EXPECT_EQ(it.actions[0].kind, ActionKind::kWriteFile);
  EXPECT_EQ(it.actions[0].path, "/forcefsck");
  EXPECT_EQ(it.actions[0].content, "");
  EXPECT_NE(it.summary.find("/ (/dev/sda1, 3 error(s) recorded)"), std::string::npos) << it.summary;
  std::string notes = joined(it.notes);
  EXPECT_NE(notes.find("rc.sysinit"), std::string::npos) << notes;
  EXPECT_NE(notes.find("maintenance shell"), std::string::npos) << notes;

  host.addFile("/forcefsck", "");
  auto again = plan(facts, host);
  ASSERT_EQ(again.plan.items.size(), 1u);
  EXPECT_TRUE(again.plan.items[0].actions.empty());
  EXPECT_NE(again.plan.items[0].summary.find("already scheduled"), std::string::npos);
}

TEST(FsCheckFixer, SystemdWithSysvCompatibilityNotesTheKernelArgument) {
  TestHost host;
  systemdInit(host, true);
  disk::ExtInfo e = recentlyChecked();
  e.last_check = kCollected - 400 * 86400;
  Facts facts = factsWith(
      {extFs("/", "/dev/vda1", true, recentlyChecked()), extFs("/var", "/dev/vda2", true, e)},
      {fstab("/", 1, 1), fstab("/var", 2, 2)});
  auto p = plan(facts, host);
  EXPECT_EQ(p.finding.status, Status::kWarn) << p.finding.message;
  ASSERT_EQ(p.plan.items.size(), 1u);
  const FixItem& it = p.plan.items[0];
  ASSERT_EQ(it.actions.size(), 1u);
  EXPECT_NE(it.summary.find("/var (/dev/vda2, last checked 400 days ago)"), std::string::npos)
      << it.summary;
  EXPECT_EQ(it.summary.find("/ (/dev/vda1"), std::string::npos) << "/ was checked yesterday";
  EXPECT_NE(joined(it.notes).find("fsck.mode=force"), std::string::npos) << joined(it.notes);
}

TEST(FsCheckFixer, SystemdWithoutSysvCompatibilityIsNotFixed) {
  TestHost host;
  systemdInit(host, false);
  disk::ExtInfo e = recentlyChecked();
  e.error_count = 1;
  auto p = plan(factsWith({extFs("/", "/dev/vda1", true, e)}, {fstab("/", 1, 1)}), host);
  EXPECT_TRUE(p.plan.items.empty());
  ASSERT_EQ(p.plan.skipped.size(), 1u);
  EXPECT_NE(p.plan.skipped[0].reason.find("fsck.mode=force"), std::string::npos)
      << p.plan.skipped[0].reason;
  EXPECT_FALSE(host.entryExists("/forcefsck"));
}

// XFS is not repaired by a boot-time check, and a filesystem with fs_passno 0 is never checked:
// both are left to the operator with the command to run.
TEST(FsCheckFixer, XfsAndPassnoZeroAreNotesOnly) {
  TestHost host;
  sysvInit(host);
  disk::FilesystemInfo xfs;
  xfs.type = "xfs";
  xfs.xfs = disk::XfsInfo{};
  xfs.xfs->version = 5;
  xfs.xfs->log_clean = false;
  disk::ExtInfo dirty = recentlyChecked();
  dirty.errors = true;
  Facts facts = factsWith(
      {FilesystemCheck{"/data", "/dev/sdb1", false, Observed<disk::FilesystemInfo>::of(xfs)},
       extFs("/srv", "/dev/sdc1", true, dirty)},
      {fstab("/data", 3, 2), fstab("/srv", 4, 0)});
  auto p = plan(facts, host);
  EXPECT_EQ(p.finding.status, Status::kFail);
  ASSERT_EQ(p.plan.items.size(), 1u);
  const FixItem& it = p.plan.items[0];
  EXPECT_TRUE(it.actions.empty());
  std::string notes = joined(it.notes);
  EXPECT_NE(notes.find("xfs_repair /dev/sdb1"), std::string::npos) << notes;
  EXPECT_NE(notes.find("fs_passno is 0 at /etc/fstab:4"), std::string::npos) << notes;
}

// After applying, the finding still fails (the damage is on disk until the boot checks it), so
// the fix is judged by what shows it in place: /forcefsck seen by the probes.
TEST(FsCheckFixer, AppliedCheckIsPendingRebootNotVerifiedNorFailed) {
  TestHost host;
  sysvInit(host);
  disk::ExtInfo e = recentlyChecked();
  e.errors = true;
  e.error_count = 1;
  Facts facts = factsWith({extFs("/", "/dev/sda1", true, e)}, {fstab("/", 1, 1)});
  auto p = plan(facts, host);
  ASSERT_EQ(p.plan.items.size(), 1u);
  auto policy = builtinPolicy(kDefaultLinuxPolicy);
  ASSERT_TRUE(policy);

  Facts after = facts;
  after.storage.check_at_next_boot = "/forcefsck";
  auto findings_after = evaluatePolicy(*policy, after);
  auto results = verifyFixes(p.plan, findings_after, after);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, "pending reboot") << results[0].detail;
  EXPECT_NE(results[0].detail.find("/forcefsck exists"), std::string::npos) << results[0].detail;
  EXPECT_NE(results[0].detail.find("fail until then"), std::string::npos) << results[0].detail;

  // The write did not take (the probes do not see the file): not verified.
  results = verifyFixes(p.plan, evaluatePolicy(*policy, facts), facts);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, "not verified") << results[0].detail;

  // Already scheduled before the run: nothing to apply, and still pending the reboot.
  host.addFile("/forcefsck", "");
  auto again = plan(after, host);
  ASSERT_EQ(again.plan.items.size(), 1u);
  results = verifyFixes(again.plan, findings_after, after);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, "pending reboot") << results[0].detail;

  ApplyReport report;
  report.applied = true;
  report.results = results;
  EXPECT_FALSE(report.allVerified()) << "not ready until the check has run";
  EXPECT_NE(renderApplyText(report).find("PENDING REBOOT  L-FSCHECK"), std::string::npos)
      << renderApplyText(report);
  EXPECT_NE(renderApplyText(report).find("act at the next boot"), std::string::npos);
}

TEST(FsCheckFixer, OnlyWhenAsked) {
  TestHost host;
  sysvInit(host);
  disk::ExtInfo e = recentlyChecked();
  e.errors = true;
  auto p = plan(factsWith({extFs("/", "/dev/sda1", true, e)}, {fstab("/", 1, 1)}), host, false);
  bool skipped = false;
  for (const auto& s : p.plan.skipped) {
    if (s.requirement == "L-FSCHECK") {
      skipped = true;
      EXPECT_NE(s.reason.find("--only L-FSCHECK"), std::string::npos) << s.reason;
    }
  }
  EXPECT_TRUE(skipped);
  for (const auto& i : p.plan.items) EXPECT_NE(i.requirement, "L-FSCHECK");
}

}  // namespace
}  // namespace guestprep::os_linux
