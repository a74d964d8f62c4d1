// What the fix framework asks of the platform, for Windows: its fixers (platform/windows/fixers),
// a writable live host (registry values in the 64-bit view, services' Start through the SCM, the
// journal's own files), and SHA-256 through Windows' own CNG (bcrypt.dll).
// windows.h first: bcrypt.h uses its types.
#include <windows.h>

#include <bcrypt.h>
#include <winsvc.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "fix/fixer.h"
#include "fix/journal.h"
#include "fixers/windows_fixers.h"
#include "host/mutable_host.h"
#include "host/win32_util.h"
#include "host/windows_api.h"
#include "host/windows_host.h"
#include "parsers/win_text.h"

namespace guestprep {

namespace {

using os_windows::filePath;
using os_windows::lowerAscii;
using os_windows::normaliseRegKey;
using os_windows::RegKey;
using os_windows::widen;
using os_windows::win32Error;

struct ScHandle {
  SC_HANDLE h = nullptr;
  ScHandle() = default;
  ScHandle(const ScHandle&) = delete;
  ScHandle& operator=(const ScHandle&) = delete;
  ~ScHandle() {
    if (h) CloseServiceHandle(h);
  }
};

/// The predefined key of "HKLM\\Sub\\Key" and the rest of the path.
Result<HKEY> splitHive(const std::string& norm, std::string& sub) {
  std::size_t sep = norm.find('\\');
  std::string hive = norm.substr(0, sep);
  sub = sep == std::string::npos ? std::string() : norm.substr(sep + 1);
  HKEY root = hive == "HKLM"   ? HKEY_LOCAL_MACHINE
              : hive == "HKCU" ? HKEY_CURRENT_USER
              : hive == "HKU"  ? HKEY_USERS
                               : nullptr;
  if (!root) return fail(ErrorCode::kInvalidInput, norm + ": not a writable registry hive");
  return root;
}

/// The journal is the only file tree fix mode writes on Windows (its fixes are registry values).
bool inJournal(std::string_view path) {
  std::string p(path);
  std::replace(p.begin(), p.end(), '\\', '/');
  return p.starts_with(std::string(kJournalDir) + "/") || p == kJournalDir ||
         std::string(kJournalDir).starts_with(p + "/");
}

// The live system for `guestprep fix`: reads as WindowsHost; writes registry values (services'
// Start values through the SCM, so its view agrees) and the journal's files; any other file
// change is refused with the reason.
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
  [[nodiscard]] Result<void> writeFileAtomic(std::string_view path, std::string_view content,
                                             const FileMeta&, bool) override {
    if (!inJournal(path)) return refused("write", path);
    // A temporary file beside the target, flushed, then renamed over it (write-through).
    std::string p(path);
    auto slash = p.find_last_of("/\\");
    static std::mt19937 rng{std::random_device{}()};
    char suffix[9];
    std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rng()));
    std::string tmp = p.substr(0, slash + 1) + ".guestprep-" + p.substr(slash + 1) + "." + suffix;
    HANDLE f = CreateFileW(filePath(tmp).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, nullptr);
    if (f == INVALID_HANDLE_VALUE)
      return std::unexpected(win32Error("'" + tmp + "'", GetLastError()));
    bool ok = true;
    DWORD err = 0;
    for (std::size_t off = 0; ok && off < content.size();) {
      DWORD n = static_cast<DWORD>(std::min<std::size_t>(content.size() - off, 1u << 30));
      DWORD wrote = 0;
      ok = WriteFile(f, content.data() + off, n, &wrote, nullptr) != 0;
      off += wrote;
    }
    ok = ok && FlushFileBuffers(f) != 0;
    if (!ok) err = GetLastError();
    CloseHandle(f);
    if (ok && !MoveFileExW(filePath(tmp).c_str(), filePath(p).c_str(),
                           MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
      ok = false;
      err = GetLastError();
    }
    if (!ok) {
      DeleteFileW(filePath(tmp).c_str());
      return std::unexpected(win32Error("'" + p + "'", err));
    }
    return {};
  }
  [[nodiscard]] Result<void> writeSymlink(std::string_view path, std::string_view,
                                          const FileMeta&) override {
    return refused("create a link at", path);
  }
  [[nodiscard]] Result<void> removeEntry(std::string_view path) override {
    if (!inJournal(path)) return refused("remove", path);
    std::wstring w = filePath(path);
    if (DeleteFileW(w.c_str()) || RemoveDirectoryW(w.c_str())) return {};
    return std::unexpected(win32Error("'" + std::string(path) + "'", GetLastError()));
  }
  [[nodiscard]] Result<void> makeDirectory(std::string_view path, std::uint32_t) override {
    if (!inJournal(path)) return refused("create the directory", path);
    // Under %ProgramData% (win32_util's filePath): the directory inherits its ACL.
    if (CreateDirectoryW(filePath(path).c_str(), nullptr)) return {};
    return std::unexpected(win32Error("'" + std::string(path) + "'", GetLastError()));
  }
  [[nodiscard]] Result<void> setInodeFlags(std::string_view path, std::uint32_t) override {
    return refused("change the flags of", path);
  }
  [[nodiscard]] Result<CommandResult> runInSystem(const std::vector<std::string>& argv,
                                                  std::chrono::milliseconds timeout) override {
    return host_.run(argv, timeout);
  }

