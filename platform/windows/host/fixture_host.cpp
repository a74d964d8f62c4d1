// FixtureHost: a Windows system from a fixture file (registry exports plus recorded answers).
#include "host/fixture_host.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "parsers/reg_export.h"
#include "parsers/win_text.h"

namespace guestprep::os_windows {

namespace {

std::string lowerKey(std::string_view key) { return lowerAscii(normaliseRegKey(key)); }

std::string normalisePath(std::string_view path) {
  std::string p;
  for (char c : path) p += c == '/' ? '\\' : c;
  while (p.size() > 3 && p.ends_with('\\')) p.pop_back();
  return lowerAscii(p);
}

std::string readBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read fixture file " + file.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Error recordedError(const nlohmann::json& j) {
  return Error{ErrorCode::kIo, j.at("error").get<std::string>()};
}

}  // namespace

FixtureHost FixtureHost::fromFile(const std::filesystem::path& file) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(readBytes(file));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(file.string() + ": " + e.what());
  }
  return FixtureHost(j, file.parent_path());
}

FixtureHost::FixtureHost(const nlohmann::json& fixture, const std::filesystem::path& base) {
  describe_ = fixture.value("describe", describe_);
  runtime_ = fixture.value("runtime", true);
  for (const auto& reg : fixture.value("registry", nlohmann::json::array())) {
    std::filesystem::path p = base / reg.get<std::string>();
    loadRegistry(readBytes(p), p.string());
  }
  // value() returns a copy: keep it alive while items() walks it.
  const nlohmann::json errors = fixture.value("registry_errors", nlohmann::json::object());
  for (const auto& [key, message] : errors.items()) failKey(key, message.get<std::string>());
  const nlohmann::json files = fixture.value("files", nlohmann::json::object());
  for (const auto& [path, content] : files.items()) {
    files_[normalisePath(path)] = content.get<std::string>();
  }
  for (const auto& path : fixture.value("readonly_files", nlohmann::json::array())) {
    readonly_[normalisePath(path.get<std::string>())] = true;
  }
  // The export as secedit writes it (UTF-16LE), named relative to the fixture.
  if (fixture.contains("secedit") && fixture.at("secedit").is_string()) {
    secedit_ = decodeWindowsText(readBytes(base / fixture.at("secedit").get<std::string>())).text;
  }
  for (const auto& c : fixture.value("commands", nlohmann::json::array())) {
    auto argv = c.at("argv").get<std::vector<std::string>>();
    commands_[argv] =
        CommandResult{c.value("exit_code", 0), c.value("out", ""), c.value("err", "")};
    // A named object: items() of a temporary would dangle in the range-for.
    const nlohmann::json appends = c.value("appends", nlohmann::json::object());
    for (const auto& [path, text] : appends.items()) {
      command_appends_[argv][normalisePath(path)] = text.get<std::string>();
    }
  }
  for (const char* api : {"os_version", "services", "tcp_listeners", "firewall", "user_modals",
                          "secedit", "users", "volumes"}) {
    if (fixture.contains(api)) api_[api] = fixture.at(api);
  }
}

void FixtureHost::loadRegistry(std::string_view reg_bytes, const std::string& origin) {
  RegExport reg = parseRegExport(decodeWindowsText(reg_bytes).text);
  if (!reg.problems.empty()) {
    const ConfigProblem& p = reg.problems.front();
    throw std::runtime_error(origin + ":" + std::to_string(p.line) + ": " + p.message);
  }
  for (const RegExportKey& k : reg.keys) {
    if (k.deleted) {
      std::string prefix = lowerKey(k.path);
      std::erase_if(keys_, [&](const auto& e) {
        return e.first == prefix || e.first.starts_with(prefix + "\\");
      });
      continue;
    }
    Key& key = makeKey(k.path);
    for (const RegExportValue& v : k.values) {
      if (v.deleted) {
        key.values.erase(lowerAscii(v.name));
      } else {
        key.values[lowerAscii(v.name)] = {v.name, v.value};
      }
    }
  }
}

FixtureHost::Key& FixtureHost::makeKey(std::string_view key) {
  std::string norm = normaliseRegKey(key);
  // Every parent exists too, as in a real registry.
  for (std::size_t sep = norm.find('\\'); sep != std::string::npos;
       sep = norm.find('\\', sep + 1)) {
    std::string parent = norm.substr(0, sep);
    keys_.try_emplace(lowerAscii(parent), Key{parent, {}});
  }
  auto [it, inserted] = keys_.try_emplace(lowerAscii(norm), Key{norm, {}});
  return it->second;
}

