// The offline-root host: every path resolved inside the root, symlinks included.
#include "host/root_host.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <deque>

#include "host/offline_windows.h"
#include "host/posix_fs.h"

namespace guestprep::os_linux {

namespace {

constexpr int kMaxSymlinks = 40;  // as the kernel's ELOOP limit

void pushComponents(std::string_view path, std::deque<std::string>& out, bool front) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view c = path.substr(i, j - i);
    if (!c.empty() && c != ".") parts.emplace_back(c);
    i = j + 1;
  }
  if (front) {
    out.insert(out.begin(), parts.begin(), parts.end());
  } else {
    out.insert(out.end(), parts.begin(), parts.end());
  }
}

}  // namespace

Result<std::unique_ptr<RootHost>> RootHost::open(const std::string& dir) {
  char* real = ::realpath(dir.c_str(), nullptr);
  if (!real) return std::unexpected(errnoError(errno, dir));
  std::string root(real);
  std::free(real);
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return fail(ErrorCode::kInvalidInput, "'" + dir + "' is not a directory");
  }
  if (root == "/") root.clear();
  return std::unique_ptr<RootHost>(new RootHost(root));
}

std::string RootHost::describe() const {
  return "offline root " + (root_.empty() ? std::string("/") : root_);
}

Result<std::string> RootHost::resolve(std::string_view path, bool follow_final) const {
  if (path.empty() || path.front() != '/') {
    return fail(ErrorCode::kInvalidInput, "not an absolute path: '" + std::string(path) + "'");
  }
  std::deque<std::string> pending;
  pushComponents(path, pending, false);
  std::vector<std::string> done;
  int links = 0;
  auto current = [&] {
    std::string p = root_;
    for (const auto& c : done) {
      p += '/';
      p += c;
    }
    return p;
  };
  while (!pending.empty()) {
    std::string c = std::move(pending.front());
    pending.pop_front();
    if (c == "..") {
      // ".." at the root stays at the root, as in a chroot.
      if (!done.empty()) done.pop_back();
      continue;
    }
    done.push_back(c);
    std::string candidate = current();
    struct stat st {};
    if (::lstat(candidate.c_str(), &st) != 0) {
      if (errno == ENOENT && pending.empty()) return candidate;
      return std::unexpected(errnoError(errno, std::string(path)));
    }
    if (S_ISLNK(st.st_mode) && (follow_final || !pending.empty())) {
      if (++links > kMaxSymlinks) {
        return fail(ErrorCode::kIo, "'" + std::string(path) + "': too many levels of symlinks");
      }
      auto target = posixReadLink(candidate, std::string(path));
      if (!target) return std::unexpected(target.error());
      done.pop_back();
      if (!target->empty() && target->front() == '/') done.clear();
      pushComponents(*target, pending, true);
    } else if (!pending.empty() && !S_ISDIR(st.st_mode)) {
      return fail(ErrorCode::kNotFound, "'" + std::string(path) + "': not a directory on the way");
    }
  }
  std::string p = current();
  return p.empty() ? std::string("/") : p;
}

Result<std::string> RootHost::readFile(std::string_view path, std::size_t max_bytes) const {
  auto real = resolve(path, true);
  if (!real) return std::unexpected(real.error());
  return posixReadFile(*real, std::string(path), max_bytes);
}

Result<std::vector<std::string>> RootHost::listDir(std::string_view path) const {
  auto real = resolve(path, true);
  if (!real) return std::unexpected(real.error());
  return posixListDir(*real, std::string(path));
}

Result<FileStat> RootHost::stat(std::string_view path) const {
  auto real = resolve(path, true);
  if (!real) return std::unexpected(real.error());
  // The resolved path has no symlink left in it; lstat so that nothing outside is followed.
  return posixStat(*real, std::string(path), false);
}

Result<FileStat> RootHost::lstat(std::string_view path) const {
  auto real = resolve(path, false);
  if (!real) return std::unexpected(real.error());
  return posixStat(*real, std::string(path), false);
}

Result<std::string> RootHost::readLink(std::string_view path) const {
  auto real = resolve(path, false);
  if (!real) return std::unexpected(real.error());
  return posixReadLink(*real, std::string(path));
}

Result<std::string> RootHost::canonicalPath(std::string_view path) const {
  auto real = resolve(path, true);
  if (!real) return std::unexpected(real.error());
  std::string inside = real->substr(root_.size());
  return inside.empty() ? std::string("/") : inside;
}

Result<std::uint32_t> RootHost::inodeFlags(std::string_view path) const {
  auto real = resolve(path, true);
  if (!real) return std::unexpected(real.error());
  return posixInodeFlags(*real, std::string(path));
}

Result<FsStats> RootHost::fsStats(std::string_view path) const {
  auto real = resolve(path, true);
  if (!real) return std::unexpected(real.error());
  // Only a filesystem mounted at or below the root is the audited system's. A root that is a
  // plain directory (a copied tree, a fixture) sits on this machine's filesystem, whose free
  // space says nothing about the audited disk.
  struct stat outside {};
  struct stat target {};
  std::string parent = root_.empty() ? std::string("/") : root_ + "/..";
  if (::stat(parent.c_str(), &outside) == 0 && ::stat(real->c_str(), &target) == 0 &&
      outside.st_dev == target.st_dev && !root_.empty()) {
    return fail(ErrorCode::kUnsupported,
                "'" + std::string(path) + "' is not on a filesystem mounted inside " + root_ +
                    " (the root is a directory of this machine's filesystem)");
  }
  return posixFsStats(*real, std::string(path));
}

Result<CommandResult> RootHost::run(const std::vector<std::string>& argv,
                                    std::chrono::milliseconds /*timeout*/) const {
  return fail(ErrorCode::kUnsupported,
              "'" + (argv.empty() ? std::string() : argv.front()) +
                  "' was not run: commands of an offline root cannot run from here");
}

Result<std::unique_ptr<disk::BlockSource>> RootHost::openBlockDevice(std::string_view path) const {
  return fail(ErrorCode::kUnsupported,
              "'" + std::string(path) +
                  "' was not read: the disk is not reachable from an offline root (a --root "
                  "tree holds files, not the disk)");
}

}  // namespace guestprep::os_linux

namespace guestprep {

Result<std::unique_ptr<Host>> makeRootHost(const std::string& dir) {
  auto host = os_linux::RootHost::open(dir);
  if (!host) return std::unexpected(host.error());
  // A Windows system disk mounted here: its registry hives and files, read inside the root.
  if (auto windows = os_windows::findWindowsDirectory(**host)) {
    return std::unique_ptr<Host>(
        std::make_unique<os_windows::OfflineWindows>(std::move(*host), *windows));
  }
  return std::unique_ptr<Host>(std::move(*host));
}

}  // namespace guestprep
