// The firewall family's verdicts (L-FIREWALL, L-SSH) on the fixture roots, through the built
// binary and the default policy.
#include <gtest/gtest.h>

#include "support/run_binary.h"

namespace guestprep::testing {
namespace {

struct Expected {
  const char* root;
  const char* firewall;          // L-FIREWALL status
  const char* firewall_message;  // part of its message
  const char* ssh;               // L-SSH status
};

const Expected kCases[] = {
    // iptables on at boot with the stock rules that allow 22: the notes say turn it off.
    {"rhel6", "fail", "iptables", "pass"},
    {"rhel7", "pass", "no firewall is enabled at boot", "pass"},
    {"sles12", "fail", "SuSEfirewall2", "pass"},
    {"ubuntu14", "pass", "no firewall is enabled at boot", "pass"},
    {"ubuntu18", "fail", "ufw", "pass"},
};

TEST(FirewallRoots, Verdicts) {
  for (const Expected& c : kCases) {
    nlohmann::json report = auditJson({"--root", fixtureRoot(c.root)});
    nlohmann::json fw = findingFor(report, "L-FIREWALL");
    ASSERT_FALSE(fw.is_null()) << c.root;
    EXPECT_EQ(fw["status"], c.firewall) << c.root << ": " << fw.dump(2);
    EXPECT_NE(fw["message"].get<std::string>().find(c.firewall_message), std::string::npos)
        << c.root << ": " << fw["message"];
    nlohmann::json ssh = findingFor(report, "L-SSH");
    ASSERT_FALSE(ssh.is_null()) << c.root;
    EXPECT_EQ(ssh["status"], c.ssh) << c.root << ": " << ssh.dump(2);
  }
}

// The evidence names the file and line that decided: rhel6's rule allowing 22, ubuntu18's ufw
// user rule, and sshd's boot link.
TEST(FirewallRoots, EvidenceNamesFilesAndLines) {
  auto has = [](const nlohmann::json& f, const std::string& source, int line) {
    for (const auto& e : f["evidence"]) {
      if (e["source"] == source && e.value("line", 0) == line) return true;
    }
    return false;
  };
  nlohmann::json rhel6 = auditJson({"--root", fixtureRoot("rhel6")});
  EXPECT_TRUE(has(findingFor(rhel6, "L-FIREWALL"), "/etc/sysconfig/iptables", 10))
      << findingFor(rhel6, "L-FIREWALL").dump(2);
  nlohmann::json u18 = auditJson({"--root", fixtureRoot("ubuntu18")});
  EXPECT_TRUE(has(findingFor(u18, "L-FIREWALL"), "/etc/ufw/user.rules", 21))
      << findingFor(u18, "L-FIREWALL").dump(2);
  nlohmann::json ssh = findingFor(u18, "L-SSH");
  EXPECT_TRUE(has(ssh, "/etc/systemd/system/multi-user.target.wants/ssh.service", 0))
      << ssh.dump(2);
}

// Offline roots say that the sockets listening now were not checked, rather than guessing.
TEST(FirewallRoots, OfflineRootDoesNotCheckListeningSockets) {
  nlohmann::json report = auditJson({"--root", fixtureRoot("rhel7")});
  nlohmann::json ssh = findingFor(report, "L-SSH");
  bool noted = false;
  for (const auto& e : ssh["evidence"]) {
    if (e["source"] == "/proc/net/tcp" &&
        e["text"].get<std::string>().find("not checked") != std::string::npos)
      noted = true;
  }
  EXPECT_TRUE(noted) << ssh.dump(2);
}

}  // namespace
}  // namespace guestprep::testing
