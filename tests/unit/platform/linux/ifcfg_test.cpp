// Tests for the ifcfg parser (RedHat and SUSE) and the two ifcfg probes.
#include "parsers/ifcfg.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "parsers/text.h"
#include "probes/network_probes.h"
#include "support/corpus.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using M = AddrMethod;

// What one parsed file must say; fields left out must be empty.
struct Want {
  std::string name;
  std::string kind;
  bool starts = false;
  M ipv4 = M::kUnknown;
  M ipv6 = M::kUnknown;
  std::string master = {};
  std::string parent = {};
  std::string match_mac = {};
  int match_line = 0;
  std::string set_mac = {};
  std::vector<std::string> members = {};
  std::size_t problems = 0;
};

void expectNic(const IfcfgConfig& got, const Want& w, const std::string& label) {
  const NicConfig& n = got.nic;
  EXPECT_EQ(n.name, w.name) << label;
  EXPECT_EQ(n.kind, w.kind) << label;
  EXPECT_EQ(n.starts_at_boot, w.starts) << label;
  EXPECT_EQ(toString(n.ipv4), toString(w.ipv4)) << label << " ipv4";
  EXPECT_EQ(toString(n.ipv6), toString(w.ipv6)) << label << " ipv6";
  EXPECT_EQ(n.master, w.master) << label;
  EXPECT_EQ(n.parent, w.parent) << label;
  EXPECT_EQ(n.match_mac, w.match_mac) << label;
  EXPECT_EQ(n.match_line, w.match_line) << label;
  EXPECT_EQ(n.set_mac, w.set_mac) << label;
  EXPECT_EQ(n.members, w.members) << label;
  EXPECT_EQ(got.problems.size(), w.problems) << label;
  for (const ConfigProblem& p : got.problems) EXPECT_EQ(p.file, "/f") << label;
}

struct Case {
  const char* name;
  const char* text;
  const char* file_ifname;
  Want want;
};

TEST(Ifcfg, InterfaceNameFromFileName) {
  const struct {
    const char* file;
    IfcfgFlavour flavour;
    std::optional<std::string> want;
  } cases[] = {
      {"ifcfg-eth0", IfcfgFlavour::kRedHat, "eth0"},
      {"ifcfg-eth0:0", IfcfgFlavour::kRedHat, "eth0:0"},
      {"ifcfg-bond0.100", IfcfgFlavour::kRedHat, "bond0.100"},
      {"ifcfg-eth0~", IfcfgFlavour::kRedHat, std::nullopt},
      {"ifcfg-eth0.bak", IfcfgFlavour::kRedHat, std::nullopt},
      {"ifcfg-eth0.old", IfcfgFlavour::kRedHat, std::nullopt},
      {"ifcfg-eth0.orig", IfcfgFlavour::kRedHat, std::nullopt},
      {"ifcfg-eth0.rpmnew", IfcfgFlavour::kRedHat, std::nullopt},
      {"ifcfg-eth0.rpmorig", IfcfgFlavour::kRedHat, std::nullopt},
      {"ifcfg-eth0.rpmsave", IfcfgFlavour::kSuse, std::nullopt},
      {"ifcfg-eth0.scpmbackup", IfcfgFlavour::kSuse, std::nullopt},
      {"ifcfg-eth0-range0", IfcfgFlavour::kRedHat, std::nullopt},
      {"ifcfg-", IfcfgFlavour::kRedHat, std::nullopt},
      {"route-eth0", IfcfgFlavour::kRedHat, std::nullopt},
      {"keys-eth0", IfcfgFlavour::kRedHat, std::nullopt},
      {"ifroute-eth0", IfcfgFlavour::kSuse, std::nullopt},
      {"ifcfg.template", IfcfgFlavour::kSuse, std::nullopt},
      {"ifcfg-lo", IfcfgFlavour::kSuse, "lo"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ifcfgInterfaceName(c.file, c.flavour), c.want) << c.file;
  }
}

