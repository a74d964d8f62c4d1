// POSIX file access shared by the live and offline-root hosts: read, list, stat, readlink on
// real paths of this machine, with errno turned into Error values.
#pragma once

#include <string>
#include <vector>

#include "host/host.h"

namespace guestprep::os_linux {

/// Closes a file descriptor on every path out of a function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

/// Maps an errno from an operation on `what` to an Error.
Error errnoError(int err, const std::string& what);

Result<std::string> posixReadFile(const std::string& real_path, const std::string& shown_path,
                                  std::size_t max_bytes);
Result<std::vector<std::string>> posixListDir(const std::string& real_path,
                                              const std::string& shown_path);
Result<FileStat> posixStat(const std::string& real_path, const std::string& shown_path,
                           bool follow);
Result<std::string> posixReadLink(const std::string& real_path, const std::string& shown_path);

/// FS_IOC_GETFLAGS on a real path of this machine.
Result<std::uint32_t> posixInodeFlags(const std::string& real_path, const std::string& shown_path);
/// statvfs(3) on a real path of this machine.
Result<FsStats> posixFsStats(const std::string& real_path, const std::string& shown_path);

/// A read-only BlockSource over a block device or regular file of this machine (pread; size
/// from BLKGETSIZE64 or st_size). Errors name `shown_path`.
Result<std::unique_ptr<disk::BlockSource>> posixOpenBlockDevice(const std::string& real_path,
                                                                const std::string& shown_path);

/// realpath(3) of this machine; a missing final component is resolved through its parent.
Result<std::string> posixCanonicalPath(const std::string& path);

/// Runs argv with a timeout on this machine (Boost.Process), in the C locale.
Result<CommandResult> runCommand(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout);

}  // namespace guestprep::os_linux
