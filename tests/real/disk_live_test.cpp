// The live machine's system disk audited read-only: the partition table guestprep reads must be
// the one `sfdisk --json` reads from the same disk, and the root superblock must name the type
// the kernel mounted. Skipped when the disk cannot be opened (not root, or a sandbox).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "facts/facts.h"
#include "host/posix_fs.h"
#include "support/run_binary.h"

namespace guestprep::testing {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

Facts liveFacts() {
  CommandResult r = runGuestprep({"facts"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return factsFromJson(nlohmann::json::parse(r.out));
}

TEST(LiveMachineDisk, PartitionTableMatchesSfdisk) {
  Facts f = liveFacts();
  const StorageFacts& s = f.storage;
  if (!s.system_disk.ok()) GTEST_SKIP() << "no system disk found: " << s.system_disk.error;
  const std::string& dev = s.system_disk.value->disk;
  EXPECT_TRUE(dev.starts_with("/dev/")) << dev;
  if (!s.partition_table.ok()) {
    GTEST_SKIP() << dev << " is not readable here: " << s.partition_table.error;
  }
  auto sf = os_linux::runCommand({"sfdisk", "--json", dev}, std::chrono::seconds(30));
  if (!sf) GTEST_SKIP() << "sfdisk: " << sf.error().message;
  const disk::PartitionTable& t = *s.partition_table.value;
  if (sf->exit_code != 0) {
    // sfdisk finds no table on a whole-disk filesystem.
    EXPECT_EQ(t.scheme, disk::PartitionScheme::kNone) << sf->err;
    return;
  }
  auto j = nlohmann::json::parse(sf->out)["partitiontable"];
  std::string label = j["label"];
  EXPECT_EQ(label == "dos" ? "mbr" : label,
            t.scheme == disk::PartitionScheme::kHybrid ? "gpt" : disk::toString(t.scheme));
  std::uint64_t sector = j.value("sectorsize", 512u);
  const auto& parts = j["partitions"];
  ASSERT_EQ(parts.size(), t.partitions.size()) << j.dump(2);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& p = parts[i];
    EXPECT_EQ(p["start"].get<std::uint64_t>() * sector, t.partitions[i].start) << p.dump();
    EXPECT_EQ(p["size"].get<std::uint64_t>() * sector, t.partitions[i].size) << p.dump();
    if (label == "gpt") {
      EXPECT_EQ(upper(p["type"].get<std::string>()), t.partitions[i].type) << p.dump();
    } else {
      EXPECT_EQ("0x" + p["type"].get<std::string>(), t.partitions[i].type) << p.dump();
    }
  }
}

TEST(LiveMachineDisk, RootSuperblockNamesTheMountedType) {
  Facts f = liveFacts();
  const StorageFacts& s = f.storage;
  ASSERT_TRUE(s.filesystems.ok()) << s.filesystems.error;
  const FilesystemCheck* root = nullptr;
  for (const auto& c : *s.filesystems.value) {
    EXPECT_TRUE(c.mount_point.starts_with("/")) << c.mount_point;
    if (c.mount_point == "/") root = &c;
  }
  ASSERT_NE(root, nullptr) << "/ is always among the filesystems read";
  if (!root->fs.ok())
    GTEST_SKIP() << "the root superblock is not readable here: " << root->fs.error;
  ASSERT_TRUE(s.mounts.ok()) << s.mounts.error;
  std::string mounted;
  for (const auto& m : *s.mounts.value) {
    if (m.mount_point == "/" && m.fstype != "rootfs") mounted = m.fstype;
  }
  const std::string& type = root->fs.value->type;
  // The ext4 driver also mounts ext2/ext3 filesystems, under the type it was asked for.
  EXPECT_TRUE(type == mounted || (type.starts_with("ext") && mounted.starts_with("ext")))
      << root->device << ": superblock " << type << ", mounted as " << mounted;
}

}  // namespace
}  // namespace guestprep::testing