TEST(Ifcfg, RedHatLiterals) {
  const Case cases[] = {
      {"dhcp with HWADDR",
       "DEVICE=eth0\nHWADDR=52:54:00:AA:BB:01\nBOOTPROTO=dhcp\nONBOOT=yes\n",
       "eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .match_mac = "52:54:00:aa:bb:01",
        .match_line = 2}},
      {"bootp is dhcp",
       "BOOTPROTO=bootp\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kDhcp, .ipv6 = M::kNone}},
      {"static ONBOOT=no",
       "DEVICE=eth1\nBOOTPROTO=none\nIPADDR=10.0.0.2\nPREFIX=24\nONBOOT=no\n",
       "eth1",
       {.name = "eth1", .kind = "ethernet", .starts = false, .ipv4 = M::kStatic, .ipv6 = M::kNone}},
      {"IPADDR0 is static",
       "BOOTPROTO=static\nIPADDR0=10.0.0.2\n",
       "eth1",
       {.name = "eth1", .kind = "ethernet", .starts = true, .ipv4 = M::kStatic, .ipv6 = M::kNone}},
      {"none without address",
       "BOOTPROTO=none\nIPV6INIT=no\n",
       "eth2",
       {.name = "eth2", .kind = "ethernet", .starts = true, .ipv4 = M::kNone, .ipv6 = M::kNone}},
      {"ONBOOT missing means yes",
       "DEVICE=eth3\n",
       "eth3",
       {.name = "eth3", .kind = "ethernet", .starts = true, .ipv4 = M::kNone, .ipv6 = M::kNone}},
      {"DEVICE overrides file name",
       "DEVICE=em1\nBOOTPROTO=dhcp\n",
       "eth0",
       {.name = "em1", .kind = "ethernet", .starts = true, .ipv4 = M::kDhcp, .ipv6 = M::kNone}},
      {"HWADDR only: matched by MAC",
       "HWADDR=00:11:22:33:44:55\nBOOTPROTO=dhcp\n",
       "eth0",
       {.name = "",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .match_mac = "00:11:22:33:44:55",
        .match_line = 1}},
      {"invalid HWADDR kept",
       "DEVICE=eth0\nHWADDR=XX:YY:ZZ:81:5B:0E\n",
       "eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kNone,
        .ipv6 = M::kNone,
        .match_mac = "XX:YY:ZZ:81:5B:0E",
        .match_line = 2,
        .problems = 1}},
      {"MACADDR sets the MAC",
       "DEVICE=eth0\nMACADDR=AA-BB-CC-DD-EE-FF\nBOOTPROTO=dhcp\n",
       "eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .set_mac = "aa:bb:cc:dd:ee:ff"}},
      {"bond master",
       "DEVICE=bond0\nTYPE=Bond\nBONDING_MASTER=yes\nIPADDR=10.0.0.5\n",
       "bond0",
       {.name = "bond0", .kind = "bond", .starts = true, .ipv4 = M::kStatic, .ipv6 = M::kNone}},
      {"bond by BONDING_OPTS",
       "DEVICE=bond1\nBONDING_OPTS='mode=1'\nBOOTPROTO=dhcp\n",
       "bond1",
       {.name = "bond1", .kind = "bond", .starts = true, .ipv4 = M::kDhcp, .ipv6 = M::kNone}},
      {"bond slave",
       "DEVICE=eth2\nMASTER=bond0\nSLAVE=yes\nBOOTPROTO=none\nONBOOT=yes\n",
       "eth2",
       {.name = "eth2",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kNone,
        .ipv6 = M::kNone,
        .master = "bond0"}},
      {"MASTER without SLAVE",
       "DEVICE=eth2\nMASTER=bond0\n",
       "eth2",
       {.name = "eth2",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kNone,
        .ipv6 = M::kNone,
        .master = "bond0",
        .problems = 1}},
      {"bridge port",
       "DEVICE=eth0\nBRIDGE=br0\nONBOOT=yes\n",
       "eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kNone,
        .ipv6 = M::kNone,
        .master = "br0"}},
      {"bridge",
       "DEVICE=br0\nTYPE=Bridge\nBOOTPROTO=dhcp\n",
       "br0",
       {.name = "br0", .kind = "bridge", .starts = true, .ipv4 = M::kDhcp, .ipv6 = M::kNone}},
      {"vlan from PHYSDEV",
       "VLAN=yes\nTYPE=Vlan\nDEVICE=vlan43\nPHYSDEV=eth9\nBOOTPROTO=dhcp\n",
       "vlan43",
       {.name = "vlan43",
        .kind = "vlan",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .parent = "eth9"}},
      {"vlan from name",
       "VLAN=yes\nDEVICE=eth0.100\nBOOTPROTO=dhcp\n",
       "eth0.100",
       {.name = "eth0.100",
        .kind = "vlan",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .parent = "eth0"}},
      {"team",
       "DEVICE=team0\nDEVICETYPE=Team\nBOOTPROTO=dhcp\n",
       "team0",
       {.name = "team0", .kind = "team", .starts = true, .ipv4 = M::kDhcp, .ipv6 = M::kNone}},
      {"team port",
       "DEVICE=eth1\nDEVICETYPE=TeamPort\nTEAM_MASTER=team0\n",
       "eth1",
       {.name = "eth1",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kNone,
        .ipv6 = M::kNone,
        .master = "team0"}},
      {"infiniband",
       "DEVICE=ib0\nTYPE=InfiniBand\nBOOTPROTO=dhcp\n",
       "ib0",
       {.name = "ib0", .kind = "infiniband", .starts = true, .ipv4 = M::kDhcp, .ipv6 = M::kNone}},
      {"wireless",
       "TYPE=Wireless\nBOOTPROTO=dhcp\n",
       "wlan0",
       {.name = "wlan0", .kind = "wireless", .starts = true, .ipv4 = M::kDhcp, .ipv6 = M::kNone}},
      {"unknown TYPE",
       "DEVICE=tun0\nTYPE=IPIP\n",
       "tun0",
       {.name = "tun0", .kind = "other", .starts = true, .ipv4 = M::kNone, .ipv6 = M::kNone}},
      {"alias",
       "DEVICE=eth0:1\nIPADDR=192.168.4.1\n",
       "eth0:1",
       {.name = "eth0:1",
        .kind = "alias",
        .starts = true,
        .ipv4 = M::kStatic,
        .ipv6 = M::kNone,
        .parent = "eth0"}},
      {"alias ONPARENT=no",
       "DEVICE=eth0:1\nIPADDR=192.168.4.1\nONPARENT=no\n",
       "eth0:1",
       {.name = "eth0:1",
        .kind = "alias",
        .starts = false,
        .ipv4 = M::kStatic,
        .ipv6 = M::kNone,
        .parent = "eth0"}},
      {"loopback",
       "DEVICE=lo\nIPADDR=127.0.0.1\nONBOOT=no\n",
       "lo",
       {.name = "lo", .kind = "loopback", .starts = true, .ipv4 = M::kStatic, .ipv6 = M::kNone}},
      {"IPV6_DISABLED",
       "BOOTPROTO=dhcp\nIPV6_DISABLED=yes\nIPV6INIT=no\n",
       "eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kDisabled}},
      {"IPV6 autoconf off, DHCPv6",
       "IPV6INIT=yes\nIPV6_AUTOCONF=no\nDHCPV6C=yes\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kNone, .ipv6 = M::kDhcp}},
      {"IPV6 static",
       "IPV6INIT=yes\nIPV6_AUTOCONF=no\nIPV6ADDR=2001:db8::1/64\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kNone, .ipv6 = M::kStatic}},
      {"IPV6 link-local only",
       "IPV6INIT=yes\nIPV6_AUTOCONF=no\n",
       "eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kNone,
        .ipv6 = M::kLinkLocal}},
      {"IPV6FORWARDING turns autoconf off",
       "IPV6INIT=yes\nIPV6FORWARDING=yes\n",
       "eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kNone,
        .ipv6 = M::kLinkLocal}},
      {"later IPV6INIT wins",
       "IPV6INIT=no\nIPV6INIT=yes\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kNone, .ipv6 = M::kAuto}},
      {"invalid DEVICE",
       "DEVICE='\"bad name\"'\nBOOTPROTO=dhcp\n",
       "eth5",
       {.name = "eth5",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .problems = 1}},
      {"doubled equals",
       "DEVICE==eno2\nONBOOT=no\n",
       "eno2",
       {.name = "=eno2",
        .kind = "ethernet",
        .starts = false,
        .ipv4 = M::kNone,
        .ipv6 = M::kNone,
        .problems = 1}},
      {"unknown BOOTPROTO",
       "BOOTPROTO=magic\nIPADDR=10.1.1.1\n",
       "eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kStatic,
        .ipv6 = M::kNone,
        .problems = 1}},
      {"shell problem kept",
       "garbage\nBOOTPROTO=dhcp\n",
       "eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .problems = 1}},
  };
  for (const Case& c : cases) {
    IfcfgConfig got = parseIfcfg(c.text, "/f", c.file_ifname, IfcfgFlavour::kRedHat);
    expectNic(got, c.want, c.name);
    EXPECT_EQ(got.nic.stack, "ifcfg") << c.name;
    EXPECT_EQ(got.nic.source, (SourceRef{"/f", 0})) << c.name;
  }
}

// IPv6 counts as configured only when IPV6INIT=yes is said, in the file or in
// /etc/sysconfig/network; the reader's own default (ipv6init_default) does not count.
TEST(Ifcfg, RedHatIpv6Defaults) {
  const struct {
    const char* name;
    const char* network;
    bool ipv6init_default;
    const char* ifcfg;
    M want;
  } cases[] = {
      {"unset: none despite the initscripts default", "", true, "BOOTPROTO=dhcp\n", M::kNone},
      {"unset: none with the NetworkManager default", "", false, "BOOTPROTO=dhcp\n", M::kNone},
      {"explicit no", "", true, "IPV6INIT=no\nBOOTPROTO=dhcp\n", M::kNone},
      {"explicit yes: autoconf", "", false, "IPV6INIT=yes\n", M::kAuto},
      {"explicit yes: DHCPv6", "", false, "IPV6INIT=yes\nIPV6_AUTOCONF=no\nDHCPV6C=yes\n",
       M::kDhcp},
      {"explicit yes: static", "", false,
       "IPV6INIT=yes\nIPV6_AUTOCONF=no\nIPV6ADDR=2001:db8::1/64\n", M::kStatic},
      {"NETWORKING_IPV6=no", "NETWORKING_IPV6=no\n", true, "BOOTPROTO=dhcp\n", M::kNone},
      {"global IPV6INIT=no", "IPV6INIT=no\n", true, "BOOTPROTO=dhcp\n", M::kNone},
      {"global IPV6INIT=yes applies to a file without IPV6INIT", "IPV6INIT=yes\n", false,
       "BOOTPROTO=dhcp\n", M::kAuto},
      {"global IPV6INIT=yes with a DHCPv6 file", "IPV6INIT=yes\n", false,
       "IPV6_AUTOCONF=no\nDHCPV6C=yes\n", M::kDhcp},
      {"file IPV6INIT=no beats global yes", "IPV6INIT=yes\n", true, "IPV6INIT=no\nBOOTPROTO=dhcp\n",
       M::kNone},
      {"file overrides global", "NETWORKING_IPV6=no\n", true, "IPV6INIT=yes\n", M::kAuto},
      {"global IPV6_AUTOCONF=no", "IPV6_AUTOCONF=no\n", true, "IPV6INIT=yes\n", M::kLinkLocal},
      {"global IPV6FORWARDING", "IPV6FORWARDING=yes\n", true, "IPV6INIT=yes\n", M::kLinkLocal},
      {"file disables explicitly", "IPV6INIT=yes\n", true, "IPV6_DISABLED=yes\n", M::kDisabled},
  };
  for (const auto& c : cases) {
    IfcfgDefaults d = redHatIfcfgDefaults(parseShellVars(c.network));
    d.ipv6init_default = c.ipv6init_default;
    IfcfgConfig got = parseIfcfg(c.ifcfg, "/f", "eth0", IfcfgFlavour::kRedHat, d);
    EXPECT_EQ(toString(got.nic.ipv6), toString(c.want)) << c.name;
  }
}

TEST(Ifcfg, SuseLiterals) {
  const Case cases[] = {
      {"dhcp auto",
       "BOOTPROTO='dhcp'\nSTARTMODE='auto'\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kDhcp, .ipv6 = M::kDhcp}},
      {"dhcp4 only",
       "BOOTPROTO=dhcp4\nSTARTMODE=onboot\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kDhcp, .ipv6 = M::kNone}},
      {"dhcp6 only",
       "BOOTPROTO=dhcp6\nSTARTMODE=hotplug\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kNone, .ipv6 = M::kDhcp}},
      {"dhcp+autoip",
       "BOOTPROTO=dhcp+autoip\nSTARTMODE=ifplugd\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kDhcp, .ipv6 = M::kDhcp}},
      {"autoip",
       "BOOTPROTO=autoip\nSTARTMODE=nfsroot\n",
       "eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kLinkLocal,
        .ipv6 = M::kNone}},
      {"static CIDR",
       "BOOTPROTO=static\nIPADDR=192.168.5.8/24\nSTARTMODE=auto\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kStatic, .ipv6 = M::kNone}},
      {"BOOTPROTO missing is static",
       "IPADDR_0=10.0.0.1/8\nSTARTMODE=auto\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kStatic, .ipv6 = M::kNone}},
      {"static IPv6 only",
       "BOOTPROTO=static\nIPADDR6=2001:db8::1/64\nSTARTMODE=auto\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kNone, .ipv6 = M::kStatic}},
      {"auto6 with static v4",
       "BOOTPROTO=static+auto6\nIPADDR=10.0.0.1/8\nSTARTMODE=auto\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kStatic, .ipv6 = M::kAuto}},
      {"STARTMODE missing is manual",
       "BOOTPROTO=dhcp\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = false, .ipv4 = M::kDhcp, .ipv6 = M::kDhcp}},
      {"STARTMODE off",
       "BOOTPROTO=dhcp\nSTARTMODE=off\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = false, .ipv4 = M::kDhcp, .ipv6 = M::kDhcp}},
      {"STARTMODE unknown",
       "BOOTPROTO=dhcp\nSTARTMODE=sometimes\n",
       "eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = false,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kDhcp,
        .problems = 1}},
      {"bond",
       "BONDING_MASTER=yes\nBONDING_SLAVE_0=eth1\nBONDING_SLAVE_1=eth2\n"
       "BOOTPROTO=static\nIPADDR=10.0.0.7/24\nSTARTMODE=auto\n",
       "bond0",
       {.name = "bond0",
        .kind = "bond",
        .starts = true,
        .ipv4 = M::kStatic,
        .ipv6 = M::kNone,
        .members = {"eth1", "eth2"}}},
      {"slaves without BONDING_MASTER",
       "BONDING_SLAVE_0=eth0\nSTARTMODE=manual\n",
       "bond0",
       {.name = "bond0",
        .kind = "ethernet",
        .starts = false,
        .ipv4 = M::kNone,
        .ipv6 = M::kNone,
        .problems = 1}},
      {"bridge",
       "BRIDGE=yes\nBRIDGE_PORTS='eth0 eth1'\nBOOTPROTO=dhcp4\nSTARTMODE=auto\n",
       "br0",
       {.name = "br0",
        .kind = "bridge",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .members = {"eth0", "eth1"}}},
      {"bridge port 0.0.0.0",
       "BOOTPROTO=static\nIPADDR='0.0.0.0/32'\nSTARTMODE=auto\n",
       "eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kNone, .ipv6 = M::kNone}},
      {"port none hotplug",
       "BOOTPROTO=none\nSTARTMODE=hotplug\n",
       "eth1",
       {.name = "eth1", .kind = "ethernet", .starts = true, .ipv4 = M::kNone, .ipv6 = M::kNone}},
      {"vlan",
       "ETHERDEVICE=en0\nVLAN_ID=99\nBOOTPROTO=dhcp4\nSTARTMODE=auto\n",
       "en0.99",
       {.name = "en0.99",
        .kind = "vlan",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .parent = "en0"}},
      {"team",
       "TEAM_RUNNER=activebackup\nTEAM_PORT_DEVICE_0=eth1\nSTARTMODE=auto\n"
       "BOOTPROTO=dhcp\n",
       "team0",
       {.name = "team0",
        .kind = "team",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kDhcp,
        .members = {"eth1"}}},
      {"wireless",
       "WIRELESS_ESSID=x\nBOOTPROTO=dhcp\n",
       "wlan0",
       {.name = "wlan0", .kind = "wireless", .starts = false, .ipv4 = M::kDhcp, .ipv6 = M::kDhcp}},
      {"loopback",
       "IPADDR=127.0.0.1/8\nSTARTMODE=nfsroot\nBOOTPROTO=static\n",
       "lo",
       {.name = "lo", .kind = "loopback", .starts = true, .ipv4 = M::kStatic, .ipv6 = M::kNone}},
      {"LLADDR",
       "LLADDR=c0:d6:9f:2c:e8:80\nBOOTPROTO=dhcp4\nSTARTMODE=auto\n",
       "eth99",
       {.name = "eth99",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .set_mac = "c0:d6:9f:2c:e8:80"}},
      {"ibft",
       "BOOTPROTO=ibft\nSTARTMODE=nfsroot\n",
       "eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kUnknown,
        .ipv6 = M::kUnknown}},
      {"unknown BOOTPROTO token",
       "BOOTPROTO=dhcp+magic\nSTARTMODE=auto\n",
       "eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kDhcp,
        .problems = 1}},
  };
  for (const Case& c : cases) {
    IfcfgConfig got = parseIfcfg(c.text, "/f", c.file_ifname, IfcfgFlavour::kSuse);
    expectNic(got, c.want, c.name);
    EXPECT_EQ(got.nic.stack, "suse-ifcfg") << c.name;
  }
}

const NicConfig* findNic(const NetworkFacts& f, std::string_view name) {
  for (const NicConfig& n : f.configs) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

bool hasProblemAbout(const NetworkFacts& f, std::string_view file_part) {
  return std::any_of(f.problems.begin(), f.problems.end(), [&](const ConfigProblem& p) {
    return p.file.find(file_part) != std::string::npos;
  });
}

constexpr const char* kScripts = "/etc/sysconfig/network-scripts/";

// RHEL 7: systemd; the network service through its SysV script, NetworkManager enabled.
void addRhel7(testing::TestHost& host) {
  host.addSymlink("/sbin/init", "../lib/systemd/systemd")
      .addFile("/usr/lib/systemd/systemd", "")
      .addFile("/etc/rc.d/init.d/network", "#!/bin/bash\n", 0755)
      .addSymlink("/etc/rc.d/rc3.d/S10network", "../init.d/network")
      .addFile("/usr/lib/systemd/system/NetworkManager.service", "[Unit]\n")
      .addSymlink("/etc/systemd/system/multi-user.target.wants/NetworkManager.service",
                  "/usr/lib/systemd/system/NetworkManager.service")
      .addFile("/etc/NetworkManager/NetworkManager.conf", "[main]\nplugins=ifcfg-rh\n")
      .addFile("/etc/sysconfig/network", "NETWORKING=yes\nHOSTNAME=db1\n")
      .addFile(std::string(kScripts) + "ifcfg-lo", "DEVICE=lo\nIPADDR=127.0.0.1\nONBOOT=yes\n")
      .addFile(std::string(kScripts) + "ifcfg-eth0",
               "DEVICE=eth0\nHWADDR=52:54:00:AA:BB:01\nBOOTPROTO=dhcp\nONBOOT=yes\n")
      .addFile(std::string(kScripts) + "ifcfg-eth0.bak", "DEVICE=eth0\nBOOTPROTO=none\n")
      .addFile(std::string(kScripts) + "ifcfg-eth0~", "DEVICE=eth0\nBOOTPROTO=none\n")
      .addFile(std::string(kScripts) + "route-eth0", "10.9.0.0/16 via 10.0.0.1\n")
      .addFile(std::string(kScripts) + "ifcfg-eth1",
               "DEVICE=eth1\nBOOTPROTO=none\nIPADDR=10.0.1.2\nPREFIX=24\nONBOOT=no\n"
               "IPV6INIT=yes\n")
      .addFile(std::string(kScripts) + "ifcfg-bond0",
               "DEVICE=bond0\nTYPE=Bond\nBONDING_MASTER=yes\nBONDING_OPTS=\"mode=1\"\n"
               "BOOTPROTO=none\nIPADDR=10.0.2.5\nPREFIX=24\nONBOOT=yes\n")
      .addFile(std::string(kScripts) + "ifcfg-eth2",
               "DEVICE=eth2\nMASTER=bond0\nSLAVE=yes\nBOOTPROTO=none\nONBOOT=yes\n")
      .addFile(std::string(kScripts) + "ifcfg-eth3",
               "DEVICE=eth3\nMASTER=bond0\nSLAVE=yes\nBOOTPROTO=none\nONBOOT=yes\n")
      .addFile(std::string(kScripts) + "ifcfg-eth4",
               "DEVICE=eth4\nBOOTPROTO=dhcp\nNM_CONTROLLED=no\n");
}

TEST(IfcfgProbe, Rhel7DhcpStaticBond) {
  testing::TestHost host;
  addRhel7(host);
  NetworkFacts facts;
  probeIfcfgRedHat(host, facts);

  ASSERT_EQ(facts.configs.size(), 7u);  // lo eth0 eth1 bond0 eth2 eth3 eth4; backups skipped
  EXPECT_TRUE(facts.problems.empty()) << facts.problems.front().message;
  const NicConfig* eth0 = findNic(facts, "eth0");
  ASSERT_NE(eth0, nullptr);
  EXPECT_EQ(eth0->source, (SourceRef{"/etc/sysconfig/network-scripts/ifcfg-eth0", 0}));
  EXPECT_TRUE(eth0->starts_at_boot);
  EXPECT_EQ(eth0->ipv4, AddrMethod::kDhcp);
  // IPV6INIT missing everywhere: IPv6 is not configured by the file.
  EXPECT_EQ(eth0->ipv6, AddrMethod::kNone);
  EXPECT_EQ(eth0->match_mac, "52:54:00:aa:bb:01");
  EXPECT_EQ(eth0->match_line, 2);

  const NicConfig* eth1 = findNic(facts, "eth1");
  ASSERT_NE(eth1, nullptr);
  EXPECT_FALSE(eth1->starts_at_boot);
  EXPECT_EQ(eth1->ipv4, AddrMethod::kStatic);
  EXPECT_EQ(eth1->ipv6, AddrMethod::kAuto);

  const NicConfig* bond0 = findNic(facts, "bond0");
  ASSERT_NE(bond0, nullptr);
  EXPECT_EQ(bond0->kind, "bond");
  EXPECT_EQ(bond0->ipv4, AddrMethod::kStatic);
  EXPECT_EQ(bond0->members, (std::vector<std::string>{"eth2", "eth3"}));
  for (const char* slave : {"eth2", "eth3"}) {
    const NicConfig* s = findNic(facts, slave);
    ASSERT_NE(s, nullptr) << slave;
    EXPECT_EQ(s->master, "bond0") << slave;
    EXPECT_EQ(s->ipv4, AddrMethod::kNone) << slave;
  }
  // NM_CONTROLLED=no leaves eth4 to initscripts, but only an explicit IPV6INIT=yes counts.
  EXPECT_EQ(findNic(facts, "eth4")->ipv6, AddrMethod::kNone);
  EXPECT_EQ(findNic(facts, "lo")->kind, "loopback");

  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_EQ(facts.stacks[0].name, "ifcfg");
  EXPECT_TRUE(facts.stacks[0].in_use);
  EXPECT_NE(facts.stacks[0].evidence.find("/etc/rc.d/rc3.d/S10network"), std::string::npos)
      << facts.stacks[0].evidence;
  EXPECT_NE(facts.stacks[0].evidence.find("NetworkManager.conf:2"), std::string::npos)
      << facts.stacks[0].evidence;
}

TEST(IfcfgProbe, Rhel7NetworkManagerWithoutIfcfgPlugin) {
  testing::TestHost host;
  addRhel7(host);
  host.addFile("/etc/NetworkManager/conf.d/90-keyfile.conf", "[main]\nplugins=keyfile\n");
  host.addFile("/etc/sysconfig/network", "NETWORKING=no\n");
  NetworkFacts facts;
  probeIfcfgRedHat(host, facts);
  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_FALSE(facts.stacks[0].in_use) << facts.stacks[0].evidence;
  EXPECT_NE(facts.stacks[0].evidence.find("NETWORKING=no"), std::string::npos);
  EXPECT_NE(facts.stacks[0].evidence.find("90-keyfile.conf:2"), std::string::npos);
  // The configuration is still reported: the stack entry says whether it applies.
  EXPECT_EQ(facts.configs.size(), 7u);
}

TEST(IfcfgProbe, NetworkManagerPlugins) {
  const struct {
    const char* name;
    const char* main_conf;
    const char* conf_d;
    bool reads_ifcfg;
  } cases[] = {
      {"no plugins setting: distribution default", "[main]\n#plugins=ifcfg-rh\n", "", true},
      {"ifcfg-rh listed", "[main]\nplugins=ifcfg-rh,ibft\n", "", true},
      {"keyfile only", "[main]\nplugins=keyfile\n", "", false},
      {"conf.d replaces", "[main]\nplugins=ifcfg-rh\n", "[main]\nplugins=keyfile\n", false},
      {"conf.d appends", "[main]\nplugins=keyfile\n", "[main]\nplugins+=ifcfg-rh\n", true},
      {"append to default", "", "[main]\nplugins+=keyfile\n", true},
      {"remove from default", "", "[main]\nplugins-=ifcfg-rh\n", false},
      {"remove another from default", "", "[main]\nplugins-=keyfile\n", true},
      {"other section ignored", "[logging]\nplugins=keyfile\n", "", true},
  };
  for (const auto& c : cases) {
    testing::TestHost host;
    host.addSymlink("/sbin/init", "../lib/systemd/systemd")
        .addFile("/usr/lib/systemd/system/NetworkManager.service", "[Unit]\n")
        .addSymlink("/etc/systemd/system/multi-user.target.wants/NetworkManager.service",
                    "/usr/lib/systemd/system/NetworkManager.service")
        .addFile("/etc/NetworkManager/NetworkManager.conf", c.main_conf);
    if (*c.conf_d) host.addFile("/etc/NetworkManager/conf.d/50-local.conf", c.conf_d);
    NetworkFacts facts;
    probeIfcfgRedHat(host, facts);
    ASSERT_EQ(facts.stacks.size(), 1u) << c.name;
    EXPECT_EQ(facts.stacks[0].in_use, c.reads_ifcfg) << c.name << ": " << facts.stacks[0].evidence;
  }
}

// CentOS 6: SysV init (upstart), no NetworkManager.
void addCentos6(testing::TestHost& host, std::string_view network) {
  host.addFile("/sbin/init", "upstart", 0755)
      .addFile("/etc/rc.d/init.d/network", "#!/bin/bash\n", 0755)
      .addSymlink("/etc/rc.d/rc3.d/S10network", "../init.d/network")
      .addFile("/etc/sysconfig/network", network)
      .addFile(std::string(kScripts) + "ifcfg-lo", "DEVICE=lo\nIPADDR=127.0.0.1\nONBOOT=yes\n")
      .addFile(std::string(kScripts) + "ifcfg-eth0",
               "DEVICE=\"eth0\"\nBOOTPROTO=\"dhcp\"\nHWADDR=\"00:0C:29:12:34:56\"\n"
               "NM_CONTROLLED=\"yes\"\nONBOOT=\"yes\"\n")
      .addFile(std::string(kScripts) + "ifcfg-eth0:1", "DEVICE=eth0:1\nIPADDR=10.1.1.1\n")
      .addFile(std::string(kScripts) + "ifcfg-eth9:0", "DEVICE=eth9:0\nIPADDR=10.9.9.9\n")
      .addFile(std::string(kScripts) + "ifcfg-eth0.rpmsave", "DEVICE=eth0\n");
}

TEST(IfcfgProbe, Centos6SysV) {
  testing::TestHost host;
  addCentos6(host, "NETWORKING=yes\nHOSTNAME=old6\n");
  host.addDir(std::string(kScripts) + "ifcfg-eth7");  // listed but unreadable
  NetworkFacts facts;
  probeIfcfgRedHat(host, facts);

  ASSERT_EQ(facts.configs.size(), 4u);
  const NicConfig* eth0 = findNic(facts, "eth0");
  ASSERT_NE(eth0, nullptr);
  EXPECT_EQ(eth0->ipv4, AddrMethod::kDhcp);
  EXPECT_EQ(eth0->ipv6, AddrMethod::kNone);  // no IPV6INIT=yes in the file or globally
  EXPECT_EQ(eth0->match_mac, "00:0c:29:12:34:56");
  const NicConfig* alias = findNic(facts, "eth0:1");
  ASSERT_NE(alias, nullptr);
  EXPECT_EQ(alias->kind, "alias");
  EXPECT_EQ(alias->parent, "eth0");
  EXPECT_TRUE(alias->starts_at_boot);
  const NicConfig* orphan = findNic(facts, "eth9:0");
  ASSERT_NE(orphan, nullptr);
  EXPECT_FALSE(orphan->starts_at_boot);
  EXPECT_TRUE(hasProblemAbout(facts, "ifcfg-eth9:0"));
  EXPECT_TRUE(hasProblemAbout(facts, "ifcfg-eth7"));
  EXPECT_EQ(facts.problems.size(), 2u);

  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_TRUE(facts.stacks[0].in_use);
  EXPECT_NE(facts.stacks[0].evidence.find("/etc/rc.d/rc3.d/S10network"), std::string::npos)
      << facts.stacks[0].evidence;
  EXPECT_NE(facts.stacks[0].evidence.find("no init script NetworkManager"), std::string::npos)
      << facts.stacks[0].evidence;
}

TEST(IfcfgProbe, Centos6GlobalIpv6Off) {
  testing::TestHost host;
  addCentos6(host, "NETWORKING=yes\nNETWORKING_IPV6=no\n");
  host.addFile(std::string(kScripts) + "ifcfg-eth1", "DEVICE=eth1\nIPV6INIT=yes\n");
  NetworkFacts facts;
  probeIfcfgRedHat(host, facts);
  EXPECT_EQ(findNic(facts, "eth0")->ipv6, AddrMethod::kNone);
  EXPECT_EQ(findNic(facts, "eth1")->ipv6, AddrMethod::kAuto);  // the file says otherwise
}

TEST(IfcfgProbe, NoNetworkScripts) {
  testing::TestHost host;
  host.addFile("/sbin/init", "sysvinit", 0755);
  NetworkFacts facts;
  probeIfcfgRedHat(host, facts);
  EXPECT_TRUE(facts.configs.empty());
  EXPECT_TRUE(facts.problems.empty());
  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_FALSE(facts.stacks[0].in_use);
  EXPECT_NE(facts.stacks[0].evidence.find("no init script network"), std::string::npos)
      << facts.stacks[0].evidence;
}

constexpr const char* kSuse = "/etc/sysconfig/network/";

TEST(IfcfgProbe, Sles12Wicked) {
  testing::TestHost host;
  host.addSymlink("/sbin/init", "/usr/lib/systemd/systemd")
      .addFile("/usr/lib/systemd/systemd", "")
      .addFile("/usr/lib/systemd/system/wicked.service", "[Unit]\n")
      .addSymlink("/etc/systemd/system/multi-user.target.wants/wicked.service",
                  "/usr/lib/systemd/system/wicked.service")
      .addSymlink("/etc/systemd/system/network.service", "/usr/lib/systemd/system/wicked.service")
      .addFile(std::string(kSuse) + "config", "LINK_REQUIRED=\"auto\"\n")
      .addFile(std::string(kSuse) + "routes", "default 10.0.0.1 - -\n")
      .addFile(std::string(kSuse) + "ifroute-eth0", "10.9.0.0/16 10.0.0.254 - eth0\n")
      .addFile(std::string(kSuse) + "ifcfg.template", "STARTMODE=\n")
      .addFile(std::string(kSuse) + "ifcfg-lo",
               "IPADDR=127.0.0.1/8\nNETMASK=255.0.0.0\nSTARTMODE=nfsroot\nBOOTPROTO=static\n")
      .addFile(std::string(kSuse) + "ifcfg-eth0", "BOOTPROTO='dhcp'\nSTARTMODE='auto'\n")
      .addFile(std::string(kSuse) + "ifcfg-eth0.rpmsave", "BOOTPROTO='static'\n")
      .addFile(std::string(kSuse) + "ifcfg-bond0",
               "BONDING_MASTER='yes'\nBONDING_MODULE_OPTS='mode=active-backup miimon=100'\n"
               "BONDING_SLAVE_0='eth1'\nBONDING_SLAVE_1='eth2'\nBOOTPROTO='static'\n"
               "IPADDR='10.0.0.7/24'\nSTARTMODE='auto'\n")
      .addFile(std::string(kSuse) + "ifcfg-eth1", "BOOTPROTO='none'\nSTARTMODE='hotplug'\n")
      .addFile(std::string(kSuse) + "ifcfg-eth2", "BOOTPROTO='none'\nSTARTMODE='hotplug'\n")
      .addFile(std::string(kSuse) + "ifcfg-eth3", "BOOTPROTO='dhcp'\n");
  NetworkFacts facts;
  probeIfcfgSuse(host, facts);

  ASSERT_EQ(facts.configs.size(), 6u);
  EXPECT_TRUE(facts.problems.empty());
  const NicConfig* eth0 = findNic(facts, "eth0");
  ASSERT_NE(eth0, nullptr);
  EXPECT_EQ(eth0->stack, "suse-ifcfg");
  EXPECT_EQ(eth0->source.file, "/etc/sysconfig/network/ifcfg-eth0");
  EXPECT_TRUE(eth0->starts_at_boot);
  EXPECT_EQ(eth0->ipv4, AddrMethod::kDhcp);
  EXPECT_EQ(eth0->ipv6, AddrMethod::kDhcp);
  const NicConfig* bond0 = findNic(facts, "bond0");
  ASSERT_NE(bond0, nullptr);
  EXPECT_EQ(bond0->members, (std::vector<std::string>{"eth1", "eth2"}));
  EXPECT_EQ(bond0->ipv4, AddrMethod::kStatic);
  for (const char* port : {"eth1", "eth2"}) {
    const NicConfig* p = findNic(facts, port);
    ASSERT_NE(p, nullptr) << port;
    EXPECT_EQ(p->master, "bond0") << port;
    EXPECT_TRUE(p->starts_at_boot) << port;
    EXPECT_EQ(p->ipv4, AddrMethod::kNone) << port;
  }
  EXPECT_FALSE(findNic(facts, "eth3")->starts_at_boot);  // STARTMODE defaults to manual
  EXPECT_EQ(findNic(facts, "lo")->kind, "loopback");

  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_EQ(facts.stacks[0].name, "suse-ifcfg");
  EXPECT_TRUE(facts.stacks[0].in_use);
  EXPECT_NE(facts.stacks[0].evidence.find("multi-user.target.wants/wicked.service"),
            std::string::npos)
      << facts.stacks[0].evidence;
}

TEST(IfcfgProbe, Sles11SysV) {
  testing::TestHost host;
  host.addFile("/sbin/init", "sysvinit", 0755)
      .addFile("/etc/init.d/network", "#!/bin/sh\n", 0755)
      .addSymlink("/etc/init.d/rc3.d/S05network", "../network")
      .addFile(std::string(kSuse) + "ifcfg-eth0", "BOOTPROTO='dhcp4'\nSTARTMODE='onboot'\n");
  NetworkFacts facts;
  probeIfcfgSuse(host, facts);
  ASSERT_EQ(facts.configs.size(), 1u);
  EXPECT_EQ(facts.configs[0].ipv4, AddrMethod::kDhcp);
  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_TRUE(facts.stacks[0].in_use);
  EXPECT_NE(facts.stacks[0].evidence.find("/etc/init.d/rc3.d/S05network"), std::string::npos)
      << facts.stacks[0].evidence;
}

// The name a corpus file had on its system, or nothing when it is not an ifcfg file.
std::optional<std::string> corpusIfname(const std::filesystem::path& path) {
  std::string file = path.filename().string();
  std::size_t at = file.rfind("ifcfg-");
  if (at == std::string::npos) {
    // jc's sample is a whole ifcfg file under another name; its DEVICE names it.
    if (file == "jc-keyvalue-ifcfg.txt") return std::string();
    return std::nullopt;
  }
  std::string name = file.substr(at + 6);
  for (std::size_t p; (p = name.find("%3A")) != std::string::npos;) name.replace(p, 3, ":");
  return name;
}

struct CorpusParse {
  std::filesystem::path path;
  std::string text;
  IfcfgConfig config;
};

std::vector<CorpusParse> parseCorpus(const std::string& category, IfcfgFlavour flavour) {
  std::vector<CorpusParse> out;
  for (const auto& path : testing::corpusFiles(category)) {
    std::optional<std::string> ifname = corpusIfname(path);
    if (!ifname) continue;
    std::string text = testing::readTestFile(path);
    IfcfgConfig c = parseIfcfg(text, path.string(), *ifname, flavour);
    out.push_back({path, std::move(text), std::move(c)});
  }
  return out;
}

const CorpusParse* corpusFile(const std::vector<CorpusParse>& all, std::string_view tail) {
  for (const CorpusParse& c : all) {
    if (c.path.string().ends_with(tail)) return &c;
  }
  ADD_FAILURE() << "corpus file missing: " << tail;
  return nullptr;
}

// Properties every parsed file must have, whatever it says.
void expectWellFormed(const CorpusParse& c, const std::string& stack) {
  const std::string label = c.path.string();
  const NicConfig& n = c.config.nic;
  int lines = static_cast<int>(splitLogicalLines(c.text, false).size());
  EXPECT_EQ(n.stack, stack) << label;
  EXPECT_EQ(n.source.file, label);
  EXPECT_TRUE(!n.name.empty() || !n.match_mac.empty()) << label << ": neither name nor MAC";
  const std::vector<std::string> kinds = {"ethernet",   "bond", "bridge",   "vlan",
                                          "alias",      "team", "loopback", "wireless",
                                          "infiniband", "other"};
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), n.kind), kinds.end()) << label << n.kind;
  if (!n.match_mac.empty()) {
    EXPECT_GE(n.match_line, 1) << label;
    EXPECT_LE(n.match_line, lines) << label;
  }
  for (const ConfigProblem& p : c.config.problems) {
    EXPECT_EQ(p.file, label);
    EXPECT_GE(p.line, 0) << label;
    EXPECT_LE(p.line, lines) << label << ": " << p.message;
    EXPECT_FALSE(p.message.empty()) << label;
  }
  for (const std::string& m : n.members) EXPECT_FALSE(m.empty()) << label;
  if (n.kind == "alias") {
    EXPECT_FALSE(n.parent.empty()) << label;
  }
}

TEST(IfcfgCorpus, RedHat) {
  GUESTPREP_REQUIRE_CORPUS();
  std::vector<CorpusParse> all = parseCorpus("network-ifcfg", IfcfgFlavour::kRedHat);
  ASSERT_GE(all.size(), 35u);
  for (const CorpusParse& c : all) expectWellFormed(c, "ifcfg");

  const struct {
    const char* file;
    Want want;
  } named[] = {
      {"augeas/augeas-ifcfg-br0",
       {.name = "br0", .kind = "bridge", .starts = true, .ipv4 = M::kDhcp, .ipv6 = M::kNone}},
      {"augeas/augeas-ifcfg-eth0",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kNone,
        .ipv6 = M::kNone,
        .master = "br0",
        .match_mac = "XX:YY:ZZ:81:5B:0E",
        .match_line = 4,
        .problems = 1}},
      {"bond_v1__ifcfg-bond0",
       {.name = "bond0",
        .kind = "bond",
        .starts = true,
        .ipv4 = M::kStatic,
        .ipv6 = M::kStatic,
        .set_mac = "aa:bb:cc:dd:e8:ff"}},
      {"bond_v1__ifcfg-bond0s0",
       {.name = "bond0s0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kNone,
        .ipv6 = M::kNone,
        .master = "bond0",
        .match_mac = "aa:bb:cc:dd:e8:00",
        .match_line = 3}},
      {"dhcpv6_only__ifcfg-iface0",  // no IPV6_AUTOCONF: autoconf is on, as both readers do
       {.name = "iface0", .kind = "ethernet", .starts = true, .ipv4 = M::kNone, .ipv6 = M::kAuto}},
      {"small_v1__ifcfg-eth99",
       {.name = "eth99",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .match_mac = "c0:d6:9f:2c:e8:80",
        .match_line = 9}},
      {"vlan_v1__ifcfg-en0.99",
       {.name = "en0.99",
        .kind = "vlan",
        .starts = true,
        .ipv4 = M::kStatic,
        .ipv6 = M::kStatic,
        .parent = "en0"}},
      {"insights-ifcfg-blank-line-and-double-equals",
       {.name = "=eno2",
        .kind = "ethernet",
        .starts = false,
        .ipv4 = M::kNone,
        .ipv6 = M::kNone,
        .master = "team1",
        .problems = 1}},
      {"insights-ifcfg-spaces-around-equals",
       {.name = "spaces-around-equals",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .problems = 3}},
      {"insights-ifcfg-team1",
       {.name = "team1", .kind = "team", .starts = true, .ipv4 = M::kStatic, .ipv6 = M::kNone}},
      {"jc-keyvalue-ifcfg.txt",
       {.name = "ens33",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kAuto,
        .problems = 4}},
      {"ifcfg-aliasem0%3A1",
       {.name = "aliasem0:1",
        .kind = "alias",
        .starts = true,
        .ipv4 = M::kStatic,
        .ipv6 = M::kNone,
        .parent = "aliasem0"}},
      {"ifcfg-test-minimal",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kNone,
        .ipv6 = M::kNone,
        .match_mac = "00:16:41:11:22:33",
        .match_line = 3}},
      {"ifcfg-test-wired-dhcp",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kDhcp,
        .match_mac = "00:11:22:33:44:ee",
        .match_line = 4}},
      {"ifcfg-test-wired-dhcp6-only",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = false,
        .ipv4 = M::kNone,
        .ipv6 = M::kDhcp,
        .match_mac = "00:13:20:f5:f5:e4",
        .match_line = 10}},
      {"ifcfg-test-wired-static",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kStatic,
        .ipv6 = M::kStatic,
        .match_mac = "00:11:22:33:44:ee",
        .match_line = 4}},
      {"ifcfg-test-nm-controlled",
       {.name = "eth0",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .match_mac = "00:11:22:33:f8:9f",
        .match_line = 3}},
      {"ifcfg-test-vlan-trailing-spaces",
       {.name = "vlan201",
        .kind = "vlan",
        .starts = true,
        .ipv4 = M::kStatic,
        .ipv6 = M::kNone,
        .parent = "enccw0.0.fb00"}},
      {"ifcfg-test-bond-main",
       {.name = "bond0", .kind = "bond", .starts = false, .ipv4 = M::kDhcp, .ipv6 = M::kNone}},
      {"host1-ifcfg-lo",
       {.name = "lo", .kind = "loopback", .starts = true, .ipv4 = M::kStatic, .ipv6 = M::kNone}},
      {"host4-ifcfg-eth0%3A0",
       {.name = "eth0:0",
        .kind = "alias",
        .starts = true,
        .ipv4 = M::kStatic,
        .ipv6 = M::kNone,
        .parent = "eth0"}},
  };
  for (const auto& n : named) {
    if (const CorpusParse* c = corpusFile(all, n.file)) {
      Want w = n.want;
      IfcfgConfig got = c->config;
      for (ConfigProblem& p : got.problems) p.file = "/f";  // expectNic checks the file
      expectNic(got, w, n.file);
    }
  }
  const CorpusParse* disabled = corpusFile(all, "ifcfg-test-ip6-disabled.cexpected");
  ASSERT_NE(disabled, nullptr);
  EXPECT_EQ(disabled->config.nic.ipv6, AddrMethod::kDisabled);
  const CorpusParse* unknown = corpusFile(all, "ifcfg-test-write-unknown-1");
  ASSERT_NE(unknown, nullptr);
  EXPECT_GE(unknown->config.problems.size(), 3u);
}

TEST(IfcfgCorpus, Suse) {
  GUESTPREP_REQUIRE_CORPUS();
  std::vector<CorpusParse> all = parseCorpus("network-suse", IfcfgFlavour::kSuse);
  ASSERT_GE(all.size(), 10u);
  for (const CorpusParse& c : all) expectWellFormed(c, "suse-ifcfg");

  const struct {
    const char* file;
    Want want;
  } named[] = {
      {"bond_v1__ifcfg-bond0",
       {.name = "bond0",
        .kind = "bond",
        .starts = true,
        .ipv4 = M::kStatic,
        .ipv6 = M::kStatic,
        .set_mac = "aa:bb:cc:dd:e8:ff",
        .members = {"bond0s0", "bond0s1"}}},
      {"dhcpv6_only__ifcfg-iface0",
       {.name = "iface0", .kind = "ethernet", .starts = true, .ipv4 = M::kNone, .ipv6 = M::kDhcp}},
      {"small_v1__ifcfg-eth99",
       {.name = "eth99",
        .kind = "ethernet",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kNone,
        .set_mac = "c0:d6:9f:2c:e8:80"}},
      {"vlan_v1__ifcfg-en0.99",
       {.name = "en0.99",
        .kind = "vlan",
        .starts = true,
        .ipv4 = M::kStatic,
        .ipv6 = M::kStatic,
        .parent = "en0"}},
      {"host1-ifcfg-eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kStatic, .ipv6 = M::kNone}},
      {"host1-ifcfg-lo",
       {.name = "lo", .kind = "loopback", .starts = true, .ipv4 = M::kStatic, .ipv6 = M::kNone}},
      {"host2-ifcfg-br0",
       {.name = "br0",
        .kind = "bridge",
        .starts = true,
        .ipv4 = M::kDhcp,
        .ipv6 = M::kDhcp,
        .members = {"eth0"}}},
      {"host2-ifcfg-eth0",
       {.name = "eth0", .kind = "ethernet", .starts = true, .ipv4 = M::kNone, .ipv6 = M::kNone}},
      {"host3-ifcfg-bond0",  // no BONDING_MASTER=yes: wicked does not make it a bond
       {.name = "bond0",
        .kind = "ethernet",
        .starts = false,
        .ipv4 = M::kStatic,
        .ipv6 = M::kNone,
        .problems = 1}},
      {"host5-ifcfg-bridge42",
       {.name = "bridge42",
        .kind = "bridge",
        .starts = true,
        .ipv4 = M::kNone,
        .ipv6 = M::kNone,
        .members = {"dummy42"}}},
      {"wicked-default-ifcfg-lo",
       {.name = "lo", .kind = "loopback", .starts = true, .ipv4 = M::kStatic, .ipv6 = M::kNone}},
  };
  for (const auto& n : named) {
    if (const CorpusParse* c = corpusFile(all, n.file)) {
      IfcfgConfig got = c->config;
      for (ConfigProblem& p : got.problems) p.file = "/f";
      expectNic(got, n.want, n.file);
    }
  }
}

}  // namespace
}  // namespace guestprep::os_linux
