// Tests for the NetworkManager keyfile parser and probe: literals, the corpus, fixture hosts.
#include "parsers/nm_keyfile.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "probes/network_probes.h"
#include "support/corpus.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

struct Case {
  const char* name;
  const char* text;
  const char* ifname;
  const char* kind;
  bool autoconnect;
  AddrMethod ipv4;
  AddrMethod ipv6;
};

TEST(NmKeyfile, TableOfLiterals) {
  const Case cases[] = {
      {"only a type: NetworkManager adds auto for both families", "[connection]\ntype=ethernet\n",
       "", "ethernet", true, AddrMethod::kDhcp, AddrMethod::kAuto},
      {"old type name", "[connection]\ntype=802-3-ethernet\ninterface-name=eth0\n", "eth0",
       "ethernet", true, AddrMethod::kDhcp, AddrMethod::kAuto},
      {"manual and ignore",
       "[connection]\ntype=ethernet\ninterface-name=eth0\n[ipv4]\nmethod=manual\naddress1=10.0.0.2/"
       "24\n[ipv6]\nmethod=ignore\n",
       "eth0", "ethernet", true, AddrMethod::kStatic, AddrMethod::kNone},
      {"disabled and link-local",
       "[connection]\ntype=ethernet\n[ipv4]\nmethod=disabled\n[ipv6]\nmethod=link-local\n", "",
       "ethernet", true, AddrMethod::kDisabled, AddrMethod::kLinkLocal},
      {"ipv6 dhcp and shared",
       "[connection]\ntype=ethernet\n[ipv4]\nmethod=shared\n[ipv6]\nmethod=dhcp\n", "", "ethernet",
       true, AddrMethod::kStatic, AddrMethod::kDhcp},
      {"autoconnect false", "[connection]\ntype=ethernet\nautoconnect=false\n", "", "ethernet",
       false, AddrMethod::kDhcp, AddrMethod::kAuto},
      {"autoconnect no", "[connection]\ntype=wifi\nautoconnect=no\n", "", "wireless", false,
       AddrMethod::kDhcp, AddrMethod::kAuto},
      {"bond port has no IP configuration",
       "[connection]\ntype=ethernet\ninterface-name=eth1\nmaster=bond0\nslave-type=bond\n[ipv4]\n"
       "method=auto\n",
       "eth1", "ethernet", true, AddrMethod::kNone, AddrMethod::kNone},
      {"controller is the new name of master",
       "[connection]\ntype=ethernet\ncontroller=br0\nport-type=bridge\n", "", "ethernet", true,
       AddrMethod::kNone, AddrMethod::kNone},
      {"team", "[connection]\ntype=team\ninterface-name=team0\n", "team0", "team", true,
       AddrMethod::kDhcp, AddrMethod::kAuto},
      {"loopback", "[connection]\ntype=loopback\ninterface-name=lo\n[ipv4]\nmethod=manual\n", "lo",
       "loopback", true, AddrMethod::kStatic, AddrMethod::kAuto},
      {"unknown type", "[connection]\ntype=wireguard\ninterface-name=wg0\n", "wg0", "other", true,
       AddrMethod::kDhcp, AddrMethod::kAuto},
      {"interface-name in the deprecated group",
       "[connection]\ntype=bond\n[bond]\ninterface-name=bond7\nmode=active-backup\n", "bond7",
       "bond", true, AddrMethod::kDhcp, AddrMethod::kAuto},
      {"type inferred from the setting group", "[connection]\nid=x\n[802-11-wireless]\nssid=a\n",
       "", "wireless", true, AddrMethod::kDhcp, AddrMethod::kAuto},
      {"escaped name", "[connection]\ntype=ethernet\ninterface-name=a\\sb\n", "a b", "ethernet",
       true, AddrMethod::kDhcp, AddrMethod::kAuto},
  };
  for (const Case& c : cases) {
    NmProfile p = parseNmKeyfile(c.text, "/etc/NetworkManager/system-connections/x");
    EXPECT_TRUE(p.loadable) << c.name;
    EXPECT_TRUE(p.problems.empty()) << c.name << ": " << p.problems.size();
    EXPECT_EQ(p.config.name, c.ifname) << c.name;
    EXPECT_EQ(p.config.kind, c.kind) << c.name;
    EXPECT_EQ(p.config.stack, "networkmanager") << c.name;
    EXPECT_EQ(p.config.starts_at_boot, c.autoconnect) << c.name;
    EXPECT_EQ(p.config.ipv4, c.ipv4) << c.name << ": " << toString(p.config.ipv4);
    EXPECT_EQ(p.config.ipv6, c.ipv6) << c.name << ": " << toString(p.config.ipv6);
  }
}

