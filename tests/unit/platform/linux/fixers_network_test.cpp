// The network fixers on literal configuration trees: facts from the real probes, the built-in
// policy, buildPlan with platformFixers(); the exact new file content, the rule passing on the
// system the plan leaves (PlannedHost), and a second plan with nothing left to do.
#include <algorithm>
#include <cstdlib>

#include <gtest/gtest.h>

#include "audit/audit.h"
#include "fix/fix.h"
#include "fix/planned_host.h"
#include "fixers/edit.h"
#include "fixers/network_edit.h"
#include "policy/policy.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using testing::TestHost;

Policy linuxPolicy() {
  auto p = builtinPolicy(kDefaultLinuxPolicy);
  EXPECT_TRUE(p.has_value());
  return *p;
}

Plan planFor(const Host& host, const std::string& id, FixOptions options = {}) {
  Policy policy = linuxPolicy();
  Facts facts = collectFacts(host);
  auto findings = evaluatePolicy(policy, facts);
  options.only = {id};
  return buildPlan(policy, findings, facts, host, options, platformFixers());
}

const FixItem* itemFor(const Plan& plan, const std::string& id) {
  for (const auto& i : plan.items) {
    if (i.requirement == id) return &i;
  }
  return nullptr;
}

std::string skippedReason(const Plan& plan, const std::string& id) {
  for (const auto& s : plan.skipped) {
    if (s.requirement == id) return s.reason;
  }
  return "";
}

/// The content the plan leaves in `path` (the last write to it).
std::string written(const Plan& plan, const std::string& path) {
  std::string out = "(not written)";
  for (const auto& i : plan.items) {
    for (const auto& a : i.actions) {
      if (a.kind == ActionKind::kWriteFile && a.path == path) out = a.content;
    }
  }
  return out;
}

Finding findingAfter(const Host& host, const Plan& plan, const std::string& id,
                     Plan* second = nullptr) {
  PlannedHost after(host);
  for (const auto& i : plan.items) {
    for (const auto& a : i.actions) after.apply(a);
  }
  Policy policy = linuxPolicy();
  Facts facts = collectFacts(after);
  auto findings = evaluatePolicy(policy, facts);
  if (second) {
    FixOptions o;
    o.only = {id};
    *second = buildPlan(policy, findings, facts, after, o, platformFixers());
  }
  for (const auto& f : findings) {
    if (f.requirement == id) return f;
  }
  ADD_FAILURE() << "no finding for " << id;
  return {};
}

/// The requirement passes once the plan is applied, and a second plan has nothing for it.
void expectFixed(const Host& host, const Plan& plan, const std::string& id) {
  Plan second;
  Finding f = findingAfter(host, plan, id, &second);
  EXPECT_EQ(f.status, Status::kPass) << id << ": " << f.message;
  EXPECT_EQ(itemFor(second, id), nullptr) << "a second run plans again for " << id;
}

std::string marker(const std::string& why) { return "# " + editMarker() + ": " + why + ": "; }

const std::string kNic = "L-NIC: only the primary NIC starts at boot";
const std::string kDhcp = "L-DHCP: the cloud assigns the address by DHCP";
const std::string kV6 = "L-IPV6: IPv6 is not supported by the target cloud";

void redHatInitscripts(TestHost& h) {
  h.setRuntime(false);
  h.addFile("/etc/rc.d/init.d/network", "#!/bin/sh\n", 0755);
  h.addSymlink("/etc/rc.d/rc3.d/S10network", "../init.d/network");
  h.addFile("/etc/sysconfig/network", "NETWORKING=yes\n");
  h.addDir("/etc/sysctl.d");
}

void systemdWith(TestHost& h, const std::string& unit) {
  h.setRuntime(false);
  h.addFile("/usr/lib/systemd/systemd", "", 0755);
  h.addFile("/usr/lib/systemd/system/" + unit, "[Unit]\n");
  h.addSymlink("/etc/systemd/system/multi-user.target.wants/" + unit,
               "/usr/lib/systemd/system/" + unit);
  h.addDir("/etc/sysctl.d");
}

void debianIfupdown(TestHost& h) {
  h.setRuntime(false);
  h.addFile("/sbin/ifup", "", 0755);
  h.addFile("/etc/init.d/networking", "#!/bin/sh\n", 0755);
  h.addSymlink("/etc/rcS.d/S12networking", "../init.d/networking");
  h.addDir("/etc/sysctl.d");
}

// ---- L-NIC ------------------------------------------------------------------------------------

TEST(NetworkFixers, NicCountTurnsOnbootOffKeepingQuotesAndKeepsEth0) {
  TestHost h;
  redHatInitscripts(h);
  h.addFile("/etc/sysconfig/network-scripts/ifcfg-eth0",
            "DEVICE=eth0\nONBOOT=yes\nBOOTPROTO=dhcp\n");
  h.addFile("/etc/sysconfig/network-scripts/ifcfg-eth1",
            "DEVICE=\"eth1\"\nONBOOT=\"yes\"\nBOOTPROTO=static\nIPADDR=10.1.0.5\n");
  Plan plan = planFor(h, "L-NIC");
  ASSERT_NE(itemFor(plan, "L-NIC"), nullptr) << skippedReason(plan, "L-NIC");
  EXPECT_NE(itemFor(plan, "L-NIC")->summary.find("keep eth0"), std::string::npos);
  EXPECT_EQ(written(plan, "/etc/sysconfig/network-scripts/ifcfg-eth1"),
            "DEVICE=\"eth1\"\nONBOOT=\"no\"\nBOOTPROTO=static\nIPADDR=10.1.0.5\n");
  EXPECT_EQ(written(plan, "/etc/sysconfig/network-scripts/ifcfg-eth0"), "(not written)");
  expectFixed(h, plan, "L-NIC");
}

