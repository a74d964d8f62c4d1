// Tests for the ifupdown interfaces parser, its NicConfig conversion, the probe and the corpus.
#include "parsers/eni.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "parsers/text.h"
#include "probes/network_probes.h"
#include "support/corpus.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

const NicConfig* findConfig(const std::vector<NicConfig>& configs, std::string_view name) {
  auto it = std::find_if(configs.begin(), configs.end(),
                         [&](const NicConfig& c) { return c.name == name; });
  return it == configs.end() ? nullptr : &*it;
}

bool anyProblemHas(const std::vector<ConfigProblem>& problems, std::string_view text) {
  return std::any_of(problems.begin(), problems.end(), [&](const ConfigProblem& p) {
    return p.message.find(text) != std::string::npos;
  });
}

struct ParseCase {
  const char* name;
  const char* text;
  std::size_t ifaces;
  const char* first_family;  // of the first stanza
  const char* first_method;
  int first_line;
  const char* option_key;  // first option of the first stanza, "" for none
  const char* option_value;
  int option_line;
  std::size_t problems;
};

TEST(EniParse, TableOfLiterals) {
  const ParseCase cases[] = {
      {"dhcp", "auto eth0\niface eth0 inet dhcp\n", 1, "inet", "dhcp", 2, "", "", 0, 0},
      {"indented options", "iface eth0 inet static\n\taddress 10.0.0.2/24\n", 1, "inet", "static",
       1, "address", "10.0.0.2/24", 2, 0},
      {"comment in stanza", "iface eth0 inet static\n  # old\n  address 10.0.0.2\n", 1, "inet",
       "static", 1, "address", "10.0.0.2", 3, 0},
      {"continuation", "iface eth0 inet static\n  address \\\n10.0.0.2\n", 1, "inet", "static", 1,
       "address", "10.0.0.2", 2, 0},
      {"blank after backslash does not continue",
       "iface eth0 inet static\n address 1.2.3.4 \\ \n"
       " netmask 8\n",
       1, "inet", "static", 1, "address", "1.2.3.4 \\", 2, 0},
      {"comment does not continue", "# note \\\niface eth0 inet dhcp\n", 1, "inet", "dhcp", 2, "",
       "", 0, 0},
      {"hash after value is not a comment", "iface eth0 inet static\n address 10.0.0.2 # x\n", 1,
       "inet", "static", 1, "address", "10.0.0.2 # x", 2, 0},
      {"crlf", "auto eth0\r\niface eth0 inet6 auto\r\n  mtu 1500\r\n", 1, "inet6", "auto", 2, "mtu",
       "1500", 3, 0},
      {"no trailing newline", "iface eth0 inet manual", 1, "inet", "manual", 1, "", "", 0, 0},
      {"misplaced option after auto", "iface eth0 inet dhcp\nauto eth0\n  mtu 1500\n  up x\n", 1,
       "inet", "dhcp", 1, "", "", 0, 1},
      {"unknown method", "iface eth0 inet dhcp4\n", 1, "inet", "dhcp4", 1, "", "", 0, 1},
      {"unknown family", "iface eth0 inet4 dhcp\n", 1, "inet4", "dhcp", 1, "", "", 0, 1},
      {"method of the other family", "iface eth0 inet auto\n", 1, "inet", "auto", 1, "", "", 0, 1},
      {"no method", "iface eth0 inet\n", 1, "inet", "", 1, "", "", 0, 1},
      {"ifupdown2 without family", "iface br0\n  bridge-ports a b\n", 1, "", "", 1, "bridge-ports",
       "a b", 2, 1},
      {"empty option value", "iface eth0 inet static\n  address\n", 1, "inet", "static", 1,
       "address", "", 2, 1},
      {"inherits", "iface eth0 inet static inherits base\n", 1, "inet", "static", 1, "", "", 0, 0},
      {"extra words", "iface eth0 inet dhcp metric 5\n", 1, "inet", "dhcp", 1, "", "", 0, 1},
      {"no name", "iface\n  address 1.2.3.4\n", 0, "", "", 0, "", "", 0, 1},
      {"mapping", "mapping eth0\n  script /bin/map\n  map a b\n", 0, "", "", 0, "", "", 0, 0},
      {"mapping bad option", "mapping eth0\n  script /bin/map\n  mtu 1\n", 0, "", "", 0, "", "", 0,
       1},
      {"mako template", "%for p in x:\niface swp${p}\n  mtu 9000\n%endfor\n", 0, "", "", 0, "", "",
       0, 3},
      {"shell variable in a command", "iface eth0 inet manual\n  up ip link set ${IFACE} up\n", 1,
       "inet", "manual", 1, "up", "ip link set ${IFACE} up", 2, 0},
      {"blank and comment only", "\n   \n# auto eth0\n", 0, "", "", 0, "", "", 0, 0},
  };
  for (const ParseCase& c : cases) {
    EniFile f = parseEni(c.text, "/etc/network/interfaces");
    ASSERT_EQ(f.ifaces.size(), c.ifaces) << c.name;
    EXPECT_EQ(f.problems.size(), c.problems) << c.name;
    for (const ConfigProblem& p : f.problems)
      EXPECT_EQ(p.file, "/etc/network/interfaces") << c.name;
    if (c.ifaces == 0) continue;
    const EniIface& st = f.ifaces.front();
    EXPECT_EQ(st.family, c.first_family) << c.name;
    EXPECT_EQ(st.method, c.first_method) << c.name;
    EXPECT_EQ(st.line, c.first_line) << c.name;
    EXPECT_EQ(st.file, "/etc/network/interfaces") << c.name;
    if (std::string(c.option_key).empty()) {
      EXPECT_TRUE(st.options.empty()) << c.name;
    } else {
      ASSERT_FALSE(st.options.empty()) << c.name;
      EXPECT_EQ(st.options.front().key, c.option_key) << c.name;
      EXPECT_EQ(st.options.front().value, c.option_value) << c.name;
      EXPECT_EQ(st.options.front().line, c.option_line) << c.name;
    }
  }
}

