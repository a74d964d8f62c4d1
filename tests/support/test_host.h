// TestHost: a fixture tree on disk plus recorded command outputs, for whole-host tests.
// Paths resolve exactly as in the offline-root host (it is one), so tests exercise the real
// resolution; files can be added from literals.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "host/root_host.h"

namespace guestprep::testing {

class TestHost : public os_linux::RootHost {
 public:
  /// An empty fixture root in a new temporary directory, removed with the host.
  TestHost();
  /// An existing fixture tree (kept). Commands are read from `commands.json` beside the tree's
  /// files if present: [{"argv": [...], "exit_code": 0, "out": "...", "err": ""}].
  explicit TestHost(const std::filesystem::path& existing_root);
  ~TestHost() override;
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  /// Creates a file (and its parent directories) at an absolute path of the audited system.
  TestHost& addFile(std::string_view path, std::string_view content, unsigned mode = 0644);
  TestHost& addDir(std::string_view path);
  TestHost& addSymlink(std::string_view path, std::string_view target);
  /// Records what a command prints and returns.
  TestHost& addCommand(std::vector<std::string> argv, CommandResult result);
  /// Overrides what inodeFlags / fsStats say for a path (default: the fixture file's real ones).
  TestHost& setInodeFlags(std::string_view path, std::uint32_t flags);
  TestHost& setFsStats(std::string_view path, FsStats stats);
  /// Makes openBlockDevice(device) read the regular file `file` of this machine (an image the
  /// test built), whether or not the host counts as running.
  TestHost& setBlockDevice(std::string_view device, std::filesystem::path file);
  /// Whether /proc, /sys and commands count as a running system (default true).
  TestHost& setRuntime(bool runtime) {
    runtime_ = runtime;
    return *this;
  }

  [[nodiscard]] std::string describe() const override { return "test host"; }
  [[nodiscard]] bool hasRuntimeState() const override { return runtime_; }
  /// A recorded command's output; a command with no recording is kNotFound.
  [[nodiscard]] Result<CommandResult> run(
      const std::vector<std::string>& argv,
      std::chrono::milliseconds timeout = kDefaultTimeout) const override;

  [[nodiscard]] Result<std::uint32_t> inodeFlags(std::string_view path) const override;
  [[nodiscard]] Result<FsStats> fsStats(std::string_view path) const override;
  [[nodiscard]] Result<std::unique_ptr<disk::BlockSource>> openBlockDevice(
      std::string_view path) const override;

  [[nodiscard]] std::filesystem::path hostPath(std::string_view path) const;

 private:
  TestHost(std::string root, bool owned);
  bool owned_ = false;
  bool runtime_ = true;
  std::map<std::vector<std::string>, CommandResult> commands_;
  std::map<std::string, std::uint32_t, std::less<>> inode_flags_;
  std::map<std::string, FsStats, std::less<>> fs_stats_;
  std::map<std::string, std::filesystem::path, std::less<>> block_devices_;
};

}  // namespace guestprep::testing
