// The files of a directory tree as a Host with absolute Unix-style paths ("/Windows/System32"),
// over a host of Windows paths: what OfflineWindows reads an offline disk through on Windows
// (`guestprep.exe audit --root D:\`). A path never leaves the directory: ".." is refused, and so
// is any link or junction on the way, since its target would be the running system's.
#pragma once

#include <memory>
#include <string>

#include "host/host.h"

namespace guestprep::os_windows {

class OfflineFiles final : public Host {
 public:
  /// `inner` takes Windows paths ("D:\\Windows"); `dir` is the root ("D:\\" or "E:\\mnt\\disk").
  OfflineFiles(std::unique_ptr<Host> inner, std::string dir);

  [[nodiscard]] std::string describe() const override { return "offline root " + dir_; }
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
  [[nodiscard]] Result<CommandResult> run(
      const std::vector<std::string>& argv,
      std::chrono::milliseconds timeout = kDefaultTimeout) const override;

 private:
  /// The inner path of `path`, after checking that no component on the way is a link (the
  /// final one too unless `allow_final_link`).
  Result<std::string> inside(std::string_view path, bool allow_final_link) const;

  std::unique_ptr<Host> inner_;
  std::string dir_;  ///< no trailing separator, except a drive root "D:"
};

}  // namespace guestprep::os_windows
