// The storage rules (fstab.resolves, fstab.device_names, fstab.external, disk.free, disk.inodes,
// fs.root_type, disk.layout, boot.mode, fs.integrity, fs.ext4_features) over Facts literals, and
// the storage facts' JSON.
#include <gtest/gtest.h>

#include "facts/facts.h"
#include "rules/registry.h"
#include "rules/storage_rules.h"

namespace guestprep {
namespace {

Params withDefaults(const std::vector<ParamSpec>& specs,
                    std::map<std::string, ParamValue> overrides = {}) {
  std::map<std::string, ParamValue> v;
  for (const auto& s : specs)
    v[s.name] = overrides.contains(s.name) ? overrides[s.name] : *s.default_value;
  return Params(v);
}

FstabEntry entry(std::string spec, std::string file, std::string type, int line,
                 DeviceState state = DeviceState::kFound,
                 std::vector<std::string> opts = {"defaults"}) {
  FstabEntry e;
  e.source = {"/etc/fstab", line};
  e.spec = std::move(spec);
  e.file = std::move(file);
  e.vfstype = std::move(type);
  e.options = std::move(opts);
  e.state = state;
  if (state == DeviceState::kFound) e.device = "/dev/vda1";
  return e;
}

SpaceStats space(std::uint64_t blocks, std::uint64_t avail, std::uint64_t inodes = 1000,
                 std::uint64_t inodes_free = 500) {
  return SpaceStats{4096, blocks, avail, avail, inodes, inodes_free};
}

Facts base() {
  Facts f;
  auto& s = f.storage;
  s.fstab_present = true;
  s.fstab = {entry("UUID=11-22", "/", "xfs", 9), entry("UUID=33-44", "/boot", "xfs", 10),
             entry("proc", "/proc", "proc", 11, DeviceState::kNotDevice)};
  s.boot_device_args = {{{"/boot/grub2/grub.cfg", 20}, "root", "UUID=11-22", ""}};
  s.mounts = Observed<std::vector<MountEntry>>::of(
      {{"rootfs", "/", "rootfs"}, {"/dev/vda1", "/", "xfs"}, {"/dev/vda2", "/boot", "xfs"}});
  s.space = {{"/", false, Observed<SpaceStats>::of(space(1000000, 500000))},
             {"/boot", true, Observed<SpaceStats>::of(space(256000, 200000))}};
  s.boot_mode = Observed<BootModeInfo>::of({"bios", {"/sys/firmware/efi", 0}, "absent"});
  return f;
}

Outcome resolves(const Facts& f) {
  return evaluateFstabResolves(f, withDefaults(fstabResolvesParams()));
}
Outcome devnames(const Facts& f) {
  return evaluateFstabDeviceNames(f, withDefaults(fstabDeviceNamesParams()));
}
Outcome external(const Facts& f) {
  return evaluateFstabExternal(f, withDefaults(fstabExternalParams()));
}
Outcome freeSpace(const Facts& f) { return evaluateDiskFree(f, withDefaults(diskFreeParams())); }
Outcome inodes(const Facts& f) { return evaluateDiskInodes(f, withDefaults(diskInodesParams())); }
Outcome rootType(const Facts& f) { return evaluateFsRootType(f, withDefaults(fsRootTypeParams())); }
Outcome layout(const Facts& f) { return evaluateDiskLayout(f, withDefaults(diskLayoutParams())); }
Outcome bootMode(const Facts& f, std::vector<std::string> supported = {"bios", "uefi"}) {
  return evaluateBootMode(f, withDefaults(bootModeParams(), {{"supported", supported}}));
}

bool evidenceHas(const Outcome& o, const std::string& part, int line = -1) {
  for (const auto& e : o.evidence) {
    if (e.text.find(part) != std::string::npos && (line < 0 || e.line == line)) return true;
  }
  return false;
}

TEST(FstabResolves, Statuses) {
  EXPECT_EQ(resolves(base()).status, Status::kPass);

  Facts missing = base();
  missing.storage.fstab[1].state = DeviceState::kMissing;
  Outcome o = resolves(missing);
  EXPECT_EQ(o.status, Status::kFail) << o.message;
  EXPECT_NE(o.message.find("UUID=33-44 (/boot)"), std::string::npos) << o.message;
  EXPECT_TRUE(evidenceHas(o, "no such device", 10));

  Facts tolerated = base();
  tolerated.storage.fstab[1].state = DeviceState::kMissing;
  tolerated.storage.fstab[1].options = {"defaults", "nofail"};
  EXPECT_EQ(resolves(tolerated).status, Status::kPass);

  Facts malformed = base();
  malformed.storage.fstab_problems = {{"/etc/fstab", 4, "malformed entry: bug"}};
  o = resolves(malformed);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_TRUE(evidenceHas(o, "malformed", 4));

  Facts offline = base();
  for (auto& e : offline.storage.fstab)
    if (e.state == DeviceState::kFound) e.state = DeviceState::kUnchecked;
  offline.storage.device_lookup_error = "devices cannot be looked up on an offline root";
  o = resolves(offline);
  EXPECT_EQ(o.status, Status::kWarn);
  EXPECT_NE(o.message.find("offline root"), std::string::npos) << o.message;

  Facts unreadable = base();
  unreadable.storage.fstab_problems = {{"/etc/fstab", 0, "permission denied"}};
  EXPECT_EQ(resolves(unreadable).status, Status::kError);

  Facts no_root = base();
  no_root.storage.fstab.erase(no_root.storage.fstab.begin());
  EXPECT_EQ(resolves(no_root).status, Status::kWarn);
  EXPECT_EQ(evaluateFstabResolves(
                no_root, withDefaults(fstabResolvesParams(), {{"require_root_entry", false}}))
                .status,
            Status::kPass);

  Facts absent = base();
  absent.storage.fstab_present = false;
  absent.storage.fstab.clear();
  EXPECT_EQ(resolves(absent).status, Status::kWarn);
}

TEST(FstabDeviceNames, KernelNamesInFstabCrypttabAndCmdline) {
  EXPECT_EQ(devnames(base()).status, Status::kPass);

  Facts f = base();
  f.storage.fstab[1].spec = "/dev/sda1";
  f.storage.fstab[1].uuid = "33-44";
  Outcome o = devnames(f);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_TRUE(evidenceHas(o, "use UUID=33-44", 10));

  Facts resume = base();
  resume.storage.boot_device_args.push_back({{"/etc/default/grub", 6}, "resume", "/dev/sda2", ""});
  o = devnames(resume);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("resume=/dev/sda2"), std::string::npos) << o.message;
  EXPECT_TRUE(evidenceHas(o, "blkid", 6));

