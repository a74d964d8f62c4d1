// Windows facts: OS version and edition (W-VERSION), Remote Desktop (W-RDP), the firewall per
// profile (W-FIREWALL), the password policy (W-PASSWD), services, drivers and programs (W-QEMUGA,
// XW-AGENTS, XW-VIRTIO), updates (XW-SHA2), hibernation (XW-HIBERNATE), pending reboots
// (XW-PENDING), the system volume and disk (W-DISK, W-FSTYPE, W-FSCHECK), sfc's log
// (W-SYSFILES). Filled by
// platform/windows probes through the registry, the service control manager and Win32 APIs;
// empty (collected == false) on Linux.
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

/// The password policy (W-PASSWD): NetUserModalsGet for the numbers the system applies, the
/// security policy (`secedit /export`) for complexity, and the account the cloud sets.
struct WindowsPasswordFacts {
  Observed<int> minimum_length;  ///< usrmod0_min_passwd_len, else MinimumPasswordLength
  std::string minimum_length_source;
  Observed<bool> complexity;  ///< PasswordComplexity of the export
  std::string complexity_source = "secedit /export";
  Observed<int> history;  ///< usrmod0_password_hist_len, else PasswordHistorySize
  std::string account;    ///< the built-in administrator's name (NewAdministratorName)
  std::string account_source;
  Observed<std::string> full_name;  ///< the account's full name (display name), "" for none
  std::string secedit_error;        ///< why the export could not be read ("" when it was)
  bool operator==(const WindowsPasswordFacts&) const = default;
};

/// A service's key under HKLM\SYSTEM\CurrentControlSet\Services (Win32 services and drivers).
struct WindowsServiceEntry {
  std::string name;
  std::uint32_t type = 0;  ///< 1 kernel driver, 2 file system driver, 0x10/0x20 Win32 service
  std::string start_type;  ///< "boot", "system", "auto", "demand", "disabled", "unknown"
  std::string display_name;
  std::string image_path;
  bool operator==(const WindowsServiceEntry&) const = default;
};

/// An installed program (an Uninstall key with a DisplayName).
struct WindowsProgram {
  std::string key;  ///< the Uninstall subkey
  std::string display_name;
  std::string publisher;
  std::string version;
  bool operator==(const WindowsProgram&) const = default;
};

/// A paravirtual driver's file and driver-store state (XW-VIRTIO).
struct WindowsDriverFile {
  std::string name;                 ///< the service name ("viostor")
  std::string path;                 ///< C:\Windows\System32\drivers\viostor.sys
  bool present = false;             ///< the .sys file exists
  bool read_only = false;           ///< FILE_ATTRIBUTE_READONLY
  std::vector<std::string> staged;  ///< DriverStore\FileRepository\<name>.inf_* folders
  std::string error;                ///< why the file could not be checked
  bool operator==(const WindowsDriverFile&) const = default;
};

/// A CriticalDeviceDatabase entry of a paravirtual PCI device (the key
/// Control\CriticalDeviceDatabase\pci#ven_1af4&dev_1001...): up to Windows 7 / 2008 R2 the boot
/// finds the driver of a disk controller it has never seen only through these (XW-VIRTIO).
struct WindowsCriticalDevice {
  std::string id;       ///< the key name, "pci#ven_1af4&dev_1001&subsys_00021af4&rev_00"
  std::string service;  ///< its Service value ("viostor"); "" when it has none
  bool operator==(const WindowsCriticalDevice&) const = default;
};

/// An installed update (a Component Based Servicing package of a KB).
struct WindowsUpdate {
  std::string kb;           ///< "KB4474419"
  std::string package;      ///< the CBS package key name ("" from systeminfo)
  std::uint32_t state = 0;  ///< CurrentState: 0x70 installed, 0x20 staged, ...; 0 unknown
  /// "cbs" (the Component Based Servicing package key), or "systeminfo" (its hotfix list, read
  /// when the CBS packages could not be: installed updates only, so state 0x70)
  std::string source = "cbs";
  bool operator==(const WindowsUpdate&) const = default;
};

