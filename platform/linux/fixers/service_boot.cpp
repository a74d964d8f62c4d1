// Services at boot through files: systemd links, SysV rc links, upstart overrides.
#include "fixers/service_boot.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "fixers/edit.h"
#include "parsers/text.h"
#include "probes/boot_services.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kEtcUnits = "/etc/systemd/system";
// Where systemd looks for units and their links, highest precedence first (systemd.unit(5)).
constexpr std::array<std::string_view, 4> kUnitDirs = {
    "/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"};

std::string join(std::string_view dir, std::string_view name) {
  std::string p(dir);
  if (p != "/") p += '/';
  p += name;
  return p;
}

std::string baseName(std::string_view path) {
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool isSymlink(const Host& host, const std::string& path) {
  auto st = host.lstat(path);
  return st && st->type == FileStat::Type::kSymlink;
}

bool isDir(const Host& host, const std::string& path) {
  auto st = host.stat(path);
  return st && st->type == FileStat::Type::kDirectory;
}

/// Directories once each, by their canonical path (/lib may be /usr/lib, /etc/rc3.d may be
/// rc.d/rc3.d).
std::vector<std::string> uniqueDirs(const Host& host, const std::vector<std::string>& dirs) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& d : dirs) {
    if (!isDir(host, d)) continue;
    auto canon = host.canonicalPath(d);
    std::string c = canon ? *canon : d;
    if (seen.insert(c).second) out.push_back(c);
  }
  return out;
}

// --- systemd ------------------------------------------------------------------------------------

/// The unit file systemd would load (a /dev/null link is a mask, not a unit file).
std::string unitFile(const Host& host, std::string_view unit) {
  for (std::string_view dir : kUnitDirs) {
    std::string path = join(dir, unit);
    if (!host.entryExists(path)) continue;
    auto target = host.readLink(path);
    if (target && *target == "/dev/null") continue;
    if (host.exists(path)) return path;
  }
  return {};
}

bool maskedIn(const Host& host, std::string_view dir, std::string_view unit) {
  auto target = host.readLink(join(dir, unit));
  return target && *target == "/dev/null";
}

Result<ServiceChange> disableSystemd(const Host& host, const std::string& unit, bool mask) {
  ServiceChange out;
  std::string file = unitFile(host, unit);
  if (file.empty()) return out;
  UnitInstall install;
  if (auto text = host.readFile(file)) install = parseUnitInstall(*text);
  std::set<std::string> names = {unit};
  names.insert(install.alias.begin(), install.alias.end());
  // Links in /etc/systemd/system that point at the unit under another name are aliases too
  // (systemctl disable removes them with the rest).
  if (auto entries = host.listDir(kEtcUnits)) {
    for (const auto& e : *entries) {
      std::string path = join(kEtcUnits, e);
      if (e == unit || !isSymlink(host, path)) continue;
      auto target = host.readLink(path);
      if (target && baseName(*target) == unit) names.insert(e);
    }
  }
  bool vendor_enabled = false;
  std::vector<std::string> dirs(kUnitDirs.begin(), kUnitDirs.end());
  for (const std::string& dir : uniqueDirs(host, dirs)) {
    bool vendor = !dir.starts_with("/etc/") && !dir.starts_with("/run/");
    auto entries = host.listDir(dir);
    if (!entries) continue;
    for (const auto& e : *entries) {
      if (!e.ends_with(".wants") && !e.ends_with(".requires")) continue;
      for (const auto& name : names) {
        std::string link = join(join(dir, e), name);
        if (!isSymlink(host, link)) continue;
        if (vendor) {
          vendor_enabled = true;
          continue;
        }
        out.actions.push_back(removeAction(link, unit + " not started at boot"));
        out.changes.push_back("remove " + link);
      }
    }
  }
  for (const auto& name : names) {
    if (name == unit) continue;
    std::string path = join(kEtcUnits, name);
    if (!isSymlink(host, path)) continue;
    out.actions.push_back(removeAction(path, "alias of " + unit + " removed"));
    out.changes.push_back("remove alias " + path);
  }
  if (mask || vendor_enabled) {
    std::string path = join(kEtcUnits, unit);
    if (!maskedIn(host, kEtcUnits, unit)) {
      if (host.entryExists(path)) {
        out.notes.push_back(path + " is a unit file of its own, so " + unit +
                            " is not masked (disabled only)");
      } else {
        out.actions.push_back(
            symlinkAction(path, "/dev/null",
                          vendor_enabled ? unit + " masked: a vendor link under /usr/lib starts it"
                                         : unit + " masked: nothing may start it"));
        out.changes.push_back("mask " + unit);
      }
    }
  }
  return out;
}

