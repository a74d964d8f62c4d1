// The system family's verdicts on the fixture roots, through the built binary and the default
// policy: platform to choose at import, root account, /lib links, SELinux, machine-id, resolv.conf.
#include <gtest/gtest.h>

#include "support/run_binary.h"

namespace guestprep::testing {
namespace {

struct Expected {
  const char* root;
  std::vector<std::pair<const char*, const char*>> statuses;  // requirement -> status
  std::vector<std::pair<const char*, const char*>> messages;  // requirement -> message part
};

const Expected kCases[] = {
    {"rhel6",
     {{"L-PLATFORM", "pass"},
      {"X-ROOTACCT", "pass"},
      {"X-LIBLINKS", "pass"},
      {"L-SELINUX", "fail"},
      {"X-MACHINEID", "warn"},
      {"X-RESOLV", "warn"}},
     {{"L-PLATFORM", "choose CentOS 6.10 at import"},
      {"L-PLATFORM", "architecture x86_64"},
      {"L-SELINUX", "enforcing"},
      {"X-MACHINEID", "2 SSH host key"},
      {"X-RESOLV", "2 static nameserver"}}},
    {"rhel7",
     {{"L-PLATFORM", "pass"},
      {"X-ROOTACCT", "pass"},
      {"X-LIBLINKS", "pass"},
      {"L-SELINUX", "pass"},
      {"X-MACHINEID", "pass"},
      {"X-RESOLV", "pass"}},
     {{"L-PLATFORM", "choose CentOS 7 at import"},
      {"X-LIBLINKS", "/lib64 -> usr/lib64"},
      {"L-SELINUX", "disabled"}}},
    {"sles12",
     {{"L-PLATFORM", "pass"},
      {"X-ROOTACCT", "pass"},
      {"X-LIBLINKS", "pass"},
      {"L-SELINUX", "pass"},
      {"X-MACHINEID", "warn"},
      {"X-RESOLV", "pass"}},
     {{"L-PLATFORM", "choose SUSE 12"}}},
    {"ubuntu14",
     {{"L-PLATFORM", "pass"},
      {"X-ROOTACCT", "pass"},
      {"X-LIBLINKS", "pass"},
      {"L-SELINUX", "pass"},
      {"X-MACHINEID", "warn"},
      {"X-RESOLV", "pass"}},
     {{"L-PLATFORM", "choose Ubuntu 14.04 at import"}, {"X-MACHINEID", "dbus"}}},
    {"ubuntu18",
     {{"L-PLATFORM", "warn"},
      {"X-ROOTACCT", "pass"},
      {"X-LIBLINKS", "pass"},
      {"L-SELINUX", "pass"},
      {"X-MACHINEID", "warn"},
      {"X-RESOLV", "pass"}},
     {{"L-PLATFORM", "Customized Linux"}, {"X-MACHINEID", "/etc/machine-id"}}},
};

TEST(SystemRoots, Verdicts) {
  for (const Expected& c : kCases) {
    nlohmann::json report = auditJson({"--root", fixtureRoot(c.root)});
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
  }
}

// Evidence names the file and line that decide: SELinux's mode, the root entries.
TEST(SystemRoots, EvidenceNamesFilesAndLines) {
  nlohmann::json report = auditJson({"--root", fixtureRoot("rhel6")});
  auto has = [](const nlohmann::json& f, const char* source, int line) {
    for (const auto& e : f["evidence"]) {
      if (e["source"] == source && e.value("line", 0) == line) return true;
    }
    return false;
  };
  nlohmann::json se = findingFor(report, "L-SELINUX");
  EXPECT_TRUE(has(se, "/etc/selinux/config", 6)) << se.dump(2);
  nlohmann::json root = findingFor(report, "X-ROOTACCT");
  EXPECT_TRUE(has(root, "/etc/passwd", 1)) << root.dump(2);
  EXPECT_TRUE(has(root, "/etc/shadow", 1)) << root.dump(2);
  nlohmann::json platform = findingFor(report, "L-PLATFORM");
  EXPECT_TRUE(has(platform, "/etc/redhat-release", 1)) << platform.dump(2);
}

}  // namespace
}  // namespace guestprep::testing
