// Tests for the netplan parser, merge and probe: literal inputs, the corpus, and fixture hosts.
#include "parsers/netplan.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "probes/network_probes.h"
#include "support/corpus.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

std::vector<NicConfig> configsOf(std::string_view yaml) {
  return netplanNicConfigs(mergeNetplan({parseNetplan(yaml, "/etc/netplan/50.yaml")}));
}

const NicConfig* byName(const std::vector<NicConfig>& configs, std::string_view name) {
  auto it = std::find_if(configs.begin(), configs.end(),
                         [&](const NicConfig& c) { return c.name == name; });
  return it == configs.end() ? nullptr : &*it;
}

struct MethodCase {
  const char* name;
  const char* yaml;
  const char* device;
  const char* kind;
  AddrMethod ipv4;
  AddrMethod ipv6;
};

TEST(Netplan, AddressMethods) {
  const MethodCase cases[] = {
      {"dhcp4 leaves IPv6 to the kernel default",
       "network:\n  ethernets:\n    eth0:\n      dhcp4: true\n", "eth0", "ethernet",
       AddrMethod::kDhcp, AddrMethod::kNone},
      {"yes is a boolean", "network:\n  ethernets:\n    eth0: {dhcp4: yes}\n", "eth0", "ethernet",
       AddrMethod::kDhcp, AddrMethod::kNone},
      {"global NetworkManager renderer writes ipv6 ignore",
       "network:\n  renderer: NetworkManager\n  ethernets:\n    eth0: {dhcp4: true}\n", "eth0",
       "ethernet", AddrMethod::kDhcp, AddrMethod::kNone},
      {"device renderer", "network:\n  ethernets:\n    eth0: {renderer: NetworkManager}\n", "eth0",
       "ethernet", AddrMethod::kNone, AddrMethod::kNone},
      {"block renderer",
       "network:\n  ethernets:\n    renderer: NetworkManager\n    eth0: {dhcp4: true}\n", "eth0",
       "ethernet", AddrMethod::kDhcp, AddrMethod::kNone},
      {"dhcp6", "network:\n  ethernets:\n    eth0: {dhcp6: true}\n", "eth0", "ethernet",
       AddrMethod::kNone, AddrMethod::kDhcp},
      {"static ipv6 under NetworkManager",
       "network:\n  renderer: NetworkManager\n  ethernets:\n    eth0:\n      addresses: "
       "[\"2001:db8::5/64\"]\n",
       "eth0", "ethernet", AddrMethod::kNone, AddrMethod::kStatic},
      {"static both families",
       "network:\n  ethernets:\n    eth0:\n      addresses:\n        - 10.0.0.5/24\n        - "
       "\"fd00::5/64\"\n",
       "eth0", "ethernet", AddrMethod::kStatic, AddrMethod::kStatic},
      {"address with options",
       "network:\n  ethernets:\n    eth0:\n      addresses:\n        - 10.0.0.5/24:\n            "
       "lifetime: 0\n",
       "eth0", "ethernet", AddrMethod::kStatic, AddrMethod::kNone},
      {"accept-ra true", "network:\n  ethernets:\n    eth0: {accept-ra: true}\n", "eth0",
       "ethernet", AddrMethod::kNone, AddrMethod::kAuto},
      {"accept-ra false", "network:\n  ethernets:\n    eth0: {accept-ra: false}\n", "eth0",
       "ethernet", AddrMethod::kNone, AddrMethod::kLinkLocal},
      {"no link-local at all", "network:\n  ethernets:\n    eth0: {link-local: []}\n", "eth0",
       "ethernet", AddrMethod::kNone, AddrMethod::kNone},
      {"ipv4 link-local only", "network:\n  ethernets:\n    eth0: {link-local: [ipv4]}\n", "eth0",
       "ethernet", AddrMethod::kLinkLocal, AddrMethod::kNone},
      {"bridge without IPv6 settings",
       "network:\n  bridges:\n    br0: {addresses: [10.1.1.1/24]}\n", "br0", "bridge",
       AddrMethod::kStatic, AddrMethod::kNone},
      {"bond member",
       "network:\n  ethernets:\n    eth0: {}\n  bonds:\n    bond0:\n      "
       "interfaces: [eth0]\n      dhcp4: true\n",
       "eth0", "ethernet", AddrMethod::kNone, AddrMethod::kNone},
      {"vlan", "network:\n  vlans:\n    vlan5: {id: 5, link: eth0, dhcp4: true}\n", "vlan5", "vlan",
       AddrMethod::kDhcp, AddrMethod::kNone},
      {"wifi", "network:\n  wifis:\n    wlan0: {dhcp4: true}\n", "wlan0", "wireless",
       AddrMethod::kDhcp, AddrMethod::kNone},
      {"tunnel is other", "network:\n  tunnels:\n    he0: {addresses: [\"2001:db8::2/64\"]}\n",
       "he0", "other", AddrMethod::kNone, AddrMethod::kStatic},
  };
  for (const MethodCase& c : cases) {
    NetplanFile f = parseNetplan(c.yaml, "/etc/netplan/50.yaml");
    EXPECT_TRUE(f.problems.empty()) << c.name << ": " << f.problems.size();
    auto configs = netplanNicConfigs(mergeNetplan({f}));
    const NicConfig* nic = byName(configs, c.device);
    ASSERT_NE(nic, nullptr) << c.name;
    EXPECT_EQ(nic->kind, c.kind) << c.name;
    EXPECT_EQ(nic->ipv4, c.ipv4) << c.name << ": " << toString(nic->ipv4);
    EXPECT_EQ(nic->ipv6, c.ipv6) << c.name << ": " << toString(nic->ipv6);
    EXPECT_EQ(nic->stack, "netplan") << c.name;
    EXPECT_TRUE(nic->starts_at_boot) << c.name;
  }
}

