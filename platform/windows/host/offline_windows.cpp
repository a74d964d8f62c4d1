#include "host/offline_windows.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>

#include <spdlog/spdlog.h>

#include "parsers/win_text.h"

namespace guestprep::os_windows {

namespace {

/// Hives are far larger than configuration files: SOFTWARE reaches a few hundred MB on a server
/// with years of updates.
constexpr std::size_t kMaxHive = std::size_t{1} << 30;

std::vector<std::string> splitPath(std::string_view path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '\\' || c == '/') {
      if (!cur.empty() && cur != ".") out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty() && cur != ".") out.push_back(std::move(cur));
  return out;
}

std::string joinKey(const std::vector<std::string>& parts, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < parts.size(); ++i) {
    if (!out.empty()) out += '\\';
    out += parts[i];
  }
  return out;
}

/// The entry of `dir` named `name` in any letter case, as the disk spells it: the exact name
/// first (one lstat), then a listing.
Result<std::string> resolveComponent(const Host& files, const std::string& dir,
                                     const std::string& name) {
  std::string exact = (dir == "/" ? "" : dir) + "/" + name;
  if (files.lstat(exact)) return exact;
  auto entries = files.listDir(dir);
  if (!entries) return std::unexpected(entries.error());
  for (const std::string& e : *entries) {
    if (equalsNoCase(e, name)) return (dir == "/" ? "" : dir) + "/" + e;
  }
  return fail(ErrorCode::kNotFound, "no '" + name + "' in " + dir);
}

std::uint64_t readLe(std::string_view bytes, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return v;
}

/// A SAM time interval (negative 100 ns units; the most negative value is "never") as the
/// seconds NetUserModalsGet gives (-1 for never).
std::int64_t samIntervalSeconds(std::uint64_t raw) {
  auto v = static_cast<std::int64_t>(raw);
  if (v == std::numeric_limits<std::int64_t>::min()) return -1;
  return v <= 0 ? -v / 10'000'000 : v / 10'000'000;
}

std::string utf16Field(std::string_view bytes) {
  std::u16string units;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    units.push_back(static_cast<char16_t>(readLe(bytes, i, 2)));
  }
  return utf16ToUtf8(units);
}

Result<RegistryData> valueOf(const RegfHive& hive, RegfHive::Key key, std::string_view name,
                             const std::string& where) {
  auto v = hive.value(key, name);
  if (!v) return std::unexpected(v.error());
  if (!v->exists) {
    return fail(
        ErrorCode::kNotFound,
        where + ": no value " + (name.empty() ? "(default)" : "'" + std::string(name) + "'"));
  }
  return *v;
}

constexpr std::string_view kOffline = "an offline disk";
constexpr std::string_view kSamUsers = "SAM\\Domains\\Account\\Users";

}  // namespace

Result<std::string> findWindowsDirectory(const Host& files) {
  auto entries = files.listDir("/");
  if (!entries) return std::unexpected(entries.error());
  for (const std::string& e : *entries) {
    if (!equalsNoCase(e, "Windows") && !equalsNoCase(e, "WINNT")) continue;
    std::string dir = "/" + e;
    auto system32 = resolveComponent(files, dir, "System32");
    if (!system32) continue;
    auto config = resolveComponent(files, *system32, "config");
    if (!config) continue;
    auto hive = resolveComponent(files, *config, "SYSTEM");
    if (hive && files.stat(*hive).has_value()) return dir;
  }
  return fail(ErrorCode::kNotFound, "no Windows\\System32\\config\\SYSTEM hive");
}

OfflineWindows::OfflineWindows(std::unique_ptr<Host> files, std::string windows_dir)
    : files_(std::move(files)), windows_dir_(std::move(windows_dir)) {}

std::string OfflineWindows::describe() const {
  return "offline Windows disk (" + files_->describe() + ")";
}

std::vector<ConfigProblem> OfflineWindows::problems() const {
  std::lock_guard lock(mutex_);
  return problems_;
}

