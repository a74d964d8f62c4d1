// Tests for the storage probes through a TestHost: fstab/crypttab/root= device lookups (udev
// links, blkid, offline), free space of separate filesystems, and the boot mode.
#include <gtest/gtest.h>

#include "probes/storage_probes.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using testing::TestHost;

const char* kFstab =
    "# /etc/fstab\n"
    "UUID=11-22 / xfs defaults 0 0\n"
    "UUID=99-99 /data xfs defaults 0 0\n"
    "/dev/vda2 swap swap defaults 0 0\n"
    "LABEL=my\\040disk /srv ext4 defaults,nofail 0 2\n"
    "proc /proc proc defaults 0 0\n"
    "server:/export /mnt nfs _netdev 0 0\n";

void addSystem(TestHost& host) {
  host.addFile("/etc/fstab", kFstab);
  host.addFile("/etc/crypttab", "cswap /dev/vda2 /dev/urandom swap\n");
  host.addFile("/boot/grub2/grub.cfg",
               "menuentry 'Linux' {\n"
               "  linux /vmlinuz root=/dev/vda1 ro resume=/dev/vda2\n"
               "}\n");
  host.addFile("/dev/vda1", "");
  host.addFile("/dev/vda2", "");
  host.addFile("/dev/vdb1", "");
}

const FstabEntry& at(const StorageFacts& f, const std::string& file) {
  for (const auto& e : f.fstab)
    if (e.file == file) return e;
  throw std::runtime_error("no fstab entry for " + file);
}

TEST(StorageProbe, LiveLookupThroughUdevLinks) {
  TestHost host;
  addSystem(host);
  host.addSymlink("/dev/disk/by-uuid/11-22", "../../vda1");
  host.addSymlink("/dev/disk/by-uuid/33-44", "../../vda2");
  host.addSymlink("/dev/disk/by-label/my\\x20disk", "../../vdb1");
  StorageFacts f;
  probeFstab(host, f);
  EXPECT_TRUE(f.fstab_present);
  EXPECT_TRUE(f.fstab_problems.empty());
  ASSERT_EQ(f.fstab.size(), 6u);
  EXPECT_EQ(f.device_lookup_error, "");
  EXPECT_EQ(at(f, "/").state, DeviceState::kFound);
  EXPECT_EQ(at(f, "/").device, "/dev/vda1");
  EXPECT_EQ(at(f, "/").uuid, "11-22");
  EXPECT_EQ(at(f, "/data").state, DeviceState::kMissing);
  EXPECT_EQ(at(f, "swap").state, DeviceState::kFound);
  EXPECT_EQ(at(f, "swap").uuid, "33-44");
  EXPECT_EQ(at(f, "/srv").spec, "LABEL=my disk");
  EXPECT_EQ(at(f, "/srv").state, DeviceState::kFound) << "udev's \\x20 escape decoded";
  EXPECT_EQ(at(f, "/proc").state, DeviceState::kNotDevice);
  EXPECT_EQ(at(f, "/mnt").state, DeviceState::kNotDevice);
  ASSERT_EQ(f.crypttab.size(), 1u);
  EXPECT_EQ(f.crypttab[0].uuid, "33-44");
  ASSERT_EQ(f.boot_device_args.size(), 2u);
  EXPECT_EQ(f.boot_device_args[0].key, "root");
  EXPECT_EQ(f.boot_device_args[0].uuid, "11-22");
  EXPECT_EQ(f.boot_device_args[1].value, "/dev/vda2");
  EXPECT_EQ(f.boot_device_args[1].source.file, "/boot/grub2/grub.cfg");
}

TEST(StorageProbe, LiveLookupThroughBlkidWhenNoLinks) {
  TestHost host;
  addSystem(host);
  host.addCommand({"blkid"}, {0, "/dev/vda1: UUID=\"11-22\" TYPE=\"xfs\"\n", ""});
  StorageFacts f;
  probeFstab(host, f);
  EXPECT_EQ(f.device_lookup_error, "");
  EXPECT_EQ(at(f, "/").state, DeviceState::kFound);
  EXPECT_EQ(at(f, "/data").state, DeviceState::kMissing);
  EXPECT_EQ(f.boot_device_args[0].uuid, "11-22");
}

TEST(StorageProbe, NoLinksNoBlkidLeavesTagsUnchecked) {
  TestHost host;
  addSystem(host);
  StorageFacts f;
  probeFstab(host, f);
  EXPECT_NE(f.device_lookup_error.find("blkid"), std::string::npos) << f.device_lookup_error;
  EXPECT_EQ(at(f, "/").state, DeviceState::kUnchecked);
  EXPECT_EQ(at(f, "swap").state, DeviceState::kFound) << "a /dev path is still looked up";
}

TEST(StorageProbe, OfflineRootChecksNoDevice) {
  TestHost host;
  host.setRuntime(false);
  addSystem(host);
  host.addSymlink("/dev/disk/by-uuid/11-22", "../../vda1");
  StorageFacts f;
  probeFstab(host, f);
  EXPECT_NE(f.device_lookup_error.find("offline root"), std::string::npos);
  EXPECT_EQ(at(f, "/").state, DeviceState::kUnchecked);
  EXPECT_EQ(at(f, "swap").state, DeviceState::kUnchecked);
  EXPECT_EQ(at(f, "/proc").state, DeviceState::kNotDevice);
  EXPECT_EQ(f.boot_device_args.size(), 2u);
  EXPECT_EQ(f.check_at_next_boot, "") << "no /forcefsck here";

  host.addFile("/forcefsck", "");
  StorageFacts scheduled;
  probeFstab(host, scheduled);
  EXPECT_EQ(scheduled.check_at_next_boot, "/forcefsck") << "read from files, offline too";
}

