// Probes of the system family: thin readers through the Host; parsing is in
// parsers/system_release and parsers/system_files.
#include "probes/system_probes.h"

#include <algorithm>
#include <exception>
#include <functional>

#include "parsers/shell_vars.h"
#include "parsers/system_files.h"
#include "parsers/system_release.h"
#include "parsers/text.h"
#include "probes/boot_cmdlines.h"
#include "probes/boot_services.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

// /bin/sh is bash (about 1.2 MB) or dash or busybox; anything larger is not a shell.
constexpr std::size_t kMaxShellBytes = 8 * 1024 * 1024;

std::string firstLine(std::string_view text) {
  return std::string(trim(text.substr(0, text.find('\n'))));
}

// uname -m says i686 or i586 on 32-bit x86; the import form and the ELF header say i386.
std::string normaliseArch(std::string arch) {
  if (arch.size() == 4 && arch[0] == 'i' && arch.substr(2) == "86") return "i386";
  return arch;
}

std::string entryKind(const Result<FileStat>& st) {
  if (!st) return st.error().code == ErrorCode::kNotFound ? "absent" : "unknown";
  switch (st->type) {
    case FileStat::Type::kSymlink:
      return "symlink";
    case FileStat::Type::kDirectory:
      return "directory";
    case FileStat::Type::kRegular:
      return "file";
    default:
      return "other";
  }
}

// The state of a machine-id file: "absent", "empty", "uninitialized" (systemd 247+ writes this
// into images so the first boot generates an ID, machine-id(5)), or "set".
std::string machineIdState(const std::optional<std::string>& text, std::string* id) {
  if (!text) return "absent";
  std::string v(trim(*text));
  if (v.empty()) return "empty";
  if (v == "uninitialized") return "uninitialized";
  if (id) *id = v;
  return "set";
}

}  // namespace

std::vector<ReleaseInfo> readReleaseFiles(const Host& host, std::vector<ConfigProblem>& problems) {
  std::vector<ReleaseInfo> out;
  auto add = [&](const char* path) {
    std::optional<std::string> text = readIfPresent(host, path, problems);
    if (!text) return false;
    if (auto r = parseReleaseFile(path, *text)) out.push_back(std::move(*r));
    return true;
  };
  // os-release(5): /etc/os-release takes precedence; /usr/lib/os-release is the fallback.
  if (!add("/etc/os-release")) add("/usr/lib/os-release");
  // Derivatives keep a redhat-release that names Red Hat; their own file comes first.
  for (const char* path : {"/etc/centos-release", "/etc/oracle-release", "/etc/alinux-release",
                           "/etc/redhat-release", "/etc/SuSE-release", "/etc/system-release",
                           "/etc/lsb-release", "/etc/debian_version", "/etc/issue"}) {
    add(path);
  }
  return out;
}

void probePlatform(const Host& host, SystemFacts& sys, OsInfo& os) {
  PlatformFacts& p = sys.platform;
  p.releases = readReleaseFiles(host, sys.problems);
  if (host.hasRuntimeState()) {
    auto u = host.run({"uname", "-m"});
    if (u && u->exit_code == 0 && !firstLine(u->out).empty()) {
      p.arch = Observed<std::string>::of(normaliseArch(firstLine(u->out)));
      p.arch_source = "uname -m";
    }
  }
  if (!p.arch.ok()) {
    // Offline: the architecture the userland is built for, from the ELF header of /bin/sh.
    auto real = host.canonicalPath("/bin/sh");
    std::string shown = real ? *real : "/bin/sh";
    auto bytes = host.readFile("/bin/sh", kMaxShellBytes);
    p.arch_source = shown;
    if (!bytes) {
      p.arch = Observed<std::string>::failed("cannot read /bin/sh: " + bytes.error().message);
    } else if (auto arch = elfArchitecture(*bytes)) {
      p.arch = Observed<std::string>::of(*arch);
    } else {
      p.arch =
          Observed<std::string>::failed(shown + " is not an ELF executable of a known machine");
    }
  }
  if (os.arch.empty() && p.arch.ok()) os.arch = *p.arch.value;
  auto fs = host.fsStats("/");
  if (fs) {
    p.root_fs_bytes = Observed<std::uint64_t>::of(fs->blocks * fs->block_size);
  } else {
    p.root_fs_bytes = Observed<std::uint64_t>::failed(fs.error().message);
  }
}