TEST(NmKeyfile, MacAddresses) {
  NmProfile p = parseNmKeyfile(
      "# CentOS 8\n[connection]\nid=eth0\nuuid=5fb06bd0-0bb0-7ffb-45f1-d6edd65f3e03\n"
      "type=ethernet\n\n[ethernet]\nmac-address=00:16:3E:0A:0B:0C\ncloned-mac-address=stable\n",
      "/etc/NetworkManager/system-connections/eth0.nmconnection");
  EXPECT_EQ(p.config.source,
            (SourceRef{"/etc/NetworkManager/system-connections/eth0.nmconnection", 2}));
  EXPECT_EQ(p.config.match_mac, "00:16:3e:0a:0b:0c");
  EXPECT_EQ(p.config.match_line, 8);
  EXPECT_TRUE(p.config.set_mac.empty()) << "stable is not a MAC";
  EXPECT_EQ(p.uuid, "5fb06bd0-0bb0-7ffb-45f1-d6edd65f3e03");

  // NetworkManager 0.9 wrote MACs as decimal byte lists, in the canonical group name.
  NmProfile old = parseNmKeyfile(
      "[connection]\ntype=802-3-ethernet\n[802-3-ethernet]\nmac-address=0;22;62;10;11;12;\n"
      "cloned-mac-address=2;0;0;0;0;1;\n",
      "old");
  EXPECT_EQ(old.config.match_mac, "00:16:3e:0a:0b:0c");
  EXPECT_EQ(old.config.set_mac, "02:00:00:00:00:01");

  // The canonical group wins over the alias when both are present.
  NmProfile both = parseNmKeyfile(
      "[connection]\ntype=ethernet\n[ethernet]\nmac-address=00:00:00:00:00:01\n"
      "[802-3-ethernet]\nmac-address=00:00:00:00:00:02\n",
      "both");
  EXPECT_EQ(both.config.match_mac, "00:00:00:00:00:02");
  EXPECT_EQ(both.config.match_line, 6);
}

TEST(NmKeyfile, Problems) {
  NmProfile syntax = parseNmKeyfile("[connection]\ntype=ethernet\nnot a pair\n", "f");
  EXPECT_FALSE(syntax.loadable) << "GLib refuses the whole file";
  ASSERT_EQ(syntax.problems.size(), 1u);
  EXPECT_EQ(syntax.problems[0].file, "f");
  EXPECT_EQ(syntax.problems[0].line, 3);

  NmProfile no_type = parseNmKeyfile("[connection]\nid=x\n", "f");
  EXPECT_FALSE(no_type.loadable);
  EXPECT_EQ(no_type.problems.size(), 1u);

  NmProfile no_method = parseNmKeyfile("[connection]\ntype=ethernet\n[ipv4]\ndns=1.1.1.1;\n", "f");
  EXPECT_TRUE(no_method.loadable);
  EXPECT_EQ(no_method.config.ipv4, AddrMethod::kUnknown) << "not guessed";
  ASSERT_EQ(no_method.problems.size(), 1u);
  EXPECT_EQ(no_method.problems[0].line, 3);

  NmProfile bad = parseNmKeyfile(
      "[connection]\ntype=ethernet\nautoconnect=perhaps\n[ipv6]\nmethod=slaac\n", "f");
  EXPECT_TRUE(bad.config.starts_at_boot);
  EXPECT_EQ(bad.config.ipv6, AddrMethod::kUnknown);
  EXPECT_EQ(bad.problems.size(), 2u);
}

