// Fixers for agents and cloud-init (L-QEMUGA, X-AGENTS, L-CLOUDINIT), and how packages are
// removed or installed inside the audited system when the operator allows it.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "fix/fixer.h"

namespace guestprep::os_linux {

/// The distribution's package tool as argv prefixes for one transaction, run inside the system
/// (chroot in --root mode). Never refreshes repositories for a removal.
struct PackageTool {
  std::string name;  ///< "apt-get", "yum", "dnf", "zypper"
  std::vector<std::string> remove;
  std::vector<std::string> install;
};
/// The tool of the system's package database kind, or why there is none.
Result<PackageTool> packageTool(const Host& host, const std::string& db_kind);

/// agent.absent: the listed agents' services disabled (and masked) at boot; the listed packages
/// removed only with --allow-package-changes.
Result<FixItem> planAgentAbsent(const FixContext& ctx);

/// cloudinit.present: cloud-init.disabled removed, its boot stages enabled, a drop-in that puts
/// the cloud's datasource first; installed only with --allow-package-changes on a running system.
Result<FixItem> planCloudInitPresent(const FixContext& ctx);

}  // namespace guestprep::os_linux