TEST(NetworkFixers, NicCountSuseStartmodeOff) {
  TestHost h;
  systemdWith(h, "wicked.service");
  h.addFile("/etc/sysconfig/network/ifcfg-eth0", "BOOTPROTO='dhcp4'\nSTARTMODE='auto'\n");
  h.addFile("/etc/sysconfig/network/ifcfg-eth1",
            "BOOTPROTO='static'\nSTARTMODE='auto'\nIPADDR='10.20.0.15/24'");
  Plan plan = planFor(h, "L-NIC");
  // No final newline before, none after.
  EXPECT_EQ(written(plan, "/etc/sysconfig/network/ifcfg-eth1"),
            "BOOTPROTO='static'\nSTARTMODE='off'\nIPADDR='10.20.0.15/24'");
  expectFixed(h, plan, "L-NIC");
}

TEST(NetworkFixers, NicCountEniRemovesTheNameAndCommentsTheStanza) {
  TestHost h;
  debianIfupdown(h);
  h.addFile("/etc/network/interfaces",
            "auto lo eth0 eth1\niface lo inet loopback\n\niface eth0 inet dhcp\n\n"
            "iface eth1 inet static\n\taddress 10.0.0.2\n\tnetmask 255.255.255.0\n\n"
            "# last\n");
  Plan plan = planFor(h, "L-NIC");
  EXPECT_EQ(written(plan, "/etc/network/interfaces"),
            marker(kNic) + "auto lo eth0 eth1\nauto lo eth0\niface lo inet loopback\n\n" +
                "iface eth0 inet dhcp\n\n" + marker(kNic) + "iface eth1 inet static\n" +
                marker(kNic) + "\taddress 10.0.0.2\n" + marker(kNic) +
                "\tnetmask 255.255.255.0\n\n# last\n");
  expectFixed(h, plan, "L-NIC");
}

TEST(NetworkFixers, NicCountEniFollowsSourcedFiles) {
  TestHost h;
  debianIfupdown(h);
  h.addFile("/etc/network/interfaces",
            "auto lo\niface lo inet loopback\nsource /etc/network/interfaces.d/*\n");
  h.addFile("/etc/network/interfaces.d/eth0", "auto eth0\niface eth0 inet dhcp\n");
  h.addFile("/etc/network/interfaces.d/eth1", "allow-hotplug eth1\niface eth1 inet dhcp\n");
  Plan plan = planFor(h, "L-NIC");
  EXPECT_EQ(written(plan, "/etc/network/interfaces.d/eth1"),
            marker(kNic) + "allow-hotplug eth1\n" + marker(kNic) + "iface eth1 inet dhcp\n");
  EXPECT_EQ(written(plan, "/etc/network/interfaces.d/eth0"), "(not written)");
  expectFixed(h, plan, "L-NIC");
}

TEST(NetworkFixers, NicCountNetplanCommentsTheDeviceBlock) {
  TestHost h;
  systemdWith(h, "systemd-networkd.service");
  h.addFile("/usr/sbin/netplan", "", 0755);
  h.addFile("/etc/netplan/01-net.yaml",
            "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n"
            "    eth1:\n      addresses: [10.0.0.2/24]\n      # storage network\n");
  Plan plan = planFor(h, "L-NIC");
  EXPECT_EQ(written(plan, "/etc/netplan/01-net.yaml"),
            "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n" + marker(kNic) +
                "    eth1:\n" + marker(kNic) +
                "      addresses: [10.0.0.2/24]\n      # storage network\n");
  expectFixed(h, plan, "L-NIC");
}

TEST(NetworkFixers, NicCountNetworkManagerAutoconnectFalse) {
  TestHost h;
  systemdWith(h, "NetworkManager.service");
  h.addFile("/etc/NetworkManager/system-connections/eth0.nmconnection",
            "[connection]\nid=eth0\ntype=ethernet\ninterface-name=eth0\n\n[ipv4]\nmethod=auto\n",
            0600);
  h.addFile("/etc/NetworkManager/system-connections/eth1.nmconnection",
            "[connection]\nid=eth1\ntype=ethernet\ninterface-name=eth1\n\n[ipv4]\nmethod=auto\n",
            0600);
  Plan plan = planFor(h, "L-NIC");
  EXPECT_EQ(written(plan, "/etc/NetworkManager/system-connections/eth1.nmconnection"),
            "[connection]\nid=eth1\ntype=ethernet\ninterface-name=eth1\nautoconnect=false\n\n"
            "[ipv4]\nmethod=auto\n");
  expectFixed(h, plan, "L-NIC");
}

TEST(NetworkFixers, NicCountNetworkdShippedFileGetsAnOverrideCopy) {
  TestHost h;
  systemdWith(h, "systemd-networkd.service");
  h.addFile("/etc/systemd/network/10-eth0.network", "[Match]\nName=eth0\n[Network]\nDHCP=ipv4\n");
  h.addFile("/usr/lib/systemd/network/20-eth1.network",
            "[Match]\nName=eth1\n[Network]\nDHCP=ipv4\n");
  Plan plan = planFor(h, "L-NIC");
  EXPECT_EQ(written(plan, "/etc/systemd/network/20-eth1.network"),
            netfix::overrideHeader("/usr/lib/systemd/network/20-eth1.network") +
                "[Match]\nName=eth1\n[Network]\nDHCP=ipv4\n\n[Link]\nUnmanaged=yes\n");
  EXPECT_EQ(written(plan, "/usr/lib/systemd/network/20-eth1.network"), "(not written)");
  expectFixed(h, plan, "L-NIC");
}