void probeRootAccount(const Host& host, SystemFacts& sys) {
  RootAccountFacts& r = sys.root;
  if (auto passwd = readIfPresent(host, "/etc/passwd", sys.problems)) {
    r.passwd_read = true;
    if (auto e = findColonEntry(*passwd, "root")) {
      r.passwd_line = e->line;
      if (e->fields.size() >= 3) {
        const std::string& uid = e->fields[2];
        if (!uid.empty() && std::all_of(uid.begin(), uid.end(), ::isdigit) && uid.size() < 12) {
          r.uid = std::stoll(uid);
        }
      }
      // login(1) runs /bin/sh when the shell field is empty (passwd(5)).
      r.shell = e->fields.size() >= 7 && !e->fields[6].empty() ? e->fields[6] : "/bin/sh";
      r.shell_exists = r.shell.starts_with('/') && host.exists(r.shell);
    }
  }
  if (auto shadow = readIfPresent(host, "/etc/shadow", sys.problems)) {
    r.shadow_read = true;
    if (auto e = findColonEntry(*shadow, "root")) r.shadow_line = e->line;
  }
  std::vector<std::string> seen;
  for (const char* path : {"/usr/bin/passwd", "/bin/passwd", "/usr/sbin/passwd", "/sbin/passwd"}) {
    auto st = host.stat(path);
    if (!st || st->type != FileStat::Type::kRegular) continue;
    // With merged /usr, /bin/passwd and /usr/bin/passwd are one file: name it once.
    auto real = host.canonicalPath(path);
    std::string key = real ? *real : path;
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    r.passwd_commands.push_back(path);
  }
}

void probeTopLevelLinks(const Host& host, SystemFacts& sys) {
  for (const char* path : {"/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin"}) {
    TopLevelLink link{path, "", ""};
    auto st = host.lstat(path);
    link.kind = entryKind(st);
    if (link.kind == "unknown") {
      sys.problems.push_back({path, 0, st.error().message});
    } else if (link.kind == "symlink") {
      auto target = host.readLink(path);
      if (target) {
        link.target = *target;
      } else {
        sys.problems.push_back({path, 0, target.error().message});
      }
    }
    sys.top_links.push_back(std::move(link));
  }
}

void probeSelinux(const Host& host, SystemFacts& sys) {
  SelinuxFacts& s = sys.selinux;
  if (auto text = readIfPresent(host, "/etc/selinux/config", sys.problems)) {
    s.config_present = true;
    SelinuxConfig cfg = parseSelinuxConfig(*text);
    s.mode = cfg.mode;
    s.mode_source = {"/etc/selinux/config", cfg.mode_line};
    for (SelinuxSetting bad : cfg.invalid) {
      bad.source.file = "/etc/selinux/config";
      s.invalid.push_back(std::move(bad));
    }
  }
  NextBootCmdlines boot = readNextBootCmdlines(host);
  // The boot loader's own entries are what boots; /etc/default/grub only says what the next
  // grub-mkconfig would write, so it counts only when no entry was found.
  std::vector<const KernelCmdline*> entries, defaults;
  for (const KernelCmdline& cl : boot.lines) {
    (cl.source.file.starts_with("/etc/default/grub") ? defaults : entries).push_back(&cl);
  }
  for (const KernelCmdline* cl : entries.empty() ? defaults : entries) {
    s.boot_entries.push_back(cl->source);
    for (const std::string& arg : cl->args) {
      if (arg.starts_with("selinux=") || arg.starts_with("enforcing=")) {
        s.boot_args.push_back({cl->source, arg});
      }
    }
  }
  for (ConfigProblem& p : boot.problems) sys.problems.push_back(std::move(p));
}

void probeMachineId(const Host& host, SystemFacts& sys) {
  MachineIdFacts& m = sys.machine_id;
  m.machine_id_state =
      machineIdState(readIfPresent(host, "/etc/machine-id", sys.problems), &m.machine_id);
  auto dbus = host.lstat("/var/lib/dbus/machine-id");
  if (dbus && dbus->type == FileStat::Type::kSymlink) {
    m.dbus_state = "symlink";
  } else {
    m.dbus_state =
        machineIdState(readIfPresent(host, "/var/lib/dbus/machine-id", sys.problems), nullptr);
  }
  for (const std::string& name : listIfPresent(host, "/etc/ssh", sys.problems)) {
    if (globMatch("ssh_host_*_key", name)) m.ssh_host_keys.push_back("/etc/ssh/" + name);
  }
}

