// Tests for the INI parser shared by NetworkManager keyfiles and systemd-networkd files.
#include "parsers/ini.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "support/corpus.h"

namespace guestprep::os_linux {
namespace {

struct Case {
  const char* name;
  const char* text;
  IniOptions options;
  const char* section;
  const char* key;
  const char* value;  ///< nullptr: the key must be absent
  int line;
  std::size_t problems;
};

TEST(Ini, TableOfLiterals) {
  const Case cases[] = {
      {"plain", "[Match]\nName=eth0\n", kSystemdSyntax, "Match", "Name", "eth0", 2, 0},
      {"blanks around equals", "[a]\n  key =  value  \n", kSystemdSyntax, "a", "key", "value", 2,
       0},
      {"crlf", "[connection]\r\nid=x\r\ntype=ethernet\r\n", kGKeyFileSyntax, "connection", "type",
       "ethernet", 3, 0},
      {"later wins", "[a]\nk=1\nk=2\n", kSystemdSyntax, "a", "k", "2", 3, 0},
      {"later block wins", "[a]\nk=1\n[b]\nk=x\n[a]\nk=3\n", kSystemdSyntax, "a", "k", "3", 6, 0},
      {"hash comment", "# c\n[a]\n#k=1\nk=2\n", kSystemdSyntax, "a", "k", "2", 4, 0},
      {"semicolon comment in systemd", "[a]\n;k=1\nk=2\n", kSystemdSyntax, "a", "k", "2", 3, 0},
      {"semicolon starts a key in GLib", "[a]\n;k=1\nk=2\n", kGKeyFileSyntax, "a", ";k", "1", 2, 0},
      {"value keeps equals", "[ipv4]\nroute1=10.0.0.0/8,1.2.3.4\nx=a=b\n", kGKeyFileSyntax, "ipv4",
       "x", "a=b", 3, 0},
      {"empty value", "[Network]\nAddress=\n", kSystemdSyntax, "Network", "Address", "", 2, 0},
      {"continuation", "[Match]\nName=eth0 \\\n eth1\n", kSystemdSyntax, "Match", "Name",
       "eth0   eth1", 2, 0},
      {"no continuation in GLib", "[a]\nk=x\\\ny=1\n", kGKeyFileSyntax, "a", "k", "x\\", 2, 0},
      {"no trailing newline", "[a]\nk=v", kSystemdSyntax, "a", "k", "v", 2, 0},
      {"leading blank line", "\n[connection]\nid=Test\n", kGKeyFileSyntax, "connection", "id",
       "Test", 3, 0},
      {"not a key=value line", "[a]\ngarbage\nk=v\n", kSystemdSyntax, "a", "k", "v", 3, 1},
      {"assignment before a section", "k=0\n[a]\nk=v\n", kSystemdSyntax, "a", "k", "v", 3, 1},
      {"unterminated header", "[a\nk=v\n", kSystemdSyntax, "a", "k", nullptr, 0, 2},
      {"missing key", "[a]\n=v\n", kSystemdSyntax, "a", "", nullptr, 0, 1},
      {"bom", "\xEF\xBB\xBF[a]\nk=v\n", kSystemdSyntax, "a", "k", "v", 2, 0},
  };
  for (const Case& c : cases) {
    IniFile f = parseIni(c.text, c.options);
    const IniEntry* e = f.find(c.section, c.key);
    if (c.value == nullptr) {
      EXPECT_EQ(e, nullptr) << c.name;
    } else {
      ASSERT_NE(e, nullptr) << c.name;
      EXPECT_EQ(e->value, c.value) << c.name;
      EXPECT_EQ(e->line, c.line) << c.name;
    }
    EXPECT_EQ(f.problems.size(), c.problems) << c.name;
  }
}

TEST(Ini, RepeatedKeysAndSectionsKeptInOrder) {
  IniFile f = parseIni(
      "[Network]\nDNS=1.1.1.1\nVLAN=v1\n[Route]\nGateway=10.0.0.1\n[Network]\nVLAN=v2\n"
      "[Route]\nGateway=::1\n",
      kSystemdSyntax);
  ASSERT_EQ(f.sections.size(), 4u);
  auto vlans = f.findAll("Network", "VLAN");
  ASSERT_EQ(vlans.size(), 2u);
  EXPECT_EQ(vlans[0]->value, "v1");
  EXPECT_EQ(vlans[1]->value, "v2");
  EXPECT_EQ(vlans[1]->line, 7);
  auto routes = f.all("Route");
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0]->line, 4);
  EXPECT_EQ(routes[1]->find("Gateway")->value, "::1");
  EXPECT_EQ(f.get("Network", "DNS"), "1.1.1.1");
  EXPECT_EQ(f.get("Network", "Missing", "fallback"), "fallback");
  EXPECT_FALSE(f.has("Link"));
}

