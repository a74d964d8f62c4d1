// OfflineWindows: a Windows system disk that does not run — mounted on a Linux machine (ntfs-3g,
// ntfs3) or attached to another Windows — audited with `--root DIR`. Its registry is read from
// the hive files (Windows\System32\config\SYSTEM, SOFTWARE, SAM, SECURITY) with the regf reader,
// its files through the root's own host (which keeps every path, symlinks included, inside DIR),
// with Windows paths ("C:\Windows\System32\drivers\viostor.sys") mapped onto DIR and their letter
// case resolved as Windows would. What only a running system can answer (listening sockets, the
// firewall API, commands, the volume's dirty bit, the disk's partition table) is kUnsupported
// with the reason; the probes then report those checks as errors or fall back to the registry.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "facts/facts.h"
#include "host/host.h"
#include "host/windows_api.h"
#include "parsers/regf.h"

namespace guestprep::os_windows {

/// The Windows directory under an offline root ("/Windows", "/WINNT", any letter case) that
/// holds System32/config/SYSTEM, or kNotFound. `files` is the root's host (paths "/...").
Result<std::string> findWindowsDirectory(const Host& files);

class OfflineWindows final : public Host, public WindowsApi {
 public:
  /// `files`: the host of the root (Unix-style paths inside it); `windows_dir`: what
  /// findWindowsDirectory found. Reads nothing yet: hives are read when first asked.
  OfflineWindows(std::unique_ptr<Host> files, std::string windows_dir);

  /// What the hives said that the report should carry (a hive not cleanly written).
  [[nodiscard]] std::vector<ConfigProblem> problems() const;

  // Host: Windows paths ("C:\\Windows\\...") on the system drive map onto the root.
  [[nodiscard]] std::string describe() const override;
  [[nodiscard]] bool hasRuntimeState() const override { return false; }
  [[nodiscard]] std::string_view platform() const override { return "windows"; }
  [[nodiscard]] Result<std::string> readFile(
      std::string_view path, std::size_t max_bytes = kDefaultMaxRead) const override;
  [[nodiscard]] Result<std::vector<std::string>> listDir(std::string_view path) const override;
  [[nodiscard]] Result<FileStat> stat(std::string_view path) const override;
  [[nodiscard]] Result<FileStat> lstat(std::string_view path) const override;
  [[nodiscard]] Result<std::string> readLink(std::string_view path) const override;
  [[nodiscard]] Result<std::string> canonicalPath(std::string_view path) const override;
  [[nodiscard]] Result<std::uint32_t> inodeFlags(std::string_view path) const override;
  [[nodiscard]] Result<FsStats> fsStats(std::string_view path) const override;
  [[nodiscard]] Result<CommandResult> run(
      const std::vector<std::string>& argv,
      std::chrono::milliseconds timeout = kDefaultTimeout) const override;

  // WindowsApi
  [[nodiscard]] Result<RegValue> regValue(std::string_view key,
                                          std::string_view name) const override;
  [[nodiscard]] Result<std::vector<std::string>> regSubkeys(std::string_view key) const override;
  [[nodiscard]] Result<std::vector<std::string>> regValueNames(std::string_view key) const override;
  [[nodiscard]] Result<ServiceInfo> service(std::string_view name) const override;
  [[nodiscard]] Result<OsVersionInfo> osVersion() const override;
  [[nodiscard]] Result<std::vector<TcpListener>> tcpListeners() const override;
  [[nodiscard]] Result<bool> firewallEnabled(FirewallProfile profile) const override;
  /// From the SAM hive: the Account domain's F value (minimum length, history, ages, and the
  /// complexity flag), as NetUserModalsGet would have answered at the last boot.
  [[nodiscard]] Result<UserModals> userModals() const override;
  [[nodiscard]] Result<std::string> securityPolicyExport() const override;
  /// From the SAM hive: the account's V value.
  [[nodiscard]] Result<std::string> userFullName(std::string_view account) const override;
  /// From the SAM hive: the name in the V value of RID 500.
  [[nodiscard]] Result<std::string> builtinAdministrator() const override;
  /// Space of the filesystem mounted at the root when it is the disk itself; the filesystem
  /// type is "NTFS" when the Windows directory is there (an offline root cannot tell more).
  [[nodiscard]] Result<VolumeInfo> volumeInfo(std::string_view drive) const override;
  [[nodiscard]] Result<bool> volumeDirty(std::string_view drive) const override;
  [[nodiscard]] Result<DiskLayout> diskLayout(std::string_view drive) const override;

 private:
  struct Located {
    std::shared_ptr<const RegfHive> hive;
    std::optional<RegfHive::Key> key;  ///< nullopt: the key does not exist
    std::string path;                  ///< the normalised key, for messages
  };
  /// The hive file `name` ("SYSTEM"), read and parsed once.
  Result<std::shared_ptr<const RegfHive>> hive(const std::string& name) const;
  /// A key "HKLM\\SYSTEM\\CurrentControlSet\\..." in its hive file.
  Result<Located> locate(std::string_view key) const;
  /// The names of a key's subkeys or values, sorted case-insensitively.
  Result<std::vector<std::string>> names(std::string_view key, bool subkeys) const;
  /// A Windows path on the system drive as a path of the root, each component in the case
  /// the disk has it; kNotFound for another drive or a missing component.
  Result<std::string> mapPath(std::string_view windows_path) const;
  /// Field `entry` (1 user name, 2 full name) of the V value of the local account `rid`.
  Result<std::string> userField(std::uint32_t rid, int entry) const;
  /// The drive letter the system was installed on ("C:"), from SystemRoot.
  std::string systemDrive() const;

  std::unique_ptr<Host> files_;
  std::string windows_dir_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, Result<std::shared_ptr<const RegfHive>>> hives_;
  mutable std::vector<ConfigProblem> problems_;
};

}  // namespace guestprep::os_windows
