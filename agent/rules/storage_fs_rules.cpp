// fs.root_type (L-FSTYPE), disk.layout (L-PARTITION) and boot.mode (X-BOOTMODE): the root
// filesystem's type (superblock first), the filesystems and partition table of the system disk,
// and how the system boots.
#include <algorithm>

#include "rules/storage_rules.h"
#include "rules/storage_spec.h"

namespace guestprep {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::string join(const std::vector<std::string>& list) {
  std::string s;
  for (const auto& v : list) s += (s.empty() ? "" : ", ") + v;
  return s;
}

// The superblock of "/" when it was read.
const FilesystemCheck* rootFilesystem(const StorageFacts& s) {
  if (!s.filesystems.ok()) return nullptr;
  for (const FilesystemCheck& c : *s.filesystems.value) {
    if (c.mount_point == "/" && c.fs.ok()) return &c;
  }
  return nullptr;
}

const FstabEntry* rootEntry(const StorageFacts& s) {
  const FstabEntry* found = nullptr;
  for (const FstabEntry& e : s.fstab) {
    if (e.file == "/") found = &e;  // mount(8) uses the last entry for a mount point
  }
  return found;
}

}  // namespace

std::vector<ParamSpec> fsRootTypeParams() {
  return {
      {"allowed",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"xfs", "ext3", "ext4"}},
       "filesystem types the root filesystem may have",
       {}},
  };
}

Outcome evaluateFsRootType(const Facts& facts, const Params& params) {
  const StorageFacts& s = facts.storage;
  const auto& allowed = params.getList("allowed");
  Outcome out;
  std::string type;
  // The superblock says what the filesystem is; the mount table says which driver mounted it.
  if (const FilesystemCheck* root = rootFilesystem(s); root && !root->fs.value->type.empty()) {
    type = root->fs.value->type;
    out.evidence.push_back(Evidence{"superblock of " + root->device, 0, "/ is " + type});
  }
  if (type.empty() && s.mounts.ok()) {
    // The last mount on / is the one in effect; "rootfs" is the initramfs underneath.
    for (const MountEntry& m : *s.mounts.value) {
      if (m.mount_point == "/" && m.fstype != "rootfs") {
        type = m.fstype;
        out.evidence = {Evidence{"/proc/mounts", 0, m.device + " on / type " + m.fstype}};
      }
    }
  }
  if (type.empty()) {
    if (const ConfigProblem* p = fstabUnreadable(s)) {
      out.status = Status::kError;
      out.message = "the root filesystem type is unknown: " + p->file + ": " + p->message;
      return out;
    }
    const FstabEntry* root = rootEntry(s);
    if (!root) {
      out.status = Status::kError;
      out.message = "the root filesystem type is unknown: " +
                    (s.mounts.ok() ? std::string("/ is not in /proc/mounts")
                                   : "not mounted now (" + s.mounts.error + ")") +
                    ", and fstab has no entry for /";
      return out;
    }
    out.evidence = {fstabEvidence(*root)};
    if (root->vfstype == "auto") {
      out.status = Status::kError;
      out.message = "fstab mounts / with type auto, and the type could not be read now";
      return out;
    }
    type = root->vfstype;
  }
  if (contains(allowed, type)) {
    out.status = Status::kPass;
    out.message = "the root filesystem is " + type;
    return out;
  }
  out.status = Status::kFail;
  out.message = "the root filesystem is " + type + "; supported: " + join(allowed);
  return out;
}

std::vector<ParamSpec> diskLayoutParams() {
  return {
      {"allowed_mounts",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"/", "/boot", "/boot/efi"}},
       "mount points that may be filesystems of their own on the system disk",
       {}},
      {"allow_lvm_root",
       ParamKind::kBool,
       ParamValue{true},
       "whether the root filesystem may be an LVM logical volume",
       {}},
      {"partition_tables",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"mbr", "gpt", "hybrid", "none"}},
       "partition table styles the system disk may have (mbr, gpt, hybrid, none: a filesystem "
       "on the whole disk); judged when the table was read",
       {}},
  };
}

namespace {

// The partition table's verdict for disk.layout: a failure reason, or "" when it is allowed or
// was not read (then the evidence says why).
std::string judgeTable(const StorageFacts& s, const std::vector<std::string>& allowed,
                       std::vector<Evidence>& evidence) {
  std::string disk = s.system_disk.ok() ? s.system_disk.value->disk : std::string("system disk");
  const auto& pt = s.partition_table;
  if (!pt.ok()) {
    evidence.push_back(Evidence{disk, 0, "partition table not read: " + pt.error});
    return "";
  }
  const disk::PartitionTable& t = *pt.value;
  std::string scheme = disk::toString(t.scheme);
  std::string parts;
  for (const disk::Partition& p : t.partitions) {
    parts += (parts.empty() ? "" : ", ") + std::to_string(p.number) + " " + p.type_name;
  }
  evidence.push_back(Evidence{
      disk, 0,
      "partition table " + scheme + (parts.empty() ? "" : " (" + parts + ")") +
          (s.system_disk.ok() && s.system_disk.value->root_on_lvm ? "; / is on LVM" : "")});
  for (const std::string& p : t.problems) evidence.push_back(Evidence{disk, 0, p});
  if (contains(allowed, scheme)) return "";
  return "the system disk " + disk + " has " +
         (t.scheme == disk::PartitionScheme::kNone ? std::string("no partition table")
                                                   : "a " + scheme + " partition table") +
         "; allowed: " + join(allowed);
}

}  // namespace