TEST(Netplan, MatchBySetNameAndMembers) {
  auto configs = configsOf(
      "network:\n"
      "  version: 2\n"
      "  ethernets:\n"
      "    nic0:\n"
      "      match:\n"
      "        macaddress: \"DE:AD:BE:EF:CA:FE\"\n"
      "      set-name: lan0\n"
      "      optional: true\n"
      "    byglob:\n"
      "      match: {name: \"en*\"}\n"
      "      dhcp4: true\n"
      "    bydriver:\n"
      "      match: {driver: [ixgbe, \"i40*\"]}\n"
      "  bonds:\n"
      "    bond0:\n"
      "      interfaces: [nic0]\n"
      "      macaddress: 02:00:00:00:00:01\n"
      "  vlans:\n"
      "    v10: {id: 10, link: nic0}\n");
  ASSERT_EQ(configs.size(), 5u);
  const NicConfig* lan = byName(configs, "lan0");
  ASSERT_NE(lan, nullptr);
  EXPECT_EQ(lan->match_mac, "de:ad:be:ef:ca:fe");
  EXPECT_EQ(lan->match_line, 6);
  EXPECT_EQ(lan->set_name, "lan0");
  EXPECT_EQ(lan->source, (SourceRef{"/etc/netplan/50.yaml", 4}));
  EXPECT_EQ(lan->master, "bond0");
  EXPECT_TRUE(lan->starts_at_boot) << "optional only means boot does not wait";
  const NicConfig* glob = byName(configs, "en*");
  ASSERT_NE(glob, nullptr);
  EXPECT_EQ(glob->ipv4, AddrMethod::kDhcp);
  EXPECT_TRUE(glob->match_mac.empty());
  // Matched by driver only: the device keeps a name the configuration does not know.
  const NicConfig* drv = byName(configs, "");
  ASSERT_NE(drv, nullptr);
  EXPECT_EQ(drv->source.line, 12);
  const NicConfig* bond = byName(configs, "bond0");
  ASSERT_NE(bond, nullptr);
  EXPECT_EQ(bond->members, std::vector<std::string>{"lan0"}) << "member IDs resolve to names";
  EXPECT_EQ(bond->set_mac, "02:00:00:00:00:01");
  const NicConfig* vlan = byName(configs, "v10");
  ASSERT_NE(vlan, nullptr);
  EXPECT_EQ(vlan->parent, "lan0");
}

struct ProblemCase {
  const char* name;
  const char* yaml;
  int line;
  const char* fragment;
  std::size_t devices;
};