  Facts crypt = base();
  crypt.storage.crypttab = {{{"/etc/crypttab", 2}, "swap", "/dev/xvdb2", ""}};
  EXPECT_EQ(devnames(crypt).status, Status::kFail);

  // LVM and by-uuid paths are stable.
  Facts lvm = base();
  lvm.storage.fstab[0].spec = "/dev/mapper/centos-root";
  lvm.storage.fstab[1].spec = "/dev/disk/by-uuid/33-44";
  EXPECT_EQ(devnames(lvm).status, Status::kPass);

  Facts noboot = base();
  noboot.storage.boot_problems = {{"/boot", 0, "no boot loader configuration found"}};
  EXPECT_EQ(devnames(noboot).status, Status::kError);

  Facts unreadable = base();
  unreadable.storage.fstab_problems = {{"/etc/fstab", 0, "permission denied"}};
  EXPECT_EQ(devnames(unreadable).status, Status::kError);
}

TEST(FstabExternal, NetworkAndRemovableWithoutNofail) {
  EXPECT_EQ(external(base()).status, Status::kPass);

  Facts nfs = base();
  nfs.storage.fstab.push_back(
      entry("server:/export", "/data", "nfs", 12, DeviceState::kNotDevice, {"_netdev"}));
  Outcome o = external(nfs);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_TRUE(evidenceHas(o, "_netdev only orders it", 12));

  nfs.storage.fstab.back().options = {"_netdev", "nofail"};
  EXPECT_EQ(external(nfs).status, Status::kPass);

  Facts cdrom = base();
  cdrom.storage.fstab.push_back(entry("/dev/sr0", "/media/cdrom", "iso9660", 13));
  EXPECT_EQ(external(cdrom).status, Status::kFail);
  cdrom.storage.fstab.back().options = {"ro", "noauto"};
  EXPECT_EQ(external(cdrom).status, Status::kPass);

  Facts cifs = base();
  cifs.storage.fstab.push_back(entry("//host/share", "/mnt", "cifs", 14));
  EXPECT_EQ(external(cifs).status, Status::kFail);

  Facts unreadable = base();
  unreadable.storage.fstab_problems = {{"/etc/fstab", 0, "permission denied"}};
  EXPECT_EQ(external(unreadable).status, Status::kError);
}

TEST(DiskFree, Thresholds) {
  EXPECT_EQ(freeSpace(base()).status, Status::kPass);

  Facts full = base();
  full.storage.space[0].stats = Observed<SpaceStats>::of(space(1000000, 20000));  // 2 %
  Outcome o = freeSpace(full);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("/ ("), std::string::npos) << o.message;

