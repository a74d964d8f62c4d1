// The disk probe through a TestHost whose /dev/vda is an image built here: / followed from
// /proc/self/mountinfo through /sys/class/block (partition, LVM) to the disk, its partition table
// and superblock; the whole host collected and judged by the storage rules; the offline root; and
// Host::openBlockDevice of the live and offline-root hosts.
#include <gtest/gtest.h>

#include <fstream>

#include "../../agent/disk_test_images.h"
#include "audit/audit.h"
#include "host/posix_fs.h"
#include "probes/storage_probes.h"
#include "rules/registry.h"
#include "rules/storage_rules.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using testing::TestHost;
using testing::disk_images::ExtFields;
using testing::disk_images::Image;
using testing::disk_images::mbrEntry;
using testing::disk_images::writeExt;

constexpr std::size_t kMiB = 1024 * 1024;

std::filesystem::path writeFile(const std::string& name, const std::vector<std::uint8_t>& bytes) {
  std::filesystem::path p = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return p;
}

// A 4 MiB disk: MBR, partition 1 (1-3 MiB, active) holding ext4 with 64bit and 3 errors.
struct DiskImages {
  std::filesystem::path disk;
  std::filesystem::path part;
};

DiskImages buildDisk(const std::string& tag) {
  Image img(4 * kMiB);
  img.u8(0, 0xEB);
  mbrEntry(img, 0, 0, 0x83, 2048, 4096, true);
  ExtFields f;
  f.compat = 0x3C;
  f.incompat = 0x2C2;  // filetype extent 64bit flex_bg
  f.ro_compat = 0x7B;
  f.state = 0x3;
  f.error_count = 3;
  f.last_error_time = 1767225600;
  f.last_error_func = "ext4_lookup";
  f.last_check = 1763942400;
  f.blocks_lo = 512;
  writeExt(img, kMiB, f);
  std::vector<std::uint8_t> part(img.bytes.begin() + kMiB, img.bytes.begin() + 3 * kMiB);
  return {writeFile("disk-" + tag + ".raw", img.bytes), writeFile("part-" + tag + ".raw", part)};
}

void addPartitionedRoot(TestHost& host, const DiskImages& d) {
  const std::string vda = "/sys/devices/pci0000:00/0000:00:04.0/virtio2/block/vda";
  host.addFile("/proc/self/mountinfo",
               "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro\n"
               "23 22 0:21 / /proc rw,relatime shared:2 - proc proc rw\n");
  host.addFile(vda + "/size", "8192\n");
  host.addFile(vda + "/vda1/partition", "1\n");
  host.addSymlink("/sys/dev/block/254:1",
                  "../../devices/pci0000:00/0000:00:04.0/virtio2/block/vda/vda1");
  host.addSymlink("/sys/class/block/vda",
                  "../../devices/pci0000:00/0000:00:04.0/virtio2/block/vda");
  host.addSymlink("/sys/class/block/vda1",
                  "../../devices/pci0000:00/0000:00:04.0/virtio2/block/vda/vda1");
  host.addFile("/etc/fstab", "UUID=0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9 / ext4 defaults 0 1\n");
  host.addFile("/dev/vda", "");
  host.addFile("/dev/vda1", "");
  host.setBlockDevice("/dev/vda", d.disk);
  host.setBlockDevice("/dev/vda1", d.part);
}

TEST(Mountinfo, ParsesFieldsAfterTheSeparator) {
  auto m = parseMountinfo(
      "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n"
      "30 27 0:45 / /mnt/my\\040disk rw shared:5 master:1 - xfs /dev/sdb1 rw\n"
      "broken line\n"
      "31 27 0:46 / /x rw - \n");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].major_minor, "254:0");
  EXPECT_EQ(m[0].mount_point, "/");
  EXPECT_EQ(m[0].fstype, "ext4");
  EXPECT_EQ(m[0].source, "/dev/vda");
  EXPECT_EQ(m[1].mount_point, "/mnt/my disk") << "optional fields and octal escapes";
  EXPECT_EQ(m[1].source, "/dev/sdb1");
}

