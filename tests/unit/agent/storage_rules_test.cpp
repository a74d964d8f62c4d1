// The storage rules (fstab.resolves, fstab.device_names, fstab.external, disk.free, disk.inodes,
// fs.root_type, disk.layout, boot.mode) over Facts literals, and the storage facts' JSON.
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

TEST(StorageRules, RegisteredWithDefaults) {
  for (const char* name : {"fstab.resolves", "fstab.device_names", "fstab.external", "disk.free",
                           "disk.inodes", "fs.root_type", "disk.layout", "boot.mode"}) {
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
  nlohmann::json j = f.storage;
  StorageFacts back = j.get<StorageFacts>();
  EXPECT_EQ(back, f.storage);
  EXPECT_EQ(nlohmann::json(back), j);
  nlohmann::json missing = j;
  missing.erase("boot_mode");
  EXPECT_THROW((void)missing.get<StorageFacts>(), nlohmann::json::exception);
  nlohmann::json missing_field = j;
  missing_field["fstab"][0].erase("state");
  EXPECT_THROW((void)missing_field.get<StorageFacts>(), nlohmann::json::exception);
}

}  // namespace
}  // namespace guestprep