  [[nodiscard]] Result<RegistryData> registryValue(std::string_view key,
                                                   std::string_view name) const override {
    std::string norm = normaliseRegKey(key), sub;
    auto root = splitHive(norm, sub);
    if (!root) return std::unexpected(root.error());
    std::string what = norm + "\\" + std::string(name);
    RegKey k;
    LSTATUS st =
        RegOpenKeyExW(*root, widen(sub).c_str(), 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &k.h);
    if (st == ERROR_FILE_NOT_FOUND) return RegistryData{};
    if (st != ERROR_SUCCESS) return std::unexpected(win32Error(norm, static_cast<DWORD>(st)));
    std::wstring wname = widen(name);
    DWORD type = 0, size = 0;
    st = RegQueryValueExW(k.h, wname.c_str(), nullptr, &type, nullptr, &size);
    std::vector<BYTE> data;
    // The value may grow between the two calls; retry with the size the second call reports.
    while (st == ERROR_SUCCESS || st == ERROR_MORE_DATA) {
      data.resize(size);
      DWORD got = size;
      st = RegQueryValueExW(k.h, wname.c_str(), nullptr, &type, data.data(), &got);
      if (st == ERROR_SUCCESS) {
        data.resize(got);
        break;
      }
      size = got;
    }
    if (st == ERROR_FILE_NOT_FOUND) return RegistryData{};
    if (st != ERROR_SUCCESS) return std::unexpected(win32Error(what, static_cast<DWORD>(st)));
    return RegistryData{true, type, std::string(data.begin(), data.end())};
  }

  [[nodiscard]] Result<void> setRegistryValue(std::string_view key, std::string_view name,
                                              const RegistryData& value) override {
    std::string norm = normaliseRegKey(key), sub;
    auto root = splitHive(norm, sub);
    if (!root) return std::unexpected(root.error());
    std::string what = norm + "\\" + std::string(name);
    auto handled = setServiceStart(norm, name, value);
    if (!handled) return std::unexpected(handled.error());
    if (*handled) return {};
    RegKey k;
    LSTATUS st;
    if (value.exists) {
      st = RegCreateKeyExW(*root, widen(sub).c_str(), 0, nullptr, REG_OPTION_NON_VOLATILE,
                           KEY_SET_VALUE | KEY_WOW64_64KEY, nullptr, &k.h, nullptr);
    } else {
      st = RegOpenKeyExW(*root, widen(sub).c_str(), 0, KEY_SET_VALUE | KEY_WOW64_64KEY, &k.h);
      if (st == ERROR_FILE_NOT_FOUND) return {};  // no key: the value is absent already
    }
    if (st != ERROR_SUCCESS) return std::unexpected(win32Error(norm, static_cast<DWORD>(st)));
    std::wstring wname = widen(name);
    if (value.exists) {
      st = RegSetValueExW(k.h, wname.c_str(), 0, value.type,
                          reinterpret_cast<const BYTE*>(value.data.data()),
                          static_cast<DWORD>(value.data.size()));
    } else {
      st = RegDeleteValueW(k.h, wname.c_str());
      if (st == ERROR_FILE_NOT_FOUND) st = ERROR_SUCCESS;
    }
    if (st != ERROR_SUCCESS) return std::unexpected(win32Error(what, static_cast<DWORD>(st)));
    // Durable before the journal records the step done.
    st = RegFlushKey(k.h);
    if (st != ERROR_SUCCESS) return std::unexpected(win32Error(what, static_cast<DWORD>(st)));
    return {};
  }

 private:
  /// A service's Start value (a REG_DWORD under Services\\<name>) goes through the SCM
  /// (ChangeServiceConfigW), which writes the same value and keeps its own view, the one the
  /// audit reads, in step; the service is not started or stopped. True when it was handled.
  static Result<bool> setServiceStart(const std::string& norm, std::string_view name,
                                      const RegistryData& value) {
    const std::string prefix = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\";
    if (!value.exists || value.type != REG_DWORD || value.data.size() != 4) return false;
    if (lowerAscii(name) != "start" || !lowerAscii(norm).starts_with(lowerAscii(prefix))) {
      return false;
    }
    std::string service = norm.substr(prefix.size());
    if (service.empty() || service.find('\\') != std::string::npos) return false;
    DWORD start = 0;
    for (int i = 3; i >= 0; --i) start = (start << 8) | static_cast<unsigned char>(value.data[i]);
    ScHandle scm, svc;
    scm.h = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
    if (!scm.h) return std::unexpected(win32Error("OpenSCManager", GetLastError()));
    svc.h = OpenServiceW(scm.h, widen(service).c_str(), SERVICE_CHANGE_CONFIG);
    if (!svc.h) {
      DWORD err = GetLastError();
      if (err == ERROR_SERVICE_DOES_NOT_EXIST) return false;  // a bare key: the registry it is
      return std::unexpected(win32Error("OpenService " + service, err));
    }
    if (!ChangeServiceConfigW(svc.h, SERVICE_NO_CHANGE, start, SERVICE_NO_CHANGE, nullptr, nullptr,
                              nullptr, nullptr, nullptr, nullptr, nullptr)) {
      return std::unexpected(win32Error("ChangeServiceConfig " + service, GetLastError()));
    }
    return true;
  }
  static std::unexpected<Error> refused(const char* what, std::string_view path) {
    return fail(ErrorCode::kUnsupported, std::string("cannot ") + what + " '" + std::string(path) +
                                             "': on Windows, fixes change registry values and "
                                             "service start types; files are written "
                                             "only inside the journal");
  }
  os_windows::WindowsHost host_;
};

}  // namespace

const std::vector<Fixer>& platformFixers() { return os_windows::windowsFixers(); }

std::unique_ptr<MutableHost> makeLiveMutableHost() {
  return std::make_unique<WindowsMutableHost>();
}

Result<std::unique_ptr<MutableHost>> makeRootMutableHost(const std::string& dir) {
  return fail(ErrorCode::kUnsupported,
              "'" + dir +
                  "': fix mode does not change an offline Windows disk, whose registry is in "
                  "hive files this build only reads; audit it with `guestprep.exe audit "
                  "--root`, and fix it with guestprep.exe on the running system");
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