TEST(Netplan, Problems) {
  const ProblemCase cases[] = {
      {"syntax error", "network:\n  ethernets:\n    eth0: [dhcp4\n", 4, "column", 0},
      {"bad boolean", "network:\n  ethernets:\n    eth0:\n      dhcp4: maybe\n", 4, "boolean", 1},
      {"version 1", "network:\n  version: 1\n", 2, "version 2", 0},
      {"ethernets is a list", "network:\n  ethernets:\n    - eth0\n", 3, "mapping", 0},
      {"device is a scalar", "network:\n  ethernets:\n    eth0: dhcp\n", 3, "mapping", 0},
      {"top level is a list", "- network\n", 1, "top level", 0},
      {"vlan id not a number", "network:\n  vlans:\n    v: {id: ten, link: eth0}\n", 3, "integer",
       1},
  };
  for (const ProblemCase& c : cases) {
    NetplanFile f = parseNetplan(c.yaml, "/etc/netplan/bad.yaml");
    ASSERT_EQ(f.problems.size(), 1u) << c.name;
    EXPECT_EQ(f.problems[0].file, "/etc/netplan/bad.yaml") << c.name;
    EXPECT_EQ(f.problems[0].line, c.line) << c.name << ": " << f.problems[0].message;
    EXPECT_NE(f.problems[0].message.find(c.fragment), std::string::npos)
        << c.name << ": " << f.problems[0].message;
    EXPECT_EQ(f.devices.size(), c.devices) << c.name;
  }
  EXPECT_TRUE(parseNetplan("", "empty.yaml").problems.empty());
  EXPECT_TRUE(parseNetplan("# only a comment\n", "c.yaml").devices.empty());
}

TEST(Netplan, MergeFollowsNetplanGenerate) {
  NetplanFile a = parseNetplan(
      "network:\n  renderer: NetworkManager\n  ethernets:\n    eth0:\n      dhcp4: true\n"
      "      addresses: [10.0.0.1/24]\n      link-local: [ipv4]\n",
      "/lib/netplan/10-a.yaml");
  NetplanFile b = parseNetplan(
      "network:\n  renderer: networkd\n  ethernets:\n    eth0:\n      dhcp4: false\n"
      "      addresses: [10.0.0.2/24]\n      match: {macaddress: \"00:16:3e:00:00:01\"}\n"
      "      link-local: []\n  bonds:\n    eth0: {}\n",
      "/etc/netplan/20-b.yaml");
  NetplanConfig merged = mergeNetplan({a, b});
  ASSERT_EQ(merged.devices.size(), 1u);
  const NetplanDevice& d = merged.devices[0];
  EXPECT_EQ(merged.renderer, "networkd") << "the later global renderer wins";
  EXPECT_EQ(d.dhcp4, false) << "scalars are overridden";
  EXPECT_EQ(d.addresses, (std::vector<std::string>{"10.0.0.1/24", "10.0.0.2/24"}))
      << "sequences are appended";
  ASSERT_TRUE(d.link_local);
  EXPECT_TRUE(d.link_local->empty()) << "link-local is replaced";
  EXPECT_EQ(d.source, (SourceRef{"/etc/netplan/20-b.yaml", 4})) << "the MAC pin's definition";
  EXPECT_EQ(d.match_mac_line, 7);
  ASSERT_EQ(merged.problems.size(), 1u) << "eth0 under bonds clashes with the ethernet";
  EXPECT_EQ(merged.problems[0].line, 10);
}

