// The system probes through a TestHost fixture tree: release files, architecture from ELF,
// root account, top-level links, SELinux with boot entries, machine-id, resolv.conf.
#include <algorithm>

#include <gtest/gtest.h>

#include "probes/system_probes.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using testing::TestHost;

std::string elf64(unsigned machine) {
  std::string h(64, '\0');
  h.replace(0, 4,
            "\x7f"
            "ELF");
  h[4] = 2;
  h[5] = 1;
  h[18] = static_cast<char>(machine & 0xff);
  h[19] = static_cast<char>(machine >> 8);
  return h;
}

bool hasProblem(const SystemFacts& s, const std::string& file) {
  return std::any_of(s.problems.begin(), s.problems.end(),
                     [&](const ConfigProblem& p) { return p.file == file; });
}

TEST(SystemProbes, PlatformOfflineFromReleaseFilesAndElf) {
  TestHost host;
  host.setRuntime(false);
  host.addFile("/etc/centos-release", "CentOS release 6.10 (Final)\n");
  host.addFile("/etc/redhat-release", "CentOS release 6.10 (Final)\n");
  host.addFile("/etc/issue", "CentOS release 6.10 (Final)\nKernel \\r on an \\m\n");
  host.addFile("/bin/bash", elf64(62));
  host.addSymlink("/bin/sh", "bash");
  SystemFacts sys;
  OsInfo os;
  probePlatform(host, sys, os);
  ASSERT_EQ(sys.platform.releases.size(), 3u);
  EXPECT_EQ(sys.platform.releases[0].source.file, "/etc/centos-release");
  EXPECT_EQ(sys.platform.releases[0].id, "centos");
  EXPECT_EQ(sys.platform.releases[2].source.file, "/etc/issue");
  ASSERT_TRUE(sys.platform.arch.ok()) << sys.platform.arch.error;
  EXPECT_EQ(*sys.platform.arch.value, "x86_64");
  EXPECT_EQ(sys.platform.arch_source, "/bin/bash");
  EXPECT_EQ(os.arch, "x86_64");
  // The fixture tree is not a mounted disk, so the root filesystem's size is unknown, with why.
  EXPECT_FALSE(sys.platform.root_fs_bytes.ok());
  EXPECT_NE(sys.platform.root_fs_bytes.error.find("not on a filesystem mounted inside"),
            std::string::npos)
      << sys.platform.root_fs_bytes.error;
}

TEST(SystemProbes, PlatformLiveFromUnameAndOsReleaseFallback) {
  TestHost host;
  host.addFile("/usr/lib/os-release", "ID=ubuntu\nVERSION_ID=\"18.04\"\n");
  host.addCommand({"uname", "-m"}, {0, "i686\n", ""});
  SystemFacts sys;
  OsInfo os;
  probePlatform(host, sys, os);
  ASSERT_EQ(sys.platform.releases.size(), 1u);
  EXPECT_EQ(sys.platform.releases[0].source.file, "/usr/lib/os-release");
  EXPECT_EQ(sys.platform.arch.value.value_or(""), "i386");
  EXPECT_EQ(sys.platform.arch_source, "uname -m");
}

TEST(SystemProbes, ArchitectureUnknownSaysWhy) {
  TestHost host;
  host.setRuntime(false);
  host.addFile("/bin/sh", "#!/not/elf\n");
  SystemFacts sys;
  OsInfo os;
  probePlatform(host, sys, os);
  EXPECT_FALSE(sys.platform.arch.ok());
  EXPECT_NE(sys.platform.arch.error.find("not an ELF"), std::string::npos);
}

