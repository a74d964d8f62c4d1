// The storage probes: fstab, crypttab and the devices they name, the root= / resume= of the next
// boot, what is mounted now, free space and inodes, and the boot mode (BIOS or UEFI).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"
#include "host/host.h"

namespace guestprep::os_linux {

/// /etc/fstab and /etc/crypttab, and root=/resume= on the next boot's kernel command lines. On a
/// live system each device an entry names is looked up (/dev/disk/by-* links, else `blkid`);
/// on an offline root entries stay kUnchecked and `device_lookup_error` says why.
void probeFstab(const Host& host, StorageFacts& facts);

/// /proc/mounts (live only) and statvfs of "/" and every local fstab mount point. Run after
/// probeFstab.
void probeSpace(const Host& host, StorageFacts& facts);

/// BIOS or UEFI: /sys/firmware/efi when live; otherwise an EFI system partition in fstab, or the
/// BIOS GRUB files (i386-pc modules, GRUB legacy) on disk. Run after probeFstab.
void probeBootMode(const Host& host, StorageFacts& facts);

/// The system disk (/ in /proc/self/mountinfo followed through /sys/class/block: device-mapper
/// and RAID slaves, partition to parent disk), its partition table, and the superblocks of / and
/// every local fstab filesystem, read through Host::openBlockDevice. On an offline root all three
/// are missing with the reason. Run after probeFstab.
void probeDisks(const Host& host, StorageFacts& facts);

/// One line of /proc/self/mountinfo (proc(5)).
struct MountInfo {
  std::string major_minor;  ///< "254:1"
  std::string mount_point;  ///< octal escapes decoded
  std::string fstype;
  std::string source;  ///< "/dev/vda1", "overlay"
};

/// Parses /proc/self/mountinfo; malformed lines are skipped.
std::vector<MountInfo> parseMountinfo(std::string_view text);

/// Devices known by their tags: "UUID=..." / "LABEL=..." / "PARTUUID=..." / "PARTLABEL=..."
/// to the kernel device, and each kernel device to its filesystem UUID.
struct DeviceIndex {
  std::map<std::string, std::string> by_tag;   ///< "UUID=abcd" -> "/dev/sda1"
  std::map<std::string, std::string> uuid_of;  ///< "/dev/sda1" -> "abcd"
};

/// Decodes udev's \xHH escapes in /dev/disk/by-label names ("my\x20disk" -> "my disk").
std::string decodeUdevName(std::string_view name);

}  // namespace guestprep::os_linux