TEST(NetworkFixers, NicCountRefusesAnAmbiguousPrimary) {
  TestHost h;
  redHatInitscripts(h);
  h.addFile("/etc/sysconfig/network-scripts/ifcfg-ens3", "BOOTPROTO=static\nIPADDR=10.0.0.2\n");
  h.addFile("/etc/sysconfig/network-scripts/ifcfg-enp0s8", "BOOTPROTO=static\nIPADDR=10.1.0.2\n");
  Plan plan = planFor(h, "L-NIC");
  EXPECT_EQ(itemFor(plan, "L-NIC"), nullptr);
  EXPECT_NE(skippedReason(plan, "L-NIC").find("cannot tell which NIC is the primary"),
            std::string::npos)
      << skippedReason(plan, "L-NIC");
}

TEST(NetworkFixers, NicCountLowestIndexOfOneSchemeIsPrimary) {
  TestHost h;
  redHatInitscripts(h);
  h.addFile("/etc/sysconfig/network-scripts/ifcfg-ens4", "BOOTPROTO=dhcp\n");
  h.addFile("/etc/sysconfig/network-scripts/ifcfg-ens3", "BOOTPROTO=dhcp\n");
  Plan plan = planFor(h, "L-NIC");
  EXPECT_EQ(written(plan, "/etc/sysconfig/network-scripts/ifcfg-ens4"),
            "BOOTPROTO=dhcp\nONBOOT=no\n");
  expectFixed(h, plan, "L-NIC");
}

TEST(NetworkFixers, NicCountRefusesToBreakABond) {
  TestHost h;
  redHatInitscripts(h);
  h.addFile("/etc/sysconfig/network-scripts/ifcfg-bond0",
            "DEVICE=bond0\nBONDING_OPTS=\"mode=1\"\nBOOTPROTO=dhcp\n");
  h.addFile("/etc/sysconfig/network-scripts/ifcfg-eth0", "DEVICE=eth0\nMASTER=bond0\nSLAVE=yes\n");
  h.addFile("/etc/sysconfig/network-scripts/ifcfg-eth1", "DEVICE=eth1\nMASTER=bond0\nSLAVE=yes\n");
  Plan plan = planFor(h, "L-NIC");
  EXPECT_EQ(itemFor(plan, "L-NIC"), nullptr);
  EXPECT_NE(skippedReason(plan, "L-NIC").find("bond"), std::string::npos)
      << skippedReason(plan, "L-NIC");
}

// ---- L-DHCP -----------------------------------------------------------------------------------

TEST(NetworkFixers, DhcpIfcfgKeepsCrlfCommentsStaticAddressAndHwaddr) {
  TestHost h;
  redHatInitscripts(h);
  h.addFile("/etc/sysconfig/network-scripts/ifcfg-eth0",
            "DEVICE=eth0\r\nHWADDR=52:54:00:12:34:56\r\nBOOTPROTO=\"none\"\r\n"
            "IPADDR0=192.0.2.10\r\nPREFIX0=24\r\nGATEWAY=192.0.2.1\r\nDNS1=192.0.2.53\r\n");
  Plan plan = planFor(h, "L-DHCP");
  ASSERT_NE(itemFor(plan, "L-DHCP"), nullptr) << skippedReason(plan, "L-DHCP");
  std::string m = marker(kDhcp);
  std::string pin = marker("L-DHCP: the new instance's NIC has another MAC");
  EXPECT_EQ(written(plan, "/etc/sysconfig/network-scripts/ifcfg-eth0"),
            "DEVICE=eth0\r\n" + pin + "HWADDR=52:54:00:12:34:56\r\nBOOTPROTO=\"dhcp\"\r\n" + m +
                "IPADDR0=192.0.2.10\r\n" + m + "PREFIX0=24\r\n" + m +
                "GATEWAY=192.0.2.1\r\nDNS1=192.0.2.53\r\n");
  expectFixed(h, plan, "L-DHCP");
}

TEST(NetworkFixers, DhcpEniStaticToDhcp) {
  TestHost h;
  debianIfupdown(h);
  h.addFile(
      "/etc/network/interfaces",
      "auto eth0\niface eth0 inet static\n    address 172.16.4.20\n    netmask 255.255.255.0\n"
      "    gateway 172.16.4.1\n    dns-nameservers 172.16.4.2\n");
  Plan plan = planFor(h, "L-DHCP");
  std::string m = marker(kDhcp);
  EXPECT_EQ(written(plan, "/etc/network/interfaces"),
            "auto eth0\n" + m + "iface eth0 inet static\niface eth0 inet dhcp\n" + m +
                "    address 172.16.4.20\n" + m + "    netmask 255.255.255.0\n" + m +
                "    gateway 172.16.4.1\n    dns-nameservers 172.16.4.2\n");
  expectFixed(h, plan, "L-DHCP");
}

TEST(NetworkFixers, DhcpNetworkManagerMethodAutoAndMacRemovedKeepsMode) {
  TestHost h;
  systemdWith(h, "NetworkManager.service");
  h.addFile("/etc/NetworkManager/system-connections/eth0.nmconnection",
            "[connection]\nid=eth0\ntype=ethernet\ninterface-name=eth0\n\n[ethernet]\n"
            "mac-address=52:54:00:12:34:56\n\n[ipv4]\naddress1=10.0.0.5/24,10.0.0.1\n"
            "method=manual\n",
            0600);
  Plan plan = planFor(h, "L-DHCP");
  std::string m = marker(kDhcp);
  std::string pin = marker("L-DHCP: the new instance's NIC has another MAC");
  EXPECT_EQ(written(plan, "/etc/NetworkManager/system-connections/eth0.nmconnection"),
            "[connection]\nid=eth0\ntype=ethernet\ninterface-name=eth0\n\n[ethernet]\n" + pin +
                "mac-address=52:54:00:12:34:56\n\n[ipv4]\n" + m +
                "address1=10.0.0.5/24,10.0.0.1\nmethod=auto\n");
  expectFixed(h, plan, "L-DHCP");
}

