// Tests for the systemd-networkd parser and probe: literals, the corpus, fixture hosts.
#include "parsers/networkd.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "probes/network_probes.h"
#include "support/corpus.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

NetworkdUnit network(std::string_view text,
                     std::string_view file = "/etc/systemd/network/x.network") {
  return parseNetworkdUnit(text, file, NetworkdUnit::Type::kNetwork);
}

const NicConfig* byName(const std::vector<NicConfig>& configs, std::string_view name) {
  auto it = std::find_if(configs.begin(), configs.end(),
                         [&](const NicConfig& c) { return c.name == name; });
  return it == configs.end() ? nullptr : &*it;
}

struct Case {
  const char* name;
  const char* text;
  AddrMethod ipv4;
  AddrMethod ipv6;
  bool starts_at_boot;
};

TEST(Networkd, AddressMethods) {
  const Case cases[] = {
      {"dhcp yes", "[Match]\nName=eth0\n[Network]\nDHCP=yes\n", AddrMethod::kDhcp,
       AddrMethod::kDhcp, true},
      {"dhcp ipv4 accepts RAs by default", "[Match]\nName=eth0\n[Network]\nDHCP=ipv4\n",
       AddrMethod::kDhcp, AddrMethod::kAuto, true},
      {"dhcp ipv6", "[Match]\nName=eth0\n[Network]\nDHCP=ipv6\n", AddrMethod::kNone,
       AddrMethod::kDhcp, true},
      {"deprecated both", "[Match]\nName=eth0\n[Network]\nDHCP=both\n", AddrMethod::kDhcp,
       AddrMethod::kDhcp, true},
      {"static v4 no RA", "[Match]\nName=eth0\n[Network]\nAddress=10.0.0.2/24\nIPv6AcceptRA=no\n",
       AddrMethod::kStatic, AddrMethod::kLinkLocal, true},
      {"static v6 in [Address]", "[Match]\nName=eth0\n[Address]\nAddress=2001:db8::2/64\n",
       AddrMethod::kNone, AddrMethod::kStatic, true},
      {"empty Address= resets",
       "[Match]\nName=eth0\n[Network]\nAddress=2001:db8::2/64\nAddress=\nAddress=10.0.0.1/8\n",
       AddrMethod::kStatic, AddrMethod::kAuto, true},
      {"no link-local", "[Match]\nName=eth0\n[Network]\nLinkLocalAddressing=no\n",
       AddrMethod::kNone, AddrMethod::kNone, true},
      {"ipv4 link-local", "[Match]\nName=eth0\n[Network]\nLinkLocalAddressing=ipv4\n",
       AddrMethod::kLinkLocal, AddrMethod::kNone, true},
      {"forwarding turns RA off", "[Match]\nName=eth0\n[Network]\nIPForward=yes\n",
       AddrMethod::kNone, AddrMethod::kLinkLocal, true},
      {"bond port", "[Match]\nName=eth0\n[Network]\nBond=bond0\n", AddrMethod::kNone,
       AddrMethod::kNone, true},
      {"unmanaged", "[Match]\nName=eth0\n[Link]\nUnmanaged=yes\n", AddrMethod::kUnknown,
       AddrMethod::kUnknown, false},
      {"activation policy down",
       "[Match]\nName=eth0\n[Link]\nActivationPolicy=down\n"
       "[Network]\nDHCP=yes\n",
       AddrMethod::kDhcp, AddrMethod::kDhcp, false},
      {"continuation line", "[Match]\nName=eth0\n[Network]\nDHCP=\\\nipv4\n", AddrMethod::kDhcp,
       AddrMethod::kAuto, true},
  };
  for (const Case& c : cases) {
    NetworkdUnit u = network(c.text);
    EXPECT_TRUE(u.problems.empty()) << c.name << ": " << u.problems.size();
    auto configs = networkdNicConfigs({u});
    ASSERT_EQ(configs.size(), 1u) << c.name;
    EXPECT_EQ(configs[0].name, "eth0") << c.name;
    EXPECT_EQ(configs[0].stack, "networkd") << c.name;
    EXPECT_EQ(configs[0].ipv4, c.ipv4) << c.name << ": " << toString(configs[0].ipv4);
    EXPECT_EQ(configs[0].ipv6, c.ipv6) << c.name << ": " << toString(configs[0].ipv6);
    EXPECT_EQ(configs[0].starts_at_boot, c.starts_at_boot) << c.name;
  }
}

