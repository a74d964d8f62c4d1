// `guestprep fix`, `rollback` and `journal` through the built binary, on copies of fixture
// roots: dry run touches nothing, a fix is verified and rolled back to an identical tree, a second
// fix plans nothing, and a process killed after any durable step is rolled back completely.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "host/posix_fs.h"
#include "support/run_binary.h"
#include "support/tree_snapshot.h"

namespace guestprep::testing {
namespace {

namespace fs = std::filesystem;

bool makeImmutable(const fs::path& p) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  int flags = 0;
  bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  flags |= 0x10;
  ok = ok && ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  ::close(fd);
  return ok;
}

/// rhel6 with SELinux enforcing and an immutable /etc/shadow: a plan touching two files.
class FixCli : public ::testing::Test {
 protected:
  void SetUp() override {
    copy_ = std::make_unique<TempCopy>(fixtureRoot("rhel6"));
    shadow_flag_ = makeImmutable(copy_->path() / "etc/shadow");
    original_ = snapshotTree(copy_->path(), "");
  }
  [[nodiscard]] std::string root() const { return copy_->str(); }
  [[nodiscard]] std::string only() const {
    return shadow_flag_ ? "L-SELINUX,L-SHADOW" : "L-SELINUX";
  }
  std::unique_ptr<TempCopy> copy_;
  bool shadow_flag_ = false;
  TreeSnapshot original_;
};

TEST_F(FixCli, DryRunShowsADiffAndChangesNothing) {
  auto r = runGuestprep({"fix", "--root", root(), "--dry-run", "--only", only()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("--- a/etc/selinux/config"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-SELINUX=enforcing"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("+SELINUX=permissive"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Dry run: nothing was changed."), std::string::npos);
  // Not even the journal directory is created.
  EXPECT_EQ(diffSnapshots(original_, snapshotTree(copy_->path(), "")), "");
}

TEST_F(FixCli, WithoutYesOffATerminalNothingIsApplied) {
  auto r = runGuestprep({"fix", "--root", root(), "--only", only()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--yes"), std::string::npos) << r.err;
  EXPECT_EQ(diffSnapshots(original_, snapshotTree(copy_->path(), "")), "");
}

TEST_F(FixCli, UnknownRequirementIsAUsageError) {
  auto r = runGuestprep({"fix", "--root", root(), "--only", "L-NOPE", "--dry-run"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("L-NOPE"), std::string::npos) << r.err;
}

TEST_F(FixCli, FixIsVerifiedRolledBackAndIdempotent) {
  int code = 0;
  auto before = auditJson({"--root", root()}, &code);
  EXPECT_EQ(findingFor(before, "L-SELINUX").value("status", ""), "fail");
  if (shadow_flag_) {
    EXPECT_EQ(findingFor(before, "L-SHADOW").value("status", ""), "fail");
  }

  auto r = runGuestprep({"fix", "--root", root(), "--yes", "--only", only(), "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto report = nlohmann::json::parse(r.out);
  const auto& results = report["result"]["results"];
  ASSERT_EQ(results.size(), shadow_flag_ ? 2U : 1U) << r.out;
  for (const auto& res : results) EXPECT_EQ(res["outcome"], "verified") << res.dump();
  std::string run_id = report["result"]["run_id"];
  ASSERT_FALSE(run_id.empty());

  auto after = auditJson({"--root", root()}, &code);
  EXPECT_EQ(findingFor(after, "L-SELINUX").value("status", ""), "pass");
  if (shadow_flag_) {
    EXPECT_EQ(findingFor(after, "L-SHADOW").value("status", ""), "pass");
  }

  // A second run has nothing left to do for these requirements.
  auto again = runGuestprep({"fix", "--root", root(), "--yes", "--only", only()});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("Nothing to fix."), std::string::npos) << again.out;

  auto list = runGuestprep({"journal", "list", "--root", root()});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find(run_id), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("applied"), std::string::npos) << list.out;
  auto show = runGuestprep({"journal", "show", run_id, "--root", root()});
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_NE(show.out.find("/etc/selinux/config"), std::string::npos);

  auto rb = runGuestprep({"rollback", "--root", root()});
  EXPECT_EQ(rb.exit_code, 0) << rb.out << rb.err;
  EXPECT_NE(rb.out.find("rolled-back"), std::string::npos) << rb.out;
  EXPECT_EQ(diffSnapshots(original_, snapshotTree(copy_->path())), "");

  // Nothing is left to roll back; a made-up run id is a usage error.
  EXPECT_EQ(runGuestprep({"rollback", "--root", root()}).exit_code, 2);
  EXPECT_EQ(runGuestprep({"rollback", "20260101T000000Z-0000", "--root", root()}).exit_code, 2);
}

/// Runs the fix with the crash hook at `step`; returns the shell's view of the exit status
/// (137 when SIGKILL stopped it).
int fixKilledAt(const std::string& root, const std::string& only, int step) {
  auto r = os_linux::runCommand(
      {"sh", "-c",
       "GUESTPREP_TEST_CRASH_AT_STEP=\"$0\" GUESTPREP_CACHE_DIR=\"$4\" \"$1\" fix --root \"$2\" "
       "--yes --only \"$3\" >/dev/null 2>&1; echo $?",
       std::to_string(step), GUESTPREP_BINARY, root, only, testCacheDir()},
      std::chrono::seconds(120));
  EXPECT_TRUE(r);
  return r ? std::stoi(r->out) : -1;
}

TEST(FixCliCrash, AProcessKilledAfterAnyStepIsRolledBackByTheNextRollback) {
  int step = 1;
  for (;; ++step) {
    SCOPED_TRACE("killed after step " + std::to_string(step));
    TempCopy copy(fixtureRoot("rhel6"));
    bool flag = makeImmutable(copy.path() / "etc/shadow");
    std::string only = flag ? "L-SELINUX,L-SHADOW" : "L-SELINUX";
    auto original = snapshotTree(copy.path());
    int status = fixKilledAt(copy.str(), only, step);
    if (status != 137) {
      EXPECT_EQ(status, 0) << "the fix finished but was not verified";
      break;
    }
    auto rb = runGuestprep({"rollback", "--root", copy.str()});
    EXPECT_EQ(rb.exit_code, 0) << rb.out << rb.err;
    EXPECT_EQ(diffSnapshots(original, snapshotTree(copy.path())), "");
  }
  EXPECT_GT(step, 5);
}

}  // namespace
}  // namespace guestprep::testing
