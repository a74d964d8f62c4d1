// The live host: the Linux system this process runs on, read-only.
#include "host/posix_fs.h"

namespace guestprep::os_linux {

namespace {

class LiveHost : public Host {
 public:
  [[nodiscard]] std::string describe() const override { return "live system"; }
  [[nodiscard]] bool hasRuntimeState() const override { return true; }
  [[nodiscard]] Result<std::string> readFile(std::string_view path,
                                             std::size_t max_bytes) const override {
    return posixReadFile(std::string(path), std::string(path), max_bytes);
  }
  [[nodiscard]] Result<std::vector<std::string>> listDir(std::string_view path) const override {
    return posixListDir(std::string(path), std::string(path));
  }
  [[nodiscard]] Result<FileStat> stat(std::string_view path) const override {
    return posixStat(std::string(path), std::string(path), true);
  }
  [[nodiscard]] Result<FileStat> lstat(std::string_view path) const override {
    return posixStat(std::string(path), std::string(path), false);
  }
  [[nodiscard]] Result<std::string> readLink(std::string_view path) const override {
    return posixReadLink(std::string(path), std::string(path));
  }
  [[nodiscard]] Result<std::string> canonicalPath(std::string_view path) const override {
    return posixCanonicalPath(std::string(path));
  }
  [[nodiscard]] Result<std::uint32_t> inodeFlags(std::string_view path) const override {
    return posixInodeFlags(std::string(path), std::string(path));
  }
  [[nodiscard]] Result<FsStats> fsStats(std::string_view path) const override {
    return posixFsStats(std::string(path), std::string(path));
  }
  [[nodiscard]] Result<std::unique_ptr<disk::BlockSource>> openBlockDevice(
      std::string_view path) const override {
    return posixOpenBlockDevice(std::string(path), std::string(path));
  }
  [[nodiscard]] Result<CommandResult> run(const std::vector<std::string>& argv,
                                          std::chrono::milliseconds timeout) const override {
    return runCommand(argv, timeout);
  }
};

}  // namespace

}  // namespace guestprep::os_linux

namespace guestprep {

std::unique_ptr<Host> makeLiveHost() { return std::make_unique<os_linux::LiveHost>(); }

}  // namespace guestprep