TEST(SystemProbes, RootAccount) {
  TestHost host;
  host.addFile("/etc/passwd", "bin:x:1:1::/:/sbin/nologin\nroot:x:0:0:root:/root:/bin/bash\n");
  host.addFile("/etc/shadow", "root:!:19000::::::\n", 0600);
  host.addFile("/bin/bash", "x", 0755);
  host.addFile("/usr/bin/passwd", "x", 0755);
  host.addSymlink("/bin/passwd", "../usr/bin/passwd");
  SystemFacts sys;
  probeRootAccount(host, sys);
  const RootAccountFacts& r = sys.root;
  EXPECT_TRUE(r.passwd_read);
  EXPECT_EQ(r.passwd_line, 2);
  EXPECT_EQ(r.uid, 0);
  EXPECT_EQ(r.shell, "/bin/bash");
  EXPECT_TRUE(r.shell_exists);
  EXPECT_EQ(r.shadow_line, 1);
  EXPECT_EQ(r.passwd_commands, std::vector<std::string>{"/usr/bin/passwd"})
      << "the /bin/passwd link is the same file";
  EXPECT_TRUE(sys.problems.empty());
}

TEST(SystemProbes, RootAccountEmptyShellMeansBinSh) {
  TestHost host;
  host.addFile("/etc/passwd", "root:x:0:0:root:/root:\n");
  SystemFacts sys;
  probeRootAccount(host, sys);
  EXPECT_EQ(sys.root.shell, "/bin/sh");
  EXPECT_FALSE(sys.root.shell_exists);
  EXPECT_FALSE(sys.root.shadow_read);
}

TEST(SystemProbes, TopLevelLinks) {
  TestHost host;
  host.addDir("/usr/lib");
  host.addSymlink("/lib", "usr/lib");
  host.addSymlink("/lib64", "/usr/lib64");
  host.addDir("/bin");
  SystemFacts sys;
  probeTopLevelLinks(host, sys);
  ASSERT_EQ(sys.top_links.size(), 6u);
  EXPECT_EQ(sys.top_links[0], (TopLevelLink{"/lib", "symlink", "usr/lib"}));
  EXPECT_EQ(sys.top_links[1], (TopLevelLink{"/lib64", "symlink", "/usr/lib64"}))
      << "a dangling absolute link is still a link";
  EXPECT_EQ(sys.top_links[2].kind, "absent");
  EXPECT_EQ(sys.top_links[4].kind, "directory");
}

TEST(SystemProbes, SelinuxConfigAndBootEntries) {
  TestHost host;
  host.addFile("/etc/selinux/config", "SELINUX=enforcing\nSELINUXTYPE=targeted\n");
  host.addFile("/boot/grub/grub.conf",
               "default=0\ntitle CentOS (2.6.32)\n  root (hd0,0)\n"
               "  kernel /vmlinuz-2.6.32 ro root=/dev/sda1 selinux=0\n"
               "title Other\n  kernel /vmlinuz-2.6.31 ro enforcing=0\n");
  host.addFile("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"selinux=1\"\n");
  SystemFacts sys;
  probeSelinux(host, sys);
  EXPECT_TRUE(sys.selinux.config_present);
  EXPECT_EQ(sys.selinux.mode, "enforcing");
  EXPECT_EQ(sys.selinux.mode_source, (SourceRef{"/etc/selinux/config", 1}));
  ASSERT_EQ(sys.selinux.boot_entries.size(), 2u) << "/etc/default/grub is not a boot entry here";
  ASSERT_EQ(sys.selinux.boot_args.size(), 2u);
  EXPECT_EQ(sys.selinux.boot_args[0].text, "selinux=0");
  EXPECT_EQ(sys.selinux.boot_args[0].source.file, "/boot/grub/grub.conf");
  EXPECT_EQ(sys.selinux.boot_args[1].text, "enforcing=0");
}

