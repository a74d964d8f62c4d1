// FixtureHost: a Windows system described by files, for tests on any platform. A JSON fixture
// names registry exports (.reg, the registry as `reg export` writes it) and records what the
// APIs answer (version, service states, listening sockets, firewall API), plus files and
// command outputs, the password rules, a secedit export, and volumes. It implements both Host and
// WindowsApi, as the live system does.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/host.h"
#include "host/windows_api.h"

namespace guestprep::os_windows {

class FixtureHost : public Host, public WindowsApi {
 public:
  /// Reads a fixture file; registry files are relative to its directory. Throws
  /// std::runtime_error naming the file on a bad fixture (a test bug, not an expected failure).
  static FixtureHost fromFile(const std::filesystem::path& file);
  /// A fixture from JSON; `base` is where relative registry files are.
  FixtureHost(const nlohmann::json& fixture, const std::filesystem::path& base);

  /// Adds the values of a .reg export (decoded here); throws on a malformed export.
  void loadRegistry(std::string_view reg_bytes, const std::string& origin);
  /// Sets one value (tests change one thing at a time).
  void setValue(std::string_view key, std::string_view name, RegValue value);
  void removeValue(std::string_view key, std::string_view name);
  /// Makes every read of a key fail (kPermission) with `message`.
  void failKey(std::string_view key, std::string message);

  // Host
  [[nodiscard]] std::string describe() const override { return describe_; }
  [[nodiscard]] bool hasRuntimeState() const override { return runtime_; }
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
  [[nodiscard]] Result<UserModals> userModals() const override;
  [[nodiscard]] Result<std::string> securityPolicyExport() const override;
  [[nodiscard]] Result<std::string> userFullName(std::string_view account) const override;
  [[nodiscard]] Result<VolumeInfo> volumeInfo(std::string_view drive) const override;
  [[nodiscard]] Result<bool> volumeDirty(std::string_view drive) const override;
  [[nodiscard]] Result<DiskLayout> diskLayout(std::string_view drive) const override;

 private:
  struct Key {
    std::string path;                                                ///< as first written
    std::map<std::string, std::pair<std::string, RegValue>> values;  ///< lower name -> (name, v)
  };
  [[nodiscard]] Result<const Key*> findKey(std::string_view key) const;
  Key& makeKey(std::string_view key);

  std::string describe_ = "Windows fixture";
  bool runtime_ = true;
  std::map<std::string, Key> keys_;  ///< lower normalised path -> key
  std::map<std::string, std::string> failing_keys_;
  std::map<std::string, std::string> files_;  ///< lower normalised path -> content
  std::map<std::string, bool> readonly_;      ///< lower normalised paths marked read-only
  std::string secedit_;                       ///< the recorded export, decoded
  std::map<std::vector<std::string>, CommandResult> commands_;
  /// Recorded API answers: os_version, services, tcp_listeners, firewall, user_modals, secedit,
  /// users, volumes.
  nlohmann::json api_;
};

}  // namespace guestprep::os_windows