TEST(Networkd, MatchNamesAndMacs) {
  auto globs = networkdNicConfigs(
      {network("[Match]\nName=en* eth*\nMACAddress=00-16-3E-AA-BB-CC\n[Network]\nDHCP=yes\n")});
  ASSERT_EQ(globs.size(), 2u);
  EXPECT_EQ(globs[0].name, "en*");
  EXPECT_EQ(globs[1].name, "eth*");
  EXPECT_EQ(globs[1].match_mac, "00:16:3e:aa:bb:cc");
  EXPECT_EQ(globs[1].match_line, 3);
  EXPECT_EQ(globs[1].source.line, 1);

  auto inverted = networkdNicConfigs({network("[Match]\nName=!lo docker*\n")});
  ASSERT_EQ(inverted.size(), 1u);
  EXPECT_EQ(inverted[0].name, "!lo docker*");

  auto mac_only = networkdNicConfigs({network("[Match]\nMACAddress=00:16:3e:00:00:01\n")});
  ASSERT_EQ(mac_only.size(), 1u);
  EXPECT_EQ(mac_only[0].name, "");
  EXPECT_EQ(mac_only[0].match_mac, "00:16:3e:00:00:01");

  auto all = networkdNicConfigs({network("[Network]\nDHCP=yes\n")});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name, "*") << "no [Match]: every interface";

  auto typed = networkdNicConfigs({network("[Match]\nType=ether\nName=e*\n")});
  EXPECT_EQ(typed[0].kind, "ethernet");

  // Only the first file with the same [Match] applies.
  auto first = networkdNicConfigs({network("[Match]\nName=eth0\n[Network]\nDHCP=no\n", "a"),
                                   network("[Match]\nName=eth0\n[Network]\nDHCP=yes\n", "b")});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].source.file, "a");
}

TEST(Networkd, NetdevsMembersAndVlans) {
  std::vector<NetworkdUnit> units;
  units.push_back(parseNetworkdUnit("[NetDev]\nName=bond0\nKind=bond\n", "/n/10-bond0.netdev",
                                    NetworkdUnit::Type::kNetDev));
  units.push_back(parseNetworkdUnit("[NetDev]\nName=br9\nKind=bridge\n", "/n/10-br9.netdev",
                                    NetworkdUnit::Type::kNetDev));
  units.push_back(parseNetworkdUnit("[NetDev]\nName=vlan7\nKind=vlan\n[VLAN]\nId=7\n",
                                    "/n/10-vlan7.netdev", NetworkdUnit::Type::kNetDev));
  units.push_back(
      network("[Match]\nName=bond0\n[Network]\nDHCP=ipv4\nVLAN=vlan7\n", "/n/20-bond0.network"));
  units.push_back(
      network("[Match]\nName=eth0 eth1\n[Network]\nBond=bond0\n", "/n/30-ports.network"));
  units.push_back(
      network("[Match]\nName=vlan7\n[Network]\nAddress=10.7.0.1/24\n", "/n/40-vlan7.network"));
  EXPECT_EQ(units[2].vlan_id, 7);
  auto configs = networkdNicConfigs(units);
  ASSERT_EQ(configs.size(), 5u);
  const NicConfig* bond = byName(configs, "bond0");
  ASSERT_NE(bond, nullptr);
  EXPECT_EQ(bond->kind, "bond");
  EXPECT_EQ(bond->members, (std::vector<std::string>{"eth0", "eth1"}));
  EXPECT_EQ(bond->source.file, "/n/20-bond0.network");
  EXPECT_EQ(byName(configs, "eth1")->master, "bond0");
  EXPECT_EQ(byName(configs, "vlan7")->kind, "vlan");
  EXPECT_EQ(byName(configs, "vlan7")->parent, "bond0");
  const NicConfig* br = byName(configs, "br9");
  ASSERT_NE(br, nullptr) << "a .netdev without .network is still listed";
  EXPECT_FALSE(br->starts_at_boot);
  EXPECT_EQ(br->source.file, "/n/10-br9.netdev");
}