  Facts tight = base();
  tight.storage.space[0].stats = Observed<SpaceStats>::of(space(1000000, 100000));  // 10 %
  EXPECT_EQ(freeSpace(tight).status, Status::kWarn);

  // A small /boot with 100 MiB left is below min_free_mib (200).
  Facts small = base();
  small.storage.space[1].stats = Observed<SpaceStats>::of(space(51200, 25600));
  EXPECT_EQ(freeSpace(small).status, Status::kFail);

  // A path on the root filesystem is not judged on its own.
  Facts same = base();
  same.storage.space[1].separate = false;
  same.storage.space[1].stats = Observed<SpaceStats>::of(space(1000, 1));
  EXPECT_EQ(freeSpace(same).status, Status::kPass);

  Facts failed = base();
  failed.storage.space[0].stats = Observed<SpaceStats>::failed("statvfs: permission denied");
  EXPECT_EQ(freeSpace(failed).status, Status::kError);

  Facts none = base();
  none.storage.space.clear();
  EXPECT_EQ(freeSpace(none).status, Status::kError);
}

TEST(DiskInodes, Thresholds) {
  EXPECT_EQ(inodes(base()).status, Status::kPass);

  Facts full = base();
  full.storage.space[1].stats = Observed<SpaceStats>::of(space(256000, 200000, 1000, 10));
  Outcome o = inodes(full);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("/boot (99% used)"), std::string::npos) << o.message;

  Facts btrfs = base();
  btrfs.storage.space = {{"/", false, Observed<SpaceStats>::of(space(1000, 500, 0, 0))}};
  EXPECT_EQ(inodes(btrfs).status, Status::kNotApplicable);

  Facts failed = base();
  failed.storage.space[0].stats = Observed<SpaceStats>::failed("offline");
  EXPECT_EQ(inodes(failed).status, Status::kError);
}

TEST(FsRootType, MountsThenFstab) {
  Outcome o = rootType(base());
  EXPECT_EQ(o.status, Status::kPass);
  EXPECT_EQ(o.message, "the root filesystem is xfs");

  Facts btrfs = base();
  (*btrfs.storage.mounts.value)[1].fstype = "btrfs";
  EXPECT_EQ(rootType(btrfs).status, Status::kFail);

  Facts offline = base();
  offline.storage.mounts = Observed<std::vector<MountEntry>>::failed("not checked: offline root");
  offline.storage.fstab[0].vfstype = "ext4";
  o = rootType(offline);
  EXPECT_EQ(o.status, Status::kPass);
  EXPECT_TRUE(evidenceHas(o, "UUID=11-22", 9));
  offline.storage.fstab[0].vfstype = "reiserfs";
  EXPECT_EQ(rootType(offline).status, Status::kFail);
  offline.storage.fstab[0].vfstype = "auto";
  EXPECT_EQ(rootType(offline).status, Status::kError);
  offline.storage.fstab.erase(offline.storage.fstab.begin());
  EXPECT_EQ(rootType(offline).status, Status::kError);
}