TEST(DiskProbe, PartitionedRootThroughSysfs) {
  TestHost host;
  addPartitionedRoot(host, buildDisk("sysfs"));
  StorageFacts f;
  probeFstab(host, f);
  probeDisks(host, f);
  ASSERT_TRUE(f.system_disk.ok()) << f.system_disk.error;
  EXPECT_EQ(f.system_disk.value->root_device, "/dev/vda1");
  EXPECT_EQ(f.system_disk.value->disk, "/dev/vda");
  EXPECT_EQ(f.system_disk.value->size, 8192u * 512);
  EXPECT_FALSE(f.system_disk.value->root_on_lvm);
  ASSERT_TRUE(f.partition_table.ok()) << f.partition_table.error;
  EXPECT_EQ(f.partition_table.value->scheme, disk::PartitionScheme::kMbr);
  ASSERT_EQ(f.partition_table.value->partitions.size(), 1u);
  EXPECT_EQ(f.partition_table.value->partitions[0].start, kMiB);
  ASSERT_TRUE(f.filesystems.ok()) << f.filesystems.error;
  ASSERT_EQ(f.filesystems.value->size(), 1u);
  const FilesystemCheck& root = f.filesystems.value->front();
  EXPECT_EQ(root.mount_point, "/");
  EXPECT_EQ(root.device, "/dev/vda1");
  EXPECT_TRUE(root.mounted);
  ASSERT_TRUE(root.fs.ok()) << root.fs.error;
  EXPECT_EQ(root.fs.value->type, "ext4");
  EXPECT_EQ(root.fs.value->ext->error_count, 3u);
}

TEST(DiskProbe, RootOnLvmFollowsTheSlaves) {
  TestHost host;
  DiskImages d = buildDisk("lvm");
  const std::string vda = "/sys/devices/pci0000:00/virtio2/block/vda";
  host.addFile("/proc/self/mountinfo", "22 1 253:0 / / rw - xfs /dev/mapper/vg-root rw\n");
  host.addFile("/sys/devices/virtual/block/dm-0/slaves/vda2", "");
  host.addFile("/sys/devices/virtual/block/dm-0/dm/uuid", "LVM-abcdef\n");
  host.addFile(vda + "/size", "8192\n");
  host.addFile(vda + "/vda2/partition", "2\n");
  host.addSymlink("/sys/dev/block/253:0", "../../devices/virtual/block/dm-0");
  host.addSymlink("/sys/class/block/dm-0", "../../devices/virtual/block/dm-0");
  host.addSymlink("/sys/class/block/vda2", "../../devices/pci0000:00/virtio2/block/vda/vda2");
  host.addSymlink("/sys/class/block/vda", "../../devices/pci0000:00/virtio2/block/vda");
  host.setBlockDevice("/dev/vda", d.disk);
  StorageFacts f;
  probeDisks(host, f);
  ASSERT_TRUE(f.system_disk.ok()) << f.system_disk.error;
  EXPECT_EQ(f.system_disk.value->root_device, "/dev/dm-0");
  EXPECT_EQ(f.system_disk.value->disk, "/dev/vda");
  EXPECT_TRUE(f.system_disk.value->root_on_lvm);
  EXPECT_EQ(f.system_disk.value->layers, std::vector<std::string>{"dm-0 (LVM)"});
  EXPECT_NE(f.system_disk.value->evidence.find("dm-0 is LVM on vda2"), std::string::npos)
      << f.system_disk.value->evidence;
  EXPECT_TRUE(f.partition_table.ok()) << f.partition_table.error;
  // /dev/dm-0 has no image behind it here: the superblock is missing with the reason.
  ASSERT_TRUE(f.filesystems.ok());
  ASSERT_EQ(f.filesystems.value->size(), 1u);
  EXPECT_FALSE(f.filesystems.value->front().fs.ok());
  EXPECT_NE(f.filesystems.value->front().fs.error.find("/dev/dm-0"), std::string::npos)
      << f.filesystems.value->front().fs.error;
}

