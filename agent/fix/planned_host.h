// PlannedHost: the system as it will be once the actions planned so far are applied. Fixers plan
// through it, so a second fixer editing a file the first one changed sees the first one's edit,
// and `--dry-run` diffs each action against the state the actions before it leave.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "fix/plan.h"
#include "host/host.h"
#include "host/mutable_host.h"

namespace guestprep {

class PlannedHost : public Host {
 public:
  explicit PlannedHost(const Host& base) : base_(base) {}

  /// Records the effect of `a` (commands change nothing the overlay can know).
  void apply(const Action& a);
  /// The path actions address once symlinks are resolved: writes and flag changes follow a final
  /// symlink; removal and symlink creation address the entry itself.
  [[nodiscard]] std::string actionPath(const Action& a) const;

  /// A registry value as the plan leaves it: planned writes first, then the base host's
  /// registry (a MutableHost's), else kUnsupported.
  [[nodiscard]] Result<RegistryData> registryValue(std::string_view key,
                                                   std::string_view name) const;

  [[nodiscard]] std::string describe() const override { return base_.describe(); }
  [[nodiscard]] bool hasRuntimeState() const override { return base_.hasRuntimeState(); }
  [[nodiscard]] Result<std::string> readFile(
      std::string_view path, std::size_t max_bytes = kDefaultMaxRead) const override;
  [[nodiscard]] Result<std::vector<std::string>> listDir(std::string_view path) const override;
  [[nodiscard]] Result<FileStat> stat(std::string_view path) const override;
  [[nodiscard]] Result<FileStat> lstat(std::string_view path) const override;
  [[nodiscard]] Result<std::string> readLink(std::string_view path) const override;
  [[nodiscard]] Result<std::string> canonicalPath(std::string_view path) const override {
    return base_.canonicalPath(path);
  }
  [[nodiscard]] Result<std::uint32_t> inodeFlags(std::string_view path) const override;
  [[nodiscard]] Result<FsStats> fsStats(std::string_view path) const override {
    return base_.fsStats(path);
  }
  [[nodiscard]] Result<CommandResult> run(const std::vector<std::string>& argv,
                                          std::chrono::milliseconds timeout) const override {
    return base_.run(argv, timeout);
  }
  [[nodiscard]] Result<std::unique_ptr<disk::BlockSource>> openBlockDevice(
      std::string_view path) const override {
    return base_.openBlockDevice(path);
  }

 private:
  struct Entry {
    enum class Kind { kFile, kSymlink, kDirectory, kRemoved } kind = Kind::kFile;
    std::string content;  ///< file content or symlink target
    std::uint32_t mode = 0644;
    std::optional<std::uint32_t> flags;
  };
  [[nodiscard]] std::string entryKey(std::string_view path) const;
  [[nodiscard]] std::string followKey(std::string_view path) const;
  [[nodiscard]] const Entry* find(std::string_view path, bool follow) const;

  const Host& base_;
  std::map<std::string, Entry> overlay_;
  std::map<std::string, RegistryData> registry_;  ///< lower "key\0name" -> planned value
};

/// A registry value through any host: a PlannedHost's planned view, a MutableHost's registry;
/// kUnsupported for a host that has none.
Result<RegistryData> readRegistryValue(const Host& host, std::string_view key,
                                       std::string_view name);

}  // namespace guestprep
