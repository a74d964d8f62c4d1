// A real Debian 12 root made by debootstrap, audited offline with --root: the assertions are about
// what that system really has (ifupdown enabled, no NIC configured, no IPv6 settings).
#include <gtest/gtest.h>

#include <fstream>

#include "audit/audit.h"
#include "facts/facts.h"
#include "support/run_binary.h"

namespace guestprep::testing {
namespace {

std::string debianRoot() {
  std::ifstream in(GUESTPREP_DEBIAN_ROOT_FILE);
  std::string path;
  std::getline(in, path);
  return path;
}

class DebianRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = debianRoot();
    ASSERT_FALSE(root_.empty()) << "the debian_root_build test did not produce a root; run it "
                                   "(ctest -R debian_root_build) and check debootstrap";
  }
  std::string root_;
};

TEST_F(DebianRoot, FactsDescribeTheRealSystem) {
  CommandResult r = runGuestprep({"facts", "--root", root_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Facts f = factsFromJson(nlohmann::json::parse(r.out));
  EXPECT_EQ(f.os.id, "debian");
  EXPECT_EQ(f.os.version_id, "12");
  EXPECT_EQ(f.os.source, "/etc/os-release");
  EXPECT_FALSE(f.runtime);
  EXPECT_EQ(f.os.hostname, "guestprep-test");
  // debootstrap installed ifupdown and enabled networking.service; nothing configures a NIC.
  bool eni_in_use = false;
  for (const auto& s : f.network.stacks) {
    if (s.name == "eni") {
      eni_in_use = s.in_use;
      EXPECT_NE(s.evidence.find("networking"), std::string::npos) << s.evidence;
    }
    if (s.name == "netplan" || s.name == "networkmanager" || s.name == "networkd") {
      EXPECT_FALSE(s.in_use) << s.name << ": " << s.evidence;
    }
  }
  EXPECT_TRUE(eni_in_use);
  // systemd ships networkd's own examples (80-container-*.network, 80-wifi-adhoc.network) in
  // /usr/lib/systemd/network; networkd is not enabled, so they do not configure anything.
  int vendor_networkd = 0;
  for (const auto& c : f.network.configs) {
    if (c.stack == "networkd") {
      EXPECT_EQ(c.source.file.rfind("/usr/lib/systemd/network/", 0), 0u) << c.source.file;
      ++vendor_networkd;
      continue;
    }
    EXPECT_TRUE(c.kind == "loopback" || c.name == "lo") << c.name << " in " << c.source.file;
  }
  EXPECT_GT(vendor_networkd, 0) << "systemd 252 ships 80-container-*.network";
  EXPECT_TRUE(f.network.persistent_net_rules.empty());
  EXPECT_FALSE(f.network.cloud_init_network);
  EXPECT_FALSE(f.network.runtime_nics.ok());
  EXPECT_NE(f.network.runtime_nics.error.find("offline"), std::string::npos)
      << f.network.runtime_nics.error;
}

TEST_F(DebianRoot, AuditGivesTheNetworkVerdicts) {
  int exit_code = -1;
  nlohmann::json report = auditJson({"--root", root_}, &exit_code);
  EXPECT_EQ(exit_code, 1) << report.dump(2);
  EXPECT_EQ(report["host"]["os_id"], "debian");
  EXPECT_EQ(findingFor(report, "L-NIC")["status"], "pass");
  nlohmann::json dhcp = findingFor(report, "L-DHCP");
  EXPECT_EQ(dhcp["status"], "fail") << dhcp.dump(2);
  EXPECT_NE(dhcp["message"].get<std::string>().find("no NIC is configured"), std::string::npos);
  EXPECT_EQ(findingFor(report, "X-NETPIN")["status"], "pass");
  EXPECT_EQ(findingFor(report, "L-IPV6")["status"], "warn");
  std::string complaint = validateReportSchema(report.dump());
  if (complaint.starts_with("SKIP")) GTEST_SKIP() << complaint;
  EXPECT_EQ(complaint, "");
}

// The other families on the unmodified root, each verdict what this debootstrapped system
// really deserves: no boot loader and no fstab entry yet (debootstrap installs neither), no
// firewall, sshd enabled by openssh-server's postinst, host keys and machine-id generated.
TEST_F(DebianRoot, AuditGivesTheFirewallSystemStorageAndBootVerdicts) {
  nlohmann::json report = auditJson({"--root", root_});
  struct Want {
    const char* requirement;
    const char* status;
    const char* message_part;
  };
  const Want wants[] = {
      // firewall: ufw is installed (its unit enabled by its postinst) but ufw.conf says
      // ENABLED=no; nothing of iptables-persistent, nftables' unit or firewalld.
      {"L-FIREWALL", "pass", "no firewall is enabled at boot"},
      {"L-SSH", "pass", "sshd starts at boot and listens on port 22"},
      // system: Debian 12 is beyond the 2018 list of standard platforms.
      {"L-PLATFORM", "warn", "choose Customized Linux"},
      {"X-ROOTACCT", "pass", "/usr/bin/passwd exists"},
      {"X-LIBLINKS", "pass", "/lib -> usr/lib"},
      {"L-SELINUX", "pass", "disabled"},
      {"X-MACHINEID", "warn", "SSH host key"},
      // debootstrap copied this machine's resolv.conf; isc-dhcp-client's dhclient-script
      // rewrites it once an interface uses DHCP.
      {"X-RESOLV", "pass", "managed at boot"},
      // storage: fstab is debootstrap's "UNCONFIGURED FSTAB", so nothing tells the root device.
      {"L-FSTAB", "warn", "no entry for /"},
      {"X-DEVNAMES", "error", "no boot loader configuration"},
      {"X-FSTABRESOLVE", "pass", ""},
      {"L-PARTITION", "error", "no entry for /"},
      {"L-FSTYPE", "error", "fstab has no entry for /"},
      {"X-BOOTMODE", "error", "no EFI system partition"},
      // The root is a directory of this machine's filesystem, not a mounted disk.
      {"L-DISKFREE", "error", "not on a filesystem mounted inside"},
      {"X-INODES", "error", "not on a filesystem mounted inside"},
      // boot: no GRUB, so /vmlinuz names the kernel; its initramfs (MODULES=most) has virtio,
      // Xen and NVMe.
      {"L-DRIVERS", "pass", "its initramfs can mount root on them"},
      {"X-NVME", "pass", "nvme"},
      {"X-BOOTKERNEL", "pass", "modules.dep and an initramfs"},
      // auth: Debian's common-password with libpam-pwquality's defaults (retry=3) before
      // pam_unix obscure yescrypt.
      {"L-PASSWD", "pass", "every password the cloud allows passes"},
      {"L-SHADOW", "pass", "neither immutable nor append-only"},
  };
  for (const Want& w : wants) {
    nlohmann::json f = findingFor(report, w.requirement);
    ASSERT_FALSE(f.is_null()) << w.requirement;
    EXPECT_EQ(f["status"], w.status) << w.requirement << ": " << f.dump(2);
    EXPECT_NE(f["message"].get<std::string>().find(w.message_part), std::string::npos)
        << w.requirement << ": " << f["message"];
  }
  // The real packages were read: ufw's own ufw.conf, and pam_pwquality in the password stack.
  bool ufw_conf = false;
  // A named finding: the loop refers into it.
  const nlohmann::json firewall = findingFor(report, "L-FIREWALL");
  for (const auto& e : firewall["evidence"]) {
    ufw_conf = ufw_conf || (e["source"] == "/etc/ufw/ufw.conf" && e["line"] == 6 &&
                            e["text"].get<std::string>().find("ENABLED=no") != std::string::npos);
  }
  EXPECT_TRUE(ufw_conf) << firewall.dump(2);
  EXPECT_NE(findingFor(report, "L-PASSWD")["evidence"].dump().find("pam_pwquality"),
            std::string::npos)
      << findingFor(report, "L-PASSWD").dump(2);
  nlohmann::json drivers = findingFor(report, "L-DRIVERS");
  EXPECT_NE(drivers["evidence"].dump().find("/boot/initrd.img-"), std::string::npos)
      << drivers.dump(2);
}

}  // namespace
}  // namespace guestprep::testing
