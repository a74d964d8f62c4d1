// The Journal on real files: every kind of action is rolled back byte for byte with its
// metadata; a run stopped by an I/O error at any write, or killed at any durable step, is rolled
// back to the original tree.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <csignal>
#include <fstream>

#include <gtest/gtest.h>

#include "fix/journal.h"
#include "support/tree_snapshot.h"

namespace guestprep {
namespace {

namespace fs = std::filesystem;
using testing::diffSnapshots;
using testing::snapshotTree;

void writeFile(const fs::path& p, const std::string& content, mode_t mode) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  ASSERT_EQ(::chmod(p.c_str(), mode), 0);
}

bool setImmutable(const fs::path& p) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  int flags = 0;
  bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  flags |= 0x10;
  ok = ok && ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  ::close(fd);
  return ok;
}

/// A small system with a file of every kind the actions touch, with unusual metadata.
void buildSystem(const fs::path& root) {
  writeFile(root / "etc/app.conf", "key=old\n", 0640);
  ASSERT_EQ(::chown((root / "etc/app.conf").c_str(), 1234, 4321), 0);
  ASSERT_EQ(::lsetxattr((root / "etc/app.conf").c_str(), "user.note", "v1", 2, 0), 0);
  timespec old_times[2] = {{1000000000, 5}, {1000000000, 123456789}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (root / "etc/app.conf").c_str(), old_times, 0), 0);
  writeFile(root / "etc/gone.conf", "remove me\n", 0600);
  writeFile(root / "etc/shadow", "root:*:1::::::\n", 0000);
  writeFile(root / "lib/systemd/system/ssh.service", "[Unit]\n", 0644);
  fs::create_directories(root / "etc/systemd/system/multi-user.target.wants");
  fs::create_symlink("/lib/systemd/system/ssh.service",
                     root / "etc/systemd/system/multi-user.target.wants/firewalld.service");
  fs::create_directories(root / "var/lib");
}

/// A plan touching every kind of entry, the same file twice included.
std::vector<Action> planActions() {
  return {
      writeFileAction("/etc/app.conf", "key=new\n", "change a value"),
      writeFileAction("/etc/new.conf", "created\n", "a new file", 0600),
      removeAction("/etc/gone.conf", "remove a file"),
      removeAction("/etc/systemd/system/multi-user.target.wants/firewalld.service",
                   "disable a service"),
      symlinkAction("/etc/systemd/system/multi-user.target.wants/ssh.service",
                    "/lib/systemd/system/ssh.service", "enable a service"),
      makeDirAction("/etc/sysctl.d", "a drop-in directory"),
      writeFileAction("/etc/sysctl.d/90-x.conf", "a=1\n", "a drop-in"),
      writeFileAction("/etc/app.conf", "key=newer\n", "a second edit of the same file"),
  };
}

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = std::make_unique<testing::TempCopy>(); }
  static void build(const fs::path& root) { buildSystem(root); }
  static std::vector<Action> actions() { return planActions(); }
  std::unique_ptr<testing::TempCopy> dir_;
};

TEST_F(JournalTest, EveryActionIsRolledBackWithItsMetadata) {
  fs::path root = dir_->path();
  build(root);
  auto before = snapshotTree(root);
  auto host = makeRootMutableHost(root.string());
  ASSERT_TRUE(host) << host.error().message;
  auto journal = Journal::begin(**host, "test");
  ASSERT_TRUE(journal) << journal.error().message;
  for (const auto& a : actions()) {
    auto r = journal->apply(a, "TEST");
    ASSERT_TRUE(r) << a.path << ": " << r.error().message;
  }
  ASSERT_TRUE(journal->finish(true));
  // The changes are there, with the old file's owner, mode and xattrs kept.
  struct stat st {};
  ASSERT_EQ(::stat((root / "etc/app.conf").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 1234U);
  EXPECT_EQ(st.st_mode & 07777, 0640U);
  EXPECT_TRUE(fs::exists(root / "etc/sysctl.d/90-x.conf"));
  EXPECT_FALSE(fs::exists(root / "etc/gone.conf"));
  EXPECT_NE(diffSnapshots(before, snapshotTree(root)), "");

  auto rolled = rollbackRun(**host, journal->runId());
  ASSERT_TRUE(rolled) << rolled.error().message;
  EXPECT_EQ(rolled->state, "rolled-back");
  EXPECT_EQ(diffSnapshots(before, snapshotTree(root)), "");

  // A second rollback finds nothing to do and changes nothing.
  auto again = rollbackRun(**host, journal->runId());
  ASSERT_TRUE(again);
  for (const auto& o : again->rollback) EXPECT_EQ(o.result, "unchanged") << o.path;
  EXPECT_EQ(diffSnapshots(before, snapshotTree(root)), "");

  auto runs = listRuns(**host);
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1U);
  EXPECT_EQ(runs->front().state, "rolled-back");
}