TEST(EniParse, DirectivesAndNameLists) {
  EniFile f = parseEni(
      "auto lo eth0\nallow-hotplug eth1\nallow-ovs br0\nno-auto-down eth0\nno-scripts eth1\n"
      "source interfaces.d/a /etc/b\nsource-directory interfaces.d\nsource-dir /x\n"
      "mapping eth2 eth3\n  script /usr/local/sbin/map-scheme\n  map HOME eth2-home\n"
      "iface eth0 inet static inherits base\n",
      "/etc/network/interfaces");
  ASSERT_EQ(f.name_lists.size(), 5u);
  EXPECT_EQ(f.name_lists[0].keyword, "auto");
  EXPECT_EQ(joined(f.name_lists[0].names), "lo,eth0");
  EXPECT_EQ(f.name_lists[2].keyword, "allow-ovs");
  EXPECT_EQ(f.name_lists[4].keyword, "no-scripts");
  EXPECT_EQ(f.name_lists[4].line, 5);
  ASSERT_EQ(f.includes.size(), 4u);
  EXPECT_FALSE(f.includes[0].directory);
  EXPECT_EQ(f.includes[0].pattern, "interfaces.d/a");
  EXPECT_EQ(f.includes[1].pattern, "/etc/b");
  EXPECT_EQ(f.includes[1].line, 6);
  EXPECT_TRUE(f.includes[2].directory);
  EXPECT_TRUE(f.includes[3].directory) << "config.c matches source-dir as a prefix";
  ASSERT_EQ(f.mappings.size(), 1u);
  EXPECT_EQ(joined(f.mappings[0].patterns), "eth2,eth3");
  EXPECT_EQ(f.mappings[0].script, "/usr/local/sbin/map-scheme");
  EXPECT_EQ(joined(f.mappings[0].maps), "HOME eth2-home");
  EXPECT_EQ(f.mappings[0].line, 9);
  ASSERT_EQ(f.ifaces.size(), 1u);
  EXPECT_EQ(f.ifaces[0].inherits, "base");
  EXPECT_TRUE(f.startsAtBoot("eth0"));
  EXPECT_TRUE(f.startsAtBoot("eth1"));
  EXPECT_FALSE(f.startsAtBoot("br0"));
  EXPECT_TRUE(f.problems.empty());
}

TEST(EniParse, OptionKeysMatchWithHyphensOrUnderscores) {
  EniFile f = parseEni("iface br0 inet manual\n  bridge_ports eth0\n  bridge-ports eth1\n");
  ASSERT_EQ(f.ifaces.size(), 1u);
  EXPECT_EQ(joined(f.ifaces[0].values("bridge-ports")), "eth0,eth1");
  EXPECT_EQ(f.ifaces[0].last("BRIDGE_PORTS"), "eth1");
  EXPECT_FALSE(f.ifaces[0].has("bond-slaves"));
}

struct ConvertCase {
  const char* name;
  const char* text;
  const char* iface;
  const char* kind;
  AddrMethod ipv4;
  AddrMethod ipv6;
  bool boot;
  const char* members;
  const char* parent;
  const char* master;
  const char* set_mac;
  int line;
};