void FixtureHost::setValue(std::string_view key, std::string_view name, RegValue value) {
  makeKey(key).values[lowerAscii(name)] = {std::string(name), std::move(value)};
}

void FixtureHost::removeValue(std::string_view key, std::string_view name) {
  auto it = keys_.find(lowerKey(key));
  if (it != keys_.end()) it->second.values.erase(lowerAscii(name));
}

void FixtureHost::failKey(std::string_view key, std::string message) {
  failing_keys_[lowerKey(key)] = std::move(message);
}

Result<const FixtureHost::Key*> FixtureHost::findKey(std::string_view key) const {
  std::string k = lowerKey(key);
  if (auto f = failing_keys_.find(k); f != failing_keys_.end()) {
    return fail(ErrorCode::kPermission, normaliseRegKey(key) + ": " + f->second);
  }
  auto it = keys_.find(k);
  if (it == keys_.end()) return fail(ErrorCode::kNotFound, normaliseRegKey(key) + ": no such key");
  return &it->second;
}

Result<RegValue> FixtureHost::regValue(std::string_view key, std::string_view name) const {
  auto k = findKey(key);
  if (!k) return std::unexpected(k.error());
  auto it = (*k)->values.find(lowerAscii(name));
  if (it == (*k)->values.end()) {
    return fail(ErrorCode::kNotFound, (*k)->path + "\\" + std::string(name) + ": no such value");
  }
  return it->second.second;
}

Result<std::vector<std::string>> FixtureHost::regSubkeys(std::string_view key) const {
  auto k = findKey(key);
  if (!k) return std::unexpected(k.error());
  std::string prefix = lowerKey(key) + "\\";
  std::vector<std::string> out;
  for (const auto& [lower, sub] : keys_) {
    if (lower.starts_with(prefix) && lower.find('\\', prefix.size()) == std::string::npos) {
      out.push_back(sub.path.substr(prefix.size()));
    }
  }
  return out;  // the map's order is the lower-case order
}

Result<std::vector<std::string>> FixtureHost::regValueNames(std::string_view key) const {
  auto k = findKey(key);
  if (!k) return std::unexpected(k.error());
  std::vector<std::string> out;
  for (const auto& [lower, v] : (*k)->values) out.push_back(v.first);
  return out;
}

Result<ServiceInfo> FixtureHost::service(std::string_view name) const {
  // The registry describes the service; the fixture records its state now.
  auto found = serviceFromRegistry(*this, name);
  if (!found) return found;
  ServiceInfo s = std::move(*found);
  if (runtime_ && api_.contains("services")) {
    for (const auto& [svc, state] : api_.at("services").items()) {
      if (equalsNoCase(svc, name)) s.state = state.get<std::string>();
    }
    if (s.state.empty()) s.state = "stopped";
  }
  return s;
}

Result<OsVersionInfo> FixtureHost::osVersion() const {
  if (!api_.contains("os_version")) {
    return fail(ErrorCode::kUnsupported, "RtlGetVersion: no answer recorded (offline system)");
  }
  const auto& j = api_.at("os_version");
  if (j.contains("error")) return std::unexpected(recordedError(j));
  OsVersionInfo v;
  v.major = j.at("major").get<std::uint32_t>();
  v.minor = j.at("minor").get<std::uint32_t>();
  v.build = j.at("build").get<std::uint32_t>();
  v.service_pack_major = j.value("service_pack_major", 0u);
  v.csd_version = j.value("csd_version", "");
  v.product_type = j.at("product_type").get<std::uint32_t>();
  v.suite_mask = j.value("suite_mask", 0u);
  return v;
}

Result<std::vector<TcpListener>> FixtureHost::tcpListeners() const {
  if (!api_.contains("tcp_listeners")) {
    return fail(ErrorCode::kUnsupported, "GetExtendedTcpTable: no answer recorded");
  }
  const auto& j = api_.at("tcp_listeners");
  if (j.is_object()) return std::unexpected(recordedError(j));
  std::vector<TcpListener> out;
  for (const auto& l : j) {
    out.push_back({l.at("address").get<std::string>(), l.at("port").get<std::uint16_t>(),
                   l.value("pid", 0u)});
  }
  return out;
}

