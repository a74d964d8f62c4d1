// A reader of Windows registry hive files (the "regf" format of Windows\System32\config\SYSTEM,
// SOFTWARE, SAM, SECURITY and of NTUSER.DAT), for auditing an offline Windows disk: the running
// registry is not there, only its files. Read-only, from bytes in memory; every offset read from
// the file is checked against the hive's size, so a truncated or damaged hive is an error naming
// the hive and the offset, never a crash.
//
// Format (the base block, hive bins, and the nk/vk/lf/lh/li/ri/db/sk cells) as Windows writes it
// from NT 4 to Windows Server 2022; transaction logs (.LOG1/.LOG2) are not replayed: a hive whose
// base block sequence numbers differ was not cleanly written, which `dirty()` tells.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "host/mutable_host.h"  // RegistryData

namespace guestprep::os_windows {

class RegfHive {
 public:
  /// A key: the offset of its nk cell (relative to the first hive bin, as the format's offsets).
  struct Key {
    std::uint32_t cell = 0;
  };

  /// Checks the base block ("regf" signature, its checksum, the hive bins' size against the
  /// file's) and the root key. kInvalidInput naming `origin` and what is wrong.
  static Result<RegfHive> parse(std::string bytes, std::string origin);

  /// The file name stored in the base block ("\\SystemRoot\\System32\\Config\\SYSTEM"), UTF-8.
  [[nodiscard]] const std::string& embeddedName() const { return embedded_name_; }
  /// The primary and secondary sequence numbers differ: the hive was being written and its log
  /// was not applied (the values may be older than the system's last state).
  [[nodiscard]] bool dirty() const { return dirty_; }
  [[nodiscard]] const std::string& origin() const { return origin_; }

  [[nodiscard]] Key root() const { return root_; }
  /// The key at a backslash-separated path below `from` (case-insensitive, as Windows compares
  /// key names: ASCII and Latin-1 letters folded). "" is `from` itself. nullopt when absent;
  /// an error for a damaged cell on the way.
  [[nodiscard]] Result<std::optional<Key>> find(Key from, std::string_view path) const;
  /// The key's name, UTF-8.
  [[nodiscard]] Result<std::string> name(Key key) const;
  /// Its subkeys' names, in the order the hive's subkey lists keep them (sorted by upper-case
  /// name), through lf, lh, li and ri lists.
  [[nodiscard]] Result<std::vector<std::string>> subkeyNames(Key key) const;
  /// Its values' names, in the order of the value list; the default value is "".
  [[nodiscard]] Result<std::vector<std::string>> valueNames(Key key) const;
  /// A value by name (case-insensitive; "" is the default value): its type and raw data,
  /// inline (4 bytes or less), in one cell, or in a big-data (db) list. `exists == false` when
  /// the key has no such value.
  [[nodiscard]] Result<RegistryData> value(Key key, std::string_view name) const;

 private:
  RegfHive() = default;
  std::string bytes_;
  std::string origin_;
  std::string embedded_name_;
  bool dirty_ = false;
  Key root_;
};

}  // namespace guestprep::os_windows