TEST(DiskLayout, SeparateFilesystems) {
  EXPECT_EQ(layout(base()).status, Status::kPass);

  Facts var = base();
  var.storage.fstab.push_back(entry("/dev/mapper/vg-var", "/var", "xfs", 12));
  Outcome o = layout(var);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("/var"), std::string::npos) << o.message;

  Facts subvol = base();
  subvol.storage.fstab.push_back(
      entry("UUID=11-22", "/home", "btrfs", 13, DeviceState::kFound, {"subvol=/@/home"}));
  EXPECT_EQ(layout(subvol).status, Status::kPass) << "a subvolume of / is no partition";

  Facts only_root = base();
  EXPECT_EQ(evaluateDiskLayout(only_root,
                               withDefaults(diskLayoutParams(),
                                            {{"allowed_mounts", std::vector<std::string>{"/"}}}))
                .status,
            Status::kFail);

  Facts lvm = base();
  lvm.storage.fstab[0].spec = "/dev/mapper/centos-root";
  EXPECT_EQ(layout(lvm).status, Status::kPass);
  EXPECT_EQ(
      evaluateDiskLayout(lvm, withDefaults(diskLayoutParams(), {{"allow_lvm_root", false}})).status,
      Status::kFail);

  Facts no_root = base();
  no_root.storage.fstab.erase(no_root.storage.fstab.begin());
  EXPECT_EQ(layout(no_root).status, Status::kError);
}

TEST(BootMode, SupportedModes) {
  EXPECT_EQ(bootMode(base()).status, Status::kPass);
  EXPECT_EQ(bootMode(base(), {"bios"}).status, Status::kPass);
  Facts uefi = base();
  uefi.storage.boot_mode = Observed<BootModeInfo>::of({"uefi", {"/etc/fstab", 12}, "ESP"});
  Outcome o = bootMode(uefi, {"bios"});
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("UEFI"), std::string::npos);
  EXPECT_TRUE(evidenceHas(o, "ESP", 12));
  Facts unknown = base();
  unknown.storage.boot_mode = Observed<BootModeInfo>::failed("no ESP and no BIOS GRUB files");
  EXPECT_EQ(bootMode(unknown).status, Status::kError);
}

// --- superblocks and the partition table ---

disk::FilesystemInfo extFs(std::vector<std::string> features = {"has_journal", "extent"}) {
  disk::FilesystemInfo fs{"ext4", "0a1b", "", "1.0", disk::ExtInfo{}, std::nullopt};
  fs.ext->features = std::move(features);
  fs.ext->last_check = 1763942400;  // 2025-11-24
  return fs;
}

disk::FilesystemInfo xfsFs(bool log_clean) {
  disk::FilesystemInfo fs{"xfs", "11-22", "", "5", std::nullopt, disk::XfsInfo{}};
  fs.xfs->version = 5;
  fs.xfs->log_clean = log_clean;
  fs.xfs->log_state = log_clean ? "clean"
                                : "dirty: the last log record (log block 7) is not "
                                  "an unmount record, so the log needs recovery";
  return fs;
}

// Collected 2026-01-24: the root's last check (2025-11-24) is 61 days old.
Facts withSuperblocks(disk::FilesystemInfo root, bool mounted = true) {
  Facts f = base();
  f.collected_at = "2026-01-24T12:00:00Z";
  f.storage.system_disk =
      Observed<SystemDisk>::of({"/dev/vda1", "/dev/vda", 1 << 30, {}, false, "vda1 of vda"});
  f.storage.filesystems = Observed<std::vector<FilesystemCheck>>::of(
      {{"/", "/dev/vda1", mounted, Observed<disk::FilesystemInfo>::of(std::move(root))}});
  disk::PartitionTable t;
  t.scheme = disk::PartitionScheme::kMbr;
  t.mbr_boot_code = true;
  t.partitions = {{1, 1048576, 1 << 29, "0x83", "Linux", "", "", true, false}};
  f.storage.partition_table = Observed<disk::PartitionTable>::of(t);
  return f;
}

Outcome integrity(const Facts& f, std::int64_t days = 180) {
  return evaluateFsIntegrity(
      f, withDefaults(fsIntegrityParams(), {{"warn_days_since_check", ParamValue{days}}}));
}
Outcome ext4feat(const Facts& f) {
  return evaluateFsExt4Features(f, withDefaults(fsExt4FeaturesParams()));
}

bool evidenceText(const Outcome& o, const std::string& text) {
  for (const auto& e : o.evidence)
    if (e.text.find(text) != std::string::npos) return true;
  return false;
}

TEST(FsIntegrity, CleanAndRecentlyCheckedPasses) {
  Outcome o = integrity(withSuperblocks(extFs()));
  EXPECT_EQ(o.status, Status::kPass) << o.message;
  EXPECT_TRUE(evidenceText(o, "last checked on 2025-11-24")) << o.evidence.size();
}