TEST_F(JournalTest, ImmutableFlagIsClearedAndRestored) {
  fs::path root = dir_->path();
  build(root);
  if (!setImmutable(root / "etc/shadow")) GTEST_SKIP() << "no inode flags on this filesystem";
  auto before = snapshotTree(root);
  auto host = makeRootMutableHost(root.string());
  ASSERT_TRUE(host);
  auto journal = Journal::begin(**host, "test");
  ASSERT_TRUE(journal);
  ASSERT_TRUE(journal->apply(setFlagsAction("/etc/shadow", 0, "clear immutable"), "L-SHADOW"));
  auto flags = (*host)->inodeFlags("/etc/shadow");
  ASSERT_TRUE(flags);
  EXPECT_EQ(*flags & kInodeImmutable, 0U);
  // Writing over a protected file works too, and the file keeps its flag afterwards.
  ASSERT_TRUE(journal->apply(setFlagsAction("/etc/shadow", kInodeImmutable, "set"), "T"));
  ASSERT_TRUE(journal->apply(writeFileAction("/etc/shadow", "root:x:1::::::\n", "edit"), "T"));
  flags = (*host)->inodeFlags("/etc/shadow");
  ASSERT_TRUE(flags);
  EXPECT_NE(*flags & kInodeImmutable, 0U);
  ASSERT_TRUE(rollbackRun(**host, journal->runId()));
  EXPECT_EQ(diffSnapshots(before, snapshotTree(root)), "");
}

TEST_F(JournalTest, RollbackRefusesADamagedBackup) {
  fs::path root = dir_->path();
  build(root);
  auto host = makeRootMutableHost(root.string());
  ASSERT_TRUE(host);
  auto journal = Journal::begin(**host, "test");
  ASSERT_TRUE(journal);
  ASSERT_TRUE(journal->apply(writeFileAction("/etc/app.conf", "key=new\n", "edit"), "T"));
  fs::path backup = root / "var/lib/guestprep/journal" / journal->runId() / "backup/1";
  ASSERT_TRUE(fs::exists(backup));
  std::ofstream(backup, std::ios::binary | std::ios::trunc) << "tampered";
  auto rolled = rollbackRun(**host, journal->runId());
  ASSERT_TRUE(rolled);
  EXPECT_EQ(rolled->state, "rollback-incomplete");
  ASSERT_EQ(rolled->rollback.size(), 1U);
  EXPECT_EQ(rolled->rollback[0].result, "failed");
  EXPECT_NE(rolled->rollback[0].detail.find("does not match"), std::string::npos);
  // The file is left as the run made it rather than replaced by a damaged copy.
  std::ifstream in(root / "etc/app.conf");
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "key=new\n");
}

TEST_F(JournalTest, AFixMayNotWriteTheJournal) {
  fs::path root = dir_->path();
  build(root);
  auto host = makeRootMutableHost(root.string());
  ASSERT_TRUE(host);
  auto journal = Journal::begin(**host, "test");
  ASSERT_TRUE(journal);
  auto r = journal->apply(
      writeFileAction("/var/lib/guestprep/journal/" + journal->runId() + "/manifest.json", "{}",
                      "tamper"),
      "T");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("journal"), std::string::npos);
}

TEST_F(JournalTest, WritesStayInsideTheRoot) {
  fs::path root = dir_->path();
  build(root);
  // /etc/evil -> / on the host: writing /etc/evil/passwd must land inside the root.
  fs::create_symlink("/", root / "etc/evil");
  fs::create_symlink("../../../../../../tmp", root / "etc/evil2");
  fs::create_directories(root / "tmp");
  auto host = makeRootMutableHost(root.string());
  ASSERT_TRUE(host);
  auto journal = Journal::begin(**host, "test");
  ASSERT_TRUE(journal);
  ASSERT_TRUE(journal->apply(writeFileAction("/etc/evil/guestprep-escape-test", "x", "w"), "T"));
  ASSERT_TRUE(journal->apply(writeFileAction("/etc/evil2/guestprep-escape-test", "x", "w"), "T"));
  EXPECT_TRUE(fs::exists(root / "guestprep-escape-test"));
  EXPECT_TRUE(fs::exists(root / "tmp/guestprep-escape-test"));
  EXPECT_FALSE(fs::exists("/guestprep-escape-test"));
  EXPECT_FALSE(fs::exists("/tmp/guestprep-escape-test"));
}

