// The firewall-family probes through TestHost: products and their saved rules, runtime rules,
// sshd service state, sshd_config with Include and Match, and listening sockets.
#include <gtest/gtest.h>

#include "probes/firewall_probes.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using testing::TestHost;

// A systemd system: /sbin/init -> systemd.
TestHost& systemdRoot(TestHost& h) {
  h.addFile("/usr/lib/systemd/systemd", "");
  h.addSymlink("/sbin/init", "../usr/lib/systemd/systemd");
  return h;
}

const FirewallProduct* find(const FirewallFacts& f, std::string_view name) {
  for (const auto& p : f.products) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

TEST(FirewallProbe, IptablesServiceWithSavedRules) {
  TestHost h;
  h.addFile("/etc/rc.d/init.d/iptables", "#!/bin/sh\n");
  h.addSymlink("/etc/rc.d/rc3.d/S08iptables", "../init.d/iptables");
  h.addFile("/etc/sysconfig/iptables",
            "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n"
            "-A INPUT -j REJECT\nCOMMIT\n");
  FirewallFacts f;
  probeFirewallProducts(h, f);
  const FirewallProduct* p = find(f, "iptables");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->enabled_at_boot) << p->boot_evidence;
  EXPECT_EQ(p->ssh_at_boot, PortAccess::kAllowed);
  ASSERT_FALSE(p->notes.empty());
  EXPECT_EQ(p->notes[0].source, (SourceRef{"/etc/sysconfig/iptables", 3}));
  EXPECT_TRUE(f.problems.empty());
}

// CoreOS: iptables-restore.service ships disabled; enabled, it loads rules-save.
TEST(FirewallProbe, CoreosIptablesRestoreService) {
  TestHost h;
  systemdRoot(h);
  h.addFile("/usr/lib/systemd/system/iptables-restore.service",
            "[Unit]\nConditionPathExists=/var/lib/iptables/rules-save\n");
  FirewallFacts off;
  probeFirewallProducts(h, off);
  const FirewallProduct* p = find(off, "iptables-restore");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->installed);
  EXPECT_FALSE(p->enabled_at_boot) << p->boot_evidence;

  h.addSymlink("/etc/systemd/system/multi-user.target.wants/iptables-restore.service",
               "/usr/lib/systemd/system/iptables-restore.service");
  h.addFile("/var/lib/iptables/rules-save",
            "*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 80 -j ACCEPT\nCOMMIT\n");
  FirewallFacts on;
  probeFirewallProducts(h, on);
  p = find(on, "iptables-restore");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->enabled_at_boot);
  EXPECT_EQ(p->ssh_at_boot, PortAccess::kBlocked);
  ASSERT_FALSE(p->notes.empty());
  EXPECT_EQ(p->notes[0].source.file, "/var/lib/iptables/rules-save");
}

TEST(FirewallProbe, FirewalldDefaultZoneFromEtcOverridesShipped) {
  TestHost h;
  systemdRoot(h);
  h.addFile("/usr/lib/systemd/system/firewalld.service", "[Unit]\n");
  h.addSymlink("/etc/systemd/system/multi-user.target.wants/firewalld.service",
               "/usr/lib/systemd/system/firewalld.service");
  h.addFile("/etc/firewalld/firewalld.conf", "# default\nDefaultZone=work\n");
  h.addFile("/usr/lib/firewalld/zones/work.xml", "<zone>\n<service name=\"ssh\"/>\n</zone>\n");
  h.addFile("/etc/firewalld/zones/work.xml", "<zone>\n<service name=\"http\"/>\n</zone>\n");
  FirewallFacts f;
  probeFirewallProducts(h, f);
  const FirewallProduct* p = find(f, "firewalld");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->enabled_at_boot);
  EXPECT_EQ(p->ssh_at_boot, PortAccess::kBlocked);
  EXPECT_EQ(p->notes[0].source, (SourceRef{"/etc/firewalld/firewalld.conf", 2}));
}

TEST(FirewallProbe, UfwEnabledFlagAndUserRules) {
  TestHost h;
  h.addFile("/etc/ufw/ufw.conf", "ENABLED=yes\nLOGLEVEL=low\n");
  h.addFile("/etc/default/ufw", "DEFAULT_INPUT_POLICY=\"DROP\"\n");
  h.addFile(
      "/etc/ufw/user.rules",
      "*filter\n:ufw-user-input - [0:0]\n### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n"
      "-A ufw-user-input -p tcp --dport 22 -j ACCEPT\nCOMMIT\n");
  FirewallFacts f;
  probeFirewallProducts(h, f);
  const FirewallProduct* p = find(f, "ufw");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->enabled_at_boot);
  EXPECT_EQ(p->boot_evidence, "ENABLED=yes");
  EXPECT_EQ(p->boot_source, (SourceRef{"/etc/ufw/ufw.conf", 1}));
  EXPECT_EQ(p->ssh_at_boot, PortAccess::kAllowed);
  EXPECT_EQ(p->notes[0].source, (SourceRef{"/etc/ufw/user.rules", 4}));
}

TEST(FirewallProbe, NftablesFollowsIncludes) {
  TestHost h;
  systemdRoot(h);
  h.addFile("/lib/systemd/system/nftables.service", "[Unit]\n");
  h.addSymlink("/etc/systemd/system/sysinit.target.wants/nftables.service",
               "/lib/systemd/system/nftables.service");
  h.addFile("/etc/nftables.conf", "flush ruleset\ninclude \"/etc/nftables.d/*.nft\"\n");
  h.addFile("/etc/nftables.d/10-filter.nft",
            "table inet filter {\n chain input {\n  type filter hook input priority 0; policy "
            "drop;\n }\n}\n");
  FirewallFacts f;
  probeFirewallProducts(h, f);
  const FirewallProduct* p = find(f, "nftables");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->enabled_at_boot);
  EXPECT_EQ(p->ssh_at_boot, PortAccess::kBlocked);
}

