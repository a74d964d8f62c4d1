// Whole audits of the fixture roots by the built binary: the storage verdicts each system
// deserves (kernel names in fstab or resume=, an NFS entry without nofail, btrfs root, UEFI), and
// the superblock checks that an offline root cannot evaluate.
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
     {{"L-FSTAB", "warn"},
      {"X-DEVNAMES", "warn"},
      {"X-FSTABRESOLVE", "pass"},
      {"L-FSTYPE", "pass"},
      {"L-PARTITION", "pass"},
      {"X-BOOTMODE", "pass"}},
     {{"X-DEVNAMES", "/dev/sda1"}, {"L-FSTAB", "offline root"}, {"L-FSTYPE", "ext4"}}},
    {"rhel7",
     {{"L-FSTAB", "warn"},
      {"X-DEVNAMES", "pass"},
      {"X-FSTABRESOLVE", "warn"},
      {"L-FSTYPE", "pass"},
      {"X-BOOTMODE", "pass"}},
     {{"X-FSTABRESOLVE", "nas01.example.com:/export/backup"}, {"X-BOOTMODE", "BIOS"}}},
    {"sles12",
     {{"X-DEVNAMES", "warn"},
      {"X-FSTABRESOLVE", "pass"},
      {"L-FSTYPE", "fail"},
      {"L-PARTITION", "pass"},
      {"X-BOOTMODE", "pass"}},
     {{"X-DEVNAMES", "resume=/dev/sda2"}, {"L-FSTYPE", "btrfs"}}},
    {"ubuntu14",
     {{"L-FSTAB", "warn"},
      {"X-DEVNAMES", "pass"},
      {"X-FSTABRESOLVE", "pass"},
      {"L-FSTYPE", "pass"},
      {"X-BOOTMODE", "pass"}},
     {}},
    {"ubuntu18",
     {{"X-DEVNAMES", "pass"},
      {"X-FSTABRESOLVE", "pass"},
      {"L-FSTYPE", "pass"},
      {"L-PARTITION", "pass"},
      {"X-BOOTMODE", "warn"}},
     {{"X-BOOTMODE", "UEFI"}}},
};

TEST(StorageRoots, Verdicts) {
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
    // A fixture root is a directory of this machine's filesystem, not a mounted disk: its free
    // space and inodes are not the audited system's, so those checks cannot be evaluated.
    for (const char* req : {"L-DISKFREE", "X-INODES"}) {
      nlohmann::json f = findingFor(report, req);
      ASSERT_FALSE(f.is_null()) << c.root << " " << req;
      EXPECT_EQ(f["status"], "error") << c.root << " " << req << ": " << f.dump(2);
      EXPECT_NE(f.dump().find("not on a filesystem mounted inside"), std::string::npos)
          << c.root << " " << req << ": " << f.dump(2);
    }
    // An offline root holds files, not the disk: superblocks cannot be read, never a pass.
    for (const char* req : {"L-FSCHECK", "X-EXT4FEAT"}) {
      nlohmann::json f = findingFor(report, req);
      ASSERT_FALSE(f.is_null()) << c.root << " " << req;
      EXPECT_EQ(f["status"], "error") << c.root << " " << req << ": " << f.dump(2);
      EXPECT_NE(f["message"].get<std::string>().find("offline root"), std::string::npos)
          << c.root << " " << req << ": " << f.dump(2);
    }
    nlohmann::json layout = findingFor(report, "L-PARTITION");
    ASSERT_FALSE(layout.is_null()) << c.root;
    EXPECT_NE(layout.dump().find("partition table not read"), std::string::npos)
        << c.root << ": " << layout.dump(2);
  }
}

// Evidence names the fstab line with the kernel device name and the file with resume=.
TEST(StorageRoots, EvidenceNamesFilesAndLines) {
  nlohmann::json rhel6 = auditJson({"--root", fixtureRoot("rhel6")});
  bool sda1 = false;
  const nlohmann::json rhel6_names = findingFor(rhel6, "X-DEVNAMES");
  for (const auto& e : rhel6_names["evidence"]) {
    if (e["source"] == "/etc/fstab" && e["line"] == 10) sda1 = true;
  }
  EXPECT_TRUE(sda1) << findingFor(rhel6, "X-DEVNAMES").dump(2);
  nlohmann::json sles = auditJson({"--root", fixtureRoot("sles12")});
  bool resume = false;
  const nlohmann::json sles_names = findingFor(sles, "X-DEVNAMES");
  for (const auto& e : sles_names["evidence"]) {
    if (e["source"] == "/boot/grub2/grub.cfg" && e["line"].get<int>() > 0) resume = true;
  }
  EXPECT_TRUE(resume) << findingFor(sles, "X-DEVNAMES").dump(2);
}

}  // namespace
}  // namespace guestprep::testing
