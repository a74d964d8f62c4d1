// Whole audits of the fixture roots by the built binary with the default policy: one table of the
// verdict each distribution family's root deserves, requirement by requirement, with the message
// parts and evidence a person needs. The storage family's verdicts are in storage_roots_test.cpp.
#include <gtest/gtest.h>

#include <fstream>

#include "support/run_binary.h"

namespace guestprep::testing {
namespace {

/// Some evidence item of `requirement` has this source ("": any), line (-1: any) and text part
/// ("": any);
/// `index` >= 0 asks for that position in the evidence list.
struct EvidenceWanted {
  const char* requirement;
  const char* source;
  int line = -1;
  const char* text = "";
  int index = -1;
};

struct RootCase {
  const char* root;
  const char* os_id;  ///< "" when the report's os_id is not checked
  /// Exit code of the audit with the network rules alone (tests/fixtures/policies).
  int network_only_exit;
  std::vector<std::pair<const char*, const char*>> statuses;  ///< requirement -> status
  std::vector<std::pair<const char*, const char*>> messages;  ///< requirement -> message part
  std::vector<EvidenceWanted> evidence;
};

const RootCase kRoots[] = {
    {"rhel6",
     "",
     1,
     {
         // network: eth1 starts at boot too; eth0 is pinned by HWADDR and the udev rules.
         {"L-NIC", "fail"},
         {"L-DHCP", "fail"},
         {"X-NETPIN", "warn"},
         {"L-IPV6", "warn"},
         // system
         {"L-PLATFORM", "pass"},
         {"X-ROOTACCT", "pass"},
         {"X-LIBLINKS", "pass"},
         {"L-SELINUX", "fail"},
         {"X-MACHINEID", "warn"},
         {"X-RESOLV", "warn"},
         // firewall: iptables on at boot with the stock rules that allow 22: the notes say turn
         // it off.
         {"L-FIREWALL", "fail"},
         {"L-SSH", "pass"},
         // boot: the boot loader configuration but no kernel modules: the default kernel is
         // found and its missing module tree is reported, never passed.
         {"L-DRIVERS", "error"},
         {"X-NVME", "error"},
         {"X-BOOTKERNEL", "warn"},
         // auth: pam_cracklib minlen=12 ucredit=-2
         {"L-PASSWD", "fail"},
         {"L-SHADOW", "pass"},
         // software: open-vm-tools' vmtoolsd has S links in rc3.d/rc5.d; the RPM database
         // needs rpm.
         {"L-CLOUDINIT", "warn"},
         {"X-CLOUDINIT-DS", "not-applicable"},
         {"L-QEMUGA", "pass"},
         {"X-AGENTS", "warn"},
         {"L-SYSDIRS", "error"},
         {"L-ISSUE", "error"},
         {"L-GRUB", "error"},
     },
     {{"L-NIC", "eth0, eth1"},
      {"L-DHCP", "pinned"},
      {"L-PLATFORM", "choose CentOS 6.10 at import"},
      {"L-PLATFORM", "architecture x86_64"},
      {"L-SELINUX", "enforcing"},
      {"X-MACHINEID", "2 SSH host key"},
      {"X-RESOLV", "2 static nameserver"},
      {"L-FIREWALL", "iptables"},
      {"L-PASSWD", "pam_cracklib"},
      {"X-AGENTS", "vmtoolsd"},
      {"L-SYSDIRS", "offline root without rpm"}},
     {
         // Evidence names the files and lines a person needs to open.
         {"L-NIC", "/etc/sysconfig/network-scripts/ifcfg-eth1"},
         {"X-NETPIN", "/etc/udev/rules.d/70-persistent-net.rules", 8},
         {"L-SELINUX", "/etc/selinux/config", 6},
         {"X-ROOTACCT", "/etc/passwd", 1},
         {"X-ROOTACCT", "/etc/shadow", 1},
         {"L-PLATFORM", "/etc/redhat-release", 1},
         // The rule allowing 22 decided.
         {"L-FIREWALL", "/etc/sysconfig/iptables", 10},
         {"L-PASSWD", "/etc/pam.d/system-auth", 14, "", 0},
     }},
    {"rhel7",
     "centos",
     0,
     {
         {"L-NIC", "pass"},
         {"L-DHCP", "pass"},
         {"X-NETPIN", "pass"},
         {"L-IPV6", "pass"},
         {"L-PLATFORM", "pass"},
         {"X-ROOTACCT", "pass"},
         {"X-LIBLINKS", "pass"},
         {"L-SELINUX", "pass"},
         {"X-MACHINEID", "pass"},
         {"X-RESOLV", "pass"},
         {"L-FIREWALL", "pass"},
         {"L-SSH", "pass"},
         // CentOS 7: virtio, Xen and NVMe modules in modules.dep and in a gzip initramfs.
         {"L-DRIVERS", "pass"},
         {"X-NVME", "pass"},
         {"X-BOOTKERNEL", "pass"},
         // pam_pwquality defaults
         {"L-PASSWD", "pass"},
         {"L-SHADOW", "pass"},
         {"L-CLOUDINIT", "warn"},
         {"L-QEMUGA", "pass"},
         {"X-AGENTS", "pass"},
         {"L-SYSDIRS", "error"},
         {"L-GRUB", "not-applicable"},
     },
     {{"L-DHCP", "eth0"},
      {"L-PLATFORM", "choose CentOS 7 at import"},
      {"X-LIBLINKS", "/lib64 -> usr/lib64"},
      {"L-SELINUX", "disabled"},
      {"L-FIREWALL", "no firewall is enabled at boot"},
      {"L-ISSUE", "offline root without rpm"}},
     {
         // The evidence names the GRUB entry and the initramfs read.
         {"L-DRIVERS", "/boot/grub2/grub.cfg"},
         {"L-DRIVERS", "/boot/initramfs-3.10.0-1160.el7.x86_64.img"},
         // Offline roots say that the sockets listening now were not checked, rather than
         // guessing.
         {"L-SSH", "/proc/net/tcp", -1, "not checked"},
     }},
    {"sles12",
     "sles",
     1,
     {
         // SUSE's BOOTPROTO=dhcp asks for DHCPv4 and DHCPv6 (ifcfg(5)): IPv6 is requested.
         {"L-NIC", "fail"},
         {"L-DHCP", "pass"},
         {"X-NETPIN", "pass"},
         {"L-IPV6", "fail"},
         {"L-PLATFORM", "pass"},
         {"X-ROOTACCT", "pass"},
         {"X-LIBLINKS", "pass"},
         {"L-SELINUX", "pass"},
         {"X-MACHINEID", "warn"},
         {"X-RESOLV", "pass"},
         {"L-FIREWALL", "fail"},
         {"L-SSH", "pass"},
         {"L-DRIVERS", "error"},
         {"X-NVME", "error"},
         {"X-BOOTKERNEL", "warn"},
         // pam-config's common-password-pc: pam_cracklib with its defaults (minlen 9 with a
         // credit per class, so 8 characters of 3 classes count 11); its dictionary check only
         // warns root.
         {"L-PASSWD", "pass"},
         {"L-SHADOW", "pass"},
         {"L-CLOUDINIT", "warn"},
         {"L-QEMUGA", "pass"},
         {"L-GRUB", "not-applicable"},
     },
     {{"L-NIC", "eth0, eth1"},
      {"L-IPV6", "eth0"},
      {"L-PLATFORM", "choose SUSE 12"},
      {"L-FIREWALL", "SuSEfirewall2"}},
     {
         // Through common-password, pam-config's link to common-password-pc.
         {"L-PASSWD", "/etc/pam.d/passwd", -1, "pam_cracklib"},
     }},
    {"ubuntu14",
     "ubuntu",
     1,
     {
         {"L-NIC", "pass"},
         {"L-DHCP", "fail"},
         {"X-NETPIN", "pass"},
         {"L-IPV6", "fail"},
         {"L-PLATFORM", "pass"},
         {"X-ROOTACCT", "pass"},
         {"X-LIBLINKS", "pass"},
         {"L-SELINUX", "pass"},
         {"X-MACHINEID", "warn"},
         {"X-RESOLV", "pass"},
         {"L-FIREWALL", "pass"},
         {"L-SSH", "pass"},
         {"L-DRIVERS", "error"},
         {"X-NVME", "error"},
         {"X-BOOTKERNEL", "warn"},
         // Hardened after the CIS benchmark: pwquality.conf minlen 14 and one character of each
         // class (negative credits), stricter than the cloud's 8 characters of 3 classes.
         {"L-PASSWD", "fail"},
         {"L-SHADOW", "pass"},
         // The admin appended a banner to /etc/issue and replaced /bin/su; no cloud-init.
         {"L-CLOUDINIT", "warn"},
         {"X-CLOUDINIT-DS", "not-applicable"},
         {"L-QEMUGA", "pass"},
         {"X-AGENTS", "pass"},
         {"L-SYSDIRS", "fail"},
         {"L-ISSUE", "warn"},
         {"L-GRUB", "not-applicable"},
     },
     {{"L-DHCP", "static"},
      {"L-PLATFORM", "choose Ubuntu 14.04 at import"},
      {"X-MACHINEID", "dbus"},
      {"L-FIREWALL", "no firewall is enabled at boot"},
      {"L-PASSWD", "pam_pwquality"},
      {"L-SYSDIRS", "/bin/su"},
      {"L-ISSUE", "/etc/issue"}},
     {
         // The first rule the weakest candidate breaks: one special character at least.
         {"L-PASSWD", "/etc/pam.d/common-password", 9, "pam_pwquality rejects"},
         {"L-PASSWD", "/etc/pam.d/common-password", 9,
          "ocredit=-1 at /etc/security/pwquality.conf:14"},
         // The evidence of a modified file names it, its package and what it now starts with.
         {"L-ISSUE", "/etc/issue", -1, "changed (base-files)"},
         {"L-ISSUE", "/etc/issue", -1, "first: 'Ubuntu 14.04.6 LTS"},
     }},
    {"ubuntu18",
     "ubuntu",
     1,
     {
         {"L-NIC", "pass"},
         {"L-DHCP", "fail"},
         {"X-NETPIN", "warn"},
         {"L-IPV6", "warn"},
         {"L-PLATFORM", "warn"},
         {"X-ROOTACCT", "pass"},
         {"X-LIBLINKS", "pass"},
         {"L-SELINUX", "pass"},
         {"X-MACHINEID", "warn"},
         {"X-RESOLV", "pass"},
         {"L-FIREWALL", "fail"},
         {"L-SSH", "pass"},
         // Ubuntu 18.04: drivers built in (config, modules.builtin) but no initrd.img.
         {"L-DRIVERS", "pass"},
         {"X-NVME", "pass"},
         {"X-BOOTKERNEL", "warn"},
         // pam_pwquality with minlen 8 and minclass 3 accepts every shape the cloud allows, but
         // enforce_for_root makes its dictionary check apply to root too: a warning.
         {"L-PASSWD", "warn"},
         {"L-SHADOW", "pass"},
         // cloud-init with AliYun in 90_dpkg.cfg but the last instance's state kept; qemu-ga on.
         {"L-CLOUDINIT", "pass"},
         {"X-CLOUDINIT-DS", "warn"},
         {"L-QEMUGA", "fail"},
         {"X-AGENTS", "pass"},
         {"L-SYSDIRS", "pass"},
         {"L-ISSUE", "pass"},
         {"L-GRUB", "not-applicable"},
     },
     {{"X-NETPIN", "pinned"},
      {"L-PLATFORM", "Customized Linux"},
      {"X-MACHINEID", "/etc/machine-id"},
      {"L-FIREWALL", "ufw"},
      {"L-PASSWD", "dictionary"},
      {"L-QEMUGA", "qemu-guest-agent"},
      {"X-CLOUDINIT-DS", "earlier instance"}},
     {
         // ufw's user rule and sshd's boot link decided.
         {"L-FIREWALL", "/etc/ufw/user.rules", 21},
         {"L-SSH", "/etc/systemd/system/multi-user.target.wants/ssh.service", 0},
         {"L-PASSWD", "", -1, "cracklib dictionary by default at /etc/pam.d/common-password:9"},
     }},
    {"coreos",
     "coreos",
     1,
     {
         // Ignition's 00-eth0.network (DHCP=ipv4) takes eth0; the vendor zz-default.network
         // (Name=*) covers only NICs nothing else names, so it adds no NIC.
         {"L-NIC", "pass"},
         {"L-DHCP", "pass"},
         {"X-NETPIN", "pass"},
         // networkd accepts router advertisements on eth0 unless IPv6AcceptRA=no, and
         // zz-default asks for DHCPv6 (DHCP=yes).
         {"L-IPV6", "fail"},
         // CoreOS 681.2.0 and later is standard; /bin/sh (merged /usr) tells x86_64.
         {"L-PLATFORM", "pass"},
         {"X-ROOTACCT", "pass"},
         {"X-LIBLINKS", "pass"},
         // Container Linux ships SELinux permissive.
         {"L-SELINUX", "pass"},
         // A machine that ran: systemd's /etc/machine-id and the SSH host keys are baked in.
         {"X-MACHINEID", "warn"},
         // /etc/resolv.conf links into /run/systemd/resolve.
         {"X-RESOLV", "pass"},
         // iptables-restore.service is installed but not enabled.
         {"L-FIREWALL", "pass"},
         // sshd is socket-activated: sshd.socket (ListenStream=22) is wanted by sockets.target
         // in /usr/lib.
         {"L-SSH", "pass"},
         // GRUB's configuration is on the EFI partition (/boot/coreos/grub) and boots the
         // kernel of the USR partition gptprio picks (vmlinuz-a or -b): the kernel release and
         // so its drivers are unknown offline, an error rather than a guess.
         {"L-DRIVERS", "error"},
         {"X-NVME", "error"},
         {"X-BOOTKERNEL", "error"},
         // PAM lives in the vendor directory /usr/lib/pam.d: pam_unix without minlen, no
         // quality module.
         {"L-PASSWD", "pass"},
         {"L-SHADOW", "pass"},
         // coreos-cloudinit/Ignition, not cloud-init; no package database to verify against.
         {"L-CLOUDINIT", "warn"},
         {"X-CLOUDINIT-DS", "not-applicable"},
         {"L-QEMUGA", "pass"},
         {"X-AGENTS", "pass"},
         {"L-SYSDIRS", "error"},
         {"L-ISSUE", "not-applicable"},
         {"L-GRUB", "not-applicable"},
     },
     {{"L-NIC", "(eth0)"},
      {"L-DHCP", "eth0"},
      {"L-PLATFORM", "choose CoreOS 1967.6.0 at import"},
      {"L-PLATFORM", "architecture x86_64"},
      {"L-SELINUX", "permissive"},
      {"X-MACHINEID", "3 SSH host key"},
      {"L-FIREWALL", "no firewall is enabled at boot"},
      {"L-DRIVERS", "no boot loader configuration"},
      {"L-SYSDIRS", "no package database"}},
     {
         {"L-NIC", "/usr/lib/systemd/network/zz-default.network", -1, "name pattern"},
         {"L-NIC", "/etc/systemd/network/00-eth0.network"},
         {"L-PLATFORM", "/etc/os-release", 2},
         {"L-FIREWALL", "", -1, "iptables-restore is installed but not enabled at boot"},
         {"L-SSH", "/usr/lib/systemd/system/sockets.target.wants/sshd.socket", 0},
         {"L-PASSWD", "/usr/lib/pam.d/passwd", -1, "password stack of passwd: no quality module"},
     }},
    {"debian7",
     "debian",
     1,
     {
         // allow-hotplug eth0 with DHCP, but udev's 70-persistent-net.rules keeps eth0 for the
         // old MAC: the new NIC comes up as eth1, which nothing configures.
         {"L-NIC", "pass"},
         {"L-DHCP", "fail"},
         {"X-NETPIN", "warn"},
         // Nothing disables IPv6; no interface asks for it.
         {"L-IPV6", "warn"},
         {"L-PLATFORM", "pass"},
         {"X-ROOTACCT", "pass"},
         // /lib64 is a directory on wheezy (holding an absolute ld.so link, which is fine).
         {"X-LIBLINKS", "pass"},
         {"L-SELINUX", "pass"},
         // No machine-id under sysvinit without dbus, but the SSH host keys are kept.
         {"X-MACHINEID", "warn"},
         // dhclient-script rewrites resolv.conf from the DHCP lease.
         {"X-RESOLV", "pass"},
         // iptables-persistent's init script has S links in rc2-5 and loads rules.v4.
         {"L-FIREWALL", "fail"},
         // ssh's init script has S links in rc2-5; Port 22.
         {"L-SSH", "pass"},
         // 3.2 kernel: virtio and Xen front-ends as modules, in the MODULES=most gzip initrd;
         // Linux 3.2 predates the NVMe driver (3.3).
         {"L-DRIVERS", "pass"},
         {"X-NVME", "warn"},
         {"X-BOOTKERNEL", "pass"},
         // pam_unix obscure minlen=8 accepts every password of 8 or more characters.
         {"L-PASSWD", "pass"},
         {"L-SHADOW", "pass"},
         {"L-CLOUDINIT", "warn"},
         {"X-CLOUDINIT-DS", "not-applicable"},
         {"L-QEMUGA", "pass"},
         {"X-AGENTS", "pass"},
         // Every file of the md5sums lists matches; issue and issue.net are base-files'
         // conffiles, unchanged.
         {"L-SYSDIRS", "pass"},
         {"L-ISSUE", "pass"},
         // GRUB 2 (grub-pc): no menu.lst.
         {"L-GRUB", "not-applicable"},
     },
     {{"L-NIC", "(eth0)"},
      {"L-DHCP", "pinned"},
      {"L-PLATFORM", "choose Debian 7 at import"},
      {"L-PLATFORM", "architecture x86_64"},
      {"X-MACHINEID", "3 SSH host key"},
      {"L-FIREWALL", "netfilter-persistent"},
      {"L-DRIVERS", "3.2.0-4-amd64"},
      {"X-NVME", "nvme"}},
     {
         {"X-NETPIN", "/etc/udev/rules.d/70-persistent-net.rules", 8},
         {"L-PLATFORM", "/etc/os-release", -1},
         {"L-FIREWALL", "/etc/rc3.d/S01iptables-persistent", -1},
         {"L-FIREWALL", "/etc/iptables/rules.v4", 8, "--dport 22 -j ACCEPT"},
         {"L-SSH", "/etc/rc3.d/S16ssh", -1},
         {"L-DRIVERS", "/boot/grub/grub.cfg"},
         {"L-DRIVERS", "/boot/initrd.img-3.2.0-4-amd64"},
         {"L-PASSWD", "/etc/pam.d/passwd", -1, "password stack of passwd: pam_unix"},
         {"X-RESOLV", "", -1, "dhclient-script"},
     }},
};

// Names the case in gtest's output instead of dumping its bytes.
void PrintTo(const RootCase& c, std::ostream* os) { *os << c.root; }

bool evidenceMatches(const nlohmann::json& e, const EvidenceWanted& w) {
  if (*w.source && e.value("source", "") != w.source) return false;
  if (w.line >= 0 && e.value("line", 0) != w.line) return false;
  return e.value("text", "").find(w.text) != std::string::npos;
}

class DistroRoots : public ::testing::TestWithParam<RootCase> {};

TEST_P(DistroRoots, VerdictsMessagesAndEvidence) {
  const RootCase& c = GetParam();
  int exit_code = -1;
  nlohmann::json report = auditJson({"--root", fixtureRoot(c.root)}, &exit_code);
  ASSERT_TRUE(report.contains("findings")) << report.dump(2);
  EXPECT_EQ(report["host"]["runtime"], false);
  if (*c.os_id) {
    EXPECT_EQ(report["host"]["os_id"], c.os_id);
  }
  for (const auto& [req, status] : c.statuses) {
    nlohmann::json f = findingFor(report, req);
    ASSERT_FALSE(f.is_null()) << req;
    EXPECT_EQ(f["status"], status) << req << ": " << f.dump(2);
  }
  // Any failing requirement makes the whole audit "not ready".
  bool any_fail = false;
  for (const auto& [req, status] : c.statuses) any_fail |= std::string(status) == "fail";
  if (any_fail) {
    EXPECT_EQ(exit_code, 1);
  }
  for (const auto& [req, part] : c.messages) {
    nlohmann::json f = findingFor(report, req);
    ASSERT_FALSE(f.is_null()) << req;
    EXPECT_NE(f["message"].get<std::string>().find(part), std::string::npos)
        << req << " should say '" << part << "': " << f["message"];
  }
  for (const EvidenceWanted& w : c.evidence) {
    nlohmann::json f = findingFor(report, w.requirement);
    ASSERT_FALSE(f.is_null()) << w.requirement;
    const nlohmann::json& ev = f["evidence"];
    bool found = false;
    if (w.index >= 0) {
      found = ev.size() > static_cast<std::size_t>(w.index) &&
              evidenceMatches(ev[static_cast<std::size_t>(w.index)], w);
    } else {
      for (const auto& e : ev) found |= evidenceMatches(e, w);
    }
    EXPECT_TRUE(found) << w.requirement << " lacks evidence " << w.source << ":" << w.line << " '"
                       << w.text << "'" << (w.index >= 0 ? " at its first place" : "") << ": "
                       << ev.dump(2);
  }
  std::string complaint = validateReportSchema(report.dump());
  if (complaint.starts_with("SKIP")) GTEST_SKIP() << complaint;
  EXPECT_EQ(complaint, "");
}

// The network rules alone decide the exit code the same way.
TEST_P(DistroRoots, NetworkOnlyPolicyExitCode) {
  const RootCase& c = GetParam();
  int exit_code = -1;
  nlohmann::json report =
      auditJson({"--policy", networkPolicy(), "--root", fixtureRoot(c.root)}, &exit_code);
  EXPECT_EQ(exit_code, c.network_only_exit) << report.dump(2);
  for (const auto& [req, status] : c.statuses) {
    nlohmann::json f = findingFor(report, req);
    if (!f.is_null()) {
      EXPECT_EQ(f["status"], status) << req << ": " << f.dump(2);
    }
  }
}

// `facts` then `audit --facts` gives the same findings as a direct audit.
TEST_P(DistroRoots, FactsRoundTripGivesTheSameFindings) {
  const RootCase& c = GetParam();
  CommandResult facts = runGuestprep({"facts", "--root", fixtureRoot(c.root)});
  ASSERT_EQ(facts.exit_code, 0) << facts.err;
  std::string path = ::testing::TempDir() + "/facts-" + c.root + ".json";
  {
    std::ofstream out(path);
    out << facts.out;
  }
  nlohmann::json direct = auditJson({"--root", fixtureRoot(c.root)});
  nlohmann::json from_facts = auditJson({"--facts", path});
  EXPECT_EQ(direct["findings"], from_facts["findings"]);
  EXPECT_EQ(direct["verdict"], from_facts["verdict"]);
}

std::string rootName(const ::testing::TestParamInfo<RootCase>& param) { return param.param.root; }

INSTANTIATE_TEST_SUITE_P(Fixtures, DistroRoots, ::testing::ValuesIn(kRoots), rootName);

}  // namespace
}  // namespace guestprep::testing