TEST(NmKeyfile, LinkResolvesUuids) {
  std::vector<NmProfile> profiles;
  profiles.push_back(
      parseNmKeyfile("[connection]\nid=bond\nuuid=U-BOND\ntype=bond\ninterface-name=bond0\n", "a"));
  profiles.push_back(parseNmKeyfile(
      "[connection]\nid=p0\nuuid=U-P0\ntype=ethernet\ninterface-name=eth0\nmaster=U-BOND\n"
      "slave-type=bond\n",
      "b"));
  profiles.push_back(parseNmKeyfile(
      "[connection]\nid=p1\ntype=ethernet\nmaster=bond0\nslave-type=bond\n[ethernet]\n"
      "mac-address=00:00:00:00:00:09\n",
      "c"));
  profiles.push_back(parseNmKeyfile(
      "[connection]\nid=v\ntype=vlan\ninterface-name=bond0.7\n[vlan]\nid=7\nparent=U-BOND\n", "d"));
  profiles.push_back(
      parseNmKeyfile("[connection]\nid=orphan\ntype=ethernet\nmaster=U-MISSING\n", "e"));
  linkNmProfiles(profiles);
  EXPECT_EQ(profiles[1].config.master, "bond0");
  EXPECT_EQ(profiles[0].config.members, (std::vector<std::string>{"eth0", "00:00:00:00:00:09"}));
  EXPECT_EQ(profiles[3].config.parent, "bond0");
  EXPECT_EQ(profiles[4].config.master, "U-MISSING") << "unresolved references stay as written";
}

TEST(NmKeyfile, IgnoredFilenames) {
  struct F {
    const char* name;
    bool require_extension;
    bool ignored;
  };
  const F cases[] = {
      {"eth0.nmconnection", false, false},
      {"Wired connection 1", false, false},
      {"eth0", true, true},
      {"eth0.nmconnection", true, false},
      {".eth0.nmconnection.swp", false, true},
      {"eth0.nmconnection~", false, true},
      {"eth0.nmconnection.Ab12Cd", false, true},
      {"ca.pem", false, true},
      {"key.DER", false, true},
      {".nmconnection", true, true},
      {"ifcfg-eth0.bak", false, false},
  };
  for (const F& c : cases) {
    EXPECT_EQ(nmIgnoresFilename(c.name, c.require_extension), c.ignored) << c.name;
  }
}

TEST(NmKeyfile, CorpusConcreteValues) {
  GUESTPREP_REQUIRE_CORPUS();
  auto dir = *testing::corpusDir() / "network-nm";
  auto load = [&](const char* rel) {
    return parseNmKeyfile(testing::readTestFile(dir / rel), rel);
  };

  NmProfile wired = load("networkmanager/Test_Wired_Connection.nmconnection");
  EXPECT_TRUE(wired.loadable);
  EXPECT_EQ(wired.id, "Test Wired Connection");
  EXPECT_EQ(wired.config.source.line, 2) << "after the leading blank line";
  EXPECT_EQ(wired.config.match_mac, "00:11:22:33:44:55");
  EXPECT_EQ(wired.config.match_line, 10);
  EXPECT_EQ(wired.config.ipv4, AddrMethod::kStatic);
  EXPECT_EQ(wired.config.ipv6, AddrMethod::kStatic);

  NmProfile ip6 = load("networkmanager/Test_Wired_Connection_IP6.nmconnection");
  EXPECT_EQ(ip6.config.ipv4, AddrMethod::kDisabled);
  EXPECT_EQ(ip6.config.ipv6, AddrMethod::kStatic);

  NmProfile write = load("networkmanager/Test_Write_Wired.nmconnection");
  EXPECT_FALSE(write.config.starts_at_boot) << "autoconnect=false";
  EXPECT_EQ(write.config.match_mac, "99:88:77:66:55:44");
  EXPECT_EQ(write.config.match_line, 9);

  NmProfile minimal = load("networkmanager/Test_minimal_1.nmconnection");
  EXPECT_TRUE(minimal.loadable);
  EXPECT_EQ(minimal.config.kind, "ethernet");
  EXPECT_EQ(minimal.config.ipv4, AddrMethod::kDhcp);

  NmProfile port = load("cloud-init-rendered/bond_v1__cloud-init-bond0s0.nmconnection");
  EXPECT_EQ(port.config.master, "54317911-f840-516b-a10d-82cb4c1f075c");
  EXPECT_EQ(port.config.ipv4, AddrMethod::kNone);
  EXPECT_EQ(port.config.match_mac, "aa:bb:cc:dd:e8:00");
  NmProfile bond = load("cloud-init-rendered/bond_v1__cloud-init-bond0.nmconnection");
  EXPECT_EQ(bond.config.name, "bond0");
  EXPECT_EQ(bond.config.kind, "bond");
  EXPECT_EQ(bond.config.ipv6, AddrMethod::kStatic);
  std::vector<NmProfile> pair{bond, port};
  linkNmProfiles(pair);
  EXPECT_EQ(pair[1].config.master, "bond0");
  EXPECT_EQ(pair[0].config.members, std::vector<std::string>{"aa:bb:cc:dd:e8:00"});

  NmProfile vlan = load("cloud-init/cloud-init-encc000.2653.nmconnection");
  EXPECT_EQ(vlan.config.kind, "vlan");
  EXPECT_EQ(vlan.config.parent, "f869ebd3-f175-5747-bf02-d0d44d687248");
  EXPECT_EQ(vlan.config.ipv6, AddrMethod::kAuto) << "no [ipv6] group: auto";

  NmProfile all_en = load("cloud-init/cloud-init-zz-all-en.nmconnection");
  EXPECT_EQ(all_en.config.name, "zz-all-en");
  EXPECT_EQ(all_en.config.ipv4, AddrMethod::kDhcp);
}