/// One sign of a pending reboot (XW-PENDING).
struct WindowsPendingMarker {
  std::string name;   ///< "cbs-reboot-pending", "file-rename-operations", ...
  std::string where;  ///< the key or value read
  bool present = false;
  std::string detail;  ///< what it holds, for evidence
  std::string error;   ///< why it could not be read
  bool operator==(const WindowsPendingMarker&) const = default;
};

/// Hibernation and Fast Startup (XW-HIBERNATE).
struct WindowsHibernateFacts {
  RegistryFact hibernate_enabled;  ///< Control\Power\HibernateEnabled
  RegistryFact hibernate_default;  ///< Control\Power\HibernateEnabledDefault
  RegistryFact hiberboot;          ///< Session Manager\Power\HiberbootEnabled
  Observed<bool> hiberfil;         ///< C:\hiberfil.sys exists
  bool operator==(const WindowsHibernateFacts&) const = default;
};

/// The system volume and the disk it is on (W-DISK, W-FSTYPE, W-FSCHECK).
struct WindowsVolumeFacts {
  std::string drive;                 ///< "C:"
  Observed<std::string> filesystem;  ///< GetVolumeInformation: "NTFS", "ReFS", "FAT32"
  Observed<std::uint64_t> total_bytes;
  Observed<std::uint64_t> free_bytes;     ///< available to the caller
  Observed<bool> dirty;                   ///< FSCTL_IS_VOLUME_DIRTY
  Observed<std::string> partition_style;  ///< IOCTL_DISK_GET_DRIVE_LAYOUT_EX: "mbr", "gpt", "raw"
  int partitions = 0;         ///< partitions with a type on the system disk (with partition_style)
  RegistryFact boot_execute;  ///< Session Manager\BootExecute (autochk at next boot)
  bool operator==(const WindowsVolumeFacts&) const = default;
};

/// What the System File Checker's last runs left in CBS.log (W-SYSFILES).
struct WindowsSfcFacts {
  std::string log;         ///< C:\\Windows\\Logs\\CBS\\CBS.log
  int verify_batches = 0;  ///< "[SR] Verify complete" lines (0: sfc has not run since rotation)
  std::vector<std::string> corrupt;       ///< files found corrupt
  std::vector<std::string> not_repaired;  ///< files it could not repair
  std::string last_run;                   ///< the timestamp of the last sfc line
  int last_line = 0;
  bool run_asked = false;  ///< the policy asked to run `sfc /verifyonly` during the audit
  bool ran = false;        ///< it ran (and exited; its verdict is in the log read after it)
  int run_exit_code = 0;
  std::string run_error;  ///< why it could not run or failed ("" when it ran)
  bool operator==(const WindowsSfcFacts&) const = default;
};

/// Everything the Windows probes collect.
struct WindowsFacts {
  bool collected = false;  ///< the Windows probes ran (false for a Linux system)
  Observed<WindowsVersion> version;
  WindowsRdpFacts rdp;
  WindowsFirewallFacts firewall;
  WindowsPasswordFacts password;
  Observed<std::vector<WindowsServiceEntry>> services;  ///< every Services subkey
  Observed<std::vector<WindowsProgram>> programs;       ///< Uninstall keys (64- and 32-bit)
  std::vector<WindowsDriverFile> driver_files;          ///< the paravirtual drivers' files
  /// The CriticalDeviceDatabase entries of VEN_1AF4 (virtio) devices; empty when the key is
  /// absent (Windows 8 and later do not use it).
  Observed<std::vector<WindowsCriticalDevice>> critical_devices;
  Observed<std::vector<WindowsUpdate>> updates;  ///< CBS packages of KBs
  std::vector<WindowsPendingMarker> pending;
  WindowsHibernateFacts hibernate;
  WindowsVolumeFacts volume;
  Observed<WindowsSfcFacts> sfc;
  std::vector<ConfigProblem> problems;  ///< probes that failed as a whole
  bool operator==(const WindowsFacts&) const = default;
};

void to_json(nlohmann::json& j, const WindowsFacts& f);
void from_json(const nlohmann::json& j, WindowsFacts& f);

}  // namespace guestprep