TEST(NetworkFixers, DhcpRemovesThePrimarysUdevRuleOnly) {
  TestHost h;
  debianIfupdown(h);
  h.addFile("/etc/network/interfaces", "allow-hotplug eth0\niface eth0 inet dhcp\n");
  h.addFile("/etc/udev/rules.d/70-persistent-net.rules",
            "# generated\nSUBSYSTEM==\"net\", ATTR{address}==\"08:00:27:5c:1e:7a\", NAME=\"eth0\"\n"
            "SUBSYSTEM==\"net\", ATTR{address}==\"08:00:27:5c:1e:7b\", NAME=\"eth1\"\n");
  Plan plan = planFor(h, "L-DHCP");
  EXPECT_EQ(written(plan, "/etc/udev/rules.d/70-persistent-net.rules"),
            "# generated\n" +
                marker("L-DHCP: the name was bound to the old NIC's MAC 08:00:27:5c:1e:7a") +
                "SUBSYSTEM==\"net\", ATTR{address}==\"08:00:27:5c:1e:7a\", NAME=\"eth0\"\n"
                "SUBSYSTEM==\"net\", ATTR{address}==\"08:00:27:5c:1e:7b\", NAME=\"eth1\"\n");
  expectFixed(h, plan, "L-DHCP");
  // X-NETPIN, after L-DHCP in the same plan, still has the eth1 rule to remove.
  Policy policy = linuxPolicy();
  Facts facts = collectFacts(h);
  FixOptions o;
  o.only = {"L-DHCP", "X-NETPIN"};
  Plan both = buildPlan(policy, evaluatePolicy(policy, facts), facts, h, o, platformFixers());
  ASSERT_NE(itemFor(both, "X-NETPIN"), nullptr) << skippedReason(both, "X-NETPIN");
  EXPECT_EQ(itemFor(both, "X-NETPIN")->actions.size(), 1u);
  expectFixed(h, both, "X-NETPIN");
}

// ---- X-NETPIN ---------------------------------------------------------------------------------

TEST(NetworkFixers, PinningNetplanMatchAndSetNameCommentedOut) {
  TestHost h;
  systemdWith(h, "systemd-networkd.service");
  h.addFile("/usr/sbin/netplan", "", 0755);
  h.addFile("/etc/netplan/50-cloud-init.yaml",
            "network:\n    ethernets:\n        eth0:\n            dhcp4: true\n"
            "            match:\n                macaddress: 52:54:00:6b:3c:58\n"
            "            set-name: eth0\n    version: 2\n");
  Plan plan = planFor(h, "X-NETPIN");
  ASSERT_NE(itemFor(plan, "X-NETPIN"), nullptr) << skippedReason(plan, "X-NETPIN");
  std::string m = marker("X-NETPIN: the new instance's NIC has another MAC");
  EXPECT_EQ(written(plan, "/etc/netplan/50-cloud-init.yaml"),
            "network:\n    ethernets:\n        eth0:\n            dhcp4: true\n" + m +
                "            match:\n" + m + "                macaddress: 52:54:00:6b:3c:58\n" + m +
                "            set-name: eth0\n    version: 2\n");
  expectFixed(h, plan, "X-NETPIN");
}

TEST(NetworkFixers, PinningNetplanKeepsOtherMatchKeys) {
  TestHost h;
  systemdWith(h, "systemd-networkd.service");
  h.addFile("/usr/sbin/netplan", "", 0755);
  h.addFile("/etc/netplan/01.yaml",
            "network:\n  version: 2\n  ethernets:\n    id0:\n      match:\n        name: eth0\n"
            "        macaddress: 52:54:00:6b:3c:58\n      dhcp4: true\n");
  Plan plan = planFor(h, "X-NETPIN");
  std::string m = marker("X-NETPIN: the new instance's NIC has another MAC");
  EXPECT_EQ(written(plan, "/etc/netplan/01.yaml"),
            "network:\n  version: 2\n  ethernets:\n    id0:\n      match:\n        name: eth0\n" +
                m + "        macaddress: 52:54:00:6b:3c:58\n      dhcp4: true\n");
  expectFixed(h, plan, "X-NETPIN");
}

TEST(NetworkFixers, PinningRefusesANetworkdFileMatchedByMacOnly) {
  TestHost h;
  systemdWith(h, "systemd-networkd.service");
  h.addFile("/etc/systemd/network/10-wan.network",
            "[Match]\nMACAddress=52:54:00:6b:3c:58\n[Network]\nDHCP=ipv4\n");
  Plan plan = planFor(h, "X-NETPIN");
  EXPECT_EQ(itemFor(plan, "X-NETPIN"), nullptr);
  EXPECT_NE(skippedReason(plan, "X-NETPIN").find("by MAC only"), std::string::npos)
      << skippedReason(plan, "X-NETPIN");
}