TEST(EniConvert, TableOfLiterals) {
  using enum AddrMethod;
  const ConvertCase cases[] = {
      {"dhcp at boot", "auto eth0\niface eth0 inet dhcp\n", "eth0", "ethernet", kDhcp, kNone, true,
       "", "", "", "", 2},
      {"allow-hotplug", "allow-hotplug eth0\niface eth0 inet dhcp\n", "eth0", "ethernet", kDhcp,
       kNone, true, "", "", "", "", 2},
      {"allow-auto", "allow-auto eth0\niface eth0 inet dhcp\n", "eth0", "ethernet", kDhcp, kNone,
       true, "", "", "", "", 2},
      {"other allow class", "allow-ovs eth0\niface eth0 inet manual\n", "eth0", "ethernet", kNone,
       kNone, false, "", "", "", "", 2},
      {"no auto line", "iface eth0 inet static\n address 10.0.0.2/24\n", "eth0", "ethernet",
       kStatic, kNone, false, "", "", "", "", 1},
      {"inet and inet6 merged",
       "auto eth0\niface eth0 inet static\n address 10.0.0.2/24\n"
       "iface eth0 inet6 auto\n",
       "eth0", "ethernet", kStatic, kAuto, true, "", "", "", "", 2},
      {"inet6 only", "iface eth0 inet6 dhcp\n", "eth0", "ethernet", kNone, kDhcp, false, "", "", "",
       "", 1},
      {"first inet stanza decides",
       "iface eth0 inet dhcp\niface eth0 inet static\n address 1.2.3.4"
       "\n",
       "eth0", "ethernet", kDhcp, kNone, false, "", "", "", "", 1},
      {"loopback", "auto lo\niface lo inet loopback\n", "lo", "loopback", kNone, kNone, true, "",
       "", "", "", 2},
      {"bond", "auto bond0\niface bond0 inet dhcp\n  bond-slaves eth0 eth1\n  bond-mode 4\n",
       "bond0", "bond", kDhcp, kNone, true, "eth0,eth1", "", "", "", 2},
      {"ifenslave slaves", "iface bond0 inet dhcp\n  slaves eth0 eth1\n", "bond0", "bond", kDhcp,
       kNone, false, "eth0,eth1", "", "", "", 1},
      {"bond slave", "iface eth0 inet manual\n  bond-master bond0\n  bond-mode 4\n", "eth0",
       "ethernet", kNone, kNone, false, "", "", "bond0", "", 1},
      {"bridge", "iface br0 inet static\n  bridge_ports eth0 eth1\n  address 10.0.0.1/24\n", "br0",
       "bridge", kStatic, kNone, false, "eth0,eth1", "", "", "", 1},
      {"bridge without ports", "iface br0 inet static\n  bridge-ports none\n", "br0", "bridge",
       kStatic, kNone, false, "", "", "", "", 1},
      {"vlan by name", "iface eth0.100 inet static\n  address 10.1.0.2/24\n", "eth0.100", "vlan",
       kStatic, kNone, false, "", "eth0", "", "", 1},
      {"vlan raw device", "iface vlan100 inet dhcp\n  vlan-raw-device eth1\n", "vlan100", "vlan",
       kDhcp, kNone, false, "", "eth1", "", "", 1},
      {"vlanNNN without raw device", "iface vlan7 inet dhcp\n", "vlan7", "vlan", kDhcp, kNone,
       false, "", "", "", "", 1},
      {"alias", "auto eth0:1\niface eth0:1 inet static\n  address 10.0.0.3\n", "eth0:1", "alias",
       kStatic, kNone, true, "", "eth0", "", "", 2},
      {"hwaddress ether", "iface eth0 inet dhcp\n  hwaddress ether 00:11:22:AA:BB:CC\n", "eth0",
       "ethernet", kDhcp, kNone, false, "", "", "", "00:11:22:aa:bb:cc", 1},
      {"hwaddress plain", "iface eth0 inet dhcp\n  hwaddress 00-11-22-aa-bb-cd\n", "eth0",
       "ethernet", kDhcp, kNone, false, "", "", "", "00:11:22:aa:bb:cd", 1},
      {"hwaddress random", "iface eth0 inet dhcp\n  hwaddress random\n", "eth0", "ethernet", kDhcp,
       kNone, false, "", "", "", "random", 1},
      {"bootp", "iface eth0 inet bootp\n", "eth0", "ethernet", kDhcp, kNone, false, "", "", "", "",
       1},
      {"ipv4ll", "iface eth0 inet ipv4ll\n", "eth0", "ethernet", kLinkLocal, kNone, false, "", "",
       "", "", 1},
      {"ppp", "iface dsl inet ppp\n  provider dsl\n", "dsl", "other", kUnknown, kNone, false, "",
       "", "", "", 1},
      {"v4tunnel", "iface he0 inet6 v4tunnel\n  address 2001:db8::2\n  endpoint 192.0.2.1\n", "he0",
       "other", kNone, kStatic, false, "", "", "", "", 1},
      {"inherits a template",
       "iface base inet static\n  hwaddress 02:00:00:00:00:01\n"
       "iface eth0 inet static inherits base\n  address 10.0.0.2/24\n",
       "eth0", "ethernet", kStatic, kNone, false, "", "", "", "02:00:00:00:00:01", 3},
      {"inherits family and method", "iface base inet dhcp\n  mtu 1500\niface eth0 inherits base\n",
       "eth0", "ethernet", kDhcp, kNone, false, "", "", "", "", 3},
      {"ifupdown2 addresses without family",
       "iface swp1\n  address 10.0.0.1/24\n"
       "  address 2001:db8::1/64\n",
       "swp1", "ethernet", kStatic, kStatic, false, "", "", "", "", 1},
      {"ifupdown2 v6 address only", "iface swp1\n  address 2001:db8::1/64\n", "swp1", "ethernet",
       kNone, kStatic, false, "", "", "", "", 1},
      {"unknown family leaves it unknown", "iface eth0 inet4 dhcp\n", "eth0", "ethernet", kUnknown,
       kUnknown, false, "", "", "", "", 1},
      {"wireless", "iface wlan0 inet dhcp\n  wpa-ssid home\n", "wlan0", "wireless", kDhcp, kNone,
       false, "", "", "", "", 1},
      {"infiniband", "iface ib0 inet static\n  address 10.9.0.1/24\n", "ib0", "infiniband", kStatic,
       kNone, false, "", "", "", "", 1},
      {"can bus", "iface can0 can static\n  bitrate 125000\n", "can0", "other", kNone, kNone, false,
       "", "", "", "", 1},
  };
  for (const ConvertCase& c : cases) {
    EniNicConfigs r = eniToNicConfigs(parseEni(c.text, "/etc/network/interfaces"));
    const NicConfig* n = findConfig(r.configs, c.iface);
    ASSERT_NE(n, nullptr) << c.name;
    EXPECT_EQ(n->stack, "eni") << c.name;
    EXPECT_EQ(n->kind, c.kind) << c.name;
    EXPECT_EQ(n->ipv4, c.ipv4) << c.name << ": ipv4 " << toString(n->ipv4);
    EXPECT_EQ(n->ipv6, c.ipv6) << c.name << ": ipv6 " << toString(n->ipv6);
    EXPECT_EQ(n->starts_at_boot, c.boot) << c.name;
    EXPECT_EQ(joined(n->members), c.members) << c.name;
    EXPECT_EQ(n->parent, c.parent) << c.name;
    EXPECT_EQ(n->master, c.master) << c.name;
    EXPECT_EQ(n->set_mac, c.set_mac) << c.name;
    EXPECT_EQ(n->source, (SourceRef{"/etc/network/interfaces", c.line})) << c.name;
    EXPECT_TRUE(n->match_mac.empty()) << c.name;
  }
}

