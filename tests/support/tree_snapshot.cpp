#include "support/tree_snapshot.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "host/mutable_host.h"

namespace guestprep::testing {

namespace fs = std::filesystem;

namespace {

std::string xattrsOf(const std::string& p) {
  ssize_t len = ::llistxattr(p.c_str(), nullptr, 0);
  if (len <= 0) return "";
  std::string names(static_cast<std::size_t>(len), '\0');
  len = ::llistxattr(p.c_str(), names.data(), names.size());
  if (len <= 0) return "";
  names.resize(static_cast<std::size_t>(len));
  std::string out;
  for (std::size_t i = 0; i < names.size();) {
    std::string name(names.c_str() + i);
    i += name.size() + 1;
    std::string value(4096, '\0');
    ssize_t v = ::lgetxattr(p.c_str(), name.c_str(), value.data(), value.size());
    value.resize(v > 0 ? static_cast<std::size_t>(v) : 0);
    out += name + "=" + sha256Hex(value).substr(0, 12) + ";";
  }
  return out;
}

unsigned flagsOf(const std::string& p) {
  int fd = ::open(p.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return 0;
  int flags = 0;
  if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0) flags = 0;
  ::close(fd);
  return static_cast<unsigned>(flags) & (0x10 | 0x20);
}

std::string readAll(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TreeSnapshot snapshotTree(const fs::path& root, const std::string& exclude) {
  TreeSnapshot snap;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::none);
       it != fs::recursive_directory_iterator(); ++it) {
    // Lexically: fs::relative() resolves symlinks, so a link in the tree (dev/stderr ->
    // /proc/self/fd/2, an absolute link of the root) would be named after its target.
    std::string rel = it->path().lexically_relative(root).string();
    if (!exclude.empty() && (rel == exclude || rel.starts_with(exclude + "/"))) {
      if (it->is_directory() && !it->is_symlink()) it.disable_recursion_pending();
      continue;
    }
    std::string p = it->path().string();
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) continue;
    std::string line =
        fmt::format("{:04o} {}:{} x[{}]", st.st_mode & 07777, st.st_uid, st.st_gid, xattrsOf(p));
    if (S_ISLNK(st.st_mode)) {
      line = "link -> " + fs::read_symlink(it->path()).string() + " " + line;
    } else if (S_ISDIR(st.st_mode)) {
      line = "dir " + line + fmt::format(" flags={:#x}", flagsOf(p));
    } else if (S_ISREG(st.st_mode)) {
      line = fmt::format("file {} flags={:#x} mtime={}.{:09} sha256={}", line, flagsOf(p),
                         st.st_mtim.tv_sec, st.st_mtim.tv_nsec, sha256Hex(readAll(p)));
    } else {
      line = "other " + line;
    }
    snap[rel] = line;
  }
  return snap;
}

std::string diffSnapshots(const TreeSnapshot& before, const TreeSnapshot& after) {
  std::string out;
  for (const auto& [k, v] : before) {
    auto it = after.find(k);
    if (it == after.end()) {
      out += "missing: " + k + " (" + v + ")\n";
    } else if (it->second != v) {
      out += "changed: " + k + "\n  was: " + v + "\n  now: " + it->second + "\n";
    }
  }
  for (const auto& [k, v] : after) {
    if (!before.contains(k)) out += "added: " + k + " (" + v + ")\n";
  }
  return out;
}

TempCopy::TempCopy() {
  std::string tmpl = (fs::temp_directory_path() / "guestprep-copy-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempCopy::TempCopy(const fs::path& source) : TempCopy() {
  // cp -a keeps what rollback must keep (owner, mode, xattrs, times) and is what an operator
  // would use to copy a root.
  std::string cmd = "cp -a '" + source.string() + "/.' '" + path_.string() + "/'";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("copy failed: " + cmd);
}

TempCopy::~TempCopy() {
  // Clear immutable flags a test may have left, or the removal fails.
  std::string cmd =
      "chattr -R -i -a '" + path_.string() + "' >/dev/null 2>&1; rm -rf '" + path_.string() + "'";
  (void)std::system(cmd.c_str());
}

}  // namespace guestprep::testing
