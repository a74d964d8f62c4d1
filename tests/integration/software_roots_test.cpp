// Whole audits of the fixture roots by the built binary, judged on the software family's
// requirements: cloud-init, qemu-guest-agent, other agents, and files verified against dpkg
// (read natively) or RPM (not checked on an offline root).
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
     // open-vm-tools' vmtoolsd has S links in rc3.d/rc5.d; the RPM database needs rpm.
     {{"L-CLOUDINIT", "warn"},
      {"X-CLOUDINIT-DS", "not-applicable"},
      {"L-QEMUGA", "pass"},
      {"X-AGENTS", "warn"},
      {"L-SYSDIRS", "error"},
      {"L-ISSUE", "error"},
      {"L-GRUB", "error"}},
     {{"X-AGENTS", "vmtoolsd"}, {"L-SYSDIRS", "offline root without rpm"}}},
    {"rhel7",
     {{"L-CLOUDINIT", "warn"},
      {"L-QEMUGA", "pass"},
      {"X-AGENTS", "pass"},
      {"L-SYSDIRS", "error"},
      {"L-GRUB", "not-applicable"}},
     {{"L-ISSUE", "offline root without rpm"}}},
    {"sles12", {{"L-CLOUDINIT", "warn"}, {"L-QEMUGA", "pass"}, {"L-GRUB", "not-applicable"}}, {}},
    {"ubuntu14",
     // The admin appended a banner to /etc/issue and replaced /bin/su; no cloud-init.
     {{"L-CLOUDINIT", "warn"},
      {"X-CLOUDINIT-DS", "not-applicable"},
      {"L-QEMUGA", "pass"},
      {"X-AGENTS", "pass"},
      {"L-SYSDIRS", "fail"},
      {"L-ISSUE", "warn"},
      {"L-GRUB", "not-applicable"}},
     {{"L-SYSDIRS", "/bin/su"}, {"L-ISSUE", "/etc/issue"}}},
    {"ubuntu18",
     // cloud-init with AliYun in 90_dpkg.cfg but the last instance's state kept; qemu-ga on.
     {{"L-CLOUDINIT", "pass"},
      {"X-CLOUDINIT-DS", "warn"},
      {"L-QEMUGA", "fail"},
      {"X-AGENTS", "pass"},
      {"L-SYSDIRS", "pass"},
      {"L-ISSUE", "pass"},
      {"L-GRUB", "not-applicable"}},
     {{"L-QEMUGA", "qemu-guest-agent"}, {"X-CLOUDINIT-DS", "earlier instance"}}},
};

TEST(SoftwareRoots, Verdicts) {
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

// The evidence of a modified file names it, its package and what it now starts with.
TEST(SoftwareRoots, IssueEvidenceHasTheDiffSummary) {
  nlohmann::json report = auditJson({"--root", fixtureRoot("ubuntu14")});
  nlohmann::json f = findingFor(report, "L-ISSUE");
  bool found = false;
  for (const auto& e : f["evidence"]) {
    if (e["source"] == "/etc/issue") {
      std::string text = e["text"];
      found = text.find("changed (base-files)") != std::string::npos &&
              text.find("first: 'Ubuntu 14.04.6 LTS") != std::string::npos;
    }
  }
  EXPECT_TRUE(found) << f.dump(2);
}

}  // namespace
}  // namespace guestprep::testing