TEST(Ini, ProblemsNameTheLine) {
  IniFile f = parseIni("[connection]\nid=x\nconnection.id:   ens33\n", kGKeyFileSyntax);
  ASSERT_EQ(f.problems.size(), 1u);
  EXPECT_EQ(f.problems[0].line, 3);
  EXPECT_NE(f.problems[0].message.find("connection.id"), std::string::npos);
}

// Every keyfile and networkd file of the corpus is well-formed INI; nmcli outputs are not.
TEST(Ini, CorpusFiles) {
  GUESTPREP_REQUIRE_CORPUS();
  int checked = 0;
  for (const char* category : {"network-nm", "network-networkd"}) {
    for (const auto& path : testing::corpusFiles(category)) {
      std::string text = testing::readTestFile(path);
      bool systemd = std::string(category) == "network-networkd";
      IniFile f = parseIni(text, systemd ? kSystemdSyntax : kGKeyFileSyntax);
      int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
      for (const IniSection& s : f.sections) {
        EXPECT_FALSE(s.name.empty()) << path;
        for (const IniEntry& e : s.entries) {
          EXPECT_FALSE(e.key.empty()) << path;
          EXPECT_GT(e.line, s.line) << path;
          EXPECT_LE(e.line, lines) << path;
        }
      }
      if (path.string().find("/jc/") != std::string::npos) {
        EXPECT_TRUE(f.sections.empty()) << path;
        EXPECT_GT(f.problems.size(), 10u) << path;
      } else {
        EXPECT_TRUE(f.problems.empty()) << path;
        EXPECT_FALSE(f.sections.empty()) << path;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 17);
}

TEST(Ini, CorpusConcreteValues) {
  GUESTPREP_REQUIRE_CORPUS();
  auto dir = *testing::corpusDir();
  IniFile eth0 = parseIni(
      testing::readTestFile(dir / "network-networkd/cloud-init/10-cloud-init-eth0.network"),
      kSystemdSyntax);
  auto vlans = eth0.findAll("Network", "VLAN");
  ASSERT_EQ(vlans.size(), 3u);
  EXPECT_EQ(vlans[2]->value, "vlan102");
  EXPECT_EQ(vlans[2]->line, 16);
  EXPECT_EQ(eth0.all("Route").size(), 2u);
  EXPECT_EQ(eth0.all("RoutingPolicyRule").size(), 2u);

  IniFile wired = parseIni(
      testing::readTestFile(dir / "network-nm/networkmanager/Test_Wired_Connection.nmconnection"),
      kGKeyFileSyntax);
  // The torture test repeats address30=; GLib keeps the last one.
  const IniEntry* a30 = wired.find("ipv4", "address30");
  ASSERT_NE(a30, nullptr);
  EXPECT_EQ(a30->value, "1.2.3.30/24");
  EXPECT_EQ(wired.get("connection", "id"), "Test Wired Connection");
  EXPECT_EQ(wired.get("802-3-ethernet", "mac-address"), "00:11:22:33:44:55");
}

}  // namespace
}  // namespace guestprep::os_linux