// Keyfiles load with a type and a name or MAC; nmcli outputs are refused, not misread.
TEST(NmKeyfile, CorpusProperties) {
  GUESTPREP_REQUIRE_CORPUS();
  int keyfiles = 0;
  int outputs = 0;
  for (const auto& path : testing::corpusFiles("network-nm")) {
    std::string text = testing::readTestFile(path);
    NmProfile p = parseNmKeyfile(text, path.string());
    int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    for (const ConfigProblem& pr : p.problems) {
      EXPECT_EQ(pr.file, path.string());
      EXPECT_GE(pr.line, 0) << path << ": 0 is the whole file";
      EXPECT_LE(pr.line, lines) << path;
    }
    if (path.string().find("/jc/") != std::string::npos) {
      EXPECT_FALSE(p.loadable) << path;
      ASSERT_FALSE(p.problems.empty()) << path;
      EXPECT_EQ(p.problems.front().line, 1) << path;
      ++outputs;
      continue;
    }
    EXPECT_TRUE(p.loadable) << path;
    EXPECT_TRUE(p.problems.empty()) << path;
    EXPECT_NE(p.config.kind, "other") << path;
    EXPECT_GE(p.config.source.line, 1) << path;
    EXPECT_NE(p.config.ipv4, AddrMethod::kUnknown) << path;
    EXPECT_NE(p.config.ipv6, AddrMethod::kUnknown) << path;
    if (!p.config.match_mac.empty()) {
      EXPECT_GT(p.config.match_line, p.config.source.line) << path;
    }
    ++keyfiles;
  }
  EXPECT_EQ(keyfiles, 9);
  EXPECT_EQ(outputs, 2);
}

constexpr const char* kCentos8Eth0 =
    "[connection]\n"
    "id=System eth0\n"
    "uuid=5fb06bd0-0bb0-7ffb-45f1-d6edd65f3e03\n"
    "type=ethernet\n"
    "interface-name=eth0\n"
    "\n"
    "[ethernet]\n"
    "mac-address=00:16:3E:12:34:56\n"
    "\n"
    "[ipv4]\n"
    "method=auto\n"
    "\n"
    "[ipv6]\n"
    "addr-gen-mode=stable-privacy\n"
    "method=ignore\n";