TEST(NetworkFixers, PinningLinkFileNameCommentedOut) {
  TestHost h;
  systemdWith(h, "systemd-networkd.service");
  h.addFile("/etc/systemd/network/10-eth0.network", "[Match]\nName=eth0\n[Network]\nDHCP=ipv4\n");
  h.addFile("/etc/systemd/network/10-eth0.link",
            "[Match]\nMACAddress=52:54:00:6b:3c:58\n\n[Link]\nName=eth0\n");
  Plan plan = planFor(h, "X-NETPIN");
  EXPECT_EQ(written(plan, "/etc/systemd/network/10-eth0.link"),
            "[Match]\nMACAddress=52:54:00:6b:3c:58\n\n[Link]\n" +
                marker("X-NETPIN: the name was bound to the old NIC's MAC 52:54:00:6b:3c:58") +
                "Name=eth0\n");
  expectFixed(h, plan, "X-NETPIN");
}

// ---- L-IPV6 -----------------------------------------------------------------------------------

TEST(NetworkFixers, Ipv6DropInAndEniInet6StanzaCommented) {
  TestHost h;
  debianIfupdown(h);
  h.addFile("/etc/network/interfaces",
            "auto eth0\niface eth0 inet dhcp\n\niface eth0 inet6 static\n\taddress 2001:db8::2\n"
            "\tnetmask 64\n");
  Plan plan = planFor(h, "L-IPV6");
  ASSERT_NE(itemFor(plan, "L-IPV6"), nullptr) << skippedReason(plan, "L-IPV6");
  std::string m = marker(kV6);
  EXPECT_EQ(written(plan, "/etc/network/interfaces"),
            "auto eth0\niface eth0 inet dhcp\n\n" + m + "iface eth0 inet6 static\n" + m +
                "\taddress 2001:db8::2\n" + m + "\tnetmask 64\n");
  EXPECT_EQ(written(plan, "/etc/sysctl.d/90-guestprep-disable-ipv6.conf"),
            "# " + editMarker() + ": " + kV6 +
                "\nnet.ipv6.conf.all.disable_ipv6 = 1\nnet.ipv6.conf.default.disable_ipv6 = 1\n");
  expectFixed(h, plan, "L-IPV6");
}

TEST(NetworkFixers, Ipv6LaterSettingThatTurnsItOnIsCommentedThroughTheSymlink) {
  TestHost h;
  debianIfupdown(h);
  h.addFile("/etc/network/interfaces", "auto eth0\niface eth0 inet dhcp\n");
  h.addFile("/etc/sysctl.conf", "vm.swappiness = 10\nnet.ipv6.conf.all.disable_ipv6 = 0\n");
  h.addSymlink("/etc/sysctl.d/99-sysctl.conf", "../sysctl.conf");
  Plan plan = planFor(h, "L-IPV6");
  ASSERT_NE(itemFor(plan, "L-IPV6"), nullptr) << skippedReason(plan, "L-IPV6");
  EXPECT_EQ(written(plan, "/etc/sysctl.conf"),
            "vm.swappiness = 10\n" + marker(kV6) + "net.ipv6.conf.all.disable_ipv6 = 0\n");
  EXPECT_NE(written(plan, "/etc/sysctl.d/90-guestprep-disable-ipv6.conf"), "(not written)");
  expectFixed(h, plan, "L-IPV6");
}

TEST(NetworkFixers, Ipv6WithoutSysctlDirGoesToSysctlConf) {
  TestHost h;
  h.setRuntime(false);
  h.addFile("/etc/rc.d/init.d/network", "#!/bin/sh\n", 0755);
  h.addSymlink("/etc/rc.d/rc3.d/S10network", "../init.d/network");
  h.addFile("/etc/sysconfig/network", "NETWORKING=yes\n");
  h.addFile("/etc/sysconfig/network-scripts/ifcfg-eth0",
            "DEVICE=eth0\nBOOTPROTO=dhcp\nIPV6INIT=yes\nIPV6_AUTOCONF=yes\n");
  h.addFile("/etc/sysctl.conf", "kernel.sysrq = 0");
  Plan plan = planFor(h, "L-IPV6");
  ASSERT_NE(itemFor(plan, "L-IPV6"), nullptr) << skippedReason(plan, "L-IPV6");
  EXPECT_EQ(written(plan, "/etc/sysctl.conf"),
            "kernel.sysrq = 0\n# " + editMarker() + ": " + kV6 +
                "\nnet.ipv6.conf.all.disable_ipv6 = 1\nnet.ipv6.conf.default.disable_ipv6 = 1\n");
  EXPECT_EQ(written(plan, "/etc/sysconfig/network-scripts/ifcfg-eth0"),
            "DEVICE=eth0\nBOOTPROTO=dhcp\nIPV6INIT=no\nIPV6_AUTOCONF=yes\n");
  expectFixed(h, plan, "L-IPV6");
}

TEST(NetworkFixers, Ipv6NetworkdAndNetplan) {
  TestHost h;
  systemdWith(h, "systemd-networkd.service");
  h.addFile("/usr/sbin/netplan", "", 0755);
  h.addFile("/etc/netplan/01.yaml",
            "network:\n  ethernets:\n    eth0:\n      dhcp4: true\n      dhcp6: true\n"
            "      addresses:\n        - 10.0.0.2/24\n        - \"2001:db8::2/64\"\n");
  h.addFile("/usr/lib/systemd/network/zz-default.network",
            "[Match]\nName=*\n\n[Network]\nDHCP=yes\n");
  Plan plan = planFor(h, "L-IPV6");
  ASSERT_NE(itemFor(plan, "L-IPV6"), nullptr) << skippedReason(plan, "L-IPV6");
  std::string m = marker(kV6);
  EXPECT_EQ(written(plan, "/etc/netplan/01.yaml"),
            "network:\n  ethernets:\n    eth0:\n      dhcp4: true\n      dhcp6: false\n"
            "      addresses:\n        - 10.0.0.2/24\n" +
                m + "        - \"2001:db8::2/64\"\n");
  EXPECT_EQ(written(plan, "/etc/systemd/network/zz-default.network"),
            netfix::overrideHeader("/usr/lib/systemd/network/zz-default.network") +
                "[Match]\nName=*\n\n[Network]\nDHCP=ipv4\nIPv6AcceptRA=no\n"
                "LinkLocalAddressing=no\n");
  expectFixed(h, plan, "L-IPV6");
}