Result<std::shared_ptr<const RegfHive>> OfflineWindows::hive(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto found = hives_.find(name);
  if (found != hives_.end()) return found->second;
  auto load = [&]() -> Result<std::shared_ptr<const RegfHive>> {
    auto system32 = resolveComponent(*files_, windows_dir_, "System32");
    if (!system32) return std::unexpected(system32.error());
    auto config = resolveComponent(*files_, *system32, "config");
    if (!config) return std::unexpected(config.error());
    auto file = resolveComponent(*files_, *config, name);
    if (!file) {
      return fail(file.error().code, "the " + name + " hive: " + file.error().message);
    }
    auto bytes = files_->readFile(*file, kMaxHive);
    if (!bytes) return std::unexpected(bytes.error());
    auto parsed = RegfHive::parse(std::move(*bytes), *file);
    if (!parsed) return std::unexpected(parsed.error());
    if (parsed->dirty()) {
      problems_.push_back(
          {*file, 0,
           "the hive was not cleanly written (its sequence numbers differ) and its transaction "
           "log is not replayed here: its values may be older than the system's last state; "
           "shut Windows down cleanly before the capture"});
      spdlog::warn("{}: the hive was not cleanly written; reading it as it is", *file);
    }
    return std::make_shared<const RegfHive>(std::move(*parsed));
  };
  auto result = load();
  hives_.emplace(name, result);
  return result;
}

Result<OfflineWindows::Located> OfflineWindows::locate(std::string_view key) const {
  std::string normal = normaliseRegKey(key);
  std::vector<std::string> parts = splitPath(normal);
  if (parts.size() < 2 || !equalsNoCase(parts[0], "HKLM")) {
    return fail(ErrorCode::kUnsupported,
                normal + ": only HKLM's hives are read from " + std::string(kOffline));
  }
  std::string name = parts[1];
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto h = hive(name);
  if (!h) return std::unexpected(h.error());
  std::string path = joinKey(parts, 2);
  // CurrentControlSet is a link the running kernel makes; on disk, Select\Current names it.
  if (name == "SYSTEM" && parts.size() > 2 && equalsNoCase(parts[2], "CurrentControlSet")) {
    auto select = (*h)->find((*h)->root(), "Select");
    if (!select) return std::unexpected(select.error());
    if (!*select) return fail(ErrorCode::kInvalidInput, (*h)->origin() + ": no Select key");
    auto current = valueOf(**h, **select, "Current", (*h)->origin() + ": Select");
    if (!current) return std::unexpected(current.error());
    if (current->type != 4 || current->data.size() != 4) {
      return fail(ErrorCode::kInvalidInput,
                  (*h)->origin() + ": Select\\Current is not a REG_DWORD");
    }
    char set[32];
    std::snprintf(set, sizeof set, "ControlSet%03u",
                  static_cast<unsigned>(readLe(current->data, 0, 4)));
    parts[2] = set;
    path = joinKey(parts, 2);
  }
  auto k = (*h)->find((*h)->root(), path);
  if (!k) return std::unexpected(k.error());
  return Located{*h, *k, normal};
}

Result<RegValue> OfflineWindows::regValue(std::string_view key, std::string_view name) const {
  auto at = locate(key);
  if (!at) return std::unexpected(at.error());
  if (!at->key) return fail(ErrorCode::kNotFound, at->path + ": no such key");
  auto raw = valueOf(*at->hive, *at->key, name, at->path);
  if (!raw) return std::unexpected(raw.error());
  auto v = fromRegistryData(*raw);
  if (!v) {
    return fail(ErrorCode::kInvalidInput,
                at->path + "\\" + std::string(name) + ": " + v.error().message);
  }
  return *v;
}

Result<std::vector<std::string>> OfflineWindows::names(std::string_view key, bool subkeys) const {
  auto at = locate(key);
  if (!at) return std::unexpected(at.error());
  if (!at->key) return fail(ErrorCode::kNotFound, at->path + ": no such key");
  auto names = subkeys ? at->hive->subkeyNames(*at->key) : at->hive->valueNames(*at->key);
  if (!names) return std::unexpected(names.error());
  std::sort(names->begin(), names->end(), [](const std::string& a, const std::string& b) {
    return lowerAscii(a) < lowerAscii(b);
  });
  return *names;
}

Result<std::vector<std::string>> OfflineWindows::regSubkeys(std::string_view key) const {
  return names(key, true);
}

Result<std::vector<std::string>> OfflineWindows::regValueNames(std::string_view key) const {
  return names(key, false);
}

Result<ServiceInfo> OfflineWindows::service(std::string_view name) const {
  return serviceFromRegistry(*this, name);  // state "": nothing runs on an offline disk
}

Result<OsVersionInfo> OfflineWindows::osVersion() const {
  return fail(ErrorCode::kUnsupported, "RtlGetVersion: " + std::string(kOffline) +
                                           " is not running (the version is read "
                                           "from the registry)");
}

Result<std::vector<TcpListener>> OfflineWindows::tcpListeners() const {
  return fail(ErrorCode::kUnsupported,
              "listening sockets: " + std::string(kOffline) + " is not running");
}