TEST(FirewallProbe, SuseFirewall2ServicesExtTcp) {
  TestHost h;
  systemdRoot(h);
  h.addFile("/usr/lib/systemd/system/SuSEfirewall2.service", "[Unit]\n");
  h.addFile("/etc/sysconfig/SuSEfirewall2", "FW_SERVICES_EXT_TCP=\"80 ssh\"\n");
  FirewallFacts f;
  probeFirewallProducts(h, f);
  const FirewallProduct* p = find(f, "SuSEfirewall2");
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->enabled_at_boot);
  EXPECT_EQ(p->ssh_at_boot, PortAccess::kAllowed);
}

TEST(FirewallProbe, RuntimeSkipsMissingCommandsAndOfflineRoots) {
  TestHost h;
  h.addCommand({"iptables-save"}, {0, "*filter\n:INPUT DROP [0:0]\nCOMMIT\n", ""});
  FirewallFacts f;
  probeFirewallRuntime(h, f);
  ASSERT_TRUE(f.runtime.ok()) << f.runtime.error;
  ASSERT_EQ(f.runtime.value->size(), 1u);  // nft is not recorded: not installed
  EXPECT_TRUE((*f.runtime.value)[0].filtering);
  EXPECT_EQ((*f.runtime.value)[0].ssh, PortAccess::kBlocked);
  TestHost offline;
  offline.setRuntime(false);
  FirewallFacts g;
  probeFirewallRuntime(offline, g);
  EXPECT_FALSE(g.runtime.ok());
  EXPECT_NE(g.runtime.error.find("not checked"), std::string::npos);
}

TEST(SshdProbe, DebianUnitIncludeAndMatch) {
  TestHost h;
  systemdRoot(h);
  h.addFile("/usr/sbin/sshd", "");
  h.addFile("/lib/systemd/system/ssh.service", "[Unit]\n");
  h.addSymlink("/etc/systemd/system/sshd.service", "/lib/systemd/system/ssh.service");
  h.addSymlink("/etc/systemd/system/multi-user.target.wants/ssh.service",
               "/lib/systemd/system/ssh.service");
  h.addFile("/etc/ssh/sshd_config",
            "Include /etc/ssh/sshd_config.d/*.conf\nPort 22\nMatch User git\n  X11Forwarding no\n");
  h.addFile("/etc/ssh/sshd_config.d/50-extra.conf", "Port 2222\nListenAddress 0.0.0.0\n");
  h.addFile("/proc/net/tcp",
            "  sl  local_address rem_address   st\n"
            "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n");
  FirewallFacts f;
  probeSshd(h, f);
  const SshdFacts& s = f.sshd;
  EXPECT_TRUE(s.installed) << s.installed_evidence;
  EXPECT_TRUE(s.enabled_at_boot) << s.boot_evidence;
  EXPECT_TRUE(s.config_found);
  ASSERT_EQ(s.ports.size(), 2u);
  EXPECT_EQ(s.ports[0].port, 2222);  // the Include comes first
  EXPECT_EQ(s.ports[0].source, (SourceRef{"/etc/ssh/sshd_config.d/50-extra.conf", 1}));
  EXPECT_EQ(s.ports[1].port, 22);
  ASSERT_EQ(s.listen.size(), 1u);
  EXPECT_EQ(s.listen[0].address, "0.0.0.0");
  EXPECT_TRUE(s.problems.empty());
  ASSERT_TRUE(s.listening.ok()) << s.listening.error;
  ASSERT_EQ(s.listening.value->size(), 1u);
  EXPECT_EQ((*s.listening.value)[0].port, 22);
}

TEST(SshdProbe, UpstartJobAndPortInsideMatch) {
  TestHost h;
  h.addFile("/sbin/init", "upstart");
  h.addFile("/usr/sbin/sshd", "");
  h.addFile("/etc/init/ssh.conf", "description \"OpenSSH server\"\nstart on filesystem\n");
  h.addFile("/etc/ssh/sshd_config", "Match Address 10.0.0.0/8\n  Port 2200\n");
  h.setRuntime(false);
  FirewallFacts f;
  probeSshd(h, f);
  EXPECT_TRUE(f.sshd.installed);
  EXPECT_TRUE(f.sshd.enabled_at_boot) << f.sshd.boot_evidence;
  EXPECT_EQ(f.sshd.boot_evidence, "start on");
  EXPECT_EQ(f.sshd.boot_source, (SourceRef{"/etc/init/ssh.conf", 2}));
  EXPECT_TRUE(f.sshd.ports.empty());
  ASSERT_EQ(f.sshd.problems.size(), 1u);
  EXPECT_EQ(f.sshd.problems[0].line, 2);
  EXPECT_FALSE(f.sshd.listening.ok());
  h.addFile("/etc/init/ssh.override", "manual\n");
  FirewallFacts g;
  probeSshd(h, g);
  EXPECT_FALSE(g.sshd.enabled_at_boot);
}

TEST(SshdProbe, NotInstalled) {
  TestHost h;
  systemdRoot(h);
  FirewallFacts f;
  probeSshd(h, f);
  EXPECT_FALSE(f.sshd.installed);
  EXPECT_FALSE(f.sshd.enabled_at_boot);
  EXPECT_FALSE(f.sshd.config_found);
}

}  // namespace
}  // namespace guestprep::os_linux