TEST(NetworkFixers, Ipv6LiveTurnsItOffNowUnlessTheSessionIsIpv6) {
  TestHost h;
  debianIfupdown(h);
  h.setRuntime(true);
  h.addFile("/etc/network/interfaces", "auto eth0\niface eth0 inet dhcp\n");
  h.addFile("/proc/sys/net/ipv6/conf/all/disable_ipv6", "0\n");
  h.addFile("/proc/sys/net/ipv6/conf/default/disable_ipv6", "0\n");
  FixOptions live;
  live.live = true;
  ::setenv("SSH_CONNECTION", "192.0.2.7 50000 192.0.2.10 22", 1);
  Plan plan = planFor(h, "L-IPV6", live);
  ASSERT_NE(itemFor(plan, "L-IPV6"), nullptr) << skippedReason(plan, "L-IPV6");
  std::vector<Action> runs;
  for (const auto& a : itemFor(plan, "L-IPV6")->actions) {
    if (a.kind == ActionKind::kRunCommand) runs.push_back(a);
  }
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].argv,
            (std::vector<std::string>{"sysctl", "-w", "net.ipv6.conf.all.disable_ipv6=1"}));
  EXPECT_EQ(runs[0].undo_argv,
            (std::vector<std::string>{"sysctl", "-w", "net.ipv6.conf.all.disable_ipv6=0"}));

  ::setenv("SSH_CONNECTION", "2001:db8::7 50000 2001:db8::10 22", 1);
  plan = planFor(h, "L-IPV6", live);
  ::unsetenv("SSH_CONNECTION");
  ASSERT_NE(itemFor(plan, "L-IPV6"), nullptr);
  for (const auto& a : itemFor(plan, "L-IPV6")->actions) {
    EXPECT_NE(a.kind, ActionKind::kRunCommand) << a.why;
  }
  const auto& notes = itemFor(plan, "L-IPV6")->notes;
  EXPECT_TRUE(std::any_of(notes.begin(), notes.end(), [](const std::string& n) {
    return n.find("over IPv6") != std::string::npos;
  }));

  // Without --live nothing runs.
  plan = planFor(h, "L-IPV6");
  for (const auto& a : itemFor(plan, "L-IPV6")->actions) {
    EXPECT_NE(a.kind, ActionKind::kRunCommand) << a.why;
  }
}

// ---- X-NETPIN: a hardware-position name under net.ifnames=0
// --------------------------------------

const std::string kRename =
    "X-NETPIN: the next boot uses kernel names (net.ifnames=0): ens3 becomes eth0";

void kernelNames(TestHost& h) {
  h.addFile("/etc/default/grub", "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=\"net.ifnames=0 quiet\"\n");
}

bool removes(const Plan& plan, const std::string& path) {
  for (const auto& i : plan.items) {
    for (const auto& a : i.actions) {
      if (a.kind == ActionKind::kRemove && a.path == path) return true;
    }
  }
  return false;
}

TEST(NetworkFixers, PinningRenamesAnEniHardwareNameToEth0) {
  TestHost h;
  debianIfupdown(h);
  kernelNames(h);
  h.addFile("/etc/network/interfaces",
            "source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n\n"
            "allow-hotplug ens3\niface ens3 inet dhcp\n\tmtu 1450\n");
  Plan plan = planFor(h, "X-NETPIN");
  ASSERT_NE(itemFor(plan, "X-NETPIN"), nullptr) << skippedReason(plan, "X-NETPIN");
  EXPECT_EQ(written(plan, "/etc/network/interfaces"),
            "source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n\n" +
                marker(kRename) + "allow-hotplug ens3\nallow-hotplug eth0\n" + marker(kRename) +
                "iface ens3 inet dhcp\niface eth0 inet dhcp\n\tmtu 1450\n");
  expectFixed(h, plan, "X-NETPIN");
  // L-DHCP judges the NIC the next boot has: eth0, on DHCP.
  PlannedHost after(h);
  for (const auto& i : plan.items) {
    for (const auto& a : i.actions) after.apply(a);
  }
  Policy policy = linuxPolicy();
  for (const auto& f : evaluatePolicy(policy, collectFacts(after))) {
    if (f.requirement == "L-DHCP") {
      EXPECT_EQ(f.status, Status::kPass) << f.message;
    }
  }
}

TEST(NetworkFixers, PinningRenamesEniAliasesAndVlansWithTheirNic) {
  TestHost h;
  debianIfupdown(h);
  kernelNames(h);
  h.addFile("/etc/network/interfaces",
            "auto ens3 ens3:1\niface ens3 inet dhcp\niface ens3:1 inet static\n"
            "\taddress 10.1.0.9/24\n");
  Plan plan = planFor(h, "X-NETPIN");
  ASSERT_NE(itemFor(plan, "X-NETPIN"), nullptr) << skippedReason(plan, "X-NETPIN");
  EXPECT_EQ(written(plan, "/etc/network/interfaces"),
            marker(kRename) + "auto ens3 ens3:1\nauto eth0 eth0:1\n" + marker(kRename) +
                "iface ens3 inet dhcp\niface eth0 inet dhcp\n" + marker(kRename) +
                "iface ens3:1 inet static\niface eth0:1 inet static\n\taddress 10.1.0.9/24\n");
  expectFixed(h, plan, "X-NETPIN");
}