/// Fails the Nth write-side operation with an I/O error (disk full, read-only file system), so a
/// run stops at every possible point in turn.
class FailingHost : public MutableHost {
 public:
  FailingHost(MutableHost& inner, int fail_at, ErrorCode code)
      : inner_(inner), fail_at_(fail_at), code_(code) {}
  [[nodiscard]] std::string describe() const override { return inner_.describe(); }
  [[nodiscard]] bool hasRuntimeState() const override { return false; }
  [[nodiscard]] Result<std::string> readFile(std::string_view p, std::size_t m) const override {
    return inner_.readFile(p, m);
  }
  [[nodiscard]] Result<std::vector<std::string>> listDir(std::string_view p) const override {
    return inner_.listDir(p);
  }
  [[nodiscard]] Result<FileStat> stat(std::string_view p) const override { return inner_.stat(p); }
  [[nodiscard]] Result<FileStat> lstat(std::string_view p) const override {
    return inner_.lstat(p);
  }
  [[nodiscard]] Result<std::string> readLink(std::string_view p) const override {
    return inner_.readLink(p);
  }
  [[nodiscard]] Result<std::string> canonicalPath(std::string_view p) const override {
    return inner_.canonicalPath(p);
  }
  [[nodiscard]] Result<std::uint32_t> inodeFlags(std::string_view p) const override {
    return inner_.inodeFlags(p);
  }
  [[nodiscard]] Result<FsStats> fsStats(std::string_view p) const override {
    return inner_.fsStats(p);
  }
  [[nodiscard]] Result<CommandResult> run(const std::vector<std::string>& argv,
                                          std::chrono::milliseconds t) const override {
    return inner_.run(argv, t);
  }
  [[nodiscard]] Result<FileMeta> metadata(std::string_view p) const override {
    return inner_.metadata(p);
  }
  Result<void> writeFileAtomic(std::string_view p, std::string_view c, const FileMeta& m,
                               bool keep) override {
    if (auto e = tick(p)) return std::unexpected(*e);
    return inner_.writeFileAtomic(p, c, m, keep);
  }
  Result<void> writeSymlink(std::string_view p, std::string_view t, const FileMeta& m) override {
    if (auto e = tick(p)) return std::unexpected(*e);
    return inner_.writeSymlink(p, t, m);
  }
  Result<void> removeEntry(std::string_view p) override {
    if (auto e = tick(p)) return std::unexpected(*e);
    return inner_.removeEntry(p);
  }
  Result<void> makeDirectory(std::string_view p, std::uint32_t mode) override {
    if (auto e = tick(p)) return std::unexpected(*e);
    return inner_.makeDirectory(p, mode);
  }
  Result<void> setInodeFlags(std::string_view p, std::uint32_t f) override {
    if (auto e = tick(p)) return std::unexpected(*e);
    return inner_.setInodeFlags(p, f);
  }
  [[nodiscard]] Result<RegistryData> registryValue(std::string_view k,
                                                   std::string_view n) const override {
    return inner_.registryValue(k, n);
  }
  Result<void> setRegistryValue(std::string_view k, std::string_view n,
                                const RegistryData& v) override {
    if (auto e = tick(k)) return std::unexpected(*e);
    return inner_.setRegistryValue(k, n, v);
  }
  Result<CommandResult> runInSystem(const std::vector<std::string>& argv,
                                    std::chrono::milliseconds t) override {
    return inner_.runInSystem(argv, t);
  }
  [[nodiscard]] int count() const { return count_; }

 private:
  std::optional<Error> tick(std::string_view p) {
    if (++count_ == fail_at_) {
      return Error{code_, std::string(p) + ": No space left on device (injected)"};
    }
    return std::nullopt;
  }
  MutableHost& inner_;
  int fail_at_;
  ErrorCode code_;
  int count_ = 0;
};

