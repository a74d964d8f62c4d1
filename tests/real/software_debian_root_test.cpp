// The software probes on the real debootstrapped Debian 12 root: dpkg's real md5sums must match
// (pass), and a modified file is detected in a TestHost overlay made of a few real files.
#include <gtest/gtest.h>

#include <fstream>

#include "facts/facts.h"
#include "probes/software_probes.h"
#include "support/corpus.h"
#include "support/run_binary.h"
#include "support/test_host.h"

namespace guestprep::testing {
namespace {

std::string softwareDebianRoot() {
  std::ifstream in(GUESTPREP_DEBIAN_ROOT_FILE);
  std::string path;
  std::getline(in, path);
  return path;
}

class DebianRootSoftware : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = softwareDebianRoot();
    ASSERT_FALSE(root_.empty()) << "run the debian_root_build test first";
  }
  std::string real(const std::string& path) { return readTestFile(root_ + path); }
  std::string root_;
};

TEST_F(DebianRootSoftware, RealMd5sumsMatch) {
  CommandResult r = runGuestprep({"facts", "--root", root_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Facts f = factsFromJson(nlohmann::json::parse(r.out));
  const SoftwareFacts& sw = f.software;
  EXPECT_EQ(sw.packages.kind, "dpkg");
  ASSERT_TRUE(sw.packages.installed.ok());
  EXPECT_GT(sw.packages.installed.value->size(), 100u);
  ASSERT_TRUE(sw.sysdirs.files.ok()) << sw.sysdirs.files.error;
  // debootstrap installs coreutils, systemd, the kernel's modules under /lib/modules: thousands.
  EXPECT_GT(sw.sysdirs.checked, 2000);
  EXPECT_FALSE(sw.sysdirs.truncated);
  for (const auto& v : *sw.sysdirs.files.value) {
    ADD_FAILURE() << v.path << " " << toString(v.state) << ": " << v.detail;
  }
  ASSERT_TRUE(sw.issue.files.ok());
  ASSERT_EQ(sw.issue.files.value->size(), 2u);
  for (const auto& v : *sw.issue.files.value) {
    EXPECT_EQ(v.state, FileState::kOk) << v.path << ": " << v.detail;
    EXPECT_EQ(v.package, "base-files") << v.path;
  }
  EXPECT_FALSE(sw.cloud_init.installed);

  nlohmann::json report = auditJson({"--root", root_});
  EXPECT_EQ(findingFor(report, "L-SYSDIRS")["status"], "pass");
  EXPECT_EQ(findingFor(report, "L-ISSUE")["status"], "pass");
  EXPECT_EQ(findingFor(report, "L-GRUB")["status"], "not-applicable");
  EXPECT_EQ(findingFor(report, "L-QEMUGA")["status"], "pass");
}

// A few real files of the root placed in a TestHost, one of them altered.
TEST_F(DebianRootSoftware, ModifiedFileIsDetected) {
  TestHost h;
  h.addFile("/var/lib/dpkg/status", real("/var/lib/dpkg/status"));
  h.addFile("/var/lib/dpkg/info/coreutils.md5sums", real("/var/lib/dpkg/info/coreutils.md5sums"));
  h.addFile("/bin/ls", real("/usr/bin/ls"));
  std::string cat = real("/usr/bin/cat");
  cat[cat.size() / 2] ^= 0x01;
  h.addFile("/bin/cat", cat);
  h.addFile("/etc/issue", real("/etc/issue"));
  h.addFile("/etc/issue.net", real("/etc/issue.net") + "edited\n");
  SoftwareFacts f;
  os_linux::probeSoftwarePackages(h, f);
  os_linux::probeSoftwareVerification(h, f);
  ASSERT_TRUE(f.sysdirs.files.ok());
  bool ls_bad = false, cat_changed = false;
  for (const auto& v : *f.sysdirs.files.value) {
    if (v.path == "/bin/ls") ls_bad = true;
    if (v.path == "/bin/cat") cat_changed = v.state == FileState::kChanged;
    if (v.path != "/bin/cat" && v.path != "/bin/ls") {
      EXPECT_EQ(v.state, FileState::kMissing) << v.path << " is not in the overlay";
    }
  }
  EXPECT_FALSE(ls_bad) << "the real /usr/bin/ls matches coreutils' md5sums";
  EXPECT_TRUE(cat_changed);
  ASSERT_TRUE(f.issue.files.ok());
  for (const auto& v : *f.issue.files.value) {
    EXPECT_EQ(v.state, v.path == "/etc/issue" ? FileState::kOk : FileState::kChanged) << v.path;
  }
}

}  // namespace
}  // namespace guestprep::testing
