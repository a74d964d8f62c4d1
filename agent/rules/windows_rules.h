// The Windows family's rule types: windows.version (W-VERSION), windows.rdp (W-RDP),
// windows.firewall_off (W-FIREWALL). Each is a parameter declaration plus a pure evaluation
// over Facts.windows.
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

/// An error outcome when the facts are not from a Windows system, else nothing.
bool notWindows(const Facts& facts, Outcome& out);
/// Evidence text of a registry value ("0x00000001 (1)", "absent", "unreadable: why").
Evidence registryEvidence(const RegistryFact& r);

}  // namespace guestprep
