// System identity and key system files: release files (L-PLATFORM), /etc/issue* and
// the GRUB legacy menu (L-ISSUE, L-GRUB), root account and passwd (X-ROOTACCT), /lib links
// (X-LIBLINKS), SELinux (L-SELINUX), machine-id and SSH host keys (X-MACHINEID), resolv.conf
// (X-RESOLV).
#pragma once

#include <string>
#include <vector>

#include "facts/common.h"

namespace guestprep {

/// Filled by the system probes; every field documents where it comes from.
struct SystemFacts {
  bool operator==(const SystemFacts&) const = default;
};

void to_json(nlohmann::json& j, const SystemFacts& f);
void from_json(const nlohmann::json& j, SystemFacts& f);

}  // namespace guestprep