Result<bool> OfflineWindows::firewallEnabled(FirewallProfile profile) const {
  return fail(ErrorCode::kUnsupported, "the firewall API (" + std::string(toString(profile)) +
                                           " profile): " + std::string(kOffline) +
                                           " is not running; its registry settings are read");
}

Result<UserModals> OfflineWindows::userModals() const {
  auto h = hive("SAM");
  if (!h) return std::unexpected(h.error());
  const std::string where = (*h)->origin() + ": SAM\\Domains\\Account";
  auto key = (*h)->find((*h)->root(), "SAM\\Domains\\Account");
  if (!key) return std::unexpected(key.error());
  if (!*key) return fail(ErrorCode::kInvalidInput, where + ": no such key");
  auto f = valueOf(**h, **key, "F", where);
  if (!f) return std::unexpected(f.error());
  // The domain's fixed data: ages at 24 and 32, PasswordProperties at 76, the minimum length at
  // 80 and the history length at 82 (both 16-bit).
  if (f->data.size() < 84) {
    return fail(ErrorCode::kInvalidInput, where + ": its F value has " +
                                              std::to_string(f->data.size()) +
                                              " bytes, fewer than the 84 of the password fields");
  }
  UserModals m;
  m.max_age_seconds = samIntervalSeconds(readLe(f->data, 24, 8));
  m.min_age_seconds = samIntervalSeconds(readLe(f->data, 32, 8));
  m.complexity = (readLe(f->data, 76, 4) & 0x1) != 0;  // DOMAIN_PASSWORD_COMPLEX
  m.min_length = static_cast<std::uint32_t>(readLe(f->data, 80, 2));
  m.history_length = static_cast<std::uint32_t>(readLe(f->data, 82, 2));
  m.source = "SAM hive (" + (*h)->origin() + "): the Account domain's F value";
  return m;
}

Result<std::string> OfflineWindows::securityPolicyExport() const {
  return fail(ErrorCode::kUnsupported,
              "secedit: " + std::string(kOffline) + " cannot run commands");
}

Result<std::string> OfflineWindows::userField(std::uint32_t rid, int entry) const {
  auto h = hive("SAM");
  if (!h) return std::unexpected(h.error());
  char hex[16];
  std::snprintf(hex, sizeof hex, "%08X", rid);
  const std::string key = std::string(kSamUsers) + "\\" + hex;
  const std::string where = (*h)->origin() + ": " + key;
  auto user = (*h)->find((*h)->root(), key);
  if (!user) return std::unexpected(user.error());
  if (!*user) return fail(ErrorCode::kNotFound, where + ": no such account");
  auto v = valueOf(**h, **user, "V", where);
  if (!v) return std::unexpected(v.error());
  // V: a table of (offset, length, unknown) entries, the user name second and the full name
  // third, their data at 0xCC + offset, UTF-16LE.
  if (v->data.size() < 0xCC) {
    return fail(ErrorCode::kInvalidInput, where + ": its V value is too short (" +
                                              std::to_string(v->data.size()) + " bytes)");
  }
  const auto at = static_cast<std::size_t>(entry) * 12;
  std::uint64_t offset = readLe(v->data, at, 4);
  std::uint64_t length = readLe(v->data, at + 4, 4);
  if (0xCC + offset + length > v->data.size()) {
    return fail(ErrorCode::kInvalidInput,
                where + ": its V value's field " + std::to_string(entry) + " lies outside it");
  }
  return utf16Field(std::string_view(v->data).substr(0xCC + offset, length));
}

Result<std::string> OfflineWindows::userFullName(std::string_view account) const {
  auto h = hive("SAM");
  if (!h) return std::unexpected(h.error());
  const std::string names = std::string(kSamUsers) + "\\Names\\" + std::string(account);
  auto named = (*h)->find((*h)->root(), names);
  if (!named) return std::unexpected(named.error());
  if (!*named) {
    return fail(ErrorCode::kNotFound,
                (*h)->origin() + ": no local account '" + std::string(account) + "'");
  }
  // The account's RID is the type of its Names entry's default value.
  auto rid = (*h)->value(**named, "");
  if (!rid) return std::unexpected(rid.error());
  if (!rid->exists) {
    return fail(ErrorCode::kInvalidInput,
                (*h)->origin() + ": " + names + " has no default value (its RID)");
  }
  return userField(rid->type, 2);
}

Result<std::string> OfflineWindows::builtinAdministrator() const {
  return userField(500, 1);  // the built-in administrator is RID 500, whatever its name
}