Outcome evaluateDiskLayout(const Facts& facts, const Params& params) {
  const StorageFacts& s = facts.storage;
  if (const ConfigProblem* p = fstabUnreadable(s)) {
    Outcome out;
    out.status = Status::kError;
    out.message = "could not read " + p->file + ": " + p->message;
    return out;
  }
  const auto& allowed = params.getList("allowed_mounts");
  Outcome out;
  std::vector<std::string> extra;
  const FstabEntry* root = rootEntry(s);
  for (const FstabEntry& e : s.fstab) {
    SpecKind k = specKind(e);
    if ((k != SpecKind::kTag && k != SpecKind::kDevicePath) || isSwap(e)) continue;
    if (!e.file.starts_with("/") || contains(allowed, e.file)) continue;
    // The root filesystem mounted again (btrfs subvolumes) is no partition of its own.
    if (root && e.spec == root->spec) continue;
    extra.push_back(e.file);
    out.evidence.push_back(fstabEvidence(e, "a filesystem of its own"));
  }
  // LVM volumes appear as /dev/mapper/VG-LV or /dev/VG/LV (not a kernel name, not by-*).
  bool lvm_root = root && root->spec.starts_with("/dev/") &&
                  !root->spec.starts_with("/dev/disk/") &&
                  (root->spec.starts_with("/dev/mapper/") ||
                   std::count(root->spec.begin(), root->spec.end(), '/') == 3);
  if (lvm_root) out.evidence.push_back(fstabEvidence(*root, "root on a logical volume (LVM)"));
  std::string table = judgeTable(s, params.getList("partition_tables"), out.evidence);
  if (!extra.empty()) {
    out.status = Status::kFail;
    out.message = "the system disk holds separate filesystems for " + join(extra) +
                  "; allowed: " + join(allowed) + (table.empty() ? "" : "; " + table);
    return out;
  }
  if (!table.empty()) {
    out.status = Status::kFail;
    out.message = table;
    return out;
  }
  if (lvm_root && !params.getBool("allow_lvm_root")) {
    out.status = Status::kFail;
    out.message = "the root filesystem is on LVM (" + root->spec + ")";
    return out;
  }
  if (!root) {
    out.status = Status::kError;
    out.message = "fstab has no entry for /, so the layout of the system disk is unknown";
    return out;
  }
  out.status = Status::kPass;
  out.message =
      std::string("the system disk holds only allowed filesystems") +
      (lvm_root ? " (root on LVM)" : "") +
      (s.partition_table.ok()
           ? ", on a " + disk::toString(s.partition_table.value->scheme) + " partition table"
           : " (partition table not read)");
  return out;
}

namespace {

// What the system disk's partition table says about how it can boot: an EFI System partition
// serves UEFI; a BIOS boot partition (GRUB on GPT) or MBR boot code serves BIOS.
void addBootPartitionEvidence(const StorageFacts& s, std::vector<Evidence>& evidence) {
  if (!s.partition_table.ok()) return;
  const disk::PartitionTable& t = *s.partition_table.value;
  std::string disk = s.system_disk.ok() ? s.system_disk.value->disk : std::string("system disk");
  for (const disk::Partition& p : t.partitions) {
    if (p.type_name == "EFI System" || p.type == "0xef")
      evidence.push_back(Evidence{
          disk, 0,
          "partition " + std::to_string(p.number) + " is an EFI System partition (UEFI boot)"});
    if (p.type_name == "BIOS boot")
      evidence.push_back(Evidence{disk, 0,
                                  "partition " + std::to_string(p.number) +
                                      " is a BIOS boot partition (BIOS boot from GPT)"});
  }
  if (t.mbr_boot_code) evidence.push_back(Evidence{disk, 0, "the MBR holds boot code (BIOS boot)"});
}

}  // namespace

std::vector<ParamSpec> bootModeParams() {
  return {
      {"supported",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"bios", "uefi"}},
       "boot modes the import accepts (bios, uefi)",
       {}},
  };
}

Outcome evaluateBootMode(const Facts& facts, const Params& params) {
  const auto& bm = facts.storage.boot_mode;
  Outcome out;
  if (!bm.ok()) {
    out.status = Status::kError;
    out.message = "the boot mode is unknown: " + bm.error;
    out.remediation = "Check by hand: an EFI system partition (vfat, /boot/efi) means UEFI.";
    return out;
  }
  const std::string& mode = bm.value->mode;
  std::string shown = mode == "uefi" ? "UEFI" : "BIOS";
  out.evidence.push_back(
      Evidence{bm.value->source.file, bm.value->source.line, bm.value->evidence});
  addBootPartitionEvidence(facts.storage, out.evidence);
  if (contains(params.getList("supported"), mode)) {
    out.status = Status::kPass;
    out.message = "the system boots by " + shown + ": choose " + shown + " when importing";
    return out;
  }
  out.status = Status::kFail;
  out.message = "the system boots by " + shown + ", which this import does not support (" +
                join(params.getList("supported")) + ")";
  return out;
}

}  // namespace guestprep