TEST(NetworkFixers, PinningMovesRedHatIfcfgAndItsRoutes) {
  TestHost h;
  redHatInitscripts(h);
  kernelNames(h);
  h.addFile("/etc/sysconfig/network-scripts/ifcfg-ens3",
            "TYPE=Ethernet\nNAME=ens3\nDEVICE=ens3\nONBOOT=yes\nBOOTPROTO=dhcp\n", 0600);
  h.addFile("/etc/sysconfig/network-scripts/route-ens3", "10.9.0.0/16 via 10.0.0.1\n");
  Plan plan = planFor(h, "X-NETPIN");
  ASSERT_NE(itemFor(plan, "X-NETPIN"), nullptr) << skippedReason(plan, "X-NETPIN");
  EXPECT_EQ(written(plan, "/etc/sysconfig/network-scripts/ifcfg-eth0"),
            "TYPE=Ethernet\nNAME=eth0\nDEVICE=eth0\nONBOOT=yes\nBOOTPROTO=dhcp\n");
  EXPECT_EQ(written(plan, "/etc/sysconfig/network-scripts/route-eth0"),
            "10.9.0.0/16 via 10.0.0.1\n");
  EXPECT_TRUE(removes(plan, "/etc/sysconfig/network-scripts/ifcfg-ens3"));
  EXPECT_TRUE(removes(plan, "/etc/sysconfig/network-scripts/route-ens3"));
  // The new file keeps the old one's mode, and is written before the old one goes.
  const auto& actions = itemFor(plan, "X-NETPIN")->actions;
  for (const auto& a : actions) {
    if (a.path == "/etc/sysconfig/network-scripts/ifcfg-eth0") {
      EXPECT_EQ(a.mode, 0600u);
    }
  }
  EXPECT_EQ(actions.back().kind, ActionKind::kRemove);
  expectFixed(h, plan, "X-NETPIN");
}

TEST(NetworkFixers, PinningMovesSuseIfcfgByItsFileName) {
  TestHost h;
  systemdWith(h, "wicked.service");
  kernelNames(h);
  h.addFile("/etc/sysconfig/network/ifcfg-ens3", "BOOTPROTO='dhcp4'\nSTARTMODE='auto'\n");
  h.addFile("/etc/sysconfig/network/ifroute-ens3", "default 10.0.0.1 - ens3\n");
  Plan plan = planFor(h, "X-NETPIN");
  ASSERT_NE(itemFor(plan, "X-NETPIN"), nullptr) << skippedReason(plan, "X-NETPIN");
  EXPECT_EQ(written(plan, "/etc/sysconfig/network/ifcfg-eth0"),
            "BOOTPROTO='dhcp4'\nSTARTMODE='auto'\n");
  EXPECT_TRUE(removes(plan, "/etc/sysconfig/network/ifcfg-ens3"));
  EXPECT_TRUE(removes(plan, "/etc/sysconfig/network/ifroute-ens3"));
  expectFixed(h, plan, "X-NETPIN");
}

TEST(NetworkFixers, PinningRenamesNetplanNetworkManagerAndNetworkd) {
  {
    TestHost h;
    systemdWith(h, "systemd-networkd.service");
    kernelNames(h);
    h.addFile("/usr/sbin/netplan", "", 0755);
    h.addFile("/etc/netplan/00-installer-config.yaml",
              "network:\n  ethernets:\n    ens3:\n      dhcp4: true\n  version: 2\n");
    Plan plan = planFor(h, "X-NETPIN");
    ASSERT_NE(itemFor(plan, "X-NETPIN"), nullptr) << skippedReason(plan, "X-NETPIN");
    EXPECT_EQ(written(plan, "/etc/netplan/00-installer-config.yaml"),
              "network:\n  ethernets:\n" + marker(kRename) +
                  "    ens3:\n    eth0:\n      dhcp4: true\n  version: 2\n");
    expectFixed(h, plan, "X-NETPIN");
  }
  {
    TestHost h;
    systemdWith(h, "NetworkManager.service");
    kernelNames(h);
    h.addFile("/etc/NetworkManager/system-connections/Wired.nmconnection",
              "[connection]\nid=Wired\ntype=ethernet\ninterface-name=ens3\n\n[ipv4]\n"
              "method=auto\n",
              0600);
    Plan plan = planFor(h, "X-NETPIN");
    ASSERT_NE(itemFor(plan, "X-NETPIN"), nullptr) << skippedReason(plan, "X-NETPIN");
    EXPECT_EQ(written(plan, "/etc/NetworkManager/system-connections/Wired.nmconnection"),
              "[connection]\nid=Wired\ntype=ethernet\ninterface-name=eth0\n\n[ipv4]\n"
              "method=auto\n");
    expectFixed(h, plan, "X-NETPIN");
  }
  {
    TestHost h;
    systemdWith(h, "systemd-networkd.service");
    kernelNames(h);
    h.addFile("/etc/systemd/network/10-ens3.network", "[Match]\nName=ens3\n[Network]\nDHCP=yes\n");
    Plan plan = planFor(h, "X-NETPIN");
    ASSERT_NE(itemFor(plan, "X-NETPIN"), nullptr) << skippedReason(plan, "X-NETPIN");
    EXPECT_EQ(written(plan, "/etc/systemd/network/10-ens3.network"),
              "[Match]\nName=eth0\n[Network]\nDHCP=yes\n");
    expectFixed(h, plan, "X-NETPIN");
  }
}