// Expected values, read from the corpus files themselves.
TEST(Netplan, CorpusConcreteValues) {
  GUESTPREP_REQUIRE_CORPUS();
  auto dir = *testing::corpusDir() / "network-netplan";
  auto load = [&](const char* rel) { return configsOf(testing::readTestFile(dir / rel)); };

  auto dhcp = load("netplan/dhcp.yaml");
  ASSERT_EQ(dhcp.size(), 1u);
  EXPECT_EQ(dhcp[0].name, "enp3s0");
  EXPECT_EQ(dhcp[0].source.line, 5);
  EXPECT_EQ(dhcp[0].ipv4, AddrMethod::kDhcp);
  EXPECT_EQ(dhcp[0].ipv6, AddrMethod::kNone);

  auto vlan = load("netplan/vlan.yaml");
  ASSERT_EQ(vlan.size(), 3u);
  const NicConfig* mainif = byName(vlan, "mainif");
  ASSERT_NE(mainif, nullptr);
  EXPECT_EQ(mainif->match_mac, "de:ad:be:ef:ca:fe");
  EXPECT_EQ(mainif->match_line, 7);
  EXPECT_EQ(mainif->set_name, "mainif");
  EXPECT_EQ(mainif->ipv4, AddrMethod::kStatic);
  ASSERT_NE(byName(vlan, "vlan10"), nullptr);
  EXPECT_EQ(byName(vlan, "vlan10")->parent, "mainif");

  auto bonding = load("netplan/bonding.yaml");
  const NicConfig* bond0 = byName(bonding, "bond0");
  ASSERT_NE(bond0, nullptr);
  EXPECT_EQ(bond0->members, (std::vector<std::string>{"enp3s0", "enp4s0"}));
  EXPECT_EQ(bond0->ipv4, AddrMethod::kDhcp);
  ASSERT_NE(byName(bonding, "enp4s0"), nullptr);
  EXPECT_EQ(byName(bonding, "enp4s0")->master, "bond0");
  EXPECT_EQ(byName(bonding, "enp4s0")->ipv6, AddrMethod::kNone);

  auto bridge = load("netplan/bridge_vlan.yaml");
  const NicConfig* vlan15 = byName(bridge, "vlan15");
  ASSERT_NE(vlan15, nullptr);
  EXPECT_EQ(vlan15->parent, "enp0s25");
  EXPECT_EQ(vlan15->master, "br0");
  EXPECT_EQ(byName(bridge, "br0")->ipv4, AddrMethod::kStatic);
  EXPECT_EQ(byName(bridge, "br0")->ipv6, AddrMethod::kNone);

  EXPECT_TRUE(load("netplan/network_manager.yaml").empty());
  NetplanFile nm = parseNetplan(testing::readTestFile(dir / "netplan/network_manager.yaml"), "x");
  EXPECT_EQ(nm.renderer, "NetworkManager");

  auto bond_v1 = load("cloud-init-rendered/bond_v1__50-cloud-init.yaml");
  const NicConfig* s0 = byName(bond_v1, "bond0s0");
  ASSERT_NE(s0, nullptr);
  EXPECT_EQ(s0->match_mac, "aa:bb:cc:dd:e8:00");
  EXPECT_EQ(s0->match_line, 7);
  EXPECT_EQ(s0->source.line, 5);
  EXPECT_EQ(s0->master, "bond0");
  const NicConfig* b = byName(bond_v1, "bond0");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->ipv6, AddrMethod::kStatic) << "2001:1::1/92";
  EXPECT_EQ(b->set_mac, "aa:bb:cc:dd:e8:ff");

  auto nomatch = load("cloud-init/no_matching_mac_v2.yaml");
  ASSERT_NE(byName(nomatch, "en*"), nullptr);
  EXPECT_EQ(byName(nomatch, "en*")->ipv4, AddrMethod::kDhcp);
  ASSERT_NE(byName(nomatch, "encc000.2653"), nullptr);
  EXPECT_EQ(byName(nomatch, "encc000.2653")->parent, "encc000");

  auto photon = load("cloud-init/photon_net_config_v2.yaml");
  ASSERT_NE(byName(photon, "eth1"), nullptr);
  EXPECT_EQ(byName(photon, "eth1")->ipv6, AddrMethod::kDhcp);
  EXPECT_EQ(byName(photon, "eth0")->match_mac, "00:11:22:33:44:55");
  EXPECT_EQ(byName(photon, "eth2")->master, "bond0");
  EXPECT_EQ(byName(photon, "vlan100")->ipv6, AddrMethod::kDhcp);
}

// Every corpus file parses without problems into well-formed configurations.
TEST(Netplan, CorpusProperties) {
  GUESTPREP_REQUIRE_CORPUS();
  int files = 0;
  for (const auto& path : testing::corpusFiles("network-netplan")) {
    std::string text = testing::readTestFile(path);
    NetplanFile f = parseNetplan(text, path.string());
    EXPECT_TRUE(f.problems.empty()) << path << ": " << f.problems.size();
    int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    for (const NicConfig& c : netplanNicConfigs(mergeNetplan({f}))) {
      EXPECT_EQ(c.source.file, path.string());
      EXPECT_GE(c.source.line, 1) << path << " " << c.name;
      EXPECT_LE(c.source.line, lines) << path << " " << c.name;
      EXPECT_FALSE(c.name.empty()) << path << ": every corpus device has a name or glob";
      EXPECT_NE(c.ipv4, AddrMethod::kUnknown) << path << " " << c.name;
      EXPECT_NE(c.ipv6, AddrMethod::kUnknown) << path << " " << c.name;
      if (!c.match_mac.empty()) {
        EXPECT_GT(c.match_line, c.source.line) << path << " " << c.name;
      }
    }
    ++files;
  }
  EXPECT_EQ(files, 11);
}