Result<ServiceChange> enableSystemd(const Host& host, const std::string& unit, int depth) {
  ServiceChange out;
  for (std::string_view dir :
       {std::string_view("/etc/systemd/system"), std::string_view("/run/systemd/system")}) {
    if (maskedIn(host, dir, unit)) {
      out.actions.push_back(removeAction(join(dir, unit), unit + " unmasked"));
      out.changes.push_back("unmask " + unit);
    }
  }
  std::string file = unitFile(host, unit);
  if (file.empty()) {
    return fail(ErrorCode::kNotFound, "no unit file " + unit + " to enable");
  }
  auto text = host.readFile(file);
  if (!text) return std::unexpected(text.error());
  UnitInstall install = parseUnitInstall(*text);
  if (install.wanted_by.empty() && install.required_by.empty() && install.alias.empty() &&
      install.also.empty()) {
    out.notes.push_back(unit +
                        " has no [Install] section (a static unit): something else starts "
                        "it, so it cannot be enabled by a link");
    return out;
  }
  std::set<std::string> made_dirs;
  auto link = [&](const std::string& target_unit, const std::string& suffix) -> void {
    std::string dir = join(kEtcUnits, target_unit + suffix);
    if (!isDir(host, dir) && !made_dirs.contains(dir)) {
      out.actions.push_back(makeDirAction(dir, "for " + unit + "'s boot link"));
      made_dirs.insert(dir);
    }
    std::string path = join(dir, unit);
    auto cur = host.readLink(path);
    if (cur && *cur == file) return;
    out.actions.push_back(symlinkAction(path, file, unit + " started at boot"));
    out.changes.push_back("link " + path + " -> " + file);
  };
  for (const auto& t : install.wanted_by) link(t, ".wants");
  for (const auto& t : install.required_by) link(t, ".requires");
  for (const auto& a : install.alias) {
    if (a == unit) continue;
    std::string path = join(kEtcUnits, a);
    auto cur = host.readLink(path);
    if (cur && *cur == file) continue;
    if (host.entryExists(path) && !cur) {
      out.notes.push_back(path + " exists and is not a link; alias " + a + " left alone");
      continue;
    }
    out.actions.push_back(symlinkAction(path, file, "alias of " + unit));
    out.changes.push_back("alias " + path + " -> " + file);
  }
  // Also= units are enabled with it (systemctl enable); one level is enough in practice.
  if (depth == 0) {
    for (const auto& also : install.also) {
      if (unitFile(host, also).empty()) continue;
      auto more = enableSystemd(host, also, depth + 1);
      if (!more) return std::unexpected(more.error());
      out.append(std::move(*more));
    }
  }
  return out;
}

// --- SysV ---------------------------------------------------------------------------------------

std::string initScript(const Host& host, std::string_view name) {
  for (std::string_view dir : {"/etc/init.d", "/etc/rc.d/init.d"}) {
    std::string path = join(dir, name);
    if (host.exists(path)) return path;
  }
  return {};
}

/// Every rc directory of every layout (RHEL rc.d/rcN.d, Debian rcN.d and rcS.d, SUSE
/// init.d/rcN.d and boot.d), once each.
std::vector<std::string> rcDirs(const Host& host) {
  std::vector<std::string> dirs;
  for (char level : std::string("0123456S")) {
    dirs.push_back(fmt::format("/etc/rc.d/rc{}.d", level));
    dirs.push_back(fmt::format("/etc/rc{}.d", level));
    dirs.push_back(fmt::format("/etc/init.d/rc{}.d", level));
  }
  dirs.push_back("/etc/init.d/boot.d");
  return uniqueDirs(host, dirs);
}

