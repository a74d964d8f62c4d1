// Storage: fstab, mounts, partitions, filesystems, free space and inodes (L-FSTAB,
// X-DEVNAMES, X-FSTABRESOLVE, L-PARTITION, L-DISKFREE, X-INODES, L-FSTYPE, X-EXT4FEAT, L-FSCHECK,
// X-BOOTMODE).
#pragma once

#include <string>
#include <vector>

#include "facts/common.h"

namespace guestprep {

/// Filled by the storage probes; every field documents where it comes from.
struct StorageFacts {
  bool operator==(const StorageFacts&) const = default;
};

void to_json(nlohmann::json& j, const StorageFacts& f);
void from_json(const nlohmann::json& j, StorageFacts& f);

}  // namespace guestprep