TEST(EniConvert, OneConfigPerInterfaceInFirstAppearanceOrder) {
  EniNicConfigs r = eniToNicConfigs(
      parseEni("iface eth1 inet dhcp\niface eth0 inet dhcp\niface eth1 inet6 auto\n"));
  ASSERT_EQ(r.configs.size(), 2u);
  EXPECT_EQ(r.configs[0].name, "eth1");
  EXPECT_EQ(r.configs[0].ipv6, AddrMethod::kAuto);
  EXPECT_EQ(r.configs[1].name, "eth0");
}

TEST(EniConvert, SlavesNamingTheirBondAreMembers) {
  // cloud-init's rendering: the bond says `bond-slaves none`, each slave says `bond-master`.
  EniNicConfigs r = eniToNicConfigs(parseEni(
      "auto eth1\niface eth1 inet manual\n  bond-master bond0\n"
      "auto eth2\niface eth2 inet manual\n  bond-master bond0\n"
      "auto bond0\niface bond0 inet dhcp\n  bond-mode active-backup\n  bond-slaves none\n"));
  const NicConfig* bond = findConfig(r.configs, "bond0");
  ASSERT_NE(bond, nullptr);
  EXPECT_EQ(bond->kind, "bond");
  EXPECT_EQ(joined(bond->members), "eth1,eth2");
  EXPECT_EQ(findConfig(r.configs, "eth2")->master, "bond0");
}

TEST(EniConvert, PortsNamedByTheirMasterGetIt) {
  EniNicConfigs r = eniToNicConfigs(
      parseEni("iface eth0 inet manual\niface eth1 inet manual\n  bond-master bond9\n"
               "iface br0 inet dhcp\n  bridge_ports eth0 eth1\n"));
  EXPECT_EQ(findConfig(r.configs, "eth0")->master, "br0");
  EXPECT_EQ(findConfig(r.configs, "eth1")->master, "bond9") << "an explicit bond-master wins";
}

TEST(EniConvert, NotesWhatFilesCannotTell) {
  EniNicConfigs r = eniToNicConfigs(
      parseEni("auto lo eth0 eth5\nmapping eth0\n  script /usr/local/sbin/map\n  map HOME home\n"
               "iface home inet dhcp\niface br0 inet manual\n  bridge-ports glob swp1-4 eth9\n"
               "iface x inet static inherits missing\n",
               "/etc/network/interfaces"));
  EXPECT_TRUE(anyProblemHas(r.problems, "mapping eth0: the script /usr/local/sbin/map"));
  EXPECT_TRUE(anyProblemHas(r.problems, "'auto eth5' but no iface stanza"));
  EXPECT_FALSE(anyProblemHas(r.problems, "auto eth0")) << "eth0 is chosen by its mapping";
  EXPECT_FALSE(anyProblemHas(r.problems, "auto lo")) << "ifupdown defines lo itself";
  EXPECT_TRUE(anyProblemHas(r.problems, "uses 'glob swp1-4'"));
  EXPECT_TRUE(anyProblemHas(r.problems, "unknown iface to inherit from: missing"));
  EXPECT_EQ(joined(findConfig(r.configs, "br0")->members), "eth9");
  const NicConfig* home = findConfig(r.configs, "home");
  ASSERT_NE(home, nullptr);
  EXPECT_FALSE(home->starts_at_boot);
}

// ---- probe over a fixture root ----

const char kUpstartJob[] = "description \"configure network interfaces\"\nstart on runlevel\n";

TEST(EniProbe, Debian7SourceDirectory) {
  testing::TestHost host;
  host.addFile("/etc/network/interfaces",
               "# The loopback network interface\nauto lo\niface lo inet loopback\n\n"
               "allow-hotplug eth0\niface eth0 inet dhcp\n\n"
               "source-directory /etc/network/interfaces.d\n");
  host.addFile("/etc/network/interfaces.d/eth1",
               "auto eth1\niface eth1 inet static\n"
               "  address 192.168.10.5/24\n");
  host.addFile("/etc/network/interfaces.d/eth2.cfg", "auto eth2\niface eth2 inet dhcp\n");
  host.addDir("/etc/network/interfaces.d/old");
  host.addFile("/sbin/ifup", "", 0755);
  host.addFile("/sbin/init", "", 0755);
  host.addFile("/etc/init.d/networking", "#!/bin/sh\n", 0755);
  host.addSymlink("/etc/rcS.d/S12networking", "../init.d/networking");
  NetworkFacts facts;
  probeEni(host, facts);

  ASSERT_EQ(facts.configs.size(), 3u);
  EXPECT_EQ(facts.configs[0].name, "lo");
  const NicConfig& eth0 = facts.configs[1];
  EXPECT_EQ(eth0.name, "eth0");
  EXPECT_EQ(eth0.ipv4, AddrMethod::kDhcp);
  EXPECT_EQ(eth0.ipv6, AddrMethod::kNone);
  EXPECT_TRUE(eth0.starts_at_boot);
  EXPECT_EQ(eth0.source, (SourceRef{"/etc/network/interfaces", 6}));
  const NicConfig& eth1 = facts.configs[2];
  EXPECT_EQ(eth1.name, "eth1");
  EXPECT_EQ(eth1.ipv4, AddrMethod::kStatic);
  EXPECT_TRUE(eth1.starts_at_boot);
  EXPECT_EQ(eth1.source, (SourceRef{"/etc/network/interfaces.d/eth1", 2}));
  EXPECT_EQ(findConfig(facts.configs, "eth2"), nullptr) << "eth2.cfg is not a run-parts name";
  ASSERT_EQ(facts.problems.size(), 1u);
  EXPECT_EQ(facts.problems[0].file, "/etc/network/interfaces.d/eth2.cfg");
  EXPECT_NE(facts.problems[0].message.find("ignored by source-directory"), std::string::npos);

  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_EQ(facts.stacks[0].name, "eni");
  EXPECT_TRUE(facts.stacks[0].in_use) << facts.stacks[0].evidence;
  EXPECT_NE(facts.stacks[0].evidence.find("/etc/rcS.d/S12networking"), std::string::npos)
      << facts.stacks[0].evidence;
  EXPECT_NE(facts.stacks[0].evidence.find("2 interfaces file(s) read"), std::string::npos)
      << facts.stacks[0].evidence;
}

