// POSIX file access shared by the live and offline-root hosts.
#include "host/posix_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace guestprep::os_linux {

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Error errnoError(int err, const std::string& what) {
  ErrorCode code = ErrorCode::kIo;
  if (err == ENOENT || err == ENOTDIR) code = ErrorCode::kNotFound;
  if (err == EACCES || err == EPERM) code = ErrorCode::kPermission;
  return Error{code, "'" + what + "': " + std::strerror(err)};
}

Result<std::string> posixReadFile(const std::string& real_path, const std::string& shown_path,
                                  std::size_t max_bytes) {
  int fd = ::open(real_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return std::unexpected(errnoError(errno, shown_path));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::kIo, "'" + shown_path + "' is a directory");
  }
  std::string data;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return std::unexpected(errnoError(e, shown_path));
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > max_bytes) {
      ::close(fd);
      return fail(ErrorCode::kTooLarge,
                  "'" + shown_path + "' is larger than " + std::to_string(max_bytes) + " bytes");
    }
    data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return data;
}

Result<std::vector<std::string>> posixListDir(const std::string& real_path,
                                              const std::string& shown_path) {
  DIR* d = ::opendir(real_path.c_str());
  if (!d) return std::unexpected(errnoError(errno, shown_path));
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

Result<FileStat> posixStat(const std::string& real_path, const std::string& shown_path,
                           bool follow) {
  struct stat st {};
  int rc = follow ? ::stat(real_path.c_str(), &st) : ::lstat(real_path.c_str(), &st);
  if (rc != 0) return std::unexpected(errnoError(errno, shown_path));
  FileStat fs;
  if (S_ISREG(st.st_mode))
    fs.type = FileStat::Type::kRegular;
  else if (S_ISDIR(st.st_mode))
    fs.type = FileStat::Type::kDirectory;
  else if (S_ISLNK(st.st_mode))
    fs.type = FileStat::Type::kSymlink;
  fs.mode = st.st_mode & 07777;
  fs.uid = st.st_uid;
  fs.gid = st.st_gid;
  fs.size = static_cast<std::uint64_t>(st.st_size);
  return fs;
}

Result<std::string> posixReadLink(const std::string& real_path, const std::string& shown_path) {
  std::string buf(4096, '\0');
  ssize_t n = ::readlink(real_path.c_str(), buf.data(), buf.size());
  if (n < 0) return std::unexpected(errnoError(errno, shown_path));
  buf.resize(static_cast<std::size_t>(n));
  return buf;
}

Result<std::uint32_t> posixInodeFlags(const std::string& real_path, const std::string& shown_path) {
  // O_NONBLOCK: never hang on a FIFO; O_NOFOLLOW: the path is already resolved.
  int fd = ::open(real_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0) return std::unexpected(errnoError(errno, shown_path));
  int flags = 0;
  int rc = ::ioctl(fd, FS_IOC_GETFLAGS, &flags);
  int err = errno;
  ::close(fd);
  if (rc != 0) {
    if (err == ENOTTY || err == EOPNOTSUPP || err == EINVAL) {
      return fail(ErrorCode::kUnsupported,
                  "'" + shown_path + "': the filesystem has no inode flags (lsattr)");
    }
    return std::unexpected(errnoError(err, shown_path));
  }
  return static_cast<std::uint32_t>(flags);
}

Result<FsStats> posixFsStats(const std::string& real_path, const std::string& shown_path) {
  struct statvfs v {};
  if (::statvfs(real_path.c_str(), &v) != 0) return std::unexpected(errnoError(errno, shown_path));
  FsStats s;
  s.block_size = v.f_frsize ? v.f_frsize : v.f_bsize;
  s.blocks = v.f_blocks;
  s.blocks_free = v.f_bfree;
  s.blocks_avail = v.f_bavail;
  s.inodes = v.f_files;
  s.inodes_free = v.f_ffree;
  return s;
}

Result<std::string> posixCanonicalPath(const std::string& path) {
  std::error_code ec;
  // weakly_canonical resolves what exists and appends the rest, like the offline host does.
  std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
  if (ec) return std::unexpected(errnoError(ec.value(), path));
  return p.string();
}

}  // namespace guestprep::os_linux