Result<bool> FixtureHost::firewallEnabled(FirewallProfile profile) const {
  std::string name(toString(profile));
  if (!api_.contains("firewall") || !api_.at("firewall").contains(name)) {
    return fail(ErrorCode::kUnsupported, "INetFwPolicy2: no answer recorded for " + name);
  }
  const auto& j = api_.at("firewall").at(name);
  if (j.is_object()) return std::unexpected(recordedError(j));
  return j.get<bool>();
}

Result<UserModals> FixtureHost::userModals() const {
  if (!api_.contains("user_modals")) {
    return fail(ErrorCode::kUnsupported, "NetUserModalsGet: no answer recorded (offline system)");
  }
  const auto& j = api_.at("user_modals");
  if (j.contains("error")) return std::unexpected(recordedError(j));
  UserModals m;
  m.min_length = j.at("min_length").get<std::uint32_t>();
  m.history_length = j.value("history_length", 0u);
  m.max_age_seconds = j.value("max_age_seconds", std::int64_t{-1});
  m.min_age_seconds = j.value("min_age_seconds", std::int64_t{0});
  return m;
}

Result<std::string> FixtureHost::securityPolicyExport() const {
  if (!api_.contains("secedit")) {
    return fail(ErrorCode::kUnsupported, "secedit /export: no answer recorded (offline system)");
  }
  if (api_.at("secedit").is_object()) return std::unexpected(recordedError(api_.at("secedit")));
  return secedit_;
}

Result<std::string> FixtureHost::userFullName(std::string_view account) const {
  if (!api_.contains("users")) {
    return fail(ErrorCode::kUnsupported, "NetUserGetInfo: no answer recorded (offline system)");
  }
  for (const auto& [name, full] : api_.at("users").items()) {
    if (!equalsNoCase(name, account)) continue;
    if (full.is_object()) return std::unexpected(recordedError(full));
    return full.get<std::string>();
  }
  return fail(ErrorCode::kNotFound, "NetUserGetInfo(" + std::string(account) + "): no such user");
}

namespace {

// The recorded answer of one volume, or why there is none.
Result<nlohmann::json> recordedVolume(const nlohmann::json& api, std::string_view drive,
                                      std::string_view call) {
  if (api.contains("volumes")) {
    for (const auto& [name, v] : api.at("volumes").items()) {
      if (equalsNoCase(name, drive)) return v;
    }
  }
  return fail(ErrorCode::kUnsupported,
              std::string(call) + "(" + std::string(drive) + "): no answer recorded");
}

}  // namespace

Result<VolumeInfo> FixtureHost::volumeInfo(std::string_view drive) const {
  auto v = recordedVolume(api_, drive, "GetVolumeInformation");
  if (!v) return std::unexpected(v.error());
  if (v->contains("error")) return std::unexpected(recordedError(*v));
  return VolumeInfo{v->at("filesystem").get<std::string>(),
                    v->at("total_bytes").get<std::uint64_t>(),
                    v->at("free_bytes").get<std::uint64_t>()};
}

Result<bool> FixtureHost::volumeDirty(std::string_view drive) const {
  auto v = recordedVolume(api_, drive, "FSCTL_IS_VOLUME_DIRTY");
  if (!v) return std::unexpected(v.error());
  if (!v->contains("dirty")) {
    return fail(ErrorCode::kUnsupported, "FSCTL_IS_VOLUME_DIRTY: no answer recorded");
  }
  const auto& d = v->at("dirty");
  if (d.is_object()) return std::unexpected(recordedError(d));
  return d.get<bool>();
}

Result<DiskLayout> FixtureHost::diskLayout(std::string_view drive) const {
  auto v = recordedVolume(api_, drive, "IOCTL_DISK_GET_DRIVE_LAYOUT_EX");
  if (!v) return std::unexpected(v.error());
  if (!v->contains("layout")) {
    return fail(ErrorCode::kUnsupported, "IOCTL_DISK_GET_DRIVE_LAYOUT_EX: no answer recorded");
  }
  const auto& l = v->at("layout");
  if (l.contains("error")) return std::unexpected(recordedError(l));
  return DiskLayout{l.at("style").get<std::string>(), l.at("partitions").get<int>(),
                    l.value("disk_number", 0u)};
}

