// MutableHost: a Host that also writes. It is handed to the Journal only (fixers plan through a
// read-only Host; the Journal applies), so every change goes through one backup-and-replace path.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host/host.h"

namespace guestprep {

/// Everything about a directory entry that a rollback restores besides the content.
struct FileMeta {
  bool exists = false;
  FileStat::Type type = FileStat::Type::kOther;
  std::uint32_t mode = 0;  ///< permission and special bits (07777)
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  /// Extended attributes by name (ACLs as system.posix_acl_*, the SELinux label as
  /// security.selinux), raw values.
  std::map<std::string, std::string> xattrs;
  /// Inode flags (FS_IOC_GETFLAGS); 0 where the filesystem has none.
  std::uint32_t inode_flags = 0;
  std::int64_t mtime_sec = 0;
  std::int64_t mtime_nsec = 0;
  std::string link_target;  ///< for symlinks
  bool operator==(const FileMeta&) const = default;
};

/// One registry value as Windows stores it: its REG_* type number and its raw data (REG_SZ as
/// UTF-16LE with its terminator, REG_DWORD as 4 little-endian bytes), or its absence. The
/// journal keeps it byte for byte, so a rollback puts back exactly what was there.
struct RegistryData {
  bool exists = false;
  std::uint32_t type = 0;  ///< REG_NONE 0, REG_SZ 1, REG_EXPAND_SZ 2, REG_BINARY 3, REG_DWORD 4...
  std::string data;        ///< raw bytes
  bool operator==(const RegistryData&) const = default;
};

/// REG_DWORD `value` as the registry stores it.
RegistryData registryDword(std::uint32_t value);
/// "REG_DWORD 0x00000000 (0)", "REG_SZ \"text\"", "absent": for plans and rollback reports.
std::string describeRegistryData(const RegistryData& v);

/// Inode flags the journal may change and restore (chattr's i, a, and the harmless others stay).
inline constexpr std::uint32_t kInodeProtectFlags = kInodeImmutable | kInodeAppendOnly;

class MutableHost : public Host {
 public:
  /// lstat plus owner, xattrs, inode flags and mtime. A missing entry is `exists == false`, not
  /// an error; an entry whose metadata cannot be read is an error.
  [[nodiscard]] virtual Result<FileMeta> metadata(std::string_view path) const = 0;

  /// Replaces `path` atomically: a temporary file in the same directory gets `content`, the
  /// owner, mode and xattrs of `meta` (and its mtime when `keep_mtime`), is fsynced and renamed
  /// over `path`; then the directory is fsynced. Inode flags of `meta` are set after the rename.
  /// A final symlink is not followed: callers pass the canonical path.
  [[nodiscard]] virtual Result<void> writeFileAtomic(std::string_view path,
                                                     std::string_view content, const FileMeta& meta,
                                                     bool keep_mtime) = 0;
  /// Creates or replaces the symlink `path` -> `target` atomically (temporary link + rename).
  [[nodiscard]] virtual Result<void> writeSymlink(std::string_view path, std::string_view target,
                                                  const FileMeta& meta) = 0;
  /// Removes a file or symlink (rmdir for an empty directory) and fsyncs its directory.
  [[nodiscard]] virtual Result<void> removeEntry(std::string_view path) = 0;
  /// Creates one directory (its parent must exist) with `mode`, owned by root.
  [[nodiscard]] virtual Result<void> makeDirectory(std::string_view path, std::uint32_t mode) = 0;
  /// Sets the inode flags of `path` (FS_IOC_SETFLAGS); only kInodeProtectFlags bits change.
  [[nodiscard]] virtual Result<void> setInodeFlags(std::string_view path, std::uint32_t flags) = 0;
  /// Runs a tool of the audited system: directly on the live system; in an offline root, in a
  /// chroot of the root inside new mount, pid and network namespaces.
  [[nodiscard]] virtual Result<CommandResult> runInSystem(
      const std::vector<std::string>& argv,
      std::chrono::milliseconds timeout = std::chrono::minutes(10)) = 0;

  /// Reads one registry value (`key` "HKLM\\SYSTEM\\...", `name` "" for the default value) of
  /// the 64-bit view. A missing key or value is `exists == false`, not an error. Systems without
  /// a registry (Linux) answer kUnsupported.
  [[nodiscard]] virtual Result<RegistryData> registryValue(std::string_view key,
                                                           std::string_view name) const = 0;
  /// Writes one registry value (creating the key when missing), or deletes it when
  /// `!value.exists`; the key is flushed before returning. kUnsupported without a registry.
  [[nodiscard]] virtual Result<void> setRegistryValue(std::string_view key, std::string_view name,
                                                      const RegistryData& value) = 0;
};

/// The live system, writable (fix mode on the machine itself).
std::unique_ptr<MutableHost> makeLiveMutableHost();
/// An offline root, writable; nothing outside `dir` is read or written, symlinks included.
Result<std::unique_ptr<MutableHost>> makeRootMutableHost(const std::string& dir);

/// SHA-256 of bytes, lower-case hex (implemented by the platform's crypto library).
std::string sha256Hex(std::string_view bytes);

}  // namespace guestprep
