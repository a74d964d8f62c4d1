// The offline-root host: a mounted system disk (or a fixture tree) audited with --root DIR.
// Every path, symlinks included, is resolved inside DIR and never escapes it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "host/host.h"

namespace guestprep::os_linux {

class RootHost : public Host {
 public:
  /// `dir` must be an existing directory; it is made absolute and canonical.
  static Result<std::unique_ptr<RootHost>> open(const std::string& dir);

  [[nodiscard]] std::string describe() const override;
  [[nodiscard]] bool hasRuntimeState() const override { return false; }
  [[nodiscard]] Result<std::string> readFile(
      std::string_view path, std::size_t max_bytes = kDefaultMaxRead) const override;
  [[nodiscard]] Result<std::vector<std::string>> listDir(std::string_view path) const override;
  [[nodiscard]] Result<FileStat> stat(std::string_view path) const override;
  [[nodiscard]] Result<FileStat> lstat(std::string_view path) const override;
  [[nodiscard]] Result<std::string> readLink(std::string_view path) const override;
  [[nodiscard]] Result<std::string> canonicalPath(std::string_view path) const override;
  [[nodiscard]] Result<std::uint32_t> inodeFlags(std::string_view path) const override;
  [[nodiscard]] Result<FsStats> fsStats(std::string_view path) const override;
  /// kUnsupported: the disk is not reachable from an offline root (a --root tree holds files,
  /// not the disk they came from).
  [[nodiscard]] Result<std::unique_ptr<disk::BlockSource>> openBlockDevice(
      std::string_view path) const override;
  /// Commands of the audited system cannot run on an offline root: kUnsupported.
  [[nodiscard]] Result<CommandResult> run(
      const std::vector<std::string>& argv,
      std::chrono::milliseconds timeout = kDefaultTimeout) const override;

  /// Resolves a path of the audited system to a path on this machine, inside the root.
  /// With `follow_final` false, a final symlink is not followed. A missing final component is
  /// fine (the caller gets ENOENT when it opens it); a missing directory on the way is kNotFound.
  [[nodiscard]] Result<std::string> resolve(std::string_view path, bool follow_final) const;

  [[nodiscard]] const std::string& root() const { return root_; }

 protected:
  explicit RootHost(std::string root) : root_(std::move(root)) {}

 private:
  std::string root_;  ///< canonical absolute path, no trailing slash
};

}  // namespace guestprep::os_linux