Result<std::string> FixtureHost::readFile(std::string_view path, std::size_t max_bytes) const {
  auto it = files_.find(normalisePath(path));
  if (it == files_.end())
    return fail(ErrorCode::kNotFound, "'" + std::string(path) + "': no such file");
  if (it->second.size() > max_bytes) {
    return fail(ErrorCode::kTooLarge, "'" + std::string(path) + "' is larger than the limit");
  }
  return it->second;
}

Result<std::vector<std::string>> FixtureHost::listDir(std::string_view path) const {
  std::string self = normalisePath(path);
  std::string prefix = self + "\\";
  std::vector<std::string> out;
  auto add = [&](const std::string& p) {
    if (!p.starts_with(prefix)) return;
    std::string rest = p.substr(prefix.size());
    std::string entry = rest.substr(0, rest.find('\\'));
    if (out.empty() || out.back() != entry) out.push_back(entry);
  };
  for (const auto& [p, content] : files_) add(p);
  for (const auto& d : dirs_) add(d);
  if (out.empty() && dirs_.contains(self)) return out;
  if (out.empty())
    return fail(ErrorCode::kNotFound, "'" + std::string(path) + "': no such directory");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<FileStat> FixtureHost::stat(std::string_view path) const {
  std::string p = normalisePath(path);
  if (auto it = files_.find(p); it != files_.end()) {
    return FileStat{FileStat::Type::kRegular, readonly_.contains(p) ? 0444u : 0644u, 0, 0,
                    it->second.size()};
  }
  if (dirs_.contains(p) || listDir(path))
    return FileStat{FileStat::Type::kDirectory, 0755, 0, 0, 0};
  return fail(ErrorCode::kNotFound, "'" + std::string(path) + "': no such file or directory");
}

Result<FileStat> FixtureHost::lstat(std::string_view path) const { return stat(path); }

Result<std::string> FixtureHost::readLink(std::string_view path) const {
  return fail(ErrorCode::kInvalidInput, "'" + std::string(path) + "' is not a link");
}

Result<std::string> FixtureHost::canonicalPath(std::string_view path) const {
  std::string p;
  for (char c : path) p += c == '/' ? '\\' : c;
  return p;
}

Result<std::uint32_t> FixtureHost::inodeFlags(std::string_view path) const {
  return fail(ErrorCode::kUnsupported, "'" + std::string(path) + "': no inode flags on Windows");
}

Result<FsStats> FixtureHost::fsStats(std::string_view path) const {
  return fail(ErrorCode::kUnsupported, "'" + std::string(path) + "': no space recorded");
}

Result<CommandResult> FixtureHost::run(const std::vector<std::string>& argv,
                                       std::chrono::milliseconds) const {
  auto it = commands_.find(argv);
  if (it == commands_.end()) {
    return fail(ErrorCode::kNotFound,
                "'" + (argv.empty() ? std::string() : argv[0]) + "': no recorded output");
  }
  if (auto appends = command_appends_.find(argv); appends != command_appends_.end()) {
    for (const auto& [path, text] : appends->second) files_[path] += text;
  }
  return it->second;
}

Result<void> FixtureHost::countWrite(std::string_view what) {
  if (fail_write_at_ > 0 && ++writes_ == fail_write_at_) {
    return fail(ErrorCode::kIo, "'" + std::string(what) + "': injected I/O error (disk full)");
  }
  return {};
}

Result<FileMeta> FixtureHost::metadata(std::string_view path) const {
  FileMeta meta;
  auto st = stat(path);
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound) return meta;
    return std::unexpected(st.error());
  }
  meta.exists = true;
  meta.type = st->type;
  meta.mode = st->mode;
  return meta;
}

Result<void> FixtureHost::writeFileAtomic(std::string_view path, std::string_view content,
                                          const FileMeta&, bool) {
  std::string p = normalisePath(path);
  if (dirs_.contains(p)) {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(path) + "' is a directory");
  }
  if (readonly_.contains(p)) {
    return fail(ErrorCode::kPermission, "'" + std::string(path) + "' is read-only");
  }
  if (auto r = countWrite(path); !r) return r;
  files_[p] = std::string(content);
  return {};
}

Result<void> FixtureHost::writeSymlink(std::string_view path, std::string_view, const FileMeta&) {
  return fail(ErrorCode::kUnsupported,
              "'" + std::string(path) + "': a Windows fixture has no symbolic links");
}