TEST(FsIntegrity, ErrorsRecordedFailWithCountTimeAndFunction) {
  disk::FilesystemInfo fs = extFs();
  fs.ext->errors = true;
  fs.ext->error_count = 3;
  fs.ext->last_error_time = 1767225600;  // 2026-01-01 00:00:00
  fs.ext->last_error_func = "ext4_lookup";
  fs.ext->last_error_line = 1855;
  Outcome o = integrity(withSuperblocks(fs));
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("3 error(s) recorded"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("2026-01-01 00:00:00 UTC"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("ext4_lookup:1855"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("/ (/dev/vda1)"), std::string::npos) << o.message;
}

TEST(FsIntegrity, NotCleanFailsOnlyWhenNotMounted) {
  disk::FilesystemInfo fs = extFs();
  fs.ext->clean = false;
  EXPECT_EQ(integrity(withSuperblocks(fs, true)).status, Status::kPass)
      << "a mounted filesystem is marked in use";
  Outcome o = integrity(withSuperblocks(fs, false));
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("not cleanly unmounted"), std::string::npos) << o.message;
  disk::FilesystemInfo journal = extFs({"has_journal", "needs_recovery"});
  EXPECT_EQ(integrity(withSuperblocks(journal, false)).status, Status::kFail);
  EXPECT_EQ(integrity(withSuperblocks(journal, true)).status, Status::kPass);
}

TEST(FsIntegrity, OldOrNeverCheckedWarnsWithTheDate) {
  Outcome o = integrity(withSuperblocks(extFs()), 30);
  EXPECT_EQ(o.status, Status::kWarn);
  EXPECT_NE(o.message.find("last checked on 2025-11-24 (61 days ago)"), std::string::npos)
      << o.message;
  disk::FilesystemInfo never = extFs();
  never.ext->last_check = 0;
  o = integrity(withSuperblocks(never));
  EXPECT_EQ(o.status, Status::kWarn);
  EXPECT_NE(o.message.find("never checked"), std::string::npos) << o.message;
  EXPECT_EQ(integrity(withSuperblocks(never), 0).status, Status::kPass) << "0 turns it off";
}

TEST(FsIntegrity, XfsLogNeedsRecoveryWhenNotMounted) {
  Outcome o = integrity(withSuperblocks(xfsFs(false), false));
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("log needs recovery"), std::string::npos) << o.message;
  EXPECT_TRUE(evidenceText(o, "log block 7"));
  o = integrity(withSuperblocks(xfsFs(false), true));
  EXPECT_EQ(o.status, Status::kPass) << "a mounted XFS log is in use";
  EXPECT_TRUE(evidenceText(o, "mounted now"));
  EXPECT_EQ(integrity(withSuperblocks(xfsFs(true), false)).status, Status::kPass);
}

TEST(FsIntegrity, NotReadIsAnErrorNeverAPass) {
  Facts offline = base();
  offline.storage.filesystems =
      Observed<std::vector<FilesystemCheck>>::failed("not checked: an offline root");
  Outcome o = integrity(offline);
  EXPECT_EQ(o.status, Status::kError);
  EXPECT_NE(o.message.find("offline root"), std::string::npos) << o.message;

  Facts one_unread = withSuperblocks(extFs());
  one_unread.storage.filesystems.value->push_back(
      {"/data", "/dev/vdb1", true, Observed<disk::FilesystemInfo>::failed("Permission denied")});
  o = integrity(one_unread);
  EXPECT_EQ(o.status, Status::kError);
  EXPECT_NE(o.message.find("/data (/dev/vdb1)"), std::string::npos) << o.message;

  disk::FilesystemInfo broken = extFs();
  broken.ext->error_count = 1;
  Facts both = withSuperblocks(broken);
  both.storage.filesystems.value->push_back(
      {"/data", "/dev/vdb1", true, Observed<disk::FilesystemInfo>::failed("Permission denied")});
  EXPECT_EQ(integrity(both).status, Status::kFail) << "damage seen is reported as such";
}