TEST(SystemProbes, MachineIdAndHostKeys) {
  TestHost host;
  host.addFile("/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
  host.addSymlink("/var/lib/dbus/machine-id", "/etc/machine-id");
  host.addFile("/etc/ssh/ssh_host_rsa_key", "k", 0600);
  host.addFile("/etc/ssh/ssh_host_rsa_key.pub", "k");
  host.addFile("/etc/ssh/sshd_config", "");
  SystemFacts sys;
  probeMachineId(host, sys);
  EXPECT_EQ(sys.machine_id.machine_id_state, "set");
  EXPECT_EQ(sys.machine_id.machine_id, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(sys.machine_id.dbus_state, "symlink");
  EXPECT_EQ(sys.machine_id.ssh_host_keys, std::vector<std::string>{"/etc/ssh/ssh_host_rsa_key"});
  TestHost blank;
  blank.addFile("/etc/machine-id", "uninitialized\n");
  SystemFacts s2;
  probeMachineId(blank, s2);
  EXPECT_EQ(s2.machine_id.machine_id_state, "uninitialized");
  EXPECT_EQ(s2.machine_id.dbus_state, "absent");
}

TEST(SystemProbes, ResolvImmutableStaticFile) {
  TestHost host;
  host.addFile("/etc/resolv.conf", "nameserver 10.1.1.1\n");
  host.setInodeFlags("/etc/resolv.conf", kInodeImmutable);
  SystemFacts sys;
  probeResolv(host, sys);
  EXPECT_EQ(sys.resolv.kind, "file");
  EXPECT_EQ(sys.resolv.inode_flags.value.value_or(0), kInodeImmutable);
  ASSERT_EQ(sys.resolv.nameservers.size(), 1u);
  EXPECT_EQ(sys.resolv.nameservers[0].source, (SourceRef{"/etc/resolv.conf", 1}));
  EXPECT_TRUE(sys.resolv.managers.empty());
  EXPECT_FALSE(hasProblem(sys, "/etc/resolv.conf"));
}

TEST(SystemProbes, ResolvManagedSymlinkIntoRun) {
  TestHost host;
  host.addSymlink("/etc/resolv.conf", "../run/resolvconf/resolv.conf");
  host.addFile("/sbin/resolvconf", "x", 0755);
  host.addFile("/etc/sysconfig/network/config", "NETCONFIG_DNS_POLICY=\"\"\n");
  SystemFacts sys;
  probeResolv(host, sys);
  EXPECT_EQ(sys.resolv.kind, "symlink");
  EXPECT_EQ(sys.resolv.link_target, "../run/resolvconf/resolv.conf");
  EXPECT_FALSE(sys.resolv.inode_flags.ok());
  ASSERT_EQ(sys.resolv.managers.size(), 1u) << "an empty NETCONFIG_DNS_POLICY manages nothing";
  EXPECT_EQ(sys.resolv.managers[0], "resolvconf (/sbin/resolvconf)");
  EXPECT_FALSE(hasProblem(sys, "/etc/resolv.conf")) << "a dangling link into /run is normal";
}

// Debian 7 with isc-dhcp-client: dhclient-script rewrites the file from each lease; with
// resolvconf installed it hands the servers to resolvconf instead.
TEST(SystemProbes, ResolvRewrittenByDhclientScript) {
  TestHost host;
  host.addFile("/etc/resolv.conf", "domain example.lan\nnameserver 192.168.56.1\n");
  host.addFile("/sbin/dhclient-script", "#!/bin/sh\n", 0755);
  SystemFacts sys;
  probeResolv(host, sys);
  ASSERT_EQ(sys.resolv.managers.size(), 1u);
  EXPECT_EQ(sys.resolv.managers[0], "dhclient (/sbin/dhclient-script) when an interface uses DHCP");

  host.addFile("/sbin/resolvconf", "x", 0755);
  SystemFacts with_resolvconf;
  probeResolv(host, with_resolvconf);
  ASSERT_EQ(with_resolvconf.resolv.managers.size(), 1u);
  EXPECT_EQ(with_resolvconf.resolv.managers[0], "resolvconf (/sbin/resolvconf)");
}

TEST(SystemProbes, UnreadableFilesBecomeProblems) {
  TestHost host;
  host.addDir("/etc/shadow");  // reading a directory fails with an error other than not-found
  host.addDir("/etc/selinux/config");
  SystemFacts sys;
  probeRootAccount(host, sys);
  probeSelinux(host, sys);
  EXPECT_TRUE(hasProblem(sys, "/etc/shadow"));
  EXPECT_TRUE(hasProblem(sys, "/etc/selinux/config"));
  EXPECT_FALSE(sys.selinux.config_present);
}

}  // namespace
}  // namespace guestprep::os_linux
