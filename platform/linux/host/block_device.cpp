// Read-only BlockSource over a block device or an image file of this machine: opened O_RDONLY,
// read with pread, sized by BLKGETSIZE64 (devices) or st_size (files). Never writes.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>

#include "host/posix_fs.h"

namespace guestprep::os_linux {

namespace {

class FileBlockSource final : public disk::BlockSource {
 public:
  FileBlockSource(int fd, std::uint64_t size, std::string name)
      : fd_(fd), size_(size), name_(std::move(name)) {}
  ~FileBlockSource() override { ::close(fd_); }
  FileBlockSource(const FileBlockSource&) = delete;
  FileBlockSource& operator=(const FileBlockSource&) = delete;

  [[nodiscard]] std::uint64_t size() const override { return size_; }
  [[nodiscard]] std::string describe() const override { return name_; }

  [[nodiscard]] Result<void> readAt(std::uint64_t offset,
                                    std::span<std::uint8_t> buf) const override {
    if (offset > size_ || buf.size() > size_ - offset) {
      return fail(ErrorCode::kInvalidInput,
                  fmt::format("{}: read of {} bytes at offset {} goes past the end ({} bytes)",
                              name_, buf.size(), offset, size_));
    }
    std::size_t done = 0;
    while (done < buf.size()) {
      ssize_t n =
          ::pread(fd_, buf.data() + done, buf.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        Error e = errnoError(errno, name_);
        e.message += fmt::format(" (reading {} bytes at offset {})", buf.size(), offset + done);
        return std::unexpected(e);
      }
      if (n == 0) {
        return fail(ErrorCode::kIo,
                    fmt::format("{}: unexpected end of data at offset {}", name_, offset + done));
      }
      done += static_cast<std::size_t>(n);
    }
    return {};
  }

 private:
  int fd_;
  std::uint64_t size_;
  std::string name_;
};

}  // namespace

Result<std::unique_ptr<disk::BlockSource>> posixOpenBlockDevice(const std::string& real_path,
                                                                const std::string& shown_path) {
  int fd = ::open(real_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return std::unexpected(errnoError(errno, shown_path));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return std::unexpected(errnoError(err, shown_path));
  }
  std::uint64_t size = 0;
  if (S_ISBLK(st.st_mode)) {
    if (::ioctl(fd, BLKGETSIZE64, &size) != 0) {
      int err = errno;
      ::close(fd);
      return std::unexpected(errnoError(err, shown_path + " (BLKGETSIZE64)"));
    }
  } else if (S_ISREG(st.st_mode)) {
    size = static_cast<std::uint64_t>(st.st_size);
  } else {
    ::close(fd);
    return fail(ErrorCode::kInvalidInput,
                "'" + shown_path + "' is neither a block device nor a regular file");
  }
  return std::unique_ptr<disk::BlockSource>(new FileBlockSource(fd, size, shown_path));
}

}  // namespace guestprep::os_linux