TEST(FsIntegrity, AScheduledCheckIsNamedButTheFindingStaysUntilItRuns) {
  disk::FilesystemInfo broken = extFs();
  broken.ext->errors = true;
  broken.ext->error_count = 2;
  Facts f = withSuperblocks(broken);
  f.storage.check_at_next_boot = "/forcefsck";
  Outcome o = integrity(f);
  EXPECT_EQ(o.status, Status::kFail) << "the damage is on disk until the check runs";
  EXPECT_NE(o.message.find("scheduled for the next boot (/forcefsck)"), std::string::npos)
      << o.message;
  bool shown = false;
  for (const auto& e : o.evidence) shown = shown || e.source == "/forcefsck";
  EXPECT_TRUE(shown);

  Outcome stale = integrity(f = withSuperblocks(extFs()), 30);
  EXPECT_EQ(stale.status, Status::kWarn);
  EXPECT_EQ(stale.message.find("scheduled"), std::string::npos) << "none scheduled here";
  f.storage.check_at_next_boot = "/forcefsck";
  EXPECT_NE(integrity(f, 30).message.find("scheduled"), std::string::npos);

  Outcome clean = integrity(f);
  EXPECT_EQ(clean.status, Status::kPass);
  EXPECT_EQ(clean.message.find("scheduled"), std::string::npos) << "a pass says nothing of it";
}

TEST(FsIntegrity, OtherFilesystemTypesAreNotApplicable) {
  disk::FilesystemInfo vfat{"vfat", "1234-5678", "", "FAT32", std::nullopt, std::nullopt};
  Outcome o = integrity(withSuperblocks(vfat));
  EXPECT_EQ(o.status, Status::kNotApplicable);
  EXPECT_TRUE(evidenceText(o, "vfat: no health fields"));
}

TEST(Ext4Features, SixtyFourBitOrProjectWithQuota) {
  EXPECT_EQ(ext4feat(withSuperblocks(extFs())).status, Status::kPass);
  Outcome o = ext4feat(withSuperblocks(extFs({"has_journal", "extent", "64bit"})));
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("has 64bit"), std::string::npos) << o.message;
  EXPECT_TRUE(evidenceText(o, "features: has_journal extent 64bit"));
  EXPECT_EQ(ext4feat(withSuperblocks(extFs({"project"}))).status, Status::kPass)
      << "project alone is allowed";
  EXPECT_EQ(ext4feat(withSuperblocks(extFs({"quota"}))).status, Status::kPass);
  o = ext4feat(withSuperblocks(extFs({"quota", "project"})));
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("project and quota"), std::string::npos) << o.message;
  Outcome custom = evaluateFsExt4Features(
      withSuperblocks(extFs({"metadata_csum"})),
      withDefaults(fsExt4FeaturesParams(),
                   {{"forbidden", std::vector<std::string>{"metadata_csum"}}}));
  EXPECT_EQ(custom.status, Status::kFail);
}

TEST(Ext4Features, NotExtOrNotRead) {
  EXPECT_EQ(ext4feat(withSuperblocks(xfsFs(true))).status, Status::kNotApplicable);
  Facts offline = base();
  offline.storage.filesystems = Observed<std::vector<FilesystemCheck>>::failed("offline root");
  EXPECT_EQ(ext4feat(offline).status, Status::kError);
  Facts unread = withSuperblocks(extFs());
  (*unread.storage.filesystems.value)[0].fs = Observed<disk::FilesystemInfo>::failed("EACCES");
  Outcome o = ext4feat(unread);
  EXPECT_EQ(o.status, Status::kError);
  EXPECT_NE(o.message.find("EACCES"), std::string::npos) << o.message;
}

TEST(DiskLayout, PartitionTableStyleFromTheRealTable) {
  auto mbrOnly = [](const Facts& f) {
    return evaluateDiskLayout(
        f,
        withDefaults(diskLayoutParams(), {{"partition_tables", std::vector<std::string>{"mbr"}}}));
  };
  Facts mbr = withSuperblocks(extFs());
  Outcome o = mbrOnly(mbr);
  EXPECT_EQ(o.status, Status::kPass) << o.message;
  EXPECT_TRUE(evidenceText(o, "partition table mbr (1 Linux)"));
  Facts gpt = mbr;
  gpt.storage.partition_table.value->scheme = disk::PartitionScheme::kGpt;
  o = mbrOnly(gpt);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("/dev/vda has a gpt partition table; allowed: mbr"), std::string::npos)
      << o.message;
  EXPECT_EQ(layout(gpt).status, Status::kPass) << "the default allows every style";
  Facts whole = mbr;
  whole.storage.partition_table.value->scheme = disk::PartitionScheme::kNone;
  o = mbrOnly(whole);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("no partition table"), std::string::npos) << o.message;
  Facts unread = base();
  unread.storage.partition_table = Observed<disk::PartitionTable>::failed("offline root");
  o = mbrOnly(unread);
  EXPECT_EQ(o.status, Status::kPass) << "fstab still judges the layout";
  EXPECT_TRUE(evidenceText(o, "partition table not read: offline root"));
}