TEST(Networkd, LinkFilesPinNames) {
  std::vector<NetworkdUnit> units;
  units.push_back(parseNetworkdUnit(
      "[Match]\nMACAddress=52:54:00:aa:bb:01 52:54:00:aa:bb:02\n\n[Link]\nName=lan0\n",
      "/etc/systemd/network/10-lan0.link", NetworkdUnit::Type::kLink));
  units.push_back(parseNetworkdUnit("[Match]\nMACAddress=52:54:00:aa:bb:02\n[Link]\nName=lan9\n",
                                    "/etc/systemd/network/20-lan9.link",
                                    NetworkdUnit::Type::kLink));
  units.push_back(parseNetworkdUnit(
      "[Match]\nMACAddress=52:54:00:aa:bb:03\n[Link]\nNamePolicy=kernel path\nName=wan0\n",
      "/etc/systemd/network/30-wan0.link", NetworkdUnit::Type::kLink));
  units.push_back(parseNetworkdUnit("[Match]\nOriginalName=*\n[Link]\nNamePolicy=path\n",
                                    "/usr/lib/systemd/network/99-default.link",
                                    NetworkdUnit::Type::kLink));
  auto rules = networkdLinkRules(units);
  ASSERT_EQ(rules.size(), 2u) << "the first .link wins; NamePolicy= overrides Name=";
  EXPECT_EQ(rules[0].mac, "52:54:00:aa:bb:01");
  EXPECT_EQ(rules[1].mac, "52:54:00:aa:bb:02");
  EXPECT_EQ(rules[1].name, "lan0");
  EXPECT_EQ(rules[1].source, (SourceRef{"/etc/systemd/network/10-lan0.link", 5}));
  EXPECT_TRUE(networkdNicConfigs(units).empty()) << ".link files configure no addresses";
}

TEST(Networkd, Problems) {
  NetworkdUnit u = network(
      "[Match]\nName=eth0\nMACAddress=not-a-mac\n[Network]\nDHCP=sometimes\n"
      "IPv6AcceptRA=maybe\ngarbage\n");
  ASSERT_EQ(u.problems.size(), 4u);
  std::vector<int> lines;
  for (const ConfigProblem& p : u.problems) {
    EXPECT_EQ(p.file, "/etc/systemd/network/x.network");
    lines.push_back(p.line);
  }
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<int>{3, 5, 6, 7}));
}

TEST(Networkd, DropInOverrides) {
  NetworkdUnit u = network("[Match]\nName=eth0\n[Network]\nDHCP=yes\nAddress=10.0.0.1/24\n");
  applyNetworkdDropIn(u, "[Network]\nDHCP=no\nAddress=\nAddress=fd00::1/64\n", "/d/x.conf");
  auto configs = networkdNicConfigs({u});
  ASSERT_EQ(configs.size(), 1u);
  EXPECT_EQ(configs[0].ipv4, AddrMethod::kNone);
  EXPECT_EQ(configs[0].ipv6, AddrMethod::kStatic);
  EXPECT_EQ(configs[0].source.file, "/etc/systemd/network/x.network");
}

