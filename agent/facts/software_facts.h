// Packages and services of interest: cloud-init, other clouds' and hypervisors' agents,
// qemu-guest-agent, package verification (L-CLOUDINIT, X-CLOUDINIT-DS, L-QEMUGA, X-AGENTS,
// L-SYSDIRS).
#pragma once

#include <string>
#include <vector>

#include "facts/common.h"

namespace guestprep {

/// Filled by the software probes; every field documents where it comes from.
struct SoftwareFacts {
  bool operator==(const SoftwareFacts&) const = default;
};

void to_json(nlohmann::json& j, const SoftwareFacts& f);
void from_json(const nlohmann::json& j, SoftwareFacts& f);

}  // namespace guestprep
