// WindowsHost: the live Windows system as a Host — files through the wide-character APIs
// (UTF-8 paths converted to UTF-16), commands as argv through CreateProcessW with a quoted
// command line, captured output and a timeout.
#pragma once

#include "host/host.h"

namespace guestprep::os_windows {

class WindowsHost : public Host {
 public:
  [[nodiscard]] std::string describe() const override { return "live Windows system"; }
  [[nodiscard]] bool hasRuntimeState() const override { return true; }
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
  /// Not needed until the system disk's layout is read (W-DISK): an error that says so.
  [[nodiscard]] Result<std::unique_ptr<disk::BlockSource>> openBlockDevice(
      std::string_view path) const override;
};

}  // namespace guestprep::os_windows
