// Storage: fstab, mounts, partitions, filesystems, free space and inodes (L-FSTAB,
// X-DEVNAMES, X-FSTABRESOLVE, L-PARTITION, L-DISKFREE, X-INODES, L-FSTYPE, X-EXT4FEAT, L-FSCHECK,
// X-BOOTMODE).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "disk/filesystems.h"
#include "disk/partitions.h"
#include "facts/common.h"

namespace guestprep {

/// Whether the device an fstab or crypttab entry names could be found on this system.
enum class DeviceState {
  kNotDevice,  ///< the entry names no block device (proc, tmpfs, NFS, bind mount, swap file)
  kUnchecked,  ///< a device, but this host cannot look devices up (offline root)
  kFound,      ///< the device exists now
  kMissing,    ///< the device does not exist now
};

/// One line of /etc/fstab (fstab(5)), as written (octal escapes such as \040 decoded).
struct FstabEntry {
  SourceRef source;
  std::string spec;     ///< fs_spec: "UUID=...", "/dev/sda1", "server:/export", "tmpfs"
  std::string file;     ///< fs_file: the mount point ("swap"/"none" for swap)
  std::string vfstype;  ///< fs_vfstype
  std::vector<std::string> options;  ///< fs_mntops split on commas ("defaults" when absent)
  int freq = 0;
  int passno = 0;
  DeviceState state = DeviceState::kNotDevice;  ///< filled by the probe (live lookups)
  std::string device;  ///< the kernel device it resolves to now ("/dev/sda1"), when found
  std::string uuid;    ///< the filesystem UUID of that device, when known (for advice)
  bool operator==(const FstabEntry&) const = default;
};

/// One line of /etc/crypttab (crypttab(5)): name, encrypted device, key file, options.
struct CrypttabEntry {
  SourceRef source;
  std::string name;
  std::string device;
  std::string uuid;  ///< UUID of `device` when it is a kernel name and the UUID is known
  bool operator==(const CrypttabEntry&) const = default;
};

/// A device the next boot's kernel command line names (`root=`, `resume=`).
struct BootDeviceArg {
  SourceRef source;
  std::string key;    ///< "root", "resume"
  std::string value;  ///< "UUID=...", "/dev/sda2"
  std::string uuid;   ///< UUID of a kernel-named device, when known
  bool operator==(const BootDeviceArg&) const = default;
};

/// A filesystem mounted now (/proc/mounts), live only.
struct MountEntry {
  std::string device;
  std::string mount_point;
  std::string fstype;
  bool operator==(const MountEntry&) const = default;
};

/// Space and inode counts of one filesystem (statvfs).
struct SpaceStats {
  std::uint64_t block_size = 0;
  std::uint64_t blocks = 0;
  std::uint64_t blocks_free = 0;   ///< free for root
  std::uint64_t blocks_avail = 0;  ///< free for unprivileged users
  std::uint64_t inodes = 0;        ///< 0 when the filesystem has no fixed inode table (btrfs)
  std::uint64_t inodes_free = 0;
  bool operator==(const SpaceStats&) const = default;
};

/// Free space of the filesystem holding one mount point of the system disk.
struct MountSpace {
  std::string path;       ///< "/", "/boot", "/var"
  bool separate = false;  ///< a filesystem of its own (not the one holding "/")
  Observed<SpaceStats> stats;
  bool operator==(const MountSpace&) const = default;
};

/// How the system boots: "bios" or "uefi", and why we think so.
struct BootModeInfo {
  std::string mode;
  SourceRef source;      ///< the file or directory that decided it
  std::string evidence;  ///< "/sys/firmware/efi exists", "/etc/fstab:7 mounts /boot/efi (vfat)"
  bool operator==(const BootModeInfo&) const = default;
};

/// Where the root filesystem lives: found from /proc/self/mountinfo and /sys/class/block (live
/// only).
struct SystemDisk {
  std::string root_device;  ///< the block device mounted on / ("/dev/vda1", "/dev/dm-0")
  std::string disk;         ///< the whole disk holding it ("/dev/vda")
  std::uint64_t size = 0;   ///< bytes (sysfs size of the disk)
  /// Device-mapper or RAID layers between / and the disk ("dm-0 (LVM)", "md0"), outermost first.
  std::vector<std::string> layers;
  bool root_on_lvm = false;  ///< a layer is an LVM logical volume
  std::string evidence;      ///< how the chain was followed, for reports
  bool operator==(const SystemDisk&) const = default;
};

/// The superblock of the filesystem mounted (or to be mounted) at one mount point.
struct FilesystemCheck {
  std::string mount_point;  ///< "/", "/boot", "/var"
  std::string device;       ///< the block device read ("/dev/vda1")
  bool mounted = false;     ///< mounted now: the on-disk state is that of a filesystem in use
  Observed<disk::FilesystemInfo> fs;
  bool operator==(const FilesystemCheck&) const = default;
};

/// Filled by the storage probes; every field documents where it comes from.
struct StorageFacts {
  std::string fstab_path = "/etc/fstab";
  bool fstab_present = false;
  std::vector<FstabEntry> fstab;
  /// /etc/fstab could not be read (line 0) or a line is malformed and mount ignores it (line n).
  std::vector<ConfigProblem> fstab_problems;
  std::vector<CrypttabEntry> crypttab;  ///< /etc/crypttab, when present
  std::vector<ConfigProblem> crypttab_problems;
  std::vector<BootDeviceArg> boot_device_args;  ///< root=/resume= of the next boot's cmdlines
  std::vector<ConfigProblem> boot_problems;     ///< boot loader files that could not be read
  /// Why devices could not be looked up (offline root, /dev unreadable); empty when they were.
  std::string device_lookup_error;
  Observed<std::vector<MountEntry>> mounts;  ///< /proc/mounts (live only)
  std::vector<MountSpace> space;             ///< "/" first, then local fstab mount points
  Observed<BootModeInfo> boot_mode;
  /// The disk holding / (live only; an offline root holds files, not the disk).
  Observed<SystemDisk> system_disk;
  /// The system disk's partition table, read from its first and last sectors.
  Observed<disk::PartitionTable> partition_table;
  /// Superblocks of /, /boot and the other local fstab filesystems (live only).
  Observed<std::vector<FilesystemCheck>> filesystems;
  /// A filesystem check the next boot runs (the path that schedules it, "/forcefsck"); empty
  /// when none is scheduled. Read from files, so offline roots have it too.
  std::string check_at_next_boot;
  bool operator==(const StorageFacts&) const = default;
};

void to_json(nlohmann::json& j, const StorageFacts& f);
void from_json(const nlohmann::json& j, StorageFacts& f);

std::string toString(DeviceState s);

}  // namespace guestprep