Result<void> FixtureHost::removeEntry(std::string_view path) {
  std::string p = normalisePath(path);
  if (auto r = countWrite(path); !r) return r;
  if (files_.erase(p) > 0) return {};
  if (dirs_.contains(p)) {
    auto children = listDir(path);
    if (children && !children->empty()) {
      return fail(ErrorCode::kInvalidInput, "'" + std::string(path) + "': directory not empty");
    }
    dirs_.erase(p);
    return {};
  }
  return fail(ErrorCode::kNotFound, "'" + std::string(path) + "': no such file or directory");
}

Result<void> FixtureHost::makeDirectory(std::string_view path, std::uint32_t) {
  std::string p = normalisePath(path);
  if (auto r = countWrite(path); !r) return r;
  if (files_.contains(p) || dirs_.contains(p)) {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(path) + "' already exists");
  }
  dirs_.insert(p);
  return {};
}

Result<void> FixtureHost::setInodeFlags(std::string_view path, std::uint32_t) {
  return fail(ErrorCode::kUnsupported, "'" + std::string(path) + "': no inode flags on Windows");
}

std::optional<Result<CommandResult>> FixtureHost::netAccounts(
    const std::vector<std::string>& argv) {
  if (argv.size() != 3) return std::nullopt;
  std::string program = lowerAscii(argv[0]);
  program = program.substr(program.find_last_of("\\/") + 1);
  const std::string option = "/minpwlen:";
  std::string arg = lowerAscii(argv[2]);
  if ((program != "net" && program != "net.exe") || lowerAscii(argv[1]) != "accounts" ||
      !arg.starts_with(option)) {
    return std::nullopt;
  }
  // net.exe's own answers: a syntax error (exit 1) for a length outside 0-14, a system error
  // (exit 2) when the SAM cannot be changed.
  std::string digits = arg.substr(option.size());
  if (digits.empty() || digits.size() > 2 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(digits) > 14) {
    return CommandResult{1, "", "The syntax of this command is:\r\n\r\nNET ACCOUNTS ...\r\n"};
  }
  if (!api_.contains("user_modals") || api_.at("user_modals").contains("error")) {
    return CommandResult{2, "", "System error 5 has occurred.\r\n\r\nAccess is denied.\r\n"};
  }
  if (auto r = countWrite("NetUserModalsSet"); !r) return std::unexpected(r.error());
  int length = std::stoi(digits);
  api_["user_modals"]["min_length"] = length;
  // secedit exports what the SAM holds: keep the export's line in step, its layout as it was.
  std::string updated;
  std::size_t start = 0;
  while (start < secedit_.size()) {
    std::size_t end = secedit_.find('\n', start);
    std::string line = secedit_.substr(start, end == std::string::npos ? end : end - start + 1);
    std::size_t eq = line.find('=');
    if (eq != std::string::npos &&
        lowerAscii(trimBlanks(line.substr(0, eq))) == "minimumpasswordlength") {
      std::size_t value_end = line.find_first_of("\r\n", eq);
      line = line.substr(0, eq + 1) + " " + std::to_string(length) +
             (value_end == std::string::npos ? "" : line.substr(value_end));
    }
    updated += line;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  secedit_ = std::move(updated);
  return CommandResult{0, "The command completed successfully.\r\n\r\n", ""};
}

Result<CommandResult> FixtureHost::runInSystem(const std::vector<std::string>& argv,
                                               std::chrono::milliseconds timeout) {
  if (auto modelled = netAccounts(argv)) return *modelled;
  return run(argv, timeout);
}

Result<RegistryData> FixtureHost::registryValue(std::string_view key, std::string_view name) const {
  auto v = regValue(key, name);
  if (!v) {
    if (v.error().code == ErrorCode::kNotFound) return RegistryData{};
    return std::unexpected(v.error());
  }
  return toRegistryData(*v);
}

Result<void> FixtureHost::setRegistryValue(std::string_view key, std::string_view name,
                                           const RegistryData& value) {
  if (auto f = failing_keys_.find(lowerKey(key)); f != failing_keys_.end()) {
    return fail(ErrorCode::kPermission, normaliseRegKey(key) + ": " + f->second);
  }
  if (auto r = countWrite(normaliseRegKey(key) + "\\" + std::string(name)); !r) return r;
  if (!value.exists) {
    removeValue(key, name);
    return {};
  }
  auto v = fromRegistryData(value);
  if (!v) return std::unexpected(v.error());
  setValue(key, name, std::move(*v));
  return {};
}

}  // namespace guestprep::os_windows
