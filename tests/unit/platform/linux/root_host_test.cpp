// Tests that the offline-root host never leaves its root: "..", absolute and relative symlinks,
// symlink loops.
#include <gtest/gtest.h>

#include "support/test_host.h"

namespace guestprep::testing {
namespace {

TEST(RootHost, ReadsFilesInsideTheRoot) {
  TestHost host;
  host.addFile("/etc/hostname", "inside\n");
  auto r = host.readFile("/etc/hostname");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "inside\n");
}

TEST(RootHost, DotDotStopsAtTheRoot) {
  TestHost host;
  host.addFile("/etc/passwd", "fixture passwd\n");
  auto r = host.readFile("/../../../../etc/passwd");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "fixture passwd\n");
  auto r2 = host.readFile("/etc/../../../etc/passwd");
  ASSERT_TRUE(r2);
  EXPECT_EQ(*r2, "fixture passwd\n");
}

TEST(RootHost, AbsoluteSymlinkResolvesInsideTheRoot) {
  TestHost host;
  host.addFile("/etc/passwd", "fixture passwd\n");
  // On the real machine /etc/passwd exists too: the link must not reach it.
  host.addSymlink("/etc/link-to-passwd", "/etc/passwd");
  auto r = host.readFile("/etc/link-to-passwd");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "fixture passwd\n");
}

TEST(RootHost, RelativeSymlinkWithDotDotCannotEscape) {
  TestHost host;
  host.addFile("/etc/os-release", "ID=fixture\n");
  host.addSymlink("/var/escape", "../../../../../../../../../etc/os-release");
  auto r = host.readFile("/var/escape");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "ID=fixture\n");
}

TEST(RootHost, SymlinkedDirectoryOnTheWay) {
  TestHost host;
  host.addFile("/usr/lib/os-release", "ID=usr\n");
  host.addSymlink("/lib", "/usr/lib");
  auto r = host.readFile("/lib/os-release");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "ID=usr\n");
}

TEST(RootHost, AbsoluteSymlinkToHostOnlyFileIsNotFound) {
  TestHost host;
  // /proc/self/status exists on the test machine but not in the fixture root.
  host.addSymlink("/etc/leak", "/proc/self/status");
  auto r = host.readFile("/etc/leak");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST(RootHost, SymlinkLoopIsAnError) {
  TestHost host;
  host.addSymlink("/a", "/b");
  host.addSymlink("/b", "/a");
  auto r = host.readFile("/a");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("symlinks"), std::string::npos) << r.error().message;
}

TEST(RootHost, ReadLinkAndLstatDoNotFollow) {
  TestHost host;
  host.addSymlink("/sbin/init", "../lib/systemd/systemd");
  auto l = host.readLink("/sbin/init");
  ASSERT_TRUE(l);
  EXPECT_EQ(*l, "../lib/systemd/systemd");
  auto st = host.lstat("/sbin/init");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->type, FileStat::Type::kSymlink);
  EXPECT_FALSE(host.exists("/sbin/init"));  // dangling inside the root
  EXPECT_TRUE(host.entryExists("/sbin/init"));
}

TEST(RootHost, ListDirIsSortedAndResolved) {
  TestHost host;
  host.addFile("/etc/sysconfig/network-scripts/ifcfg-eth1", "");
  host.addFile("/etc/sysconfig/network-scripts/ifcfg-eth0", "");
  host.addSymlink("/etc/scripts", "sysconfig/network-scripts");
  auto r = host.listDir("/etc/scripts");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0], "ifcfg-eth0");
}

TEST(RootHost, RunIsUnsupportedOnAnOfflineRoot) {
  auto host = makeRootHost(std::filesystem::temp_directory_path().string());
  ASSERT_TRUE(host);
  auto r = (*host)->run({"true"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
}

TEST(LiveHost, RunsArgvWithoutAShell) {
  auto host = makeLiveHost();
  auto r = host->run({"echo", "a;b", "$HOME"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->out, "a;b $HOME\n");
  EXPECT_EQ(r->exit_code, 0);
  auto f = host->run({"false"});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->exit_code, 1);
}

TEST(LiveHost, TimeoutIsAnError) {
  auto host = makeLiveHost();
  auto r = host->run({"sleep", "5"}, std::chrono::milliseconds(200));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
}

TEST(LiveHost, MissingCommandIsNotFound) {
  auto host = makeLiveHost();
  auto r = host->run({"guestprep-no-such-command"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace guestprep::testing

namespace guestprep::testing {
namespace {

TEST(RootHost, CanonicalPathIsTheAuditedSystemsView) {
  TestHost host;
  host.addFile("/boot/grub/grub.conf", "default=0\n");
  host.addSymlink("/boot/grub/menu.lst", "grub.conf");
  host.addSymlink("/etc/grub.conf", "../boot/grub/grub.conf");
  EXPECT_EQ(host.canonicalPath("/etc/grub.conf").value_or(""), "/boot/grub/grub.conf");
  EXPECT_EQ(host.canonicalPath("/boot/grub/menu.lst").value_or(""), "/boot/grub/grub.conf");
  EXPECT_EQ(host.canonicalPath("/etc/../../etc/missing").value_or(""), "/etc/missing");
  EXPECT_EQ(host.canonicalPath("/").value_or(""), "/");
}

TEST(LiveHost, CanonicalPathResolvesLinks) {
  auto host = makeLiveHost();
  auto p = host->canonicalPath("/proc/self/../self/status");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->rfind("/proc/", 0), 0u) << *p;
  EXPECT_EQ(p->find(".."), std::string::npos) << *p;
}

}  // namespace
}  // namespace guestprep::testing

namespace guestprep::testing {
namespace {

TEST(RootHost, FsStatsAndInodeFlags) {
  TestHost host;
  host.addFile("/etc/shadow", "root:*:19000:0:99999:7:::\n", 0000);
  // The fixture root is a directory of this machine's filesystem, not a mounted disk: its free
  // space is not the audited system's.
  auto fs = host.fsStats("/");
  ASSERT_FALSE(fs);
  EXPECT_EQ(fs.error().code, ErrorCode::kUnsupported) << fs.error().message;
  host.setFsStats("/", FsStats{4096, 1000, 500, 400, 100, 50});
  ASSERT_TRUE(host.fsStats("/"));
  EXPECT_EQ(host.fsStats("/")->blocks_avail, 400u);
  // Flags come from the real file (tmp filesystems may not support them: kUnsupported).
  auto flags = host.inodeFlags("/etc/shadow");
  if (flags) {
    EXPECT_EQ(*flags & kInodeImmutable, 0u);
  } else {
    EXPECT_EQ(flags.error().code, ErrorCode::kUnsupported) << flags.error().message;
  }
  host.setInodeFlags("/etc/shadow", kInodeImmutable);
  EXPECT_EQ(host.inodeFlags("/etc/shadow").value_or(0), kInodeImmutable);
  EXPECT_FALSE(host.inodeFlags("/etc/missing"));
}

}  // namespace
}  // namespace guestprep::testing
