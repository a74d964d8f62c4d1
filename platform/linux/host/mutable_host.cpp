// The writable hosts (live system and offline root) used by the Journal: atomic replace with
// the old file's owner, mode, xattrs and inode flags, and fsync of file and directory.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <random>

#include "host/mutable_host.h"
#include "host/offline_windows.h"
#include "host/openssl_digest.h"
#include "host/posix_fs.h"
#include "host/root_host.h"

namespace guestprep::os_linux {

namespace {

std::string parentOf(const std::string& real) {
  auto slash = real.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return real.substr(0, slash);
}

std::string baseName(const std::string& real) {
  auto slash = real.find_last_of('/');
  return slash == std::string::npos ? real : real.substr(slash + 1);
}

std::string randomSuffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 8; ++i) s += kChars[rng() % (sizeof(kChars) - 1)];
  return s;
}

Result<void> fsyncDir(const std::string& real_dir, const std::string& shown) {
  Fd fd(::open(real_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.ok()) return std::unexpected(errnoError(errno, shown));
  if (::fsync(fd.get()) != 0) return std::unexpected(errnoError(errno, shown));
  return {};
}

/// Reads the flags of a regular file or directory; 0 where the filesystem has none.
Result<std::uint32_t> readFlags(const std::string& real, const std::string& shown) {
  Fd fd(::open(real.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.ok()) return std::unexpected(errnoError(errno, shown));
  int flags = 0;
  if (::ioctl(fd.get(), FS_IOC_GETFLAGS, &flags) != 0) {
    if (errno == ENOTTY || errno == EOPNOTSUPP || errno == EINVAL) return 0U;
    return std::unexpected(errnoError(errno, shown + " (inode flags)"));
  }
  return static_cast<std::uint32_t>(flags);
}

Result<void> writeFlags(const std::string& real, const std::string& shown, std::uint32_t want) {
  Fd fd(::open(real.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.ok()) return std::unexpected(errnoError(errno, shown));
  int flags = 0;
  if (::ioctl(fd.get(), FS_IOC_GETFLAGS, &flags) != 0) {
    if ((want & kInodeProtectFlags) == 0 &&
        (errno == ENOTTY || errno == EOPNOTSUPP || errno == EINVAL)) {
      return {};  // nothing to set on a filesystem without flags
    }
    return std::unexpected(errnoError(errno, shown + " (inode flags)"));
  }
  auto current = static_cast<std::uint32_t>(flags);
  std::uint32_t next = (current & ~kInodeProtectFlags) | (want & kInodeProtectFlags);
  if (next == current) return {};
  int arg = static_cast<int>(next);
  if (::ioctl(fd.get(), FS_IOC_SETFLAGS, &arg) != 0) {
    return std::unexpected(errnoError(errno, shown + " (setting inode flags)"));
  }
  return {};
}

Result<std::map<std::string, std::string>> readXattrs(const std::string& real,
                                                      const std::string& shown) {
  std::map<std::string, std::string> out;
  ssize_t len = ::llistxattr(real.c_str(), nullptr, 0);
  if (len < 0) {
    if (errno == ENOTSUP) return out;
    return std::unexpected(errnoError(errno, shown + " (xattrs)"));
  }
  std::string names(static_cast<std::size_t>(len), '\0');
  len = ::llistxattr(real.c_str(), names.data(), names.size());
  if (len < 0) return std::unexpected(errnoError(errno, shown + " (xattrs)"));
  names.resize(static_cast<std::size_t>(len));
  for (std::size_t i = 0; i < names.size();) {
    std::string name(names.c_str() + i);
    i += name.size() + 1;
    if (name.empty()) continue;
    ssize_t vlen = ::lgetxattr(real.c_str(), name.c_str(), nullptr, 0);
    if (vlen < 0) return std::unexpected(errnoError(errno, shown + " (xattr " + name + ")"));
    std::string value(static_cast<std::size_t>(vlen), '\0');
    vlen = ::lgetxattr(real.c_str(), name.c_str(), value.data(), value.size());
    if (vlen < 0) return std::unexpected(errnoError(errno, shown + " (xattr " + name + ")"));
    value.resize(static_cast<std::size_t>(vlen));
    out.emplace(std::move(name), std::move(value));
  }
  return out;
}

/// Makes the xattrs of `real` exactly `want`: sets each, removes the others.
Result<void> applyXattrs(const std::string& real, const std::string& shown,
                         const std::map<std::string, std::string>& want) {
  auto have = readXattrs(real, shown);
  if (!have) return std::unexpected(have.error());
  for (const auto& [name, value] : want) {
    auto it = have->find(name);
    if (it != have->end() && it->second == value) continue;
    if (::lsetxattr(real.c_str(), name.c_str(), value.data(), value.size(), 0) != 0) {
      return std::unexpected(errnoError(errno, shown + " (setting xattr " + name + ")"));
    }
  }
  for (const auto& [name, value] : *have) {
    if (want.contains(name)) continue;
    if (::lremovexattr(real.c_str(), name.c_str()) != 0 && errno != ENODATA) {
      return std::unexpected(errnoError(errno, shown + " (removing xattr " + name + ")"));
    }
  }
  return {};
}

Result<void> writeAll(int fd, std::string_view content, const std::string& shown) {
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(errnoError(errno, shown));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

/// Reads and writes through real paths of this machine; `Resolver` maps the audited system's
/// paths to them (identity on the live system, inside the root for an offline root).
class PosixMutableHost : public MutableHost {
 public:
  PosixMutableHost(std::unique_ptr<Host> reader, const RootHost* root)
      : reader_(std::move(reader)), root_(root) {}

  [[nodiscard]] std::string describe() const override { return reader_->describe(); }
  [[nodiscard]] bool hasRuntimeState() const override { return reader_->hasRuntimeState(); }
  [[nodiscard]] Result<std::string> readFile(std::string_view path,
                                             std::size_t max_bytes) const override {
    return reader_->readFile(path, max_bytes);
  }
  [[nodiscard]] Result<std::vector<std::string>> listDir(std::string_view path) const override {
    return reader_->listDir(path);
  }
  [[nodiscard]] Result<FileStat> stat(std::string_view path) const override {
    return reader_->stat(path);
  }
  [[nodiscard]] Result<FileStat> lstat(std::string_view path) const override {
    return reader_->lstat(path);
  }
  [[nodiscard]] Result<std::string> readLink(std::string_view path) const override {
    return reader_->readLink(path);
  }
  [[nodiscard]] Result<std::string> canonicalPath(std::string_view path) const override {
    return reader_->canonicalPath(path);
  }
  [[nodiscard]] Result<std::uint32_t> inodeFlags(std::string_view path) const override {
    return reader_->inodeFlags(path);
  }
  [[nodiscard]] Result<FsStats> fsStats(std::string_view path) const override {
    return reader_->fsStats(path);
  }
  [[nodiscard]] Result<CommandResult> run(const std::vector<std::string>& argv,
                                          std::chrono::milliseconds timeout) const override {
    return reader_->run(argv, timeout);
  }
  [[nodiscard]] Result<std::unique_ptr<disk::BlockSource>> openBlockDevice(
      std::string_view path) const override {
    return reader_->openBlockDevice(path);
  }

  [[nodiscard]] Result<FileMeta> metadata(std::string_view path) const override {
    auto real = toReal(path);
    if (!real) {
      if (real.error().code == ErrorCode::kNotFound) return FileMeta{};
      return std::unexpected(real.error());
    }
    std::string shown(path);
    struct stat st {};
    if (::lstat(real->c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return FileMeta{};
      return std::unexpected(errnoError(errno, shown));
    }
    FileMeta m;
    m.exists = true;
    m.type = S_ISREG(st.st_mode)   ? FileStat::Type::kRegular
             : S_ISDIR(st.st_mode) ? FileStat::Type::kDirectory
             : S_ISLNK(st.st_mode) ? FileStat::Type::kSymlink
                                   : FileStat::Type::kOther;
    m.mode = st.st_mode & 07777;
    m.uid = st.st_uid;
    m.gid = st.st_gid;
    m.mtime_sec = st.st_mtim.tv_sec;
    m.mtime_nsec = st.st_mtim.tv_nsec;
    auto x = readXattrs(*real, shown);
    if (!x) return std::unexpected(x.error());
    m.xattrs = std::move(*x);
    if (m.type == FileStat::Type::kSymlink) {
      auto t = posixReadLink(*real, shown);
      if (!t) return std::unexpected(t.error());
      m.link_target = *t;
    } else if (m.type == FileStat::Type::kRegular || m.type == FileStat::Type::kDirectory) {
      auto f = readFlags(*real, shown);
      if (!f) return std::unexpected(f.error());
      m.inode_flags = *f;
    }
    return m;
  }

  [[nodiscard]] Result<void> writeFileAtomic(std::string_view path, std::string_view content,
                                             const FileMeta& meta, bool keep_mtime) override {
    auto real = toReal(path);
    if (!real) return std::unexpected(real.error());
    std::string shown(path);
    // rename(2) cannot replace an immutable or append-only file: lift the flags first; the
    // caller's meta says which flags the new file carries.
    if (auto r = clearProtectFlags(*real, shown); !r) return r;
    std::string dir = parentOf(*real);
    std::string tmp = dir + "/.guestprep-" + baseName(*real) + "." + randomSuffix();
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.ok()) return std::unexpected(errnoError(errno, shown + " (temporary file)"));
    auto cleanup = [&](Error e) -> Result<void> {
      ::unlink(tmp.c_str());
      return std::unexpected(std::move(e));
    };
    if (auto r = writeAll(fd.get(), content, shown); !r) return cleanup(r.error());
    // chown before chmod: chown clears set-user-ID bits.
    if (::fchown(fd.get(), meta.uid, meta.gid) != 0) {
      return cleanup(errnoError(errno, shown + " (owner)"));
    }
    if (::fchmod(fd.get(), meta.mode & 07777) != 0) {
      return cleanup(errnoError(errno, shown + " (mode)"));
    }
    if (auto r = applyXattrs(tmp, shown, meta.xattrs); !r) return cleanup(r.error());
    if (keep_mtime) {
      timespec times[2] = {{0, UTIME_OMIT}, {meta.mtime_sec, meta.mtime_nsec}};
      if (::futimens(fd.get(), times) != 0) {
        return cleanup(errnoError(errno, shown + " (mtime)"));
      }
    }
    if (::fsync(fd.get()) != 0) return cleanup(errnoError(errno, shown + " (fsync)"));
    if (::rename(tmp.c_str(), real->c_str()) != 0) {
      return cleanup(errnoError(errno, shown + " (rename)"));
    }
    if (auto r = fsyncDir(dir, shown); !r) return r;
    if (meta.inode_flags & kInodeProtectFlags) {
      if (auto r = writeFlags(*real, shown, meta.inode_flags); !r) return r;
    }
    return {};
  }

  [[nodiscard]] Result<void> writeSymlink(std::string_view path, std::string_view target,
                                          const FileMeta& meta) override {
    auto real = toReal(path);
    if (!real) return std::unexpected(real.error());
    std::string shown(path);
    std::string dir = parentOf(*real);
    std::string tmp = dir + "/.guestprep-" + baseName(*real) + "." + randomSuffix();
    if (::symlink(std::string(target).c_str(), tmp.c_str()) != 0) {
      return std::unexpected(errnoError(errno, shown + " (temporary symlink)"));
    }
    auto cleanup = [&](Error e) -> Result<void> {
      ::unlink(tmp.c_str());
      return std::unexpected(std::move(e));
    };
    if (::lchown(tmp.c_str(), meta.uid, meta.gid) != 0) {
      return cleanup(errnoError(errno, shown + " (owner)"));
    }
    if (!meta.xattrs.empty()) {
      if (auto r = applyXattrs(tmp, shown, meta.xattrs); !r) return cleanup(r.error());
    }
    if (meta.mtime_sec != 0 || meta.mtime_nsec != 0) {
      timespec times[2] = {{0, UTIME_OMIT}, {meta.mtime_sec, meta.mtime_nsec}};
      if (::utimensat(AT_FDCWD, tmp.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
        return cleanup(errnoError(errno, shown + " (mtime)"));
      }
    }
    if (auto r = clearProtectFlags(*real, shown); !r) return cleanup(r.error());
    if (::rename(tmp.c_str(), real->c_str()) != 0) {
      return cleanup(errnoError(errno, shown + " (rename)"));
    }
    return fsyncDir(dir, shown);
  }

  [[nodiscard]] Result<void> removeEntry(std::string_view path) override {
    auto real = toReal(path);
    if (!real) return std::unexpected(real.error());
    std::string shown(path);
    struct stat st {};
    if (::lstat(real->c_str(), &st) != 0) return std::unexpected(errnoError(errno, shown));
    if (auto r = clearProtectFlags(*real, shown); !r) return r;
    int rc = S_ISDIR(st.st_mode) ? ::rmdir(real->c_str()) : ::unlink(real->c_str());
    if (rc != 0) return std::unexpected(errnoError(errno, shown));
    return fsyncDir(parentOf(*real), shown);
  }

  [[nodiscard]] Result<void> makeDirectory(std::string_view path, std::uint32_t mode) override {
    auto real = toReal(path);
    if (!real) return std::unexpected(real.error());
    std::string shown(path);
    if (::mkdir(real->c_str(), 0700) != 0) return std::unexpected(errnoError(errno, shown));
    if (::chown(real->c_str(), 0, 0) != 0 || ::chmod(real->c_str(), mode & 07777) != 0) {
      return std::unexpected(errnoError(errno, shown));
    }
    return fsyncDir(parentOf(*real), shown);
  }

  [[nodiscard]] Result<void> setInodeFlags(std::string_view path, std::uint32_t flags) override {
    auto real = toReal(path);
    if (!real) return std::unexpected(real.error());
    return writeFlags(*real, std::string(path), flags);
  }

  [[nodiscard]] Result<RegistryData> registryValue(std::string_view key,
                                                   std::string_view name) const override {
    return fail(ErrorCode::kUnsupported, "cannot read the registry value " + std::string(key) +
                                             "\\" + std::string(name) +
                                             ": a Linux system has no registry");
  }
  [[nodiscard]] Result<void> setRegistryValue(std::string_view key, std::string_view name,
                                              const RegistryData&) override {
    return fail(ErrorCode::kUnsupported, "cannot change the registry value " + std::string(key) +
                                             "\\" + std::string(name) +
                                             ": a Linux system has no registry");
  }
  [[nodiscard]] Result<CommandResult> runInSystem(const std::vector<std::string>& argv,
                                                  std::chrono::milliseconds timeout) override {
    if (!root_ || root_->root().empty()) return runCommand(argv, timeout);
    if (argv.empty()) return fail(ErrorCode::kInvalidInput, "empty command");
    const std::string& root = root_->root();
    // proc and a /dev are mounted on these directories of the root; a symlink there would take
    // the mount outside the root, and a missing one cannot be created without changing it.
    for (const char* dir : {"/proc", "/dev"}) {
      struct stat st {};
      std::string real = root + dir;
      if (::lstat(real.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return fail(ErrorCode::kUnsupported, "cannot run '" + argv.front() + "' inside " + root +
                                                 ": " + dir + " is not a directory there");
      }
    }
    // The root's own tools, with the root as "/", in namespaces of their own: nothing they do to
    // mounts, processes or the network reaches this machine. A system disk's /dev is empty
    // (devtmpfs is mounted at boot) and tools write to /dev/null, which would otherwise become a
    // regular file of the root: a small tmpfs with the basic device nodes is mounted there, in
    // the new mount namespace only (unshare makes it private). The script is a constant; the
    // root and the command are its arguments, never part of its text.
    static constexpr const char* kSetup = R"(set -e
r=$1
shift
mount -t tmpfs -o mode=0755,nosuid,size=1m guestprep-dev "$r/dev"
mknod -m 666 "$r/dev/null" c 1 3
mknod -m 666 "$r/dev/zero" c 1 5
mknod -m 666 "$r/dev/full" c 1 7
mknod -m 666 "$r/dev/random" c 1 8
mknod -m 666 "$r/dev/urandom" c 1 9
mknod -m 666 "$r/dev/tty" c 5 0
ln -s /proc/self/fd "$r/dev/fd"
ln -s /proc/self/fd/0 "$r/dev/stdin"
ln -s /proc/self/fd/1 "$r/dev/stdout"
ln -s /proc/self/fd/2 "$r/dev/stderr"
mkdir "$r/dev/pts" "$r/dev/shm"
exec chroot "$r" "$@"
)";
    std::vector<std::string> full = {
        "unshare", "--mount", "--pid", "--net", "--fork",        "--mount-proc=" + root + "/proc",
        "--",      "/bin/sh", "-c",    kSetup,  "guestprep-run", root};
    full.insert(full.end(), argv.begin(), argv.end());
    return runCommand(full, timeout);
  }

 private:
  /// The real path of an entry, the final component not followed.
  [[nodiscard]] Result<std::string> toReal(std::string_view path) const {
    if (path.empty() || path.front() != '/') {
      return fail(ErrorCode::kInvalidInput, "not an absolute path: '" + std::string(path) + "'");
    }
    if (!root_) return std::string(path);
    return root_->resolve(path, false);
  }

  static Result<void> clearProtectFlags(const std::string& real, const std::string& shown) {
    struct stat st {};
    if (::lstat(real.c_str(), &st) != 0) return {};  // nothing there yet
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return {};
    auto flags = readFlags(real, shown);
    if (!flags) return std::unexpected(flags.error());
    if ((*flags & kInodeProtectFlags) == 0) return {};
    return writeFlags(real, shown, 0);
  }

  std::unique_ptr<Host> reader_;
  const RootHost* root_;  ///< owned by reader_ in root mode; null on the live system
};

}  // namespace

}  // namespace guestprep::os_linux

namespace guestprep {

std::unique_ptr<MutableHost> makeLiveMutableHost() {
  return std::make_unique<os_linux::PosixMutableHost>(makeLiveHost(), nullptr);
}

Result<std::unique_ptr<MutableHost>> makeRootMutableHost(const std::string& dir) {
  auto root = os_linux::RootHost::open(dir);
  if (!root) return std::unexpected(root.error());
  if (auto windows = os_windows::findWindowsDirectory(**root)) {
    return fail(ErrorCode::kUnsupported,
                "'" + dir + "' holds a Windows system (" + dir + *windows +
                    "): fix mode does not change an offline Windows disk, whose registry is in "
                    "hive files this build only reads; audit it with `guestprep audit --root`, "
                    "and fix it with guestprep.exe on the running system");
  }
  const os_linux::RootHost* raw = root->get();
  return std::unique_ptr<MutableHost>(
      std::make_unique<os_linux::PosixMutableHost>(std::move(*root), raw));
}

std::string sha256Hex(std::string_view bytes) {
  return os_linux::hexDigest(bytes, os_linux::DigestKind::kSha256);
}

}  // namespace guestprep