TEST(NmProbe, CentOS8KeyfileWithMac) {
  testing::TestHost host;
  host.addSymlink("/sbin/init", "../lib/systemd/systemd")
      .addFile("/usr/lib/systemd/system/NetworkManager.service", "[Unit]\n")
      .addSymlink("/etc/systemd/system/multi-user.target.wants/NetworkManager.service",
                  "/usr/lib/systemd/system/NetworkManager.service")
      .addFile("/etc/NetworkManager/system-connections/eth0.nmconnection", kCentos8Eth0, 0600)
      .addFile("/etc/NetworkManager/system-connections/eth0.nmconnection~", kCentos8Eth0, 0600)
      .addFile("/etc/NetworkManager/system-connections/.eth0.swp", "x", 0600);
  NetworkFacts facts;
  probeNetworkManager(host, facts);
  EXPECT_TRUE(facts.problems.empty());
  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_EQ(facts.stacks[0].name, "networkmanager");
  EXPECT_TRUE(facts.stacks[0].in_use) << facts.stacks[0].evidence;
  EXPECT_NE(facts.stacks[0].evidence.find("multi-user.target.wants"), std::string::npos);
  ASSERT_EQ(facts.configs.size(), 1u) << "backups and swap files are skipped";
  const NicConfig& c = facts.configs[0];
  EXPECT_EQ(c.name, "eth0");
  EXPECT_EQ(c.source, (SourceRef{"/etc/NetworkManager/system-connections/eth0.nmconnection", 1}));
  EXPECT_EQ(c.match_mac, "00:16:3e:12:34:56");
  EXPECT_EQ(c.match_line, 8);
  EXPECT_EQ(c.ipv4, AddrMethod::kDhcp);
  EXPECT_EQ(c.ipv6, AddrMethod::kNone);
  EXPECT_TRUE(c.starts_at_boot);
}

TEST(NmProbe, ShadowingMasksAndPermissions) {
  const std::string shipped =
      "[connection]\nid=shipped\nuuid=U1\ntype=ethernet\ninterface-name=eth1\n";
  testing::TestHost host;
  host.addFile("/usr/lib/NetworkManager/system-connections/shipped.nmconnection", shipped, 0600)
      .addFile("/usr/lib/NetworkManager/system-connections/noext", shipped, 0600)
      .addFile("/usr/lib/NetworkManager/system-connections/masked.nmconnection",
               "[connection]\nuuid=U2\ntype=ethernet\ninterface-name=eth2\n", 0600)
      .addSymlink("/etc/NetworkManager/system-connections/U2.nmmeta", "/dev/null")
      // Same UUID in /etc and /run: the /run profile shadows the /etc one.
      .addFile("/etc/NetworkManager/system-connections/eth3",
               "[connection]\nuuid=U3\ntype=ethernet\ninterface-name=eth3\n", 0600)
      .addFile("/run/NetworkManager/system-connections/eth3.nmconnection",
               "[connection]\nuuid=U3\ntype=ethernet\ninterface-name=eth3\nautoconnect=no\n", 0600)
      .addFile("/etc/NetworkManager/system-connections/open.nmconnection",
               "[connection]\ntype=ethernet\ninterface-name=eth4\n", 0644)
      .addFile("/etc/NetworkManager/system-connections/broken.nmconnection",
               "[connection]\ntype=ethernet\ninterface-name=eth5\nbad line\n", 0600);
  NetworkFacts facts;
  probeNetworkManager(host, facts);
  std::vector<std::string> names;
  for (const NicConfig& c : facts.configs) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"eth3", "eth1"}));
  EXPECT_FALSE(facts.configs[0].starts_at_boot) << "the /run copy applies";
  EXPECT_EQ(facts.configs[0].source.file,
            "/run/NetworkManager/system-connections/eth3.nmconnection");
  ASSERT_EQ(facts.problems.size(), 2u);
  EXPECT_EQ(facts.problems[0].file, "/etc/NetworkManager/system-connections/broken.nmconnection");
  EXPECT_EQ(facts.problems[0].line, 4);
  EXPECT_EQ(facts.problems[1].file, "/etc/NetworkManager/system-connections/open.nmconnection");
  EXPECT_NE(facts.problems[1].message.find("0644"), std::string::npos);
  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_FALSE(facts.stacks[0].in_use) << "no unit, no init script";
}

TEST(NmProbe, SysvNetworkManager) {
  testing::TestHost host;
  host.addFile("/sbin/init", "ELF", 0755)
      .addFile("/etc/rc.d/init.d/NetworkManager", "#!/bin/sh\n", 0755)
      .addSymlink("/etc/rc.d/rc3.d/S23NetworkManager", "../init.d/NetworkManager");
  NetworkFacts facts;
  probeNetworkManager(host, facts);
  ASSERT_EQ(facts.stacks.size(), 1u);
  EXPECT_TRUE(facts.stacks[0].in_use) << facts.stacks[0].evidence;
  EXPECT_TRUE(facts.configs.empty());
}

}  // namespace
}  // namespace guestprep::os_linux
