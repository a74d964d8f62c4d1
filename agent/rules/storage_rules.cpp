// The storage family's rule types, listed for the registry.
#include "rules/storage_rules.h"
#include "rules/registry.h"

namespace guestprep {

std::vector<RuleType> storageRuleTypes() {
  return {
      {"fstab.resolves", "every fstab entry is well formed and its device exists",
       fstabResolvesParams(), &evaluateFstabResolves,
       "Correct or remove the fstab entries named in the evidence; add `nofail` to entries that "
       "may be absent."},
      {"fstab.device_names",
       "fstab, crypttab and root=/resume= name devices by UUID, not by kernel name",
       fstabDeviceNamesParams(), &evaluateFstabDeviceNames,
       "Refer to filesystems by UUID= (see `blkid`) instead of kernel names such as /dev/sda1."},
      {"fstab.external", "fstab entries not on the system disk do not block boot",
       fstabExternalParams(), &evaluateFstabExternal,
       "Add `nofail` (or `noauto`) to network and removable-media entries, or remove them."},
      {"disk.free", "the system disk's filesystems have free space", diskFreeParams(),
       &evaluateDiskFree, "Free space on the filesystems named in the evidence."},
      {"disk.inodes", "the system disk's filesystems have free inodes", diskInodesParams(),
       &evaluateDiskInodes, "Delete unneeded small files on the filesystems named."},
      {"fs.root_type", "the root filesystem's type is one the cloud supports", fsRootTypeParams(),
       &evaluateFsRootType, "Migrate the root filesystem to a supported type."},
      {"disk.layout", "the system disk holds only the allowed filesystems", diskLayoutParams(),
       &evaluateDiskLayout, "Merge the extra filesystems into the root filesystem."},
      {"boot.mode", "the boot mode (BIOS or UEFI) is one the import supports", bootModeParams(),
       &evaluateBootMode, "Tell the import the boot mode, or convert the image."},
      {"fs.integrity", "the system disk's filesystems record no errors and were checked lately",
       fsIntegrityParams(), &evaluateFsIntegrity,
       "Check the filesystems (e2fsck -f, xfs_repair) before capturing the disk."},
      {"fs.ext4_features", "the root filesystem has no ext4 features the cloud cannot resize",
       fsExt4FeaturesParams(), &evaluateFsExt4Features,
       "Remove the features named, or keep the system disk size at import."},
  };
}

}  // namespace guestprep