/// The rc directory of one runlevel ("3", "S", "B") in the layout the system uses.
std::string rcDirFor(const Host& host, const std::string& level) {
  std::vector<std::string> candidates;
  if (level == "B" || level == "b") {
    candidates = {"/etc/init.d/boot.d"};
  } else {
    candidates = {fmt::format("/etc/rc.d/rc{}.d", level), fmt::format("/etc/rc{}.d", level),
                  fmt::format("/etc/init.d/rc{}.d", level)};
  }
  auto dirs = uniqueDirs(host, candidates);
  return dirs.empty() ? std::string() : dirs.front();
}

/// "S08iptables" → 8 when it is an S or K link of `name`; -1 otherwise.
int linkNumber(const std::string& entry, char kind, std::string_view name) {
  if (entry.size() < 4 || entry[0] != kind) return -1;
  if (!std::isdigit(static_cast<unsigned char>(entry[1])) ||
      !std::isdigit(static_cast<unsigned char>(entry[2]))) {
    return -1;
  }
  if (std::string_view(entry).substr(3) != name) return -1;
  return (entry[1] - '0') * 10 + (entry[2] - '0');
}

std::string linkName(char kind, int number, std::string_view name) {
  return fmt::format("{}{:02d}{}", kind, std::clamp(number, 0, 99), name);
}

Result<ServiceChange> disableSysv(const Host& host, const std::string& name) {
  ServiceChange out;
  std::string script = initScript(host, name);
  SysvHeader header;
  if (!script.empty()) {
    if (auto text = host.readFile(script)) header = parseSysvHeader(*text);
  }
  for (const std::string& dir : rcDirs(host)) {
    auto entries = host.listDir(dir);
    if (!entries) continue;
    for (const auto& e : *entries) {
      int n = linkNumber(e, 'S', name);
      if (n < 0) continue;
      std::string from = join(dir, e);
      auto target = host.readLink(from);
      if (!target) continue;  // an S file that is no link is not a boot link
      // chkconfig off puts the script's stop priority; update-rc.d disable makes SNN KMM with
      // MM = 100 - NN.
      int k = header.stop >= 0 ? header.stop : 100 - n;
      std::string to = join(dir, linkName('K', k, name));
      out.actions.push_back(removeAction(from, name + " not started at boot"));
      if (!host.entryExists(to)) {
        out.actions.push_back(symlinkAction(to, *target, name + " stopped in this runlevel"));
      }
      out.changes.push_back("rename " + from + " to " + baseName(to));
    }
  }
  return out;
}

Result<ServiceChange> enableSysv(const Host& host, const std::string& name) {
  ServiceChange out;
  std::string script = initScript(host, name);
  if (script.empty()) return fail(ErrorCode::kNotFound, "no init script " + name + " to enable");
  auto text = host.readFile(script);
  if (!text) return std::unexpected(text.error());
  SysvHeader header = parseSysvHeader(*text);
  std::vector<std::string> levels;
  if (!header.chkconfig_levels.empty() && header.chkconfig_levels != "-") {
    for (char c : header.chkconfig_levels) levels.emplace_back(1, c);
  } else if (!header.default_start.empty()) {
    levels = header.default_start;
  } else {
    levels = {"2", "3", "4", "5"};  // update-rc.d defaults
  }
  for (const auto& level : levels) {
    std::string dir = rcDirFor(host, level);
    if (dir.empty()) {
      out.notes.push_back("no rc directory for runlevel " + level + "; " + name +
                          " not linked there");
      continue;
    }
    auto entries = host.listDir(dir);
    if (!entries) return std::unexpected(entries.error());
    bool started = false;
    int from_k = -1;
    std::vector<std::string> k_links;
    for (const auto& e : *entries) {
      if (linkNumber(e, 'S', name) >= 0) started = true;
      int k = linkNumber(e, 'K', name);
      if (k >= 0) {
        from_k = k;
        k_links.push_back(e);
      }
    }
    if (started) continue;
    int number = header.start >= 0 ? header.start : from_k >= 0 ? 100 - from_k : 20;
    for (const auto& k : k_links) {
      out.actions.push_back(removeAction(join(dir, k), name + " no longer stopped here"));
    }
    // The links chkconfig and update-rc.d make: relative, to the script beside the rc dirs.
    std::string target = dir.starts_with("/etc/init.d/") ? "../" + name : "../init.d/" + name;
    std::string to = join(dir, linkName('S', number, name));
    out.actions.push_back(symlinkAction(to, target, name + " started at boot"));
    out.changes.push_back("link " + to + " -> " + target);
  }
  return out;
}

