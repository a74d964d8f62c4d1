// Whole audits of fixture roots by the built binary: RHEL 6/7, SLES 12, Ubuntu 14 (ifupdown) and
// Ubuntu 18 (netplan), each with the network verdicts that system really deserves.
#include <gtest/gtest.h>

#include <fstream>

#include "support/run_binary.h"

namespace guestprep::testing {
namespace {

struct Expected {
  const char* root;
  int exit_code;
  const char* os_id;
  std::vector<std::pair<const char*, const char*>> statuses;  // requirement -> status
  std::vector<std::pair<const char*, const char*>> messages;  // requirement -> message part
};

const Expected kCases[] = {
    {"rhel6",
     1,
     "",
     {{"L-NIC", "fail"}, {"L-DHCP", "fail"}, {"X-NETPIN", "warn"}, {"L-IPV6", "warn"}},
     {{"L-NIC", "eth0, eth1"}, {"L-DHCP", "pinned"}}},
    {"rhel7",
     0,
     "centos",
     {{"L-NIC", "pass"}, {"L-DHCP", "pass"}, {"X-NETPIN", "pass"}, {"L-IPV6", "pass"}},
     {{"L-DHCP", "eth0"}}},
    {"sles12",
     1,
     "sles",
     // SUSE's BOOTPROTO=dhcp asks for DHCPv4 and DHCPv6 (ifcfg(5)): IPv6 is requested.
     {{"L-NIC", "fail"}, {"L-DHCP", "pass"}, {"X-NETPIN", "pass"}, {"L-IPV6", "fail"}},
     {{"L-NIC", "eth0, eth1"}, {"L-IPV6", "eth0"}}},
    {"ubuntu14",
     1,
     "ubuntu",
     {{"L-NIC", "pass"}, {"L-DHCP", "fail"}, {"X-NETPIN", "pass"}, {"L-IPV6", "fail"}},
     {{"L-DHCP", "static"}}},
    {"ubuntu18",
     1,
     "ubuntu",
     {{"L-NIC", "pass"}, {"L-DHCP", "fail"}, {"X-NETPIN", "warn"}, {"L-IPV6", "warn"}},
     {{"X-NETPIN", "pinned"}}},
};

TEST(FixtureRoots, NetworkVerdicts) {
  for (const Expected& c : kCases) {
    int exit_code = -1;
    nlohmann::json report =
        auditJson({"--policy", networkPolicy(), "--root", fixtureRoot(c.root)}, &exit_code);
    EXPECT_EQ(exit_code, c.exit_code) << c.root << ": " << report.dump(2);
    if (*c.os_id) {
      EXPECT_EQ(report["host"]["os_id"], c.os_id) << c.root;
    }
    EXPECT_EQ(report["host"]["runtime"], false) << c.root;
    for (const auto& [req, status] : c.statuses) {
      nlohmann::json f = findingFor(report, req);
      ASSERT_FALSE(f.is_null()) << c.root << " " << req;
      EXPECT_EQ(f["status"], status) << c.root << " " << req << ": " << f.dump(2);
    }
    for (const auto& [req, part] : c.messages) {
      nlohmann::json f = findingFor(report, req);
      ASSERT_FALSE(f.is_null()) << c.root << " " << req;
      EXPECT_NE(f["message"].get<std::string>().find(part), std::string::npos)
          << c.root << " " << req << ": " << f["message"];
    }
    std::string complaint = validateReportSchema(report.dump());
    if (complaint.starts_with("SKIP")) GTEST_SKIP() << complaint;
    EXPECT_EQ(complaint, "") << c.root;
  }
}

// Evidence names the files and lines a person needs to open.
TEST(FixtureRoots, EvidenceNamesFilesAndLines) {
  nlohmann::json report = auditJson({"--policy", networkPolicy(), "--root", fixtureRoot("rhel6")});
  nlohmann::json nic = findingFor(report, "L-NIC");
  bool eth1 = false;
  for (const auto& e : nic["evidence"]) {
    if (e["source"] == "/etc/sysconfig/network-scripts/ifcfg-eth1") eth1 = true;
  }
  EXPECT_TRUE(eth1) << nic.dump(2);
  nlohmann::json pin = findingFor(report, "X-NETPIN");
  bool udev = false;
  for (const auto& e : pin["evidence"]) {
    if (e["source"] == "/etc/udev/rules.d/70-persistent-net.rules" && e.value("line", 0) == 8) {
      udev = true;
    }
  }
  EXPECT_TRUE(udev) << pin.dump(2);
}

// `facts` then `audit --facts` gives the same findings as a direct audit.
TEST(FixtureRoots, FactsRoundTripGivesTheSameFindings) {
  for (const char* root : {"rhel6", "rhel7", "sles12", "ubuntu14", "ubuntu18"}) {
    CommandResult facts = runGuestprep({"facts", "--root", fixtureRoot(root)});
    ASSERT_EQ(facts.exit_code, 0) << root << facts.err;
    std::string path = ::testing::TempDir() + "/facts-" + root + ".json";
    {
      std::ofstream out(path);
      out << facts.out;
    }
    nlohmann::json direct = auditJson({"--root", fixtureRoot(root)});
    nlohmann::json from_facts = auditJson({"--facts", path});
    EXPECT_EQ(direct["findings"], from_facts["findings"]) << root;
    EXPECT_EQ(direct["verdict"], from_facts["verdict"]) << root;
  }
}

}  // namespace
}  // namespace guestprep::testing