TEST(FsRootType, SuperblockFirst) {
  Facts f = withSuperblocks(extFs());
  f.storage.filesystems.value->front().fs.value->type = "ext3";
  Outcome o = rootType(f);
  EXPECT_EQ(o.message, "the root filesystem is ext3");
  EXPECT_TRUE(evidenceText(o, "/ is ext3"));
  f.storage.filesystems.value->front().fs.value->type = "btrfs";
  EXPECT_EQ(rootType(f).status, Status::kFail) << "the superblock wins over /proc/mounts";
}

TEST(BootMode, PartitionTableAsEvidence) {
  Facts f = withSuperblocks(extFs());
  f.storage.partition_table.value->scheme = disk::PartitionScheme::kGpt;
  f.storage.partition_table.value->partitions = {
      {1, 1048576, 1048576, "21686148-6449-6E6F-744E-656564454649", "BIOS boot", "", "", false,
       false},
      {2, 2097152, 1048576, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI System", "", "", false,
       false}};
  Outcome o = bootMode(f);
  EXPECT_EQ(o.status, Status::kPass);
  EXPECT_TRUE(evidenceText(o, "partition 1 is a BIOS boot partition"));
  EXPECT_TRUE(evidenceText(o, "partition 2 is an EFI System partition"));
  EXPECT_TRUE(evidenceText(o, "the MBR holds boot code"));
}

TEST(StorageRules, RegisteredWithDefaults) {
  for (const char* name :
       {"fstab.resolves", "fstab.device_names", "fstab.external", "disk.free", "disk.inodes",
        "fs.root_type", "disk.layout", "boot.mode", "fs.integrity", "fs.ext4_features"}) {
    const RuleType* t = findRuleType(name);
    ASSERT_NE(t, nullptr) << name;
    for (const auto& p : t->params) EXPECT_TRUE(p.default_value.has_value()) << name << p.name;
  }
}

TEST(StorageFactsJson, RoundTripsExactly) {
  Facts f = base();
  f.storage.fstab[0].uuid = "11-22";
  f.storage.crypttab = {{{"/etc/crypttab", 2}, "swap", "/dev/sdb2", "55"}};
  f.storage.fstab_problems = {{"/etc/fstab", 3, "malformed"}};
  f.storage.boot_problems = {{"/boot", 0, "none"}};
  f.storage.device_lookup_error = "offline";
  f.storage.space.push_back({"/var", false, Observed<SpaceStats>::failed("ENOENT")});
  Facts disks = withSuperblocks(xfsFs(false));
  f.storage.system_disk = disks.storage.system_disk;
  f.storage.partition_table = disks.storage.partition_table;
  f.storage.filesystems = disks.storage.filesystems;
  nlohmann::json j = f.storage;
  StorageFacts back = j.get<StorageFacts>();
  EXPECT_EQ(back, f.storage);
  EXPECT_EQ(nlohmann::json(back), j);
  nlohmann::json missing = j;
  missing.erase("boot_mode");
  EXPECT_THROW((void)missing.get<StorageFacts>(), nlohmann::json::exception);
  nlohmann::json no_fs = j;
  no_fs.erase("filesystems");
  EXPECT_THROW((void)no_fs.get<StorageFacts>(), nlohmann::json::exception);
  nlohmann::json no_log = j;
  no_log["filesystems"]["value"][0]["fs"]["value"]["xfs"].erase("log_clean");
  EXPECT_THROW((void)no_log.get<StorageFacts>(), nlohmann::json::exception);
  nlohmann::json missing_field = j;
  missing_field["fstab"][0].erase("state");
  EXPECT_THROW((void)missing_field.get<StorageFacts>(), nlohmann::json::exception);
}

}  // namespace
}  // namespace guestprep
