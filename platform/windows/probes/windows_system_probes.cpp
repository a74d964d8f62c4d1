// The Windows probes beyond version, RDP and firewall: the password policy, services, programs,
// paravirtual driver files, installed updates, pending reboots, hibernation and the system volume.
#include <algorithm>
#include <cctype>

#include "parsers/cbs_log.h"
#include "parsers/secedit.h"
#include "parsers/systeminfo.h"
#include "parsers/win_text.h"
#include "probes/windows_probes.h"

namespace guestprep::os_windows {

namespace {

constexpr std::string_view kUninstallKeys[] = {
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
    "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
};

std::string textOf(const Result<RegValue>& v) {
  return v && (v->type == RegType::kSz || v->type == RegType::kExpandSz) ? v->text : std::string();
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// A key exists (a marker of its own), is absent, or cannot be read.
WindowsPendingMarker keyMarker(const WindowsApi& api, std::string name, std::string_view key) {
  WindowsPendingMarker m{std::move(name), normaliseRegKey(key), false, "", ""};
  auto names = api.regValueNames(key);
  if (names) {
    m.present = true;
    m.detail = "the key exists";
  } else if (names.error().code != ErrorCode::kNotFound) {
    m.error = names.error().message;
  }
  return m;
}

}  // namespace

Result<std::string> systemRoot(const WindowsApi& api) {
  auto v = api.regValue(kCurrentVersionKey, "SystemRoot");
  if (!v) return std::unexpected(v.error());
  std::string root = textOf(v);
  if (root.size() < 3 || root[1] != ':') {
    return fail(ErrorCode::kInvalidInput,
                std::string(kCurrentVersionKey) + "\\SystemRoot is not a path: \"" + root + "\"");
  }
  while (root.size() > 3 && (root.back() == '\\' || root.back() == '/')) root.pop_back();
  return root;
}

void probePassword(const WindowsApi& api, WindowsFacts& facts) {
  WindowsPasswordFacts& pw = facts.password;
  pw = WindowsPasswordFacts{};
  auto modals = api.userModals();
  if (modals) {
    pw.minimum_length = Observed<int>::of(static_cast<int>(modals->min_length));
    pw.minimum_length_source = modals->source.empty() ? "NetUserModalsGet" : modals->source;
    pw.history = Observed<int>::of(static_cast<int>(modals->history_length));
  }
  auto exported = api.securityPolicyExport();
  SeceditPasswordPolicy policy;
  if (exported) {
    InfFile inf = parseInf(*exported);
    policy = seceditPasswordPolicy(inf);
    bool has_section = std::any_of(inf.entries.begin(), inf.entries.end(), [](const InfEntry& e) {
      return equalsNoCase(e.section, "System Access");
    });
    if (!has_section) pw.secedit_error = "secedit /export wrote no [System Access] section";
    if (const InfEntry* admin = inf.find("System Access", "NewAdministratorName")) {
      pw.account = unquote(admin->value);
      pw.account_source =
          "secedit /export: NewAdministratorName (line " + std::to_string(admin->line) + ")";
    }
    pw.complexity = policy.complexity ? Observed<bool>::of(*policy.complexity)
                    : !pw.secedit_error.empty()
                        ? Observed<bool>::failed(pw.secedit_error)
                        : Observed<bool>::failed("secedit /export states no PasswordComplexity");
  } else {
    pw.secedit_error = "secedit /export: " + exported.error().message;
    pw.complexity = Observed<bool>::failed(pw.secedit_error);
  }
  if (!pw.complexity.ok() && modals && modals->complexity) {
    pw.complexity = Observed<bool>::of(*modals->complexity);
    pw.complexity_source = pw.minimum_length_source;
  }
  if (!pw.minimum_length.ok()) {
    if (policy.minimum_length) {
      pw.minimum_length = Observed<int>::of(*policy.minimum_length);
      pw.minimum_length_source = "secedit /export: MinimumPasswordLength (line " +
                                 std::to_string(policy.line_minimum_length) + ")";
    } else {
      pw.minimum_length = Observed<int>::failed(
          modals.error().message + (!pw.secedit_error.empty()
                                        ? "; and " + pw.secedit_error
                                        : "; and secedit /export states no MinimumPasswordLength"));
    }
  }
  if (!pw.history.ok()) {
    pw.history = policy.history_size
                     ? Observed<int>::of(*policy.history_size)
                     : Observed<int>::failed("neither NetUserModalsGet nor secedit said");
  }
  if (pw.account.empty()) {
    if (auto admin = api.builtinAdministrator(); admin && !admin->empty()) {
      pw.account = *admin;
      pw.account_source = "the built-in administrator (RID 500) in the SAM hive";
    }
  }
  if (pw.account.empty()) {
    pw.account = "Administrator";
    pw.account_source = "the built-in administrator's default name (not renamed as far as known)";
  }
  auto full = api.userFullName(pw.account);
  pw.full_name =
      full ? Observed<std::string>::of(*full) : Observed<std::string>::failed(full.error().message);
}

void probeServices(const WindowsApi& api, WindowsFacts& facts) {
  auto names = api.regSubkeys(kServicesKey);
  if (!names) {
    facts.services = Observed<std::vector<WindowsServiceEntry>>::failed(names.error().message);
    return;
  }
  std::vector<WindowsServiceEntry> out;
  for (const std::string& name : *names) {
    std::string key = std::string(kServicesKey) + "\\" + name;
    auto type = api.regValue(key, "Type");
    // A subkey without a Type is configuration of something else, not a service.
    if (!type || type->type != RegType::kDword) continue;
    WindowsServiceEntry e;
    e.name = name;
    e.type = static_cast<std::uint32_t>(type->number);
    auto start = api.regValue(key, "Start");
    e.start_type = std::string(toString(start && start->type == RegType::kDword
                                            ? startTypeFromValue(start->number)
                                            : StartType::kUnknown));
    e.display_name = textOf(api.regValue(key, "DisplayName"));
    e.image_path = textOf(api.regValue(key, "ImagePath"));
    out.push_back(std::move(e));
  }
  facts.services = Observed<std::vector<WindowsServiceEntry>>::of(std::move(out));
}

void probePrograms(const WindowsApi& api, WindowsFacts& facts) {
  std::vector<WindowsProgram> out;
  for (std::string_view root : kUninstallKeys) {
    auto subkeys = api.regSubkeys(root);
    if (!subkeys) {
      // A 32-bit system has no WOW6432Node; any other failure leaves the list incomplete.
      if (subkeys.error().code == ErrorCode::kNotFound) continue;
      facts.programs = Observed<std::vector<WindowsProgram>>::failed(subkeys.error().message);
      return;
    }
    for (const std::string& sub : *subkeys) {
      std::string key = std::string(root) + "\\" + sub;
      std::string name = textOf(api.regValue(key, "DisplayName"));
      if (name.empty()) continue;
      out.push_back({key, name, textOf(api.regValue(key, "Publisher")),
                     textOf(api.regValue(key, "DisplayVersion"))});
    }
  }
  facts.programs = Observed<std::vector<WindowsProgram>>::of(std::move(out));
}

void probeDriverFiles(const Host& host, const WindowsApi& api, WindowsFacts& facts) {
  facts.driver_files.clear();
  auto root = systemRoot(api);
  std::vector<std::string> repository;
  std::string repository_error;
  if (root) {
    auto listed = host.listDir(*root + "\\System32\\DriverStore\\FileRepository");
    if (listed) {
      repository = std::move(*listed);
    } else if (listed.error().code != ErrorCode::kNotFound) {
      repository_error = listed.error().message;
    }
  }
  for (std::string_view name : kParavirtualDrivers) {
    WindowsDriverFile d;
    d.name = std::string(name);
    if (!root) {
      d.error = "the system root is not known: " + root.error().message;
      facts.driver_files.push_back(std::move(d));
      continue;
    }
    d.path = *root + "\\System32\\drivers\\" + d.name + ".sys";
    auto st = host.stat(d.path);
    if (st) {
      d.present = true;
      d.read_only = (st->mode & 0222) == 0;
    } else if (st.error().code != ErrorCode::kNotFound) {
      d.error = st.error().message;
    }
    std::string prefix = d.name + ".inf_";
    for (const std::string& entry : repository) {
      if (lowerAscii(entry).starts_with(prefix)) d.staged.push_back(entry);
    }
    if (!repository_error.empty() && d.error.empty()) {
      d.error = "the driver store could not be listed: " + repository_error;
    }
    facts.driver_files.push_back(std::move(d));
  }
}

void probeCriticalDevices(const WindowsApi& api, WindowsFacts& facts) {
  using Devices = Observed<std::vector<WindowsCriticalDevice>>;
  const std::string root = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\CriticalDeviceDatabase";
  auto names = api.regSubkeys(root);
  if (!names) {
    // An absent key holds no entries (Windows 8 and later no longer use it).
    facts.critical_devices = names.error().code == ErrorCode::kNotFound
                                 ? Devices::of({})
                                 : Devices::failed(root + ": " + names.error().message);
    return;
  }
  std::vector<WindowsCriticalDevice> out;
  for (const std::string& name : *names) {
    if (!lowerAscii(name).starts_with("pci#ven_1af4&")) continue;
    WindowsCriticalDevice d;
    d.id = name;
    d.service = textOf(api.regValue(root + "\\" + name, "Service"));
    out.push_back(std::move(d));
  }
  facts.critical_devices = Devices::of(std::move(out));
}

/// The installed updates from `systeminfo`'s hotfix list, for when the CBS packages cannot be
/// read (a damaged or locked-down key): it lists installed updates only, in any language.
Observed<std::vector<WindowsUpdate>> updatesFromSystemInfo(const Host& host,
                                                           const std::string& cbs_error) {
  using Updates = Observed<std::vector<WindowsUpdate>>;
  const std::string why = "the CBS packages could not be listed (" + cbs_error + "), and ";
  // systeminfo asks WMI for the hotfixes, which takes seconds on an old server.
  auto r = host.run({"systeminfo"}, std::chrono::seconds(120));
  if (!r) return Updates::failed(why + "systeminfo could not run: " + r.error().message);
  if (r->exit_code != 0) {
    std::string decoded = decodeWindowsText(r->err).text;
    std::string err(trimBlanks(decoded));
    return Updates::failed(why + "systeminfo exited " + std::to_string(r->exit_code) +
                           (err.empty() ? "" : ": " + err.substr(0, err.find('\n'))));
  }
  SystemInfo info = parseSystemInfo(decodeWindowsText(r->out).text);
  for (const ConfigProblem& p : info.problems) {
    if (p.line == 0) return Updates::failed(why + "systeminfo's output: " + p.message);
  }
  std::vector<WindowsUpdate> out;
  for (const std::string& kb : info.hotfixes) {
    WindowsUpdate u;
    u.kb = kb;
    u.state = 0x70;  // listed by systeminfo: installed
    u.source = "systeminfo";
    out.push_back(std::move(u));
  }
  return Updates::of(std::move(out));
}

void probeUpdates(const Host& host, const WindowsApi& api, WindowsFacts& facts) {
  std::string packages_key = std::string(kCbsKey) + "\\Packages";
  auto names = api.regSubkeys(packages_key);
  if (!names) {
    facts.updates = updatesFromSystemInfo(host, names.error().message);
    return;
  }
  std::vector<WindowsUpdate> out;
  for (const std::string& name : *names) {
    std::string lower = lowerAscii(name);
    if (!lower.starts_with("package_for_kb")) continue;
    std::size_t end = 14;
    while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]))) ++end;
    if (end == 14) continue;
    WindowsUpdate u;
    u.kb = "KB" + name.substr(14, end - 14);
    u.package = name;
    auto state = api.regValue(packages_key + "\\" + name, "CurrentState");
    if (state && state->type == RegType::kDword)
      u.state = static_cast<std::uint32_t>(state->number);
    out.push_back(std::move(u));
  }
  facts.updates = Observed<std::vector<WindowsUpdate>>::of(std::move(out));
}

