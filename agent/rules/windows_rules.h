// The Windows family's rule types: windows.version (W-VERSION), windows.rdp (W-RDP),
// windows.firewall_off (W-FIREWALL), windows.password_accepts_cloud_rule (W-PASSWD),
// windows.agents_absent (W-QEMUGA, XW-AGENTS), windows.virtio_drivers (XW-VIRTIO),
// windows.updates_installed (XW-SHA2), windows.hibernation_off (XW-HIBERNATE),
// windows.no_pending_reboot (XW-PENDING), windows.disk_free (W-DISK), windows.filesystem
// (W-FSTYPE), windows.filesystem_clean (W-FSCHECK), windows.system_files (W-SYSFILES). Each is a
// parameter declaration plus a pure evaluation over Facts.windows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"
#include "policy/params.h"
#include "rules/finding.h"

namespace guestprep {

/// A Windows release as the policy names it: "server-2016", "server-2008r2", "client-10".
struct WindowsRelease {
  std::string id;       ///< "" when the version is not one we know
  std::string display;  ///< "Windows Server 2008 R2"
};

/// The release of a version (number, build and product type; the product name for systems
/// whose product type is unknown).
WindowsRelease windowsRelease(const WindowsVersion& v);
/// The edition in lower case ("standard", "datacenter", "enterprise", "professional"), from
/// EditionID or else the product name; "" when neither says.
std::string windowsEdition(const WindowsVersion& v);

std::vector<ParamSpec> windowsVersionParams();
Outcome evaluateWindowsVersion(const Facts& facts, const Params& params);

std::vector<ParamSpec> windowsRdpParams();
Outcome evaluateWindowsRdp(const Facts& facts, const Params& params);

std::vector<ParamSpec> windowsFirewallOffParams();
Outcome evaluateWindowsFirewallOff(const Facts& facts, const Params& params);

std::vector<ParamSpec> windowsPasswordParams();
/// Fails with a password the cloud allows that Windows' policy rejects.
Outcome evaluateWindowsPassword(const Facts& facts, const Params& params);
/// The tokens of a full name the complexity rule looks for: split at , . - _ space # tab,
/// tokens shorter than three characters dropped.
std::vector<std::string> displayNameTokens(std::string_view full_name);
/// Why "Password must meet complexity requirements" rejects `password` for this account ("" when
/// it accepts it).
std::string windowsComplexityRejects(std::string_view password, std::string_view account,
                                     std::string_view full_name);

std::vector<ParamSpec> windowsAgentsAbsentParams();
Outcome evaluateWindowsAgentsAbsent(const Facts& facts, const Params& params);
std::vector<ParamSpec> windowsVirtioParams();
Outcome evaluateWindowsVirtio(const Facts& facts, const Params& params);

std::vector<ParamSpec> windowsPendingParams();
Outcome evaluateWindowsPending(const Facts& facts, const Params& params);
std::vector<ParamSpec> windowsHibernationParams();
Outcome evaluateWindowsHibernation(const Facts& facts, const Params& params);
std::vector<ParamSpec> windowsUpdatesParams();
Outcome evaluateWindowsUpdates(const Facts& facts, const Params& params);

std::vector<ParamSpec> windowsDiskFreeParams();
Outcome evaluateWindowsDiskFree(const Facts& facts, const Params& params);
std::vector<ParamSpec> windowsFilesystemParams();
Outcome evaluateWindowsFilesystem(const Facts& facts, const Params& params);
std::vector<ParamSpec> windowsFsCleanParams();
Outcome evaluateWindowsFsClean(const Facts& facts, const Params& params);
/// True when BootExecute runs autochk beyond the default "autocheck autochk *" (a scheduled
/// check).
bool bootExecuteSchedulesCheck(const RegistryFact& boot_execute);

std::vector<ParamSpec> windowsSystemFilesParams();
Outcome evaluateWindowsSystemFiles(const Facts& facts, const Params& params);

/// An error outcome when the facts are not from a Windows system, else nothing.
bool notWindows(const Facts& facts, Outcome& out);
/// Evidence text of a registry value ("0x00000001 (1)", "absent", "unreadable: why").
Evidence registryEvidence(const RegistryFact& r);

}  // namespace guestprep