TEST(EniProbe, Ubuntu14TwoNicsWithUpstart) {
  testing::TestHost host;
  host.addFile(
      "/etc/network/interfaces",
      "auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n\n"
      "auto eth1\niface eth1 inet static\n    address 10.0.1.5\n    netmask 255.255.255.0\n"
      "    gateway 10.0.1.1\n");
  host.addFile("/sbin/ifup", "", 0755);
  host.addFile("/etc/init/networking.conf", kUpstartJob);
  NetworkFacts facts;
  probeEni(host, facts);

  ASSERT_EQ(facts.configs.size(), 3u);
  const NicConfig* eth0 = findConfig(facts.configs, "eth0");
  const NicConfig* eth1 = findConfig(facts.configs, "eth1");
  ASSERT_TRUE(eth0 && eth1);
  EXPECT_TRUE(eth0->starts_at_boot && eth1->starts_at_boot);
  EXPECT_EQ(eth0->ipv4, AddrMethod::kDhcp);
  EXPECT_EQ(eth1->ipv4, AddrMethod::kStatic);
  EXPECT_EQ(eth1->source.line, 8);
  EXPECT_TRUE(facts.problems.empty());
  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_TRUE(facts.stacks[0].in_use);
  EXPECT_NE(facts.stacks[0].evidence.find("/etc/init/networking.conf"), std::string::npos);

  host.addFile("/etc/init/networking.override", "manual\n");
  NetworkFacts disabled;
  probeEni(host, disabled);
  EXPECT_FALSE(disabled.stacks[0].in_use);
  EXPECT_NE(disabled.stacks[0].evidence.find("networking.override"), std::string::npos);
}

TEST(EniProbe, BondOfTwoSlavesWithSystemd) {
  testing::TestHost host;
  host.addFile("/etc/network/interfaces",
               "source /etc/network/interfaces.d/*\n"
               "auto bond0\niface bond0 inet static\n  address 10.0.0.10/24\n"
               "  bond-slaves eth0 eth1\n  bond-mode active-backup\n  bond-miimon 100\n");
  host.addFile("/etc/network/interfaces.d/slaves",
               "auto eth0\niface eth0 inet manual\n  bond-master bond0\n"
               "auto eth1\niface eth1 inet manual\n  bond-master bond0\n");
  host.addFile("/usr/sbin/ifup", "", 0755);
  host.addFile("/lib/systemd/systemd", "", 0755);
  host.addSymlink("/sbin/init", "/lib/systemd/systemd");
  host.addFile("/lib/systemd/system/networking.service", "[Unit]\n");
  host.addSymlink("/etc/systemd/system/network-online.target.wants/networking.service",
                  "/lib/systemd/system/networking.service");
  NetworkFacts facts;
  probeEni(host, facts);

  ASSERT_EQ(facts.configs.size(), 3u);
  EXPECT_EQ(facts.configs[0].name, "eth0") << "the sourced file comes at its source line";
  const NicConfig* bond = findConfig(facts.configs, "bond0");
  ASSERT_NE(bond, nullptr);
  EXPECT_EQ(bond->kind, "bond");
  EXPECT_EQ(joined(bond->members), "eth0,eth1");
  EXPECT_EQ(bond->ipv4, AddrMethod::kStatic);
  EXPECT_EQ(bond->source, (SourceRef{"/etc/network/interfaces", 3}));
  for (const char* slave : {"eth0", "eth1"}) {
    const NicConfig* s = findConfig(facts.configs, slave);
    ASSERT_NE(s, nullptr) << slave;
    EXPECT_EQ(s->master, "bond0") << slave;
    EXPECT_EQ(s->ipv4, AddrMethod::kNone) << slave;
    EXPECT_EQ(s->source.file, "/etc/network/interfaces.d/slaves") << slave;
  }
  EXPECT_TRUE(facts.problems.empty());
  EXPECT_TRUE(facts.stacks[0].in_use) << facts.stacks[0].evidence;
  EXPECT_NE(facts.stacks[0].evidence.find("/usr/sbin/ifup"), std::string::npos);
}

