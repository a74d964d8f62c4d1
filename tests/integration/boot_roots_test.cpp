// The boot family's verdicts (L-DRIVERS, X-NVME, X-BOOTKERNEL) on the fixture roots, through the
// built binary with the default policy.
#include <gtest/gtest.h>

#include "support/run_binary.h"

namespace guestprep::testing {
namespace {

struct Case {
  std::string root;
  std::map<std::string, std::string> want;  ///< requirement -> status
};

TEST(BootRoots, VerdictsPerRoot) {
  const Case cases[] = {
      // CentOS 7: virtio, Xen and NVMe modules in modules.dep and in a gzip initramfs.
      {"rhel7", {{"L-DRIVERS", "pass"}, {"X-NVME", "pass"}, {"X-BOOTKERNEL", "pass"}}},
      // Ubuntu 18.04: drivers built in (config, modules.builtin) but no initrd.img.
      {"ubuntu18", {{"L-DRIVERS", "pass"}, {"X-NVME", "pass"}, {"X-BOOTKERNEL", "warn"}}},
      // The others carry the boot loader configuration but no kernel modules: the default
      // kernel is found and its missing module tree is reported, never passed.
      {"rhel6", {{"L-DRIVERS", "error"}, {"X-NVME", "error"}, {"X-BOOTKERNEL", "warn"}}},
      {"sles12", {{"L-DRIVERS", "error"}, {"X-NVME", "error"}, {"X-BOOTKERNEL", "warn"}}},
      {"ubuntu14", {{"L-DRIVERS", "error"}, {"X-NVME", "error"}, {"X-BOOTKERNEL", "warn"}}},
  };
  for (const Case& c : cases) {
    nlohmann::json report = auditJson({"--root", fixtureRoot(c.root)});
    for (const auto& [req, status] : c.want) {
      nlohmann::json f = findingFor(report, req);
      ASSERT_FALSE(f.is_null()) << c.root << " " << req;
      EXPECT_EQ(f.at("status"), status) << c.root << " " << req << ": " << f.at("message");
    }
  }
}

TEST(BootRoots, Rhel7EvidenceNamesTheGrubEntryAndInitramfs) {
  nlohmann::json f = findingFor(auditJson({"--root", fixtureRoot("rhel7")}), "L-DRIVERS");
  ASSERT_FALSE(f.is_null());
  std::string all = f.at("evidence").dump();
  EXPECT_NE(all.find("/boot/grub2/grub.cfg"), std::string::npos) << all;
  EXPECT_NE(all.find("/boot/initramfs-3.10.0-1160.el7.x86_64.img"), std::string::npos) << all;
}

}  // namespace
}  // namespace guestprep::testing