TEST(Networkd, CorpusConcreteValues) {
  GUESTPREP_REQUIRE_CORPUS();
  auto dir = *testing::corpusDir() / "network-networkd";
  auto load = [&](const char* rel) {
    std::string name = rel;
    return parseNetworkdUnit(testing::readTestFile(dir / rel), rel, *networkdUnitType(name));
  };
  NetworkdUnit eth0 = load("cloud-init/10-cloud-init-eth0.network");
  EXPECT_EQ(eth0.source.line, 7) << "the [Match] header";
  EXPECT_EQ(eth0.bond, "bond0");
  EXPECT_EQ(eth0.vlans, (std::vector<std::string>{"vlan100", "vlan101", "vlan102"}));
  NetworkdUnit bond = load("cloud-init/10-cloud-init-bond0-8023ad.netdev");
  EXPECT_EQ(bond.netdev_name, "bond0");
  EXPECT_EQ(bond.netdev_kind, "bond");
  EXPECT_EQ(bond.source.line, 11);
  NetworkdUnit vlan = load("cloud-init/10-cloud-init-bond.200.netdev");
  EXPECT_EQ(vlan.vlan_id, 200);
  EXPECT_EQ(vlan.netdev_name, "bond.200");

  auto configs = networkdNicConfigs({bond, vlan, eth0});
  const NicConfig* e = byName(configs, "eth0");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->match_mac, "00:11:22:33:44:55");
  EXPECT_EQ(e->match_line, 8);
  EXPECT_EQ(e->master, "bond0");
  EXPECT_EQ(e->ipv4, AddrMethod::kStatic) << "Address=192.0.2.10/24 in [Address]";
  EXPECT_EQ(byName(configs, "bond0")->members, std::vector<std::string>{"eth0"});

  auto eth99 =
      networkdNicConfigs({load("cloud-init-rendered/small_v1__10-cloud-init-eth99.network")});
  ASSERT_EQ(eth99.size(), 1u);
  EXPECT_EQ(eth99[0].name, "eth99");
  EXPECT_EQ(eth99[0].match_mac, "c0:d6:9f:2c:e8:80");
  EXPECT_EQ(eth99[0].ipv4, AddrMethod::kDhcp);
  EXPECT_EQ(eth99[0].ipv6, AddrMethod::kAuto);

  auto br0 = networkdNicConfigs({load("cloud-init/10-cloud-init-br0.network")});
  ASSERT_EQ(br0.size(), 1u);
  EXPECT_EQ(br0[0].set_mac, "00:11:22:33:44:aa");
  EXPECT_EQ(br0[0].ipv4, AddrMethod::kStatic);
  EXPECT_EQ(br0[0].source.line, 8);
}

TEST(Networkd, CorpusProperties) {
  GUESTPREP_REQUIRE_CORPUS();
  int files = 0;
  for (const auto& path : testing::corpusFiles("network-networkd")) {
    auto type = networkdUnitType(path.filename().string());
    ASSERT_TRUE(type) << path;
    std::string text = testing::readTestFile(path);
    NetworkdUnit u = parseNetworkdUnit(text, path.string(), *type);
    EXPECT_TRUE(u.problems.empty()) << path;
    int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    for (const NicConfig& c : networkdNicConfigs({u})) {
      EXPECT_FALSE(c.name.empty()) << path;
      EXPECT_GE(c.source.line, 1) << path;
      EXPECT_LE(c.source.line, lines) << path;
      EXPECT_NE(c.ipv4, AddrMethod::kUnknown) << path;
      if (*type == NetworkdUnit::Type::kNetwork) {
        EXPECT_TRUE(c.starts_at_boot) << path;
      }
    }
    ++files;
  }
  EXPECT_EQ(files, 6);
}