TEST(DiskProbe, RootNotOnABlockDevice) {
  TestHost host;
  host.addFile("/proc/self/mountinfo", "22 1 0:30 / / rw - overlay overlay rw\n");
  StorageFacts f;
  probeDisks(host, f);
  EXPECT_FALSE(f.system_disk.ok());
  EXPECT_NE(f.system_disk.error.find("overlay"), std::string::npos) << f.system_disk.error;
  EXPECT_FALSE(f.partition_table.ok());
  ASSERT_TRUE(f.filesystems.ok());
  EXPECT_FALSE(f.filesystems.value->front().fs.ok());
}

TEST(DiskProbe, OfflineRootHasNoDisk) {
  TestHost host;
  addPartitionedRoot(host, buildDisk("offline"));
  host.setRuntime(false);
  StorageFacts f;
  probeDisks(host, f);
  for (const std::string* why :
       {&f.system_disk.error, &f.partition_table.error, &f.filesystems.error}) {
    EXPECT_NE(why->find("offline root"), std::string::npos) << *why;
  }
  EXPECT_FALSE(f.system_disk.ok());
  EXPECT_FALSE(f.partition_table.ok());
  EXPECT_FALSE(f.filesystems.ok());
}

Params defaults(const char* type) {
  std::map<std::string, ParamValue> v;
  for (const ParamSpec& p : findRuleType(type)->params) v[p.name] = *p.default_value;
  return Params(v);
}

TEST(DiskProbe, WholeHostCollectedAndJudged) {
  TestHost host;
  addPartitionedRoot(host, buildDisk("whole"));
  Facts facts = collectFacts(host);
  ASSERT_TRUE(facts.storage.filesystems.ok()) << facts.storage.filesystems.error;
  Outcome fsck = evaluateFsIntegrity(facts, defaults("fs.integrity"));
  EXPECT_EQ(fsck.status, Status::kFail);
  EXPECT_NE(fsck.message.find("3 error(s) recorded, the last on 2026-01-01"), std::string::npos)
      << fsck.message;
  Outcome feat = evaluateFsExt4Features(facts, defaults("fs.ext4_features"));
  EXPECT_EQ(feat.status, Status::kFail);
  EXPECT_NE(feat.message.find("64bit"), std::string::npos) << feat.message;
  Params mbr_only(
      std::map<std::string, ParamValue>{{"allowed_mounts", std::vector<std::string>{"/"}},
                                        {"allow_lvm_root", true},
                                        {"partition_tables", std::vector<std::string>{"mbr"}}});
  Outcome layout = evaluateDiskLayout(facts, mbr_only);
  EXPECT_EQ(layout.status, Status::kPass) << layout.message;
  EXPECT_NE(layout.message.find("mbr partition table"), std::string::npos) << layout.message;
  Outcome type = evaluateFsRootType(facts, defaults("fs.root_type"));
  EXPECT_EQ(type.status, Status::kPass);
}

TEST(OpenBlockDevice, LiveHostReadsAFileReadOnly) {
  std::vector<std::uint8_t> bytes(3000);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 7);
  auto path = writeFile("blockdev.bin", bytes);
  auto host = makeLiveHost();
  auto src = host->openBlockDevice(path.string());
  ASSERT_TRUE(src) << src.error().message;
  EXPECT_EQ((*src)->size(), 3000u);
  EXPECT_EQ((*src)->describe(), path.string());
  std::vector<std::uint8_t> buf(100);
  ASSERT_TRUE((*src)->readAt(2900, buf));
  EXPECT_TRUE(std::equal(buf.begin(), buf.end(), bytes.begin() + 2900));
  auto past = (*src)->readAt(2950, buf);
  ASSERT_FALSE(past);
  EXPECT_NE(past.error().message.find("offset 2950"), std::string::npos) << past.error().message;
  auto missing = host->openBlockDevice("/nonexistent/guestprep-disk");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto dir = host->openBlockDevice(::testing::TempDir());
  ASSERT_FALSE(dir);
}

TEST(OpenBlockDevice, OfflineRootCannotReachTheDisk) {
  auto root = makeRootHost(::testing::TempDir());
  ASSERT_TRUE(root) << root.error().message;
  auto src = (*root)->openBlockDevice("/dev/vda");
  ASSERT_FALSE(src);
  EXPECT_EQ(src.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(src.error().message.find("offline root"), std::string::npos) << src.error().message;
}

}  // namespace
}  // namespace guestprep::os_linux