TEST(StorageProbe, MalformedLinesAndMissingFstab) {
  TestHost host;
  host.addFile("/etc/fstab", "bug\nUUID=1 / ext4 defaults 0 1\n");
  StorageFacts f;
  probeFstab(host, f);
  ASSERT_EQ(f.fstab_problems.size(), 1u);
  EXPECT_EQ(f.fstab_problems[0].file, "/etc/fstab");
  EXPECT_EQ(f.fstab_problems[0].line, 1);
  EXPECT_EQ(f.fstab[0].source.file, "/etc/fstab");

  TestHost empty;
  StorageFacts g;
  probeFstab(empty, g);
  EXPECT_FALSE(g.fstab_present);
  EXPECT_TRUE(g.fstab_problems.empty());
  EXPECT_FALSE(g.boot_problems.empty()) << "no boot configuration is recorded";
}

TEST(SpaceProbe, SeparateFilesystemsLive) {
  TestHost host;
  host.addFile("/etc/fstab",
               "UUID=1 / xfs defaults 0 0\nUUID=2 /boot xfs defaults 0 0\n"
               "UUID=3 /home xfs defaults 0 0\nserver:/x /mnt nfs defaults 0 0\n");
  host.addFile("/proc/mounts", "/dev/vda1 / xfs rw 0 0\n/dev/vda2 /boot xfs rw 0 0\n");
  host.addDir("/boot");
  host.addDir("/home");
  FsStats root{4096, 1000, 500, 400, 100, 50};
  host.setFsStats("/", root);
  host.setFsStats("/boot", FsStats{4096, 100, 50, 50, 10, 5});
  host.setFsStats("/home", root);
  StorageFacts f;
  probeFstab(host, f);
  probeSpace(host, f);
  ASSERT_TRUE(f.mounts.ok());
  EXPECT_EQ(f.mounts.value->size(), 2u);
  ASSERT_EQ(f.space.size(), 3u) << "/, /boot, /home; not the NFS mount";
  EXPECT_EQ(f.space[0].path, "/");
  EXPECT_EQ(f.space[0].stats.value->blocks_avail, 400u);
  EXPECT_TRUE(f.space[1].separate);
  EXPECT_FALSE(f.space[2].separate) << "/home is not mounted now";
}

TEST(SpaceProbe, OfflineComparesWithRoot) {
  TestHost host;
  host.setRuntime(false);
  host.addFile("/etc/fstab", "UUID=1 / xfs defaults 0 0\nUUID=2 /boot xfs defaults 0 0\n");
  FsStats root{4096, 1000, 500, 400, 100, 50};
  host.setFsStats("/", root);
  host.setFsStats("/boot", root);
  StorageFacts f;
  probeFstab(host, f);
  probeSpace(host, f);
  EXPECT_FALSE(f.mounts.ok());
  ASSERT_EQ(f.space.size(), 2u);
  EXPECT_FALSE(f.space[1].separate) << "same statvfs as / : not mounted under the root";
  host.setFsStats("/boot", FsStats{4096, 100, 50, 50, 10, 5});
  StorageFacts g;
  probeFstab(host, g);
  probeSpace(host, g);
  EXPECT_TRUE(g.space[1].separate);
}

TEST(BootModeProbe, LiveOfflineAndUnknown) {
  TestHost live;
  live.addDir("/sys/firmware/efi/efivars");
  StorageFacts f;
  probeBootMode(live, f);
  ASSERT_TRUE(f.boot_mode.ok());
  EXPECT_EQ(f.boot_mode.value->mode, "uefi");

  TestHost bios;
  StorageFacts b;
  probeBootMode(bios, b);
  EXPECT_EQ(b.boot_mode.value->mode, "bios");

  TestHost esp;
  esp.setRuntime(false);
  esp.addFile("/etc/fstab",
              "UUID=1 / ext4 defaults 0 1\nUUID=AB-CD /boot/efi vfat umask=0077 0 1\n");
  esp.addDir("/boot/grub/i386-pc");
  StorageFacts e;
  probeFstab(esp, e);
  probeBootMode(esp, e);
  ASSERT_TRUE(e.boot_mode.ok());
  EXPECT_EQ(e.boot_mode.value->mode, "uefi");
  EXPECT_EQ(e.boot_mode.value->source.line, 2);

  TestHost grub;
  grub.setRuntime(false);
  grub.addDir("/boot/grub2/i386-pc");
  StorageFacts g;
  probeBootMode(grub, g);
  EXPECT_EQ(g.boot_mode.value->mode, "bios");
  EXPECT_EQ(g.boot_mode.value->source.file, "/boot/grub2/i386-pc");

  TestHost none;
  none.setRuntime(false);
  StorageFacts n;
  probeBootMode(none, n);
  EXPECT_FALSE(n.boot_mode.ok());
}

TEST(UdevName, Decodes) {
  EXPECT_EQ(decodeUdevName("my\\x20disk"), "my disk");
  EXPECT_EQ(decodeUdevName("a\\x2fb"), "a/b");
  EXPECT_EQ(decodeUdevName("plain"), "plain");
  EXPECT_EQ(decodeUdevName("bad\\xZZ"), "bad\\xZZ");
}

}  // namespace
}  // namespace guestprep::os_linux
