// FixtureHost: a Windows system described by files, for tests on any platform. A JSON fixture
// names registry exports (.reg, the registry as `reg export` writes it) and records what the
// APIs answer (version, service states, listening sockets, firewall API), plus files and
// command outputs, the password rules, a secedit export, and volumes. It implements both Host and
// WindowsApi, as the live system does, and is writable (MutableHost): fix mode's journal and
// registry writes change the fixture in memory, so tests plan, apply, audit again and roll back.
// `net accounts /minpwlen:N` run through it changes the recorded NetUserModals values (and the
// secedit export's MinimumPasswordLength), as NetUserModalsSet changes the SAM. A recorded
// command may append to files when it runs ("appends"), as sfc appends its verdict to CBS.log.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/host.h"
#include "host/mutable_host.h"
#include "host/windows_api.h"

namespace guestprep::os_windows {

class FixtureHost : public MutableHost, public WindowsApi {
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
  /// Whether the system runs (live answers count); false: seen as at its next boot, offline.
  void setRuntime(bool runtime) { runtime_ = runtime; }
  /// Replaces the recorded `secedit /export` (decoded text), as a changed security policy.
  void setSecurityPolicyExport(std::string text) {
    secedit_ = std::move(text);
    api_["secedit"] = "(set by the test)";
  }
  /// Makes the `n`th write from now (file, directory, removal or registry value; 1 is the next)
  /// fail with an I/O error, as a full disk would; 0 turns it off.
  void failWriteAt(int n) {
    fail_write_at_ = n;
    writes_ = 0;
  }
  /// Every file (lower-case normalised path -> content) and directory made by writes: tests
  /// compare them before and after a rollback.
  [[nodiscard]] const std::map<std::string, std::string>& files() const { return files_; }

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

  // MutableHost: files and directories in memory (no owners, modes or flags on a fixture), the
  // registry through its typed values.
  [[nodiscard]] Result<FileMeta> metadata(std::string_view path) const override;
  [[nodiscard]] Result<void> writeFileAtomic(std::string_view path, std::string_view content,
                                             const FileMeta& meta, bool keep_mtime) override;
  [[nodiscard]] Result<void> writeSymlink(std::string_view path, std::string_view target,
                                          const FileMeta& meta) override;
  [[nodiscard]] Result<void> removeEntry(std::string_view path) override;
  [[nodiscard]] Result<void> makeDirectory(std::string_view path, std::uint32_t mode) override;
  [[nodiscard]] Result<void> setInodeFlags(std::string_view path, std::uint32_t flags) override;
  [[nodiscard]] Result<CommandResult> runInSystem(const std::vector<std::string>& argv,
                                                  std::chrono::milliseconds timeout) override;
  [[nodiscard]] Result<RegistryData> registryValue(std::string_view key,
                                                   std::string_view name) const override;
  [[nodiscard]] Result<void> setRegistryValue(std::string_view key, std::string_view name,
                                              const RegistryData& value) override;

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
  /// Counts a write; the injected failure when it is the one asked for.
  Result<void> countWrite(std::string_view what);
  /// `net accounts /minpwlen:N` as Windows runs it, over the recorded NetUserModals values
  /// (nullopt for any other command).
  std::optional<Result<CommandResult>> netAccounts(const std::vector<std::string>& argv);

  std::string describe_ = "Windows fixture";
  bool runtime_ = true;
  std::map<std::string, Key> keys_;  ///< lower normalised path -> key
  std::map<std::string, std::string> failing_keys_;
  /// lower normalised path -> content; mutable because a command run through the const
  /// Host::run may append to files, as sfc appends its verdict to CBS.log.
  mutable std::map<std::string, std::string> files_;
  std::map<std::string, bool> readonly_;  ///< lower normalised paths marked read-only
  std::set<std::string> dirs_;            ///< lower normalised directories made by writes
  int fail_write_at_ = 0;
  int writes_ = 0;
  std::string secedit_;  ///< the recorded export, decoded
  std::map<std::vector<std::string>, CommandResult> commands_;
  /// What a recorded command appends to files when it runs (path -> text).
  std::map<std::vector<std::string>, std::map<std::string, std::string>> command_appends_;
  /// Recorded API answers: os_version, services, tcp_listeners, firewall, user_modals, secedit,
  /// users, volumes.
  nlohmann::json api_;
};

}  // namespace guestprep::os_windows