TEST(EniProbe, SourceLoopIsReportedNotFollowed) {
  testing::TestHost host;
  host.addFile("/etc/network/interfaces", "source interfaces.d/*\nsource interfaces\n");
  // Relative to the directory of the including file: interfaces.d/a names interfaces.d/b.
  host.addFile("/etc/network/interfaces.d/a", "source b\nauto eth0\niface eth0 inet dhcp\n");
  host.addFile("/etc/network/interfaces.d/b", "source ../interfaces\niface eth1 inet dhcp\n");
  NetworkFacts facts;
  probeEni(host, facts);

  ASSERT_EQ(facts.configs.size(), 2u);
  EXPECT_EQ(facts.configs[0].name, "eth1");
  EXPECT_EQ(facts.configs[1].name, "eth0");
  int loops = 0;
  for (const ConfigProblem& p : facts.problems) {
    if (p.message.find("source loop") == std::string::npos) continue;
    ++loops;
    EXPECT_TRUE(p.file == "/etc/network/interfaces.d/b" || p.file == "/etc/network/interfaces")
        << p.file;
  }
  EXPECT_EQ(loops, 2) << "b sources interfaces, interfaces sources itself";
  EXPECT_FALSE(facts.stacks[0].in_use);
  EXPECT_NE(facts.stacks[0].evidence.find("not installed"), std::string::npos);
}

TEST(EniProbe, GlobSourcesSortedAndUnreadableReported) {
  testing::TestHost host;
  host.addFile("/etc/network/interfaces",
               "source /etc/network/interfaces.d/*.cfg\nsource /etc/network/interfaces.d\n"
               "source /etc/network/missing\n");
  host.addFile("/etc/network/interfaces.d/b.cfg", "iface eth1 inet dhcp\n");
  host.addFile("/etc/network/interfaces.d/a.cfg", "iface eth0 inet dhcp\n  bogus\n");
  host.addFile("/etc/network/interfaces.d/c.txt", "iface eth2 inet dhcp\n");
  host.addFile("/etc/network/interfaces.d/.hidden.cfg", "iface eth3 inet dhcp\n");
  NetworkFacts facts;
  probeEni(host, facts);

  ASSERT_EQ(facts.configs.size(), 2u);
  EXPECT_EQ(facts.configs[0].name, "eth0");
  EXPECT_EQ(facts.configs[1].name, "eth1");
  bool empty_value = false, directory = false;
  for (const ConfigProblem& p : facts.problems) {
    if (p.file == "/etc/network/interfaces.d/a.cfg" && p.line == 2) empty_value = true;
    if (p.file == "/etc/network/interfaces.d" && p.line == 0) directory = true;
  }
  EXPECT_TRUE(empty_value) << "the option without value in a.cfg";
  EXPECT_TRUE(directory) << "sourcing a directory as a file cannot be read";
  EXPECT_EQ(facts.problems.size(), 2u);
}

TEST(EniProbe, NestingDeeperThanTheLimitIsReported) {
  testing::TestHost host;
  host.addFile("/etc/network/interfaces", "source n1\n");
  for (int i = 1; i <= 12; ++i) {
    host.addFile(
        "/etc/network/n" + std::to_string(i),
        "source n" + std::to_string(i + 1) + "\niface e" + std::to_string(i) + " inet dhcp\n");
  }
  NetworkFacts facts;
  probeEni(host, facts);
  EXPECT_EQ(facts.configs.size(), 8u);
  ASSERT_EQ(facts.problems.size(), 1u);
  EXPECT_EQ(facts.problems[0].file, "/etc/network/n8");
  EXPECT_NE(facts.problems[0].message.find("n9 not read"), std::string::npos)
      << facts.problems[0].message;
}

TEST(EniProbe, SourceDirectoryRelativeWithWildcard) {
  testing::TestHost host;
  // interfaces(5): wildcards are allowed in the directory path, relative to the naming file.
  host.addFile("/etc/network/interfaces", "source-directory interfaces.?\n");
  host.addFile("/etc/network/interfaces.d/uplink", "auto eth0\niface eth0 inet6 auto\n");
  host.addFile("/etc/network/interfaces.x/other_1", "iface eth1 inet dhcp\n");
  NetworkFacts facts;
  probeEni(host, facts);
  ASSERT_EQ(facts.configs.size(), 2u);
  EXPECT_EQ(facts.configs[0].name, "eth0");
  EXPECT_EQ(facts.configs[0].ipv6, AddrMethod::kAuto);
  EXPECT_EQ(facts.configs[1].source, (SourceRef{"/etc/network/interfaces.x/other_1", 1}));
  EXPECT_TRUE(facts.problems.empty());
}

TEST(EniProbe, NoConfigurationAtAll) {
  testing::TestHost host;
  NetworkFacts facts;
  probeEni(host, facts);
  EXPECT_TRUE(facts.configs.empty());
  EXPECT_TRUE(facts.problems.empty());
  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_FALSE(facts.stacks[0].in_use);
  EXPECT_NE(facts.stacks[0].evidence.find("/etc/network/interfaces absent"), std::string::npos);
}

// ---- corpus ----

std::size_t physicalLines(const std::string& text) { return splitLogicalLines(text, false).size(); }