void probePending(const WindowsApi& api, WindowsFacts& facts) {
  facts.pending.clear();
  const std::string cbs(kCbsKey);
  facts.pending.push_back(keyMarker(api, "cbs-reboot-pending", cbs + "\\RebootPending"));
  facts.pending.push_back(keyMarker(api, "cbs-reboot-in-progress", cbs + "\\RebootInProgress"));
  facts.pending.push_back(keyMarker(api, "cbs-packages-pending", cbs + "\\PackagesPending"));
  facts.pending.push_back(
      keyMarker(api, "windows-update-reboot-required",
                "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\"
                "RebootRequired"));
  for (std::string_view value : {"PendingFileRenameOperations", "PendingFileRenameOperations2"}) {
    RegistryFact r = readRegistry(api, kSessionManagerKey, value);
    WindowsPendingMarker m{value == "PendingFileRenameOperations" ? "file-rename-operations"
                                                                  : "file-rename-operations-2",
                           r.key + "\\" + r.name, false, "", r.error};
    // Pairs of (source, target): a file replaced or deleted at the next boot.
    if (r.present && !r.text.empty()) {
      std::size_t lines = static_cast<std::size_t>(std::count(r.text.begin(), r.text.end(), '\n'));
      m.present = true;
      m.detail = std::to_string((lines + 2) / 2) +
                 " file operation(s), first: " + r.text.substr(0, r.text.find('\n'));
    }
    facts.pending.push_back(std::move(m));
  }
  RegistryFact volatile_updates =
      readRegistry(api, "HKLM\\SOFTWARE\\Microsoft\\Updates", "UpdateExeVolatile");
  facts.pending.push_back(
      {"update-exe-volatile", volatile_updates.key + "\\" + volatile_updates.name,
       volatile_updates.present && volatile_updates.number != 0,
       volatile_updates.present ? "UpdateExeVolatile=" + volatile_updates.text : "",
       volatile_updates.error});
  RegistryFact active = readRegistry(
      api, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ActiveComputerName",
      "ComputerName");
  RegistryFact next = readRegistry(
      api, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName", "ComputerName");
  WindowsPendingMarker rename{"computer-rename", next.key + "\\" + next.name, false, "",
                              !active.error.empty() ? active.error : next.error};
  // ActiveComputerName is volatile: absent offline, so no rename can be seen then.
  if (active.present && next.present && !equalsNoCase(active.text, next.text)) {
    rename.present = true;
    rename.detail = "the computer is renamed from " + active.text + " to " + next.text;
  }
  facts.pending.push_back(std::move(rename));
}

void probeHibernate(const Host& host, const WindowsApi& api, WindowsFacts& facts) {
  WindowsHibernateFacts& h = facts.hibernate;
  const std::string power = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Power";
  h.hibernate_enabled = readRegistry(api, power, "HibernateEnabled");
  h.hibernate_default = readRegistry(api, power, "HibernateEnabledDefault");
  h.hiberboot = readRegistry(api, std::string(kSessionManagerKey) + "\\Power", "HiberbootEnabled");
  auto root = systemRoot(api);
  if (!root) {
    h.hiberfil = Observed<bool>::failed("the system root is not known: " + root.error().message);
    return;
  }
  std::string file = root->substr(0, 2) + "\\hiberfil.sys";
  auto st = host.stat(file);
  if (st) {
    h.hiberfil = Observed<bool>::of(true);
  } else if (st.error().code == ErrorCode::kNotFound) {
    h.hiberfil = Observed<bool>::of(false);
  } else {
    h.hiberfil = Observed<bool>::failed(st.error().message);
  }
}

void probeVolume(const WindowsApi& api, WindowsFacts& facts) {
  WindowsVolumeFacts& v = facts.volume;
  v = WindowsVolumeFacts{};
  v.boot_execute = readRegistry(api, kSessionManagerKey, "BootExecute");
  auto root = systemRoot(api);
  if (!root) {
    std::string why = "the system drive is not known: " + root.error().message;
    v.filesystem = Observed<std::string>::failed(why);
    v.total_bytes = v.free_bytes = Observed<std::uint64_t>::failed(why);
    v.dirty = Observed<bool>::failed(why);
    v.partition_style = Observed<std::string>::failed(why);
    return;
  }
  v.drive = root->substr(0, 2);
  auto info = api.volumeInfo(v.drive);
  if (info) {
    v.filesystem = Observed<std::string>::of(info->filesystem);
    v.total_bytes = Observed<std::uint64_t>::of(info->total_bytes);
    v.free_bytes = Observed<std::uint64_t>::of(info->free_bytes);
  } else {
    v.filesystem = Observed<std::string>::failed(info.error().message);
    v.total_bytes = v.free_bytes = Observed<std::uint64_t>::failed(info.error().message);
  }
  auto dirty = api.volumeDirty(v.drive);
  v.dirty = dirty ? Observed<bool>::of(*dirty) : Observed<bool>::failed(dirty.error().message);
  auto layout = api.diskLayout(v.drive);
  if (layout) {
    v.partition_style = Observed<std::string>::of(layout->style);
    v.partitions = layout->partitions;
  } else {
    v.partition_style = Observed<std::string>::failed(layout.error().message);
  }
}

void probeSfcLog(const Host& host, const WindowsApi& api, WindowsFacts& facts, bool run) {
  auto root = systemRoot(api);
  if (!root) {
    facts.sfc =
        Observed<WindowsSfcFacts>::failed("the system root is not known: " + root.error().message);
    return;
  }
  WindowsSfcFacts s;
  s.log = *root + "\\Logs\\CBS\\CBS.log";
  // CBS.log is rotated at about 50 MB; a larger one is read no further than this.
  constexpr std::size_t kMaxLog = std::size_t{128} << 20;
  auto readLog = [&]() -> Result<SfcLog> {
    auto text = host.readFile(s.log, kMaxLog);
    if (!text) return std::unexpected(text.error());
    return parseSfcLog(decodeWindowsText(*text).text);
  };
  s.run_asked = run;
  if (run && !host.hasRuntimeState()) {
    s.run_error = "sfc cannot run on a system that is not running";
  } else if (run) {
    auto before = readLog();
    // It verifies every protected file: minutes on a server, more on a slow disk.
    auto r = host.run({"sfc", "/verifyonly"}, std::chrono::minutes(90));
    if (!r) {
      s.run_error = "sfc /verifyonly could not run: " + r.error().message;
    } else {
      s.ran = true;
      s.run_exit_code = r->exit_code;
      // Its verdict is the verify batch it adds to CBS.log (its exit code and its console text,
      // in the system's language, say less). No new batch: it did not verify, and its first
      // line says why ("You must be an administrator running a console session...").
      auto after = readLog();
      bool verified = after && after->verify_batches > 0 &&
                      (!before || after->verify_batches > before->verify_batches ||
                       after->last_run != before->last_run);
      if (!verified) {
        std::string said(trimBlanks(decodeWindowsText(r->out + r->err).text));
        std::string first(trimBlanks(said.substr(0, said.find('\n'))));
        s.run_error = "sfc /verifyonly exited " + std::to_string(r->exit_code) +
                      " without a verification in " + s.log + (first.empty() ? "" : ": " + first);
      }
    }
  }
  auto parsed = readLog();
  if (!parsed) {
    facts.sfc = Observed<WindowsSfcFacts>::failed(parsed.error().message +
                                                  (s.run_error.empty() ? "" : "; " + s.run_error));
    return;
  }
  s.verify_batches = parsed->verify_batches;
  s.corrupt = std::move(parsed->corrupt);
  s.not_repaired = std::move(parsed->not_repaired);
  s.last_run = std::move(parsed->last_run);
  s.last_line = parsed->last_line;
  facts.sfc = Observed<WindowsSfcFacts>::of(std::move(s));
}

}  // namespace guestprep::os_windows
