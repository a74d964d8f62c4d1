// The Windows probes: thin readers over WindowsApi (registry, services, version, sockets,
// firewall API, password rules, volumes) and the Host (files) that fill Facts.windows. Portable:
// tests run them on the fixture host anywhere.
#pragma once

#include <string_view>

#include "audit/audit.h"
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
inline constexpr std::string_view kCbsKey =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing";
inline constexpr std::string_view kSessionManagerKey =
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager";
/// Paravirtual drivers whose files and driver-store entries are collected (virtio-win, Xen PV);
/// which of them a policy requires is the policy's choice.
inline constexpr std::string_view kParavirtualDrivers[] = {
    "viostor",  "vioscsi", "netkvm", "balloon", "vioser", "viorng",  "pvpanic", "fwcfg",
    "vioinput", "viofs",   "xenvbd", "xennet",  "xenbus", "xenfilt", "xeniface"};

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

/// The Windows directory ("C:\\Windows") from CurrentVersion\\SystemRoot.
Result<std::string> systemRoot(const WindowsApi& api);
/// W-PASSWD: NetUserModalsGet, the secedit export (complexity, the administrator's name) and
/// the administrator's full name.
void probePassword(const WindowsApi& api, WindowsFacts& facts);
/// Every Services subkey with a Type (Win32 services and drivers), from the registry.
void probeServices(const WindowsApi& api, WindowsFacts& facts);
/// Installed programs: the Uninstall keys (64-bit and WOW6432Node) with a DisplayName.
void probePrograms(const WindowsApi& api, WindowsFacts& facts);
/// XW-VIRTIO: each paravirtual driver's .sys file (present, read-only) and driver-store folders.
void probeDriverFiles(const Host& host, const WindowsApi& api, WindowsFacts& facts);
/// XW-SHA2: Component Based Servicing packages of KBs and their CurrentState.
/// The CriticalDeviceDatabase entries of virtio (VEN_1AF4) PCI devices (XW-VIRTIO before
/// Windows 8).
void probeCriticalDevices(const WindowsApi& api, WindowsFacts& facts);
void probeUpdates(const Host& host, const WindowsApi& api, WindowsFacts& facts);
/// XW-PENDING: the pending-reboot keys and values.
void probePending(const WindowsApi& api, WindowsFacts& facts);
/// XW-HIBERNATE: HibernateEnabled, HibernateEnabledDefault, HiberbootEnabled, hiberfil.sys.
void probeHibernate(const Host& host, const WindowsApi& api, WindowsFacts& facts);
/// W-DISK, W-FSTYPE, W-FSCHECK: the system volume's file system, space and dirty bit, its
/// disk's partition style, and BootExecute.
void probeVolume(const WindowsApi& api, WindowsFacts& facts);
/// W-SYSFILES: the System File Checker's lines in %SystemRoot%\\Logs\\CBS\\CBS.log. With `run`
/// (the policy asks), `sfc /verifyonly` runs first on a running system (minutes), and the log
/// read after it holds its verdict.
void probeSfcLog(const Host& host, const WindowsApi& api, WindowsFacts& facts, bool run = false);

/// Runs every Windows probe through the host and the API; a probe that throws is recorded as a
/// problem and the others go on.
void collectWindowsFacts(const Host& host, const WindowsApi& api, Facts& facts,
                         const CollectOptions& options = {});

}  // namespace guestprep::os_windows