// Properties every file must have, whatever it says.
TEST(EniCorpus, EveryFileParsesWithEvidenceInRange) {
  GUESTPREP_REQUIRE_CORPUS();
  auto files = testing::corpusFiles("network-eni");
  EXPECT_EQ(files.size(), 11u);
  for (const auto& path : files) {
    std::string text = testing::readTestFile(path);
    std::vector<LogicalLine> lines = splitLogicalLines(text, false);
    EniFile f = parseEni(text, path.string());
    EniNicConfigs r = eniToNicConfigs(f);
    for (const NicConfig& c : r.configs) {
      EXPECT_FALSE(c.name.empty()) << path;
      EXPECT_EQ(c.name.find("${"), std::string::npos) << path << ": template name " << c.name;
      EXPECT_EQ(c.stack, "eni") << path;
      EXPECT_EQ(c.source.file, path.string());
      ASSERT_GE(c.source.line, 1) << path << " " << c.name;
      ASSERT_LE(static_cast<std::size_t>(c.source.line), lines.size()) << path << " " << c.name;
      std::string_view at = trim(lines[static_cast<std::size_t>(c.source.line) - 1].text);
      EXPECT_TRUE(at.starts_with("iface")) << path << ":" << c.source.line << " is " << at;
      EXPECT_FALSE(c.kind.empty()) << path << " " << c.name;
    }
    for (const auto* problems : {&f.problems, &r.problems}) {
      for (const ConfigProblem& p : *problems) {
        EXPECT_GE(p.line, 0) << path;
        EXPECT_LE(static_cast<std::size_t>(p.line), physicalLines(text)) << path << p.message;
        EXPECT_FALSE(p.message.empty()) << path;
      }
    }
  }
}

std::string corpusText(const char* rel) {
  return testing::readTestFile(*testing::corpusDir() / "network-eni" / rel);
}

TEST(EniCorpus, DebianMultiFromAugeas) {
  GUESTPREP_REQUIRE_CORPUS();
  EniNicConfigs r = eniToNicConfigs(parseEni(corpusText("augeas/interfaces-debian-multi")));
  std::vector<std::string> names;
  for (const NicConfig& c : r.configs) names.push_back(c.name);
  EXPECT_EQ(joined(names), "lo,eth0,eth0-0,eth0-2,eth0-3,adsl0");
  EXPECT_TRUE(findConfig(r.configs, "lo")->starts_at_boot);
  const NicConfig* eth0 = findConfig(r.configs, "eth0");
  EXPECT_FALSE(eth0->starts_at_boot) << "its auto line is commented out";
  EXPECT_EQ(eth0->ipv4, AddrMethod::kDhcp);
  const NicConfig* eth02 = findConfig(r.configs, "eth0-2");
  EXPECT_EQ(eth02->ipv4, AddrMethod::kStatic);
  EXPECT_EQ(eth02->source.line, 21);
  EXPECT_EQ(eth02->kind, "ethernet");
  EXPECT_TRUE(r.problems.empty());
}

TEST(EniCorpus, CloudInitBond) {
  GUESTPREP_REQUIRE_CORPUS();
  EniFile f = parseEni(corpusText("cloud-init/bond_v1__interfaces"));
  EXPECT_TRUE(f.problems.empty());
  EniNicConfigs r = eniToNicConfigs(f);
  ASSERT_EQ(r.configs.size(), 4u);
  const NicConfig* bond = findConfig(r.configs, "bond0");
  EXPECT_EQ(bond->kind, "bond");
  EXPECT_EQ(joined(bond->members), "bond0s0,bond0s1");
  EXPECT_EQ(bond->ipv4, AddrMethod::kStatic);
  EXPECT_EQ(bond->ipv6, AddrMethod::kStatic);
  EXPECT_EQ(bond->set_mac, "aa:bb:cc:dd:e8:ff");
  EXPECT_EQ(bond->source.line, 31);
  const NicConfig* s0 = findConfig(r.configs, "bond0s0");
  EXPECT_EQ(s0->master, "bond0");
  EXPECT_EQ(s0->ipv4, AddrMethod::kNone);
  EXPECT_TRUE(s0->starts_at_boot);
}

TEST(EniCorpus, CloudInitLarge) {
  GUESTPREP_REQUIRE_CORPUS();
  EniNicConfigs r = eniToNicConfigs(parseEni(corpusText("cloud-init/large_v1__interfaces")));
  EXPECT_EQ(r.configs.size(), 12u);
  const NicConfig* vlan = findConfig(r.configs, "eth0.101");
  EXPECT_EQ(vlan->kind, "vlan");
  EXPECT_EQ(vlan->parent, "eth0");
  EXPECT_EQ(vlan->set_mac, "aa:bb:cc:dd:ee:11");
  EXPECT_EQ(vlan->source.line, 74);
  EXPECT_EQ(findConfig(r.configs, "bond0.200")->parent, "bond0");
  EXPECT_EQ(findConfig(r.configs, "bond0.200")->ipv4, AddrMethod::kDhcp);
  const NicConfig* bond = findConfig(r.configs, "bond0");
  EXPECT_EQ(joined(bond->members), "eth1,eth2");
  EXPECT_EQ(bond->ipv4, AddrMethod::kNone);
  EXPECT_EQ(bond->ipv6, AddrMethod::kDhcp);
  const NicConfig* br = findConfig(r.configs, "br0");
  EXPECT_EQ(br->kind, "bridge");
  EXPECT_EQ(joined(br->members), "eth3,eth4");
  EXPECT_EQ(br->ipv6, AddrMethod::kStatic);
  EXPECT_EQ(findConfig(r.configs, "eth3")->master, "br0");
  const NicConfig* ib = findConfig(r.configs, "ib0");
  EXPECT_EQ(ib->kind, "infiniband");
  EXPECT_EQ(ib->set_mac, "a0:00:02:20:fe:80:00:00:00:00:00:00:ec:0d:9a:03:00:15:e2:c1");
  EXPECT_FALSE(findConfig(r.configs, "eth5")->starts_at_boot);
  EXPECT_EQ(findConfig(r.configs, "eth5")->ipv4, AddrMethod::kDhcp);
}