// A .network/.netdev pair as an admin writes it, with shadowing, masking and a drop-in.
TEST(NetworkdProbe, PairOfFiles) {
  testing::TestHost host;
  host.addSymlink("/sbin/init", "/lib/systemd/systemd")
      .addFile("/lib/systemd/system/systemd-networkd.service", "[Unit]\n")
      .addSymlink("/etc/systemd/system/multi-user.target.wants/systemd-networkd.service",
                  "/lib/systemd/system/systemd-networkd.service")
      .addFile("/etc/systemd/network/10-br0.netdev", "[NetDev]\nName=br0\nKind=bridge\n")
      .addFile("/etc/systemd/network/20-br0.network",
               "[Match]\nName=br0\n\n[Network]\nAddress=192.168.1.10/24\nGateway=192.168.1.1\n")
      .addFile("/etc/systemd/network/30-eth0.network",
               "[Match]\nName=eth0\n[Network]\nBridge=br0\n")
      // /etc shadows /usr/lib; an empty file masks.
      .addFile("/usr/lib/systemd/network/30-eth0.network",
               "[Match]\nName=eth0\n[Network]\nDHCP=yes\n")
      .addFile("/usr/lib/systemd/network/80-container.network", "[Match]\nName=ve-*\n")
      .addFile("/etc/systemd/network/80-container.network", "")
      .addFile("/run/systemd/network/20-br0.network.d/ipv6.conf", "[Network]\nIPv6AcceptRA=yes\n")
      .addFile("/usr/lib/systemd/network/99-default.link",
               "[Match]\nOriginalName=*\n"
               "[Link]\nNamePolicy=keep kernel path\n")
      .addFile("/etc/systemd/network/10-pin.link",
               "[Match]\nMACAddress=00:16:3e:01:02:03\n[Link]\nName=eth0\n")
      .addFile("/etc/systemd/network/README", "not a unit\n");
  NetworkFacts facts;
  probeNetworkd(host, facts);
  EXPECT_TRUE(facts.problems.empty());
  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_EQ(facts.stacks[0].name, "networkd");
  EXPECT_TRUE(facts.stacks[0].in_use) << facts.stacks[0].evidence;
  ASSERT_EQ(facts.configs.size(), 2u);
  const NicConfig* br0 = byName(facts.configs, "br0");
  ASSERT_NE(br0, nullptr);
  EXPECT_EQ(br0->kind, "bridge");
  EXPECT_EQ(br0->source, (SourceRef{"/etc/systemd/network/20-br0.network", 1}));
  EXPECT_EQ(br0->ipv4, AddrMethod::kStatic);
  EXPECT_EQ(br0->ipv6, AddrMethod::kAuto) << "the drop-in enables RAs on the bridge";
  EXPECT_EQ(br0->members, std::vector<std::string>{"eth0"});
  const NicConfig* eth0 = byName(facts.configs, "eth0");
  ASSERT_NE(eth0, nullptr);
  EXPECT_EQ(eth0->source.file, "/etc/systemd/network/30-eth0.network");
  EXPECT_EQ(eth0->master, "br0");
  EXPECT_EQ(eth0->ipv4, AddrMethod::kNone);
  ASSERT_EQ(facts.persistent_net_rules.size(), 1u);
  EXPECT_EQ(facts.persistent_net_rules[0].name, "eth0");
  EXPECT_EQ(facts.persistent_net_rules[0].mac, "00:16:3e:01:02:03");
  EXPECT_EQ(facts.persistent_net_rules[0].source,
            (SourceRef{"/etc/systemd/network/10-pin.link", 4}));
}

TEST(NetworkdProbe, NotEnabled) {
  testing::TestHost host;
  host.addSymlink("/sbin/init", "/lib/systemd/systemd")
      .addFile("/lib/systemd/system/systemd-networkd.service", "[Unit]\n")
      .addFile("/usr/sbin/netplan", "", 0755);
  NetworkFacts facts;
  probeNetworkd(host, facts);
  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_FALSE(facts.stacks[0].in_use);
  EXPECT_NE(facts.stacks[0].evidence.find("no *.wants/ link"), std::string::npos)
      << facts.stacks[0].evidence;
  EXPECT_NE(facts.stacks[0].evidence.find("netplan renders"), std::string::npos);
  EXPECT_TRUE(facts.configs.empty());
}

}  // namespace
}  // namespace guestprep::os_linux
