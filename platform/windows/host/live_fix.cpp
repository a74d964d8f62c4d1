// What the fix framework asks of the platform, for Windows: its fixers (none yet: the Windows
// fixers are the next part of issue 6), a writable live host whose writes say they are not
// implemented, and SHA-256 through Windows' own CNG (bcrypt.dll).
// windows.h first: bcrypt.h uses its types.
#include <windows.h>

#include <bcrypt.h>

#include <algorithm>
#include <cstdio>

#include "fix/fixer.h"
#include "host/mutable_host.h"
#include "host/win32_util.h"
#include "host/windows_host.h"

namespace guestprep {

namespace {

// The live system for `guestprep fix`: reads as WindowsHost; every change is refused with the
// reason, so a plan that needs one stops before anything is touched.
class WindowsMutableHost : public MutableHost {
 public:
  [[nodiscard]] std::string describe() const override { return host_.describe(); }
  [[nodiscard]] bool hasRuntimeState() const override { return true; }
  [[nodiscard]] Result<std::string> readFile(std::string_view path,
                                             std::size_t max_bytes) const override {
    return host_.readFile(path, max_bytes);
  }
  [[nodiscard]] Result<std::vector<std::string>> listDir(std::string_view path) const override {
    return host_.listDir(path);
  }
  [[nodiscard]] Result<FileStat> stat(std::string_view path) const override {
    return host_.stat(path);
  }
  [[nodiscard]] Result<FileStat> lstat(std::string_view path) const override {
    return host_.lstat(path);
  }
  [[nodiscard]] Result<std::string> readLink(std::string_view path) const override {
    return host_.readLink(path);
  }
  [[nodiscard]] Result<std::string> canonicalPath(std::string_view path) const override {
    return host_.canonicalPath(path);
  }
  [[nodiscard]] Result<std::uint32_t> inodeFlags(std::string_view path) const override {
    return host_.inodeFlags(path);
  }
  [[nodiscard]] Result<FsStats> fsStats(std::string_view path) const override {
    return host_.fsStats(path);
  }
  [[nodiscard]] Result<CommandResult> run(const std::vector<std::string>& argv,
                                          std::chrono::milliseconds timeout) const override {
    return host_.run(argv, timeout);
  }

  [[nodiscard]] Result<FileMeta> metadata(std::string_view path) const override {
    FileMeta meta;
    auto st = host_.lstat(path);
    if (!st) {
      if (st.error().code == ErrorCode::kNotFound) return meta;
      return std::unexpected(st.error());
    }
    meta.exists = true;
    meta.type = st->type;
    meta.mode = st->mode;
    return meta;
  }
  [[nodiscard]] Result<void> writeFileAtomic(std::string_view path, std::string_view,
                                             const FileMeta&, bool) override {
    return refused("write", path);
  }
  [[nodiscard]] Result<void> writeSymlink(std::string_view path, std::string_view,
                                          const FileMeta&) override {
    return refused("create a link at", path);
  }
  [[nodiscard]] Result<void> removeEntry(std::string_view path) override {
    return refused("remove", path);
  }
  [[nodiscard]] Result<void> makeDirectory(std::string_view path, std::uint32_t) override {
    return refused("create the directory", path);
  }
  [[nodiscard]] Result<void> setInodeFlags(std::string_view path, std::uint32_t) override {
    return refused("change the flags of", path);
  }
  [[nodiscard]] Result<CommandResult> runInSystem(const std::vector<std::string>& argv,
                                                  std::chrono::milliseconds timeout) override {
    return host_.run(argv, timeout);
  }

 private:
  static std::unexpected<Error> refused(const char* what, std::string_view path) {
    return fail(ErrorCode::kUnsupported, std::string("cannot ") + what + " '" + std::string(path) +
                                             "': changing a Windows system is not implemented yet");
  }
  os_windows::WindowsHost host_;
};

}  // namespace

const std::vector<Fixer>& platformFixers() {
  static const std::vector<Fixer> kNone;
  return kNone;
}

std::unique_ptr<MutableHost> makeLiveMutableHost() {
  return std::make_unique<WindowsMutableHost>();
}

Result<std::unique_ptr<MutableHost>> makeRootMutableHost(const std::string& dir) {
  return fail(ErrorCode::kUnsupported,
              "'" + dir + "': fixing an offline Windows disk is not supported yet");
}

std::string sha256Hex(std::string_view bytes) {
  // CNG's hash objects (Vista and later; BCryptHash itself is Windows 10 only).
  BCRYPT_ALG_HANDLE alg = nullptr;
  BCRYPT_HASH_HANDLE hash = nullptr;
  unsigned char digest[32] = {};
  bool ok = BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA256_ALGORITHM, nullptr, 0) >= 0;
  ok = ok && BCryptCreateHash(alg, &hash, nullptr, 0, nullptr, 0, 0) >= 0;
  // BCryptHashData takes at most 4 GiB at a time.
  for (std::size_t off = 0; ok && off < bytes.size(); off += 0x40000000) {
    std::size_t n = std::min<std::size_t>(bytes.size() - off, 0x40000000);
    ok = BCryptHashData(hash, reinterpret_cast<PUCHAR>(const_cast<char*>(bytes.data() + off)),
                        static_cast<ULONG>(n), 0) >= 0;
  }
  ok = ok && BCryptFinishHash(hash, digest, sizeof digest, 0) >= 0;
  if (hash) BCryptDestroyHash(hash);
  if (alg) BCryptCloseAlgorithmProvider(alg, 0);
  // The interface has no error channel: a hash that cannot be computed must not look like a
  // real one, so it is empty (which no comparison against a real digest accepts).
  if (!ok) return "";
  std::string hex;
  for (unsigned char c : digest) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", c);
    hex += buf;
  }
  return hex;
}

}  // namespace guestprep
