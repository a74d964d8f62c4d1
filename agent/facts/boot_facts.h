// The default boot kernel, its modules and its initramfs (L-DRIVERS, X-NVME, X-BOOTKERNEL).
#pragma once

#include <string>
#include <vector>

#include "facts/common.h"

namespace guestprep {

/// Filled by the boot probes; every field documents where it comes from.
struct BootFacts {
  bool operator==(const BootFacts&) const = default;
};

void to_json(nlohmann::json& j, const BootFacts& f);
void from_json(const nlohmann::json& j, BootFacts& f);

}  // namespace guestprep
