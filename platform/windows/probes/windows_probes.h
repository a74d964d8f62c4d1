// The Windows probes: thin readers over WindowsApi (registry, services, version, sockets,
// firewall API) that fill Facts.windows. Portable: tests run them on the fixture host anywhere.
#pragma once

#include <string_view>

#include "facts/facts.h"
#include "host/host.h"
#include "host/windows_api.h"

namespace guestprep::os_windows {

inline constexpr std::string_view kCurrentVersionKey =
    "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
inline constexpr std::string_view kTerminalServerKey =
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server";
inline constexpr std::string_view kTerminalServicesPolicyKey =
    "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services";
inline constexpr std::string_view kRdpTcpKey =
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp";
inline constexpr std::string_view kFirewallPolicyKey =
    "HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy";
inline constexpr std::string_view kFirewallGroupPolicyKey =
    "HKLM\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall";
inline constexpr std::string_view kServicesKey = "HKLM\\SYSTEM\\CurrentControlSet\\Services";

/// One registry value as a fact: present, absent, or unreadable with the reason.
RegistryFact readRegistry(const WindowsApi& api, std::string_view key, std::string_view name);
/// A service as a fact: installed or not, or unqueryable with the reason.
WindowsServiceFact readService(const WindowsApi& api, std::string_view name);

/// W-VERSION: RtlGetVersion for the numbers (the registry's CurrentVersion values when it
/// cannot answer, offline), the registry for the product name and edition.
void probeWindowsVersion(const WindowsApi& api, WindowsFacts& facts);
/// W-RDP: fDenyTSConnections (local and Group Policy), PortNumber, TermService, and the
/// listening sockets when `runtime`.
void probeRdp(const WindowsApi& api, bool runtime, WindowsFacts& facts);
/// W-FIREWALL: EnableFirewall per profile (Group Policy and local), MpsSvc, the inbound allow
/// rules, and the firewall API's state when `runtime`.
void probeFirewall(const WindowsApi& api, bool runtime, WindowsFacts& facts);

/// Runs every Windows probe through the host and the API; a probe that throws is recorded as a
/// problem and the others go on.
void collectWindowsFacts(const Host& host, const WindowsApi& api, Facts& facts);

}  // namespace guestprep::os_windows