TEST(EniCorpus, CloudInitSmallAndStatic) {
  GUESTPREP_REQUIRE_CORPUS();
  EniNicConfigs small = eniToNicConfigs(parseEni(corpusText("cloud-init/small_v1__interfaces")));
  ASSERT_EQ(small.configs.size(), 3u);
  EXPECT_EQ(findConfig(small.configs, "eth99")->ipv4, AddrMethod::kDhcp)
      << "the first inet stanza is dhcp; the control-alias one adds an address";
  EXPECT_FALSE(findConfig(small.configs, "eth1")->starts_at_boot);
  EniNicConfigs both =
      eniToNicConfigs(parseEni(corpusText("cloud-init/v1_ipv4_and_ipv6_static__interfaces")));
  const NicConfig* iface0 = findConfig(both.configs, "iface0");
  EXPECT_EQ(iface0->ipv4, AddrMethod::kStatic);
  EXPECT_EQ(iface0->ipv6, AddrMethod::kStatic);
  EXPECT_EQ(iface0->source.line, 5);
  EniNicConfigs lo = eniToNicConfigs(parseEni(corpusText("cloud-init/simple-loopback-interfaces")));
  ASSERT_EQ(lo.configs.size(), 1u);
  EXPECT_EQ(lo.configs[0].kind, "loopback");
}

TEST(EniCorpus, DebianExampleIsAllComments) {
  GUESTPREP_REQUIRE_CORPUS();
  EniFile f = parseEni(corpusText("ifupdown/network-interfaces-example"));
  EXPECT_TRUE(f.ifaces.empty());
  EXPECT_TRUE(f.mappings.empty());
  EXPECT_TRUE(f.problems.empty());
}

TEST(EniCorpus, Ifupdown2Bonds) {
  GUESTPREP_REQUIRE_CORPUS();
  EniFile f = parseEni(corpusText("ifupdown2/bond-variants.eni"));
  int familyless = 0;
  for (const ConfigProblem& p : f.problems) {
    if (p.message.find("only ifupdown2 accepts") != std::string::npos) ++familyless;
  }
  EXPECT_EQ(familyless, 7) << "mgmt and six bonds";
  EniNicConfigs r = eniToNicConfigs(f);
  EXPECT_EQ(r.configs.size(), 9u);
  EXPECT_EQ(joined(findConfig(r.configs, "bond3")->members), "swp_DD_");
  EXPECT_EQ(findConfig(r.configs, "bond6")->kind, "bond");
  EXPECT_EQ(findConfig(r.configs, "bond6")->ipv4, AddrMethod::kNone);
  EXPECT_EQ(findConfig(r.configs, "mgmt")->kind, "other");
  EniNicConfigs br = eniToNicConfigs(parseEni(corpusText("ifupdown2/bridge-ports-repeated.eni")));
  EXPECT_EQ(joined(findConfig(br.configs, "bridge")->members), "swp_AA_,swp_BB_,swp_CC_,swp_DD_");
}

TEST(EniCorpus, Ifupdown2BondsAndBridge) {
  GUESTPREP_REQUIRE_CORPUS();
  EniNicConfigs r = eniToNicConfigs(parseEni(corpusText("ifupdown2/interfaces-bonds-bridge")));
  const NicConfig* swp30 = findConfig(r.configs, "swp30");
  EXPECT_EQ(swp30->ipv4, AddrMethod::kStatic);
  EXPECT_EQ(swp30->ipv6, AddrMethod::kStatic);
  EXPECT_EQ(joined(findConfig(r.configs, "bond3")->members), "swp1,swp2");
  EXPECT_EQ(findConfig(r.configs, "bond3")->master, "br0");
  EXPECT_EQ(joined(findConfig(r.configs, "br0")->members), "bond3,bond4,swp5,swp8");
  EXPECT_EQ(findConfig(r.configs, "bond4.2000")->parent, "bond4");
  const NicConfig* br2000 = findConfig(r.configs, "br2000");
  EXPECT_EQ(br2000->ipv4, AddrMethod::kNone);
  EXPECT_EQ(br2000->ipv6, AddrMethod::kStatic);
  EXPECT_EQ(br2000->source.line, 65);
}

TEST(EniCorpus, Ifupdown2TemplatesAndGlobs) {
  GUESTPREP_REQUIRE_CORPUS();
  EniFile f = parseEni(corpusText("ifupdown2/vlan-aware-bridge-with-bonds"));
  EXPECT_TRUE(anyProblemHas(f.problems, "template line"));
  EXPECT_TRUE(anyProblemHas(f.problems, "'vlan' outside any iface"));
  EniNicConfigs r = eniToNicConfigs(f);
  EXPECT_EQ(findConfig(r.configs, "lo")->kind, "loopback");
  EXPECT_EQ(joined(findConfig(r.configs, "bridge")->members), "uplink1,peerlink,downlink");
  EXPECT_TRUE(anyProblemHas(r.problems, "uses 'glob swp2-20'"));
  EXPECT_EQ(findConfig(r.configs, "bridge.4094")->parent, "bridge");
  EXPECT_EQ(joined(findConfig(r.configs, "peerlink")->members), "swp30,swp31");
  EXPECT_EQ(findConfig(r.configs, "peerlink")->master, "bridge");
}

}  // namespace
}  // namespace guestprep::os_linux
