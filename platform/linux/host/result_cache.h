// Results of slow computations over a file's content, kept by a hash of that content: the
// listing of an initramfs image (decompressing 130 MB of zstd is most of an audit's time, and
// the image changes only when a kernel or the initramfs is updated).
//
// Two layers: memory, for the process (the daemon audits every hour; `fix` audits before and
// after), and a directory, across runs. The key is the content's hash, never a path or a time,
// so a changed image can only miss. The directory holds only guestprep's own results, never the
// audited system's files; an entry that does not check out (truncated, edited, another
// version's) is a miss.
#pragma once

#include <cstdint>
#include <filesystem>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace guestprep::os_linux {

/// Hex of the 128-bit XXH3 hash of `data`, with its size: "<32 hex>-<size>".
std::string contentKey(std::string_view data);

class ResultCache {
 public:
  /// Entries kept in memory, and files kept per kind in the directory.
  static constexpr std::size_t kMemoryEntries = 8;
  static constexpr std::size_t kFilesPerKind = 16;
  /// Largest value kept (an initramfs listing is about 100 KB).
  static constexpr std::size_t kMaxValueBytes = 16U << 20;

  /// The process's cache: memory only until configure() names a directory.
  static ResultCache& process();

  /// `enabled` false keeps nothing (not even in memory); `directory` adds the files layer. The
  /// directory is created (mode 0700) when missing; one that is a link, or not owned by this
  /// user, or writable by others, is not used (logged at -v).
  void configure(bool enabled, std::optional<std::filesystem::path> directory);

  /// The value stored for (kind, key), from memory or the directory.
  std::optional<std::string> get(std::string_view kind, std::string_view key);
  /// Stores `value` for (kind, key) in memory and, when there is one, in the directory (written
  /// to a temporary file and renamed; failures are logged and leave the cache as it was).
  void put(std::string_view kind, std::string_view key, const std::string& value);

  /// Counters since configure(), for tests (the listing itself logs its hits at -vv).
  struct Stats {
    std::uint64_t memory_hits = 0;
    std::uint64_t file_hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t stored = 0;
    std::uint64_t rejected = 0;  ///< files that did not check out
  };
  Stats stats() const;
  std::optional<std::filesystem::path> directory() const;

 private:
  std::optional<std::string> readEntry(const std::string& kind, const std::string& key);
  void writeEntry(const std::string& kind, const std::string& key, const std::string& value);

  mutable std::mutex mutex_;
  bool enabled_ = true;
  std::optional<std::filesystem::path> dir_;
  std::list<std::pair<std::string, std::string>> memory_;  // "kind/key" -> value, newest first
  Stats stats_;
};

/// The default directory: $GUESTPREP_CACHE_DIR when set (empty: none), else
/// /var/cache/guestprep for root, else $XDG_CACHE_HOME/guestprep or ~/.cache/guestprep.
std::optional<std::filesystem::path> defaultCacheDirectory();

}  // namespace guestprep::os_linux