void probeResolv(const Host& host, SystemFacts& sys) {
  ResolvFacts& r = sys.resolv;
  constexpr const char* kPath = "/etc/resolv.conf";
  auto st = host.lstat(kPath);
  r.kind = entryKind(st);
  if (r.kind == "unknown") sys.problems.push_back({kPath, 0, st.error().message});
  if (r.kind == "symlink") {
    if (auto t = host.readLink(kPath)) r.link_target = *t;
  }
  if (r.kind == "file") {
    auto flags = host.inodeFlags(kPath);
    r.inode_flags = flags ? Observed<std::uint32_t>::of(*flags)
                          : Observed<std::uint32_t>::failed(flags.error().message);
  } else {
    r.inode_flags = Observed<std::uint32_t>::failed("not a regular file (" + r.kind + ")");
  }
  if (r.kind == "file" || r.kind == "symlink") {
    // A symlink into /run has no target on an offline root: that is normal, not a problem.
    if (auto text = readIfPresent(host, kPath, sys.problems)) {
      ResolvConf rc = parseResolvConf(*text);
      r.generated_by = rc.generated_by;
      for (Nameserver ns : rc.nameservers) {
        ns.source.file = kPath;
        r.nameservers.push_back(std::move(ns));
      }
    }
  }
  auto enabled = [&](std::string_view unit, std::string_view sysv, const char* label) {
    BootServiceState s = serviceState(host, unit, sysv);
    if (s.enabled) r.managers.push_back(std::string(label) + " (" + s.evidence + ")");
  };
  enabled("NetworkManager.service", "NetworkManager", "NetworkManager");
  enabled("systemd-resolved.service", "", "systemd-resolved");
  bool resolvconf = false;
  for (const char* path : {"/sbin/resolvconf", "/usr/sbin/resolvconf"}) {
    if (host.exists(path)) {
      r.managers.push_back(std::string("resolvconf (") + path + ")");
      resolvconf = true;
      break;
    }
  }
  // ISC dhclient's script writes the lease's DNS servers into resolv.conf itself when resolvconf
  // is not there to take them (Debian's and RHEL's dhclient-script, make_resolv_conf).
  for (const char* path : {"/sbin/dhclient-script", "/usr/sbin/dhclient-script"}) {
    if (resolvconf || !host.exists(path)) continue;
    r.managers.push_back(std::string("dhclient (") + path + ") when an interface uses DHCP");
    break;
  }
  // SUSE's netconfig writes resolv.conf unless NETCONFIG_DNS_POLICY is empty; unset means
  // "auto" (/etc/sysconfig/network/config, netconfig(8)).
  if (auto cfg = readIfPresent(host, "/etc/sysconfig/network/config", sys.problems)) {
    ShellVarsFile vars = parseShellVars(*cfg);
    const ShellVar* policy = vars.find("NETCONFIG_DNS_POLICY");
    std::string value = policy ? policy->value : "auto";
    if (!trim(value).empty()) {
      r.managers.push_back("netconfig (NETCONFIG_DNS_POLICY=" + value + ")");
    }
  }
}

void probeSystem(const Host& host, SystemFacts& sys, OsInfo& os) {
  struct Step {
    const char* file;  // the file whose rule must not judge without this probe
    std::function<void()> run;
  };
  const Step steps[] = {
      {"/etc/os-release", [&] { probePlatform(host, sys, os); }},
      {"/etc/passwd", [&] { probeRootAccount(host, sys); }},
      {"/lib", [&] { probeTopLevelLinks(host, sys); }},
      {"/etc/selinux/config", [&] { probeSelinux(host, sys); }},
      {"/etc/machine-id", [&] { probeMachineId(host, sys); }},
      {"/etc/resolv.conf", [&] { probeResolv(host, sys); }},
  };
  for (const Step& step : steps) {
    try {
      step.run();
    } catch (const std::exception& e) {
      sys.problems.push_back({step.file, 0, std::string("probe failed: ") + e.what()});
    }
  }
}

}  // namespace guestprep::os_linux