// Ubuntu 18.04 style: netplan installed, one NIC by DHCP, one pinned by MAC and renamed.
TEST(NetplanProbe, Ubuntu18) {
  testing::TestHost host;
  host.addFile("/usr/sbin/netplan", "#!/usr/bin/python3\n", 0755)
      .addFile("/etc/netplan/50-cloud-init.yaml",
               "network:\n"
               "    version: 2\n"
               "    ethernets:\n"
               "        ens3:\n"
               "            dhcp4: true\n"
               "        data:\n"
               "            match:\n"
               "                macaddress: 52:54:00:12:34:56\n"
               "            set-name: eth1\n"
               "            addresses: [192.168.10.5/24]\n");
  NetworkFacts facts;
  probeNetplan(host, facts);
  EXPECT_TRUE(facts.problems.empty());
  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_EQ(facts.stacks[0].name, "netplan");
  EXPECT_TRUE(facts.stacks[0].in_use);
  EXPECT_NE(facts.stacks[0].evidence.find("/usr/sbin/netplan"), std::string::npos);
  EXPECT_NE(facts.stacks[0].evidence.find("networkd (2 definitions)"), std::string::npos)
      << facts.stacks[0].evidence;
  ASSERT_EQ(facts.configs.size(), 2u);
  const NicConfig* ens3 = byName(facts.configs, "ens3");
  ASSERT_NE(ens3, nullptr);
  EXPECT_EQ(ens3->source, (SourceRef{"/etc/netplan/50-cloud-init.yaml", 4}));
  EXPECT_EQ(ens3->ipv4, AddrMethod::kDhcp);
  const NicConfig* eth1 = byName(facts.configs, "eth1");
  ASSERT_NE(eth1, nullptr);
  EXPECT_EQ(eth1->match_mac, "52:54:00:12:34:56");
  EXPECT_EQ(eth1->match_line, 8);
  EXPECT_EQ(eth1->set_name, "eth1");
  EXPECT_EQ(eth1->ipv4, AddrMethod::kStatic);
}

TEST(NetplanProbe, ShadowingAndLexicalMerge) {
  testing::TestHost host;
  host.addFile("/lib/netplan/generate", "", 0755)
      // /etc shadows /lib, /run shadows /etc for the same file name.
      .addFile("/lib/netplan/10-base.yaml", "network:\n  ethernets:\n    eth9: {dhcp4: true}\n")
      .addFile("/etc/netplan/10-base.yaml", "network:\n  ethernets:\n    eth0: {dhcp4: true}\n")
      .addFile("/run/netplan/10-base.yaml",
               "network:\n  ethernets:\n    eth0: {dhcp4: true, dhcp6: true}\n")
      // Different names merge in lexical order whatever the directory: 20 (lib) after 10 (run).
      .addFile("/lib/netplan/20-override.yaml",
               "network:\n  ethernets:\n    eth0: {dhcp6: false}\n")
      .addFile("/etc/netplan/30-broken.yaml", "network: [\n")
      .addFile("/etc/netplan/notes.txt", "network: {}\n")
      .addDir("/etc/netplan/40-dir.yaml");
  NetworkFacts facts;
  probeNetplan(host, facts);
  ASSERT_EQ(facts.configs.size(), 1u) << "eth9 is shadowed";
  EXPECT_EQ(facts.configs[0].name, "eth0");
  EXPECT_EQ(facts.configs[0].source.file, "/run/netplan/10-base.yaml");
  EXPECT_EQ(facts.configs[0].ipv6, AddrMethod::kNone) << "dhcp6 turned off by 20-override";
  ASSERT_EQ(facts.problems.size(), 1u);
  EXPECT_EQ(facts.problems[0].file, "/etc/netplan/30-broken.yaml");
  EXPECT_EQ(facts.problems[0].line, 2);
  EXPECT_TRUE(facts.stacks[0].in_use);
}

TEST(NetplanProbe, NotInstalled) {
  testing::TestHost host;
  host.addFile("/etc/netplan/01-netcfg.yaml", "network:\n  ethernets:\n    eth0: {dhcp4: yes}\n");
  NetworkFacts facts;
  probeNetplan(host, facts);
  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_FALSE(facts.stacks[0].in_use);
  EXPECT_NE(facts.stacks[0].evidence.find("not installed"), std::string::npos);
  EXPECT_EQ(facts.configs.size(), 1u) << "the configuration is still reported";

  testing::TestHost empty;
  NetworkFacts none;
  probeNetplan(empty, none);
  EXPECT_TRUE(none.configs.empty());
  EXPECT_TRUE(none.problems.empty());
  EXPECT_FALSE(none.stacks.at(0).in_use);
}

}  // namespace
}  // namespace guestprep::os_linux