TEST(NetworkFixers, PinningRefusesARenameThatIsNotCertain) {
  {
    // Two hardware names: which becomes eth0 depends on probing order.
    TestHost h;
    debianIfupdown(h);
    kernelNames(h);
    h.addFile("/etc/network/interfaces",
              "auto ens3\niface ens3 inet dhcp\nauto ens4\niface ens4 inet dhcp\n");
    Plan plan = planFor(h, "X-NETPIN");
    EXPECT_EQ(itemFor(plan, "X-NETPIN"), nullptr);
    EXPECT_NE(skippedReason(plan, "X-NETPIN").find("ens3, ens4 are configured"), std::string::npos)
        << skippedReason(plan, "X-NETPIN");
    // With L-NIC first in the same run, one NIC is left and it is renamed.
    Policy policy = linuxPolicy();
    Facts facts = collectFacts(h);
    FixOptions o;
    o.only = {"L-NIC", "X-NETPIN"};
    Plan both = buildPlan(policy, evaluatePolicy(policy, facts), facts, h, o, platformFixers());
    ASSERT_NE(itemFor(both, "X-NETPIN"), nullptr) << skippedReason(both, "X-NETPIN");
    EXPECT_NE(written(both, "/etc/network/interfaces").find("\niface eth0 inet dhcp\n"),
              std::string::npos)
        << written(both, "/etc/network/interfaces");
    expectFixed(h, both, "X-NETPIN");
  }
  {
    // eth0 is configured too: the ens3 stanza is dead, and merging is the admin's choice.
    TestHost h;
    debianIfupdown(h);
    kernelNames(h);
    h.addFile("/etc/network/interfaces",
              "auto eth0\niface eth0 inet dhcp\nauto ens3\niface ens3 inet static\n"
              "\taddress 10.0.0.3/24\n");
    Plan plan = planFor(h, "X-NETPIN");
    EXPECT_EQ(itemFor(plan, "X-NETPIN"), nullptr);
    EXPECT_NE(skippedReason(plan, "X-NETPIN").find("eth0 is configured too"), std::string::npos)
        << skippedReason(plan, "X-NETPIN");
  }
  {
    // A bridge built on the NIC: its ports would have to follow.
    TestHost h;
    debianIfupdown(h);
    kernelNames(h);
    h.addFile("/etc/network/interfaces",
              "auto ens3\niface ens3 inet manual\nauto br0\niface br0 inet dhcp\n"
              "\tbridge_ports ens3\n");
    Plan plan = planFor(h, "X-NETPIN");
    EXPECT_EQ(itemFor(plan, "X-NETPIN"), nullptr);
    EXPECT_NE(skippedReason(plan, "X-NETPIN").find("br0 is built on ens3"), std::string::npos)
        << skippedReason(plan, "X-NETPIN");
  }
  {
    // A VLAN that names its parent in an option: the option would have to follow.
    TestHost h;
    debianIfupdown(h);
    kernelNames(h);
    h.addFile("/etc/network/interfaces",
              "auto ens3\niface ens3 inet dhcp\nauto vlan100\niface vlan100 inet static\n"
              "\taddress 10.100.0.2/24\n\tvlan-raw-device ens3\n");
    Plan plan = planFor(h, "X-NETPIN");
    EXPECT_EQ(itemFor(plan, "X-NETPIN"), nullptr);
    EXPECT_NE(skippedReason(plan, "X-NETPIN").find("vlan100 is built on ens3"), std::string::npos)
        << skippedReason(plan, "X-NETPIN");
  }
}

// ---- the line editors -------------------------------------------------------------------------

TEST(NetworkEdit, YamlRefusesFlowStyleDevices) {
  std::string t = "network:\n  ethernets:\n    eth0: {dhcp4: false}\n";
  auto r = netfix::yamlSet(t, "eth0", 3, "dhcp4", "true");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("flow style"), std::string::npos);
}

TEST(NetworkEdit, YamlFlowAddressListKeepsTheOtherFamily) {
  std::string t =
      "network:\n  ethernets:\n    eth0:\n      addresses: [10.0.0.2/24, "
      "'2001:db8::2/64']\n";
  auto r = netfix::yamlDropAddresses(t, "eth0", 3, netfix::isIpv6Address, "why");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 1);
  EXPECT_EQ(t, "network:\n  ethernets:\n    eth0:\n# " + editMarker() +
                   ": why: " + "      addresses: [10.0.0.2/24, '2001:db8::2/64']\n" +
                   "      addresses: [10.0.0.2/24]\n");
}

TEST(NetworkEdit, IniSetAppendsASectionWhenMissing) {
  std::string t = "[Match]\nName=eth0";
  EXPECT_TRUE(netfix::iniSet(t, {"Link"}, "Unmanaged", "yes"));
  EXPECT_EQ(t, "[Match]\nName=eth0\n\n[Link]\nUnmanaged=yes\n");
  EXPECT_FALSE(netfix::iniSet(t, {"Link"}, "Unmanaged", "yes"));
}

TEST(NetworkEdit, EniStanzaWithContinuationLine) {
  std::string t = "iface eth1 inet static\n  address 10.0.0.2 \\\n  /24\n\n# next\nauto eth0\n";
  netfix::eniCommentStanza(t, 1, 6, "why");
  std::string m = "# " + editMarker() + ": why: ";
  EXPECT_EQ(t, m + "iface eth1 inet static\n" + m + "  address 10.0.0.2 \\\n" + m +
                   "  /24\n\n# next\nauto eth0\n");
}

}  // namespace
}  // namespace guestprep::os_linux