Result<VolumeInfo> OfflineWindows::volumeInfo(std::string_view drive) const {
  return fail(ErrorCode::kUnsupported,
              "the file system and free space of " + std::string(drive) +
                  " belong to the disk, which a mounted root does not show; check the image with "
                  "`guestprep image check`");
}

Result<bool> OfflineWindows::volumeDirty(std::string_view drive) const {
  return fail(ErrorCode::kUnsupported, "the dirty bit of " + std::string(drive) +
                                           " is in the NTFS volume information, which a mounted "
                                           "root does not show");
}

Result<DiskLayout> OfflineWindows::diskLayout(std::string_view drive) const {
  return fail(ErrorCode::kUnsupported,
              "the partition table of " + std::string(drive) +
                  "'s disk is not in a mounted root; check the image with `guestprep image check`");
}

std::string OfflineWindows::systemDrive() const {
  auto v = regValue("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "SystemRoot");
  if (v && v->text.size() >= 2 && v->text[1] == ':') return v->text.substr(0, 2);
  return "C:";
}

Result<std::string> OfflineWindows::mapPath(std::string_view windows_path) const {
  std::string_view rest = windows_path;
  if (rest.size() >= 2 && rest[1] == ':') {
    std::string drive = systemDrive();
    if (!equalsNoCase(rest.substr(0, 2), drive)) {
      return fail(ErrorCode::kNotFound,
                  "'" + std::string(windows_path) + "': drive " + std::string(rest.substr(0, 2)) +
                      " is not the system drive " + drive + " this root holds");
    }
    rest.remove_prefix(2);
  }
  std::string cur = "/";
  for (const std::string& part : splitPath(rest)) {
    if (part == "..") {
      auto slash = cur.rfind('/');
      cur = slash == 0 || slash == std::string::npos ? "/" : cur.substr(0, slash);
      continue;
    }
    auto next = resolveComponent(*files_, cur, part);
    if (!next) {
      if (next.error().code == ErrorCode::kNotFound) {
        return fail(ErrorCode::kNotFound, "'" + std::string(windows_path) + "': not found");
      }
      return fail(next.error().code,
                  "'" + std::string(windows_path) + "': " + next.error().message);
    }
    cur = std::move(*next);
  }
  return cur;
}

Result<std::string> OfflineWindows::readFile(std::string_view path, std::size_t max_bytes) const {
  auto p = mapPath(path);
  if (!p) return std::unexpected(p.error());
  return files_->readFile(*p, max_bytes);
}

Result<std::vector<std::string>> OfflineWindows::listDir(std::string_view path) const {
  auto p = mapPath(path);
  if (!p) return std::unexpected(p.error());
  return files_->listDir(*p);
}

Result<FileStat> OfflineWindows::stat(std::string_view path) const {
  auto p = mapPath(path);
  if (!p) return std::unexpected(p.error());
  return files_->stat(*p);
}

Result<FileStat> OfflineWindows::lstat(std::string_view path) const {
  auto p = mapPath(path);
  if (!p) return std::unexpected(p.error());
  return files_->lstat(*p);
}

Result<std::string> OfflineWindows::readLink(std::string_view path) const {
  auto p = mapPath(path);
  if (!p) return std::unexpected(p.error());
  return files_->readLink(*p);
}

Result<std::string> OfflineWindows::canonicalPath(std::string_view path) const {
  auto p = mapPath(path);
  if (!p) return std::unexpected(p.error());
  auto real = files_->canonicalPath(*p);
  if (!real) return std::unexpected(real.error());
  std::string out = systemDrive();
  for (char c : *real) out += c == '/' ? '\\' : c;
  if (out.size() == 2) out += '\\';
  return out;
}

Result<std::uint32_t> OfflineWindows::inodeFlags(std::string_view path) const {
  auto p = mapPath(path);
  if (!p) return std::unexpected(p.error());
  return files_->inodeFlags(*p);
}

Result<FsStats> OfflineWindows::fsStats(std::string_view path) const {
  auto p = mapPath(path);
  if (!p) return std::unexpected(p.error());
  return files_->fsStats(*p);
}

Result<CommandResult> OfflineWindows::run(const std::vector<std::string>& argv,
                                          std::chrono::milliseconds /*timeout*/) const {
  return fail(ErrorCode::kUnsupported, "'" + (argv.empty() ? std::string() : argv.front()) +
                                           "' was not run: " + std::string(kOffline) +
                                           " cannot run commands");
}

}  // namespace guestprep::os_windows
