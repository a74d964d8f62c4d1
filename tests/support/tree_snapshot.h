// Snapshots of a directory tree (content hashes and metadata) and copies of fixture roots, so
// fix-mode tests can show that rollback leaves a root exactly as it was.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace guestprep::testing {

/// Everything rollback must restore about one entry, as text ("file 0644 0:0 flags=0x0
/// mtime=... sha256=... xattrs=...") so a mismatch prints readably.
using TreeSnapshot = std::map<std::string, std::string>;

/// Walks `root` (without following symlinks). Entries under `exclude` (relative, e.g.
/// "var/lib/guestprep") are left out; directories' mtimes are not recorded (creating and
/// removing a temporary file changes them).
TreeSnapshot snapshotTree(const std::filesystem::path& root,
                          const std::string& exclude = "var/lib/guestprep");

/// The differences between two snapshots, one line each ("" when equal).
std::string diffSnapshots(const TreeSnapshot& before, const TreeSnapshot& after);

/// A copy of a tree in a new temporary directory (cp -a: modes, owners, xattrs, times), removed
/// when the object goes away.
class TempCopy {
 public:
  explicit TempCopy(const std::filesystem::path& source);
  /// An empty temporary directory.
  TempCopy();
  ~TempCopy();
  TempCopy(const TempCopy&) = delete;
  TempCopy& operator=(const TempCopy&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace guestprep::testing