TEST_F(JournalTest, AnIoErrorAtAnyWriteIsRolledBack) {
  // Count the writes of a whole run first.
  int total = 0;
  {
    testing::TempCopy copy;
    build(copy.path());
    auto inner = makeRootMutableHost(copy.str());
    ASSERT_TRUE(inner);
    FailingHost counting(**inner, -1, ErrorCode::kIo);
    auto journal = Journal::begin(counting, "count");
    ASSERT_TRUE(journal);
    for (const auto& a : actions()) ASSERT_TRUE(journal->apply(a, "T"));
    total = counting.count();
  }
  ASSERT_GT(total, 10);
  for (int n = 1; n <= total; ++n) {
    SCOPED_TRACE("write " + std::to_string(n) + " of " + std::to_string(total) + " fails");
    testing::TempCopy copy;
    build(copy.path());
    auto before = snapshotTree(copy.path());
    auto inner = makeRootMutableHost(copy.str());
    ASSERT_TRUE(inner);
    FailingHost failing(**inner, n, n % 2 ? ErrorCode::kIo : ErrorCode::kPermission);
    std::string run_id;
    bool stopped = false;
    if (auto journal = Journal::begin(failing, "fail")) {
      run_id = journal->runId();
      for (const auto& a : actions()) {
        if (!journal->apply(a, "T")) {
          stopped = true;
          break;
        }
      }
    } else {
      stopped = true;
    }
    EXPECT_TRUE(stopped);
    if (run_id.empty()) {
      // The journal could not even start: nothing of the system may have changed.
      EXPECT_EQ(diffSnapshots(before, snapshotTree(copy.path())), "");
      continue;
    }
    auto rolled = rollbackRun(**inner, run_id);
    if (!rolled) {
      // Only possible when the very first manifest was never written: nothing was changed.
      EXPECT_EQ(rolled.error().code, ErrorCode::kNotFound) << rolled.error().message;
    }
    EXPECT_EQ(diffSnapshots(before, snapshotTree(copy.path())), "");
  }
}

/// Runs the whole plan in a child process that SIGKILLs itself right after durable step `k`;
/// returns false when the run finished before reaching step k.
bool runAndKillAt(const fs::path& root, int k) {
  pid_t pid = ::fork();
  if (pid == 0) {
    auto host = makeRootMutableHost(root.string());
    if (!host) ::_exit(2);
    auto hook = [k](int step) {
      if (step == k) ::kill(::getpid(), SIGKILL);
    };
    auto journal = Journal::begin(**host, "crash", hook);
    if (!journal) ::_exit(3);
    for (const auto& a : planActions()) {
      if (!journal->apply(a, "T")) ::_exit(4);
    }
    (void)journal->finish(true);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) return true;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  return false;
}

TEST(JournalCrash, AKillAtAnyStepIsRolledBack) {
  int k = 1;
  for (;; ++k) {
    SCOPED_TRACE("killed after step " + std::to_string(k));
    testing::TempCopy copy;
    buildSystem(copy.path());
    auto before = snapshotTree(copy.path());
    if (!runAndKillAt(copy.path(), k)) break;  // the run finished before step k
    auto host = makeRootMutableHost(copy.str());
    ASSERT_TRUE(host);
    auto run_id = lastRollbackCandidate(**host);
    ASSERT_TRUE(run_id) << run_id.error().message;
    auto rolled = rollbackRun(**host, *run_id);
    ASSERT_TRUE(rolled) << rolled.error().message;
    EXPECT_EQ(rolled->state, "rolled-back");
    EXPECT_EQ(diffSnapshots(before, snapshotTree(copy.path())), "");
  }
  EXPECT_GT(k, 20) << "a plan of 8 actions has more durable steps than that";
}

TEST(JournalCrash, AKillDuringRollbackIsFinishedByTheNextRollback) {
  testing::TempCopy copy;
  buildSystem(copy.path());
  auto before = snapshotTree(copy.path());
  ASSERT_FALSE(runAndKillAt(copy.path(), 100000));  // a complete run
  auto host = makeRootMutableHost(copy.str());
  ASSERT_TRUE(host);
  auto run_id = lastRollbackCandidate(**host);
  ASSERT_TRUE(run_id);
  for (int k = 1; k <= 4; ++k) {
    pid_t pid = ::fork();
    if (pid == 0) {
      auto h = makeRootMutableHost(copy.str());
      (void)rollbackRun(**h, *run_id, [k](int step) {
        if (step == k) ::kill(::getpid(), SIGKILL);
      });
      ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status)) << "rollback step " << k;
  }
  auto rolled = rollbackRun(**host, *run_id);
  ASSERT_TRUE(rolled);
  EXPECT_EQ(rolled->state, "rolled-back");
  EXPECT_EQ(diffSnapshots(before, snapshotTree(copy.path())), "");
}

}  // namespace
}  // namespace guestprep