// --- upstart ------------------------------------------------------------------------------------

bool isManualLine(std::string_view line) { return trim(line) == "manual"; }

Result<ServiceChange> disableUpstart(const Host& host, const std::string& job) {
  ServiceChange out;
  std::string conf = "/etc/init/" + job + ".conf";
  if (!host.exists(conf)) return out;
  std::string path = "/etc/init/" + job + ".override";
  std::string text;
  if (host.entryExists(path)) {
    auto cur = host.readFile(path);
    if (!cur) return std::unexpected(cur.error());
    text = *cur;
  }
  TextLines lines(text);
  for (int n = 1; n <= static_cast<int>(lines.size()); ++n) {
    if (isManualLine(lines.at(n))) return out;
  }
  // init(5): `manual` in the override file stops the job from starting on its events.
  if (text.empty()) {
    text = "# " + editMarker() + ": not started at boot\nmanual\n";
  } else {
    lines.append("# " + editMarker() + ": not started at boot");
    lines.append("manual");
    text = lines.str();
  }
  out.actions.push_back(writeFileAction(path, text, job + " (upstart) not started at boot"));
  out.changes.push_back("manual in " + path);
  return out;
}

Result<ServiceChange> enableUpstart(const Host& host, const std::string& job) {
  ServiceChange out;
  for (const std::string& path :
       std::vector<std::string>{"/etc/init/" + job + ".override", "/etc/init/" + job + ".conf"}) {
    if (!host.entryExists(path)) continue;
    auto text = host.readFile(path);
    if (!text) return std::unexpected(text.error());
    TextLines lines(*text);
    bool changed = false;
    for (int n = 1; n <= static_cast<int>(lines.size()); ++n) {
      if (!isManualLine(lines.at(n))) continue;
      lines.commentOut(n, "started at boot again");
      changed = true;
    }
    if (!changed) continue;
    out.actions.push_back(writeFileAction(path, lines.str(), job + " (upstart) started at boot"));
    out.changes.push_back("manual commented out in " + path);
  }
  return out;
}

std::vector<std::string> splitValues(std::string_view v) { return splitWords(v); }

}  // namespace

void ServiceChange::append(ServiceChange other) {
  for (auto& a : other.actions) actions.push_back(std::move(a));
  for (auto& c : other.changes) changes.push_back(std::move(c));
  for (auto& n : other.notes) notes.push_back(std::move(n));
}

UnitInstall parseUnitInstall(std::string_view text) {
  UnitInstall out;
  bool in_install = false;
  for (const LogicalLine& ll : splitLogicalLines(text, true)) {
    std::string_view line = trim(ll.text);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      in_install = line == "[Install]";
      continue;
    }
    if (!in_install) continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = trim(line.substr(0, eq));
    std::string_view value = trim(line.substr(eq + 1));
    std::vector<std::string>* list = key == "WantedBy"     ? &out.wanted_by
                                     : key == "RequiredBy" ? &out.required_by
                                     : key == "Alias"      ? &out.alias
                                     : key == "Also"       ? &out.also
                                                           : nullptr;
    if (!list) continue;
    // systemd.unit(5): these take lists and may be given more than once; an empty assignment
    // resets the list.
    if (value.empty()) {
      list->clear();
      continue;
    }
    for (auto& w : splitValues(value)) {
      // A unit name never holds a slash; one would make the link escape its directory.
      if (w.find('/') != std::string::npos || w == "." || w == "..") continue;
      if (std::any_of(w.begin(), w.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
        continue;
      }
      if (std::find(list->begin(), list->end(), w) == list->end()) list->push_back(std::move(w));
    }
  }
  return out;
}

