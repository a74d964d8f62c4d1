// Host: the only door to the machine. Probes read through it; nothing else opens files or runs
// processes.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/platform.h"
#include "core/result.h"
#include "disk/block_source.h"

namespace guestprep {

/// What `stat`/`lstat` say about a path.
struct FileStat {
  enum class Type { kRegular, kDirectory, kSymlink, kOther };
  Type type = Type::kOther;
  std::uint32_t mode = 0;  ///< permission bits and special bits (07777)
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint64_t size = 0;
};

/// Space and inode counts of the filesystem holding a path (statvfs).
struct FsStats {
  std::uint64_t block_size = 0;
  std::uint64_t blocks = 0;        ///< total, in block_size units
  std::uint64_t blocks_free = 0;   ///< free for root
  std::uint64_t blocks_avail = 0;  ///< free for unprivileged users
  std::uint64_t inodes = 0;
  std::uint64_t inodes_free = 0;
  bool operator==(const FsStats&) const = default;
};

/// Inode flags (chattr/lsattr) that matter to the audit.
inline constexpr std::uint32_t kInodeImmutable = 0x00000010;   ///< FS_IMMUTABLE_FL ('i')
inline constexpr std::uint32_t kInodeAppendOnly = 0x00000020;  ///< FS_APPEND_FL ('a')

/// The outcome of a command that ran (a command that could not start is an Error instead).
struct CommandResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

/// Read-only access to a system: the live machine, an offline root, or a test fixture.
/// Paths are absolute paths as seen by the audited system ("/etc/fstab").
class Host {
 public:
  virtual ~Host() = default;

  /// Largest file readFile accepts by default; configuration files are far smaller.
  static constexpr std::size_t kDefaultMaxRead = 16 * 1024 * 1024;
  /// Default time a command may take.
  static constexpr std::chrono::milliseconds kDefaultTimeout{10000};

  /// A short description for reports: "live system", "offline root /mnt/disk".
  [[nodiscard]] virtual std::string describe() const = 0;
  /// Whether /proc, /sys and commands reflect a running instance of the audited system.
  [[nodiscard]] virtual bool hasRuntimeState() const = 0;

  [[nodiscard]] virtual Result<std::string> readFile(
      std::string_view path, std::size_t max_bytes = kDefaultMaxRead) const = 0;
  /// Entry names (no "." or ".."), sorted.
  [[nodiscard]] virtual Result<std::vector<std::string>> listDir(std::string_view path) const = 0;
  /// Follows symlinks (inside the host's root).
  [[nodiscard]] virtual Result<FileStat> stat(std::string_view path) const = 0;
  /// Does not follow a final symlink.
  [[nodiscard]] virtual Result<FileStat> lstat(std::string_view path) const = 0;
  [[nodiscard]] virtual Result<std::string> readLink(std::string_view path) const = 0;
  /// The path with every symlink, "." and ".." resolved, as the audited system sees it
  /// ("/etc/grub.conf" -> "/boot/grub/grub.conf"); the final component need not exist.
  [[nodiscard]] virtual Result<std::string> canonicalPath(std::string_view path) const = 0;
  /// Inode flags of a file (FS_IOC_GETFLAGS: kInodeImmutable, kInodeAppendOnly, ...).
  /// kUnsupported where the filesystem has none.
  [[nodiscard]] virtual Result<std::uint32_t> inodeFlags(std::string_view path) const = 0;
  /// Space and inodes of the filesystem holding `path`. On an offline root this is the
  /// filesystem mounted there, which is the audited one when the disk is mounted at DIR.
  [[nodiscard]] virtual Result<FsStats> fsStats(std::string_view path) const = 0;
  /// Runs argv (never through a shell) with a timeout. argv[0] is looked up in the system PATH.
  [[nodiscard]] virtual Result<CommandResult> run(
      const std::vector<std::string>& argv,
      std::chrono::milliseconds timeout = kDefaultTimeout) const = 0;

  /// The bytes of a block device (or a disk image file) for the partition-table and superblock
  /// readers, read-only. kUnsupported where the host has no disks to read (an offline root holds
  /// files, not the disk they came from); this default says so for hosts without disks.
  [[nodiscard]] virtual Result<std::unique_ptr<disk::BlockSource>> openBlockDevice(
      std::string_view path) const {
    return fail(ErrorCode::kUnsupported,
                "'" + std::string(path) + "': " + describe() + " cannot read block devices");
  }

  /// The kind of system this host shows, as a policy's `platform:` names it ("linux",
  /// "windows"): this build's own, except for an offline root that holds another platform's
  /// system (a Windows disk audited from Linux).
  [[nodiscard]] virtual std::string_view platform() const { return thisPlatform().name; }

  /// True when the path exists (after following symlinks).
  [[nodiscard]] bool exists(std::string_view path) const { return stat(path).has_value(); }
  /// True when the path exists as an entry (a dangling symlink counts).
  [[nodiscard]] bool entryExists(std::string_view path) const { return lstat(path).has_value(); }
};

/// The live system this process runs on.
std::unique_ptr<Host> makeLiveHost();
/// An offline root: every absolute path, symlinks included, resolves inside `dir`.
Result<std::unique_ptr<Host>> makeRootHost(const std::string& dir);

}  // namespace guestprep
