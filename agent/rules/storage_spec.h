// What an fstab entry names (a device by tag or path, a network share, a pseudo filesystem, a
// file) and which of its options matter to the boot; shared by the storage probe and rules.
#pragma once

#include <string>
#include <string_view>

#include "facts/storage_facts.h"

namespace guestprep {

/// The kind of thing an fstab entry mounts.
enum class SpecKind {
  kTag,         ///< UUID=, LABEL=, PARTUUID=, PARTLABEL=, ID= (stable names)
  kDevicePath,  ///< /dev/... (kernel name, /dev/mapper, /dev/disk/by-*, LVM /dev/vg/lv)
  kNetwork,     ///< NFS, CIFS and other network filesystems
  kPseudo,      ///< proc, sysfs, tmpfs, devpts, none, ...
  kFile,        ///< a path outside /dev: a swap file, a bind mount, a loop image
};

/// Classifies an fstab entry by its spec, type and options.
SpecKind specKind(const FstabEntry& e);

/// Whether the entry's options contain `name` exactly ("nofail", "noauto", "_netdev").
bool hasOption(const FstabEntry& e, std::string_view name);

/// Whether boot goes on when the entry cannot be mounted (nofail) or never mounts it (noauto).
bool bootToleratesFailure(const FstabEntry& e);

/// Whether the entry is swap rather than a mounted filesystem.
bool isSwap(const FstabEntry& e);

/// Whether `spec` ("/dev/sda1", "/dev/xvdb") starts with one of the kernel-name prefixes.
bool isKernelDeviceName(std::string_view spec, const std::vector<std::string>& prefixes);

}  // namespace guestprep