SysvHeader parseSysvHeader(std::string_view text) {
  SysvHeader out;
  for (const LogicalLine& ll : splitLogicalLines(text, false)) {
    std::string_view line = trim(ll.text);
    if (!line.starts_with('#')) continue;
    line = trim(line.substr(1));
    if (line.starts_with("chkconfig:") && out.chkconfig_levels.empty()) {
      auto words = splitWords(line.substr(10));
      if (words.size() < 3) continue;
      auto number = [](const std::string& w) {
        if (w.empty() || w.size() > 3 ||
            !std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          return -1;
        }
        return std::stoi(w);
      };
      bool levels_ok = words[0] == "-" || std::all_of(words[0].begin(), words[0].end(),
                                                      [](char c) { return c >= '0' && c <= '6'; });
      if (!levels_ok) continue;
      out.chkconfig_levels = words[0];
      out.start = number(words[1]);
      out.stop = number(words[2]);
    } else if (line.starts_with("Default-Start:") && out.default_start.empty()) {
      for (auto& w : splitWords(line.substr(14))) {
        if (w.size() == 1 && std::string_view("0123456SsBb").find(w[0]) != std::string::npos) {
          out.default_start.push_back(w);
        }
      }
    }
  }
  return out;
}

Result<ServiceChange> planDisableAtBoot(const Host& host, const ServiceNames& s, bool mask) {
  ServiceChange out;
  if (!s.systemd.empty()) {
    auto r = disableSystemd(host, s.systemd, mask);
    if (!r) return r;
    out.append(std::move(*r));
  }
  if (!s.sysv.empty()) {
    auto r = disableSysv(host, s.sysv);
    if (!r) return r;
    out.append(std::move(*r));
  }
  if (!s.upstart.empty()) {
    auto r = disableUpstart(host, s.upstart);
    if (!r) return r;
    out.append(std::move(*r));
  }
  return out;
}

Result<ServiceChange> planEnableAtBoot(const Host& host, const ServiceNames& s) {
  if (bootsWithSystemd(host)) {
    if (!s.systemd.empty()) {
      bool masked = maskedIn(host, "/etc/systemd/system", s.systemd) ||
                    maskedIn(host, "/run/systemd/system", s.systemd);
      if (!unitFile(host, s.systemd).empty() || masked) {
        if (systemdUnitState(host, s.systemd).enabled) return ServiceChange{};
        return enableSystemd(host, s.systemd, 0);
      }
    }
    // systemd-sysv-generator starts scripts without a unit from their rc links.
    if (!s.sysv.empty() && !initScript(host, s.sysv).empty()) {
      if (sysvServiceState(host, s.sysv).enabled) return ServiceChange{};
      return enableSysv(host, s.sysv);
    }
    return fail(ErrorCode::kNotFound, "no unit file or init script of " +
                                          (s.systemd.empty() ? s.sysv : s.systemd) + " to enable");
  }
  if (!s.upstart.empty() && host.exists("/etc/init/" + s.upstart + ".conf")) {
    return enableUpstart(host, s.upstart);
  }
  if (!s.sysv.empty() && !initScript(host, s.sysv).empty()) {
    if (sysvServiceState(host, s.sysv).enabled) return ServiceChange{};
    return enableSysv(host, s.sysv);
  }
  if (!s.systemd.empty() && !unitFile(host, s.systemd).empty()) {
    if (systemdUnitState(host, s.systemd).enabled) return ServiceChange{};
    return enableSystemd(host, s.systemd, 0);
  }
  return fail(ErrorCode::kNotFound,
              "no init script, upstart job or unit of " +
                  (s.sysv.empty() ? (s.upstart.empty() ? s.systemd : s.upstart) : s.sysv) +
                  " to enable");
}

std::vector<std::string> serviceCommand(const Host& host, const ServiceNames& s,
                                        std::string_view verb) {
  // sd_booted(3): systemd runs now when /run/systemd/system is a directory. The command acts on
  // the running system, so the running init decides, not the next boot's (a chroot or container
  // of a systemd distribution has no systemd running, and systemctl would refuse there).
  auto run = host.lstat("/run/systemd/system");
  bool systemd_now = run && run->type == FileStat::Type::kDirectory;
  if (systemd_now && !s.systemd.empty()) {
    return {"systemctl", std::string(verb), s.systemd};
  }
  std::string name = !s.sysv.empty() ? s.sysv : s.upstart;
  return {"service", name, std::string(verb)};
}

}  // namespace guestprep::os_linux
