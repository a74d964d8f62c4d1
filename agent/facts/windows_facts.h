// Windows facts: OS version and edition (W-VERSION), Remote Desktop (W-RDP), the firewall per
// profile at next boot and now (W-FIREWALL). Filled by platform/windows probes through the
// registry, the service control manager and Win32 APIs; empty (collected == false) on Linux.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "facts/common.h"

namespace guestprep {

/// One registry value as a probe read it. Absent is a state of its own (present == false,
/// error empty); a value that could not be read has `error` set.
struct RegistryFact {
  std::string key;   ///< "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server"
  std::string name;  ///< "fDenyTSConnections"; "" for the default value
  bool present = false;
  std::string type;          ///< "REG_DWORD", "REG_SZ", ...
  std::string text;          ///< strings; MULTI_SZ joined with "\n"; other types as evidence text
  std::uint64_t number = 0;  ///< REG_DWORD / REG_QWORD
  std::string error;
  bool operator==(const RegistryFact&) const = default;
};

/// A service as the service control manager (or its registry key) describes it.
struct WindowsServiceFact {
  std::string name;  ///< key name ("TermService")
  bool installed = false;
  std::string start_type;  ///< "boot", "system", "auto", "demand", "disabled", "unknown"
  bool delayed_auto_start = false;
  std::string state;  ///< "running", "stopped", ...; "" when unknown
  std::string display_name;
  std::string image_path;
  std::string source;  ///< "service control manager" or the registry key
  std::string error;   ///< set when it could not be queried (installed is then unknown)
  bool operator==(const WindowsServiceFact&) const = default;
};

/// What the system says it is (W-VERSION).
struct WindowsVersion {
  std::uint32_t major = 0;  ///< 10, 6, 5
  std::uint32_t minor = 0;  ///< 0, 1, 2, 3
  std::uint32_t build = 0;  ///< 14393, 9600, 7601
  std::uint32_t service_pack = 0;
  std::string csd_version;        ///< "Service Pack 1"
  std::string product_type;       ///< "workstation", "server", "domain-controller", "" unknown
  std::string product_name;       ///< registry ProductName ("Windows Server 2016 Datacenter")
  std::string edition_id;         ///< registry EditionID ("ServerDatacenter"); absent before 2008
  std::string installation_type;  ///< "Server", "Server Core", "Client"; absent before 2012
  std::string source;  ///< "RtlGetVersion and HKLM\\...\\CurrentVersion", or "registry" alone
  bool operator==(const WindowsVersion&) const = default;
};

/// A TCP socket listening now.
struct WindowsListener {
  std::string address;
  int port = 0;
  std::uint32_t pid = 0;
  bool operator==(const WindowsListener&) const = default;
};

/// Remote Desktop at next boot and now (W-RDP).
struct WindowsRdpFacts {
  RegistryFact deny_connections;         ///< Control\Terminal Server\fDenyTSConnections
  RegistryFact policy_deny_connections;  ///< Group Policy's value, which wins when present
  RegistryFact port;                     ///< WinStations\RDP-Tcp\PortNumber
  WindowsServiceFact term_service;
  Observed<std::vector<WindowsListener>> listeners;  ///< GetExtendedTcpTable (live only)
  bool operator==(const WindowsRdpFacts&) const = default;
};

/// One firewall profile: Group Policy's setting, the local setting, and the live state.
struct WindowsFirewallProfile {
  std::string profile;          ///< "domain", "private", "public"
  RegistryFact policy_enabled;  ///< Policies\Microsoft\WindowsFirewall\<X>Profile\EnableFirewall
  RegistryFact local_enabled;   ///< SharedAccess\...\FirewallPolicy\<X>Profile\EnableFirewall
  Observed<bool> api_enabled;   ///< INetFwPolicy2::get_FirewallEnabled (live only)
  bool operator==(const WindowsFirewallProfile&) const = default;
};

/// An active inbound allow rule for TCP (or any protocol) from the registry.
struct WindowsFirewallAllowRule {
  std::string id;                        ///< the registry value name
  std::string name;                      ///< Name=
  std::vector<std::string> profiles;     ///< empty: every profile
  std::vector<std::string> local_ports;  ///< empty: every port
  bool operator==(const WindowsFirewallAllowRule&) const = default;
};

struct WindowsFirewallFacts {
  std::vector<WindowsFirewallProfile> profiles;  ///< domain, private, public
  WindowsServiceFact service;                    ///< MpsSvc (Windows Firewall)
  std::vector<WindowsFirewallAllowRule> inbound_allow_rules;
  std::string rules_error;  ///< why the rules could not be read ("" when they were)
  bool operator==(const WindowsFirewallFacts&) const = default;
};

/// Everything the Windows probes collect.
struct WindowsFacts {
  bool collected = false;  ///< the Windows probes ran (false for a Linux system)
  Observed<WindowsVersion> version;
  WindowsRdpFacts rdp;
  WindowsFirewallFacts firewall;
  std::vector<ConfigProblem> problems;  ///< probes that failed as a whole
  bool operator==(const WindowsFacts&) const = default;
};

void to_json(nlohmann::json& j, const WindowsFacts& f);
void from_json(const nlohmann::json& j, WindowsFacts& f);

}  // namespace guestprep
