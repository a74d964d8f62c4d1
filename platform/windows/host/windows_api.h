// WindowsApi: what a Windows system tells besides files and commands (the Host interface) —
// registry values, services, the OS version, listening sockets, the firewall's live state.
// Implemented by the live system (Win32, host/live_windows_api.cpp) and by the fixture host
// (host/fixture_host.h), so probes run the same in tests on any platform.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "host/mutable_host.h"

namespace guestprep::os_windows {

/// Registry value types (winnt.h REG_*).
enum class RegType {
  kNone = 0,
  kSz = 1,
  kExpandSz = 2,
  kBinary = 3,
  kDword = 4,
  kDwordBigEndian = 5,
  kLink = 6,
  kMultiSz = 7,
  kQword = 11,
  kOther = -1,
};

/// A typed registry value.
struct RegValue {
  RegType type = RegType::kNone;
  std::string text;                  ///< REG_SZ / REG_EXPAND_SZ (UTF-8, unexpanded)
  std::vector<std::string> strings;  ///< REG_MULTI_SZ
  std::uint64_t number = 0;          ///< REG_DWORD / REG_QWORD
  std::string bytes;                 ///< raw data of other types (REG_BINARY, ...)
  bool operator==(const RegValue&) const = default;
};

/// "REG_DWORD", ...
std::string_view toString(RegType t);
/// The value as a short text for evidence: "0x00000001 (1)", "\"Service Pack 1\"", "a\nb".
std::string describeRegValue(const RegValue& v);
/// A registry key path normalised to "HKLM\\Sub\\Key": long hive names shortened
/// (HKEY_LOCAL_MACHINE -> HKLM), slashes and repeated or trailing separators removed.
std::string normaliseRegKey(std::string_view key);

/// The raw data of a typed value, as the registry stores it (strings UTF-16LE with their NULs).
RegistryData toRegistryData(const RegValue& v);
/// A typed value from raw registry data; kInvalidInput for a DWORD or QWORD of the wrong size.
Result<RegValue> fromRegistryData(const RegistryData& d);

/// The registry key of a service ("HKLM\\SYSTEM\\CurrentControlSet\\Services\\<name>"), whose
/// `Start` value is its start type.
std::string serviceKey(std::string_view name);

/// Service start types as the SCM and the registry's Start value define them.
enum class StartType {
  kBoot = 0,
  kSystem = 1,
  kAuto = 2,
  kDemand = 3,
  kDisabled = 4,
  kUnknown = -1
};
std::string_view toString(StartType t);
StartType startTypeFromValue(std::uint64_t start);

/// A service as the service control manager (or its registry key) describes it.
struct ServiceInfo {
  std::string name;
  std::string display_name;
  StartType start_type = StartType::kUnknown;
  bool delayed_auto_start = false;
  std::string state;  ///< "running", "stopped", "start-pending", ...; "" when unknown (offline)
  std::string image_path;
  bool operator==(const ServiceInfo&) const = default;
};

/// RtlGetVersion's answer (OSVERSIONINFOEXW).
struct OsVersionInfo {
  std::uint32_t major = 0;
  std::uint32_t minor = 0;
  std::uint32_t build = 0;
  std::uint32_t service_pack_major = 0;
  std::uint32_t service_pack_minor = 0;
  std::string csd_version;  ///< "Service Pack 1", "" without one
  std::uint32_t product_type =
      0;  ///< VER_NT_WORKSTATION 1, VER_NT_DOMAIN_CONTROLLER 2, VER_NT_SERVER 3
  std::uint32_t suite_mask = 0;
  bool operator==(const OsVersionInfo&) const = default;
};

/// A listening TCP socket (GetExtendedTcpTable, TCP_TABLE_OWNER_PID_LISTENER).
struct TcpListener {
  std::string address;  ///< "0.0.0.0", "::", "127.0.0.1"
  std::uint16_t port = 0;
  std::uint32_t pid = 0;
  bool operator==(const TcpListener&) const = default;
};

/// The firewall profiles of Windows Vista / Server 2008 and later.
enum class FirewallProfile { kDomain, kPrivate, kPublic };
std::string_view toString(FirewallProfile p);

/// NetUserModalsGet level 0: the password rules the system applies to local accounts.
struct UserModals {
  std::uint32_t min_length = 0;       ///< usrmod0_min_passwd_len
  std::uint32_t history_length = 0;   ///< usrmod0_password_hist_len
  std::int64_t max_age_seconds = -1;  ///< usrmod0_max_passwd_age (-1: never expires)
  std::int64_t min_age_seconds = 0;   ///< usrmod0_min_passwd_age
  /// "Password must meet complexity requirements" where the answer carries it (an offline SAM's
  /// PasswordProperties); NetUserModalsGet does not, so the live system leaves it empty.
  std::optional<bool> complexity;
  /// Where the values come from, for evidence: "NetUserModalsGet" when empty.
  std::string source;
  bool operator==(const UserModals&) const = default;
};

/// A volume's file system and space (GetVolumeInformation, GetDiskFreeSpaceEx).
struct VolumeInfo {
  std::string filesystem;  ///< "NTFS", "ReFS", "FAT32"
  std::uint64_t total_bytes = 0;
  std::uint64_t free_bytes = 0;  ///< available to the caller
  bool operator==(const VolumeInfo&) const = default;
};

/// The partition table of the disk a volume is on (IOCTL_DISK_GET_DRIVE_LAYOUT_EX).
struct DiskLayout {
  std::string style;   ///< "mbr", "gpt", "raw"
  int partitions = 0;  ///< partitions with a type (MBR: not PARTITION_ENTRY_UNUSED)
  std::uint32_t disk_number = 0;
  bool operator==(const DiskLayout&) const = default;
};

class WindowsApi {
 public:
  virtual ~WindowsApi() = default;
  /// A value of a key ("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server"); the
  /// default value is the name "". kNotFound when the key or the value does not exist.
  [[nodiscard]] virtual Result<RegValue> regValue(std::string_view key,
                                                  std::string_view name) const = 0;
  /// Names of the subkeys of a key, sorted case-insensitively. kNotFound when it does not exist.
  [[nodiscard]] virtual Result<std::vector<std::string>> regSubkeys(std::string_view key) const = 0;
  /// Names of the values of a key, sorted case-insensitively.
  [[nodiscard]] virtual Result<std::vector<std::string>> regValueNames(
      std::string_view key) const = 0;
  /// A service by its key name ("TermService"). kNotFound when it is not installed.
  [[nodiscard]] virtual Result<ServiceInfo> service(std::string_view name) const = 0;
  /// The running system's version (RtlGetVersion: not subject to the manifest lie of
  /// GetVersionEx). kUnsupported offline.
  [[nodiscard]] virtual Result<OsVersionInfo> osVersion() const = 0;
  /// TCP sockets listening now. kUnsupported offline.
  [[nodiscard]] virtual Result<std::vector<TcpListener>> tcpListeners() const = 0;
  /// Whether the firewall of a profile is on now (INetFwPolicy2::get_FirewallEnabled). An
  /// HRESULT failure (E_NOTIMPL under wine) is an error naming the call and the code.
  [[nodiscard]] virtual Result<bool> firewallEnabled(FirewallProfile profile) const = 0;
  /// The local password rules (NetUserModalsGet level 0). kUnsupported offline.
  [[nodiscard]] virtual Result<UserModals> userModals() const = 0;
  /// The local security policy as `secedit /export /areas SECURITYPOLICY` writes it, decoded
  /// (it needs an administrator). kUnsupported offline.
  [[nodiscard]] virtual Result<std::string> securityPolicyExport() const = 0;
  /// A local account's full name (NetUserGetInfo), "" when it has none. kNotFound for no such
  /// account.
  [[nodiscard]] virtual Result<std::string> userFullName(std::string_view account) const = 0;
  /// The name of the built-in administrator (RID 500), where the security policy export does
  /// not say it (an offline disk's SAM); kUnsupported by default.
  [[nodiscard]] virtual Result<std::string> builtinAdministrator() const {
    return fail(ErrorCode::kUnsupported, "the security policy export names the administrator");
  }
  /// File system and space of a volume ("C:").
  [[nodiscard]] virtual Result<VolumeInfo> volumeInfo(std::string_view drive) const = 0;
  /// Whether the volume's dirty bit is set (FSCTL_IS_VOLUME_DIRTY; needs an administrator).
  [[nodiscard]] virtual Result<bool> volumeDirty(std::string_view drive) const = 0;
  /// The partition table of the disk holding the volume ("C:").
  [[nodiscard]] virtual Result<DiskLayout> diskLayout(std::string_view drive) const = 0;
};

/// A service as its registry key describes it (Start, DelayedAutostart, DisplayName,
/// ImagePath), without a state: kNotFound when it has no key or no Start value.
Result<ServiceInfo> serviceFromRegistry(const WindowsApi& api, std::string_view name);

}  // namespace guestprep::os_windows
