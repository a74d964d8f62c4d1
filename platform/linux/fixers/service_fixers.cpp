// Service fixers: firewalls off at boot (L-FIREWALL), sshd on port 22 at boot (L-SSH), other
// hypervisors' and clouds' agents off at boot or removed (L-QEMUGA, X-AGENTS), cloud-init on and
// able to use the cloud's datasource (L-CLOUDINIT).
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "fixers/edit.h"
#include "fixers/fixers.h"
#include "fixers/service_boot.h"
#include "fixers/service_software.h"
#include "parsers/shell_vars.h"
#include "parsers/software_cloud_cfg.h"
#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

std::string joined(const std::vector<std::string>& v, std::string_view sep = ", ") {
  return fmt::format("{}", fmt::join(v, sep));
}

void take(FixItem& item, ServiceChange change, std::vector<std::string>& changes) {
  for (auto& a : change.actions) item.actions.push_back(std::move(a));
  for (auto& c : change.changes) changes.push_back(std::move(c));
  for (auto& n : change.notes) item.notes.push_back(std::move(n));
}

bool listensOnNow(const SshdFacts& sshd, int port) {
  if (!sshd.listening.ok()) return false;
  return std::any_of(sshd.listening.value->begin(), sshd.listening.value->end(),
                     [&](const ListenSocket& s) { return s.port == port; });
}

// --- L-FIREWALL ---------------------------------------------------------------------------------

/// The services that start a firewall product at boot, as the probes name the products.
std::vector<ServiceNames> firewallServices(const std::string& product) {
  if (product == "iptables") {
    return {{"iptables.service", "iptables", ""}, {"ip6tables.service", "ip6tables", ""}};
  }
  if (product == "netfilter-persistent") {
    return {{"netfilter-persistent.service", "netfilter-persistent", ""},
            {"", "iptables-persistent", ""}};
  }
  if (product == "iptables-restore") {
    return {{"iptables-restore.service", "", ""}, {"ip6tables-restore.service", "", ""}};
  }
  if (product == "nftables") return {{"nftables.service", "nftables", ""}};
  if (product == "firewalld") return {{"firewalld.service", "firewalld", ""}};
  if (product == "SuSEfirewall2") {
    return {{"SuSEfirewall2.service", "SuSEfirewall2_setup", ""},
            {"SuSEfirewall2_init.service", "SuSEfirewall2_init", ""}};
  }
  return {};
}

/// ufw: ufw.conf's ENABLED is what its boot job reads (ufw disable writes ENABLED=no).
Result<void> disableUfw(const Host& host, FixItem& item, std::vector<std::string>& changes) {
  const std::string conf = "/etc/ufw/ufw.conf";
  auto text = host.readFile(conf);
  if (!text) return std::unexpected(text.error());
  TextLines lines(*text);
  bool found = false;
  for (int n = 1; n <= static_cast<int>(lines.size()); ++n) {
    auto key = assignmentKey(lines.at(n));
    if (!key || *key != "ENABLED") continue;
    found = true;
    ShellVarsFile one = parseShellVars(lines.at(n));
    if (!one.vars.empty() && isNo(one.vars.front().value)) continue;
    // Keep the quoting the file uses. A copy: lines.set() below replaces the line.
    const std::string old = lines.at(n);
    std::string quote = old.find('"') != std::string::npos    ? "\""
                        : old.find('\'') != std::string::npos ? "'"
                                                              : "";
    lines.set(n, "ENABLED=" + quote + "no" + quote);
    changes.push_back(fmt::format("{}:{}: {} -> ENABLED={}no{}", conf, n, old, quote, quote));
  }
  if (!found) {
    // Unset means no (ufw.conf(5)), but the probe found it enabled: nothing line-level to do.
    return fail(ErrorCode::kInvalidInput, conf + " has no ENABLED line to change");
  }
  std::string out = lines.str();
  if (out != *text) item.actions.push_back(writeFileAction(conf, out, "ufw off at next boot"));
  return {};
}

/// L-FIREWALL: every firewall product enabled at boot is disabled at boot; with --live, its
/// running rules are also stopped, but only when sshd listens on port 22 now (so the session
/// that runs the fix and the next ones still get in).
Result<FixItem> planFirewallOff(const FixContext& ctx) {
  FixItem item;
  std::vector<std::string> changes, disabled;
  const bool live = ctx.options.live && ctx.host.hasRuntimeState();
  std::vector<ServiceNames> to_stop;
  for (const FirewallProduct& p : ctx.facts.firewall.products) {
    if (!p.enabled_at_boot) continue;
    disabled.push_back(p.name);
    if (p.name == "ufw") {
      if (auto r = disableUfw(ctx.host, item, changes); !r) return std::unexpected(r.error());
      to_stop.push_back({"ufw.service", "ufw", "ufw"});
      continue;
    }
    auto services = firewallServices(p.name);
    if (services.empty()) {
      item.notes.push_back("no automatic fix for firewall " + p.name + " (" + p.boot_evidence +
                           "): disable it at boot by hand");
      continue;
    }
    for (const auto& s : services) {
      auto change = planDisableAtBoot(ctx.host, s, false);
      if (!change) return std::unexpected(change.error());
      take(item, std::move(*change), changes);
      to_stop.push_back(s);
    }
  }
  if (ctx.options.live && !ctx.host.hasRuntimeState()) {
    item.notes.push_back("--live has no effect on an offline root");
  }
  if (live && !to_stop.empty()) {
    if (!listensOnNow(ctx.facts.firewall.sshd, 22)) {
      item.notes.push_back(
          "the running firewall is left alone: sshd does not listen on port 22 now, and stopping "
          "the firewall must not come before sshd is reachable; run fix --live again once it is");
    } else {
      for (const auto& s : to_stop) {
        Action stop = runAction(serviceCommand(ctx.host, s, "stop"), {},
                                "stop the running firewall (sshd listens on port 22)");
        stop.undo_argv = serviceCommand(ctx.host, s, "start");
        item.actions.push_back(std::move(stop));
        item.settles = true;
      }
    }
  } else if (!to_stop.empty() && ctx.host.hasRuntimeState()) {
    item.notes.push_back(
        "the running firewall is left as it is until the next boot (--live stops "
        "it now)");
  }
  item.summary = disabled.empty() ? "no firewall is enabled at boot"
                                  : "disable at boot: " + joined(disabled) +
                                        (changes.empty() ? "" : " (" + joined(changes, "; ") + ")");
  return item;
}

// --- L-SSH --------------------------------------------------------------------------------------

/// sshd's service names on this system: Debian's ssh, the others' sshd.
ServiceNames sshdService(const Host& host) {
  // Debian's unit is ssh.service with the alias sshd.service, which systemctl refuses to enable
  // by its alias name: look for ssh.service first.
  for (const char* unit : {"ssh.service", "sshd.service"}) {
    for (const char* dir :
         {"/etc/systemd/system/", "/usr/lib/systemd/system/", "/lib/systemd/system/"}) {
      if (host.exists(std::string(dir) + unit)) {
        std::string name(unit);
        name.resize(name.size() - 8);
        std::string sysv = host.exists("/etc/init.d/" + name) ? name : std::string();
        if (sysv.empty() && host.exists("/etc/init.d/ssh")) sysv = "ssh";
        if (sysv.empty() && host.exists("/etc/init.d/sshd")) sysv = "sshd";
        if (sysv.empty() && host.exists("/etc/rc.d/init.d/sshd")) sysv = "sshd";
        return {unit, sysv, "ssh"};
      }
    }
  }
  std::string sysv = host.exists("/etc/init.d/ssh") ? "ssh" : "sshd";
  return {"", sysv, "ssh"};
}

bool isIpv6(std::string_view address) { return address.find(':') != std::string_view::npos; }

/// The first line of a file that starts a Match block, or size+1 (sshd_config(5)).
int firstMatchLine(const TextLines& lines) {
  for (int n = 1; n <= static_cast<int>(lines.size()); ++n) {
    auto words = splitWords(lines.at(n));
    if (!words.empty() && toLower(words[0]) == "match") return n;
  }
  return static_cast<int>(lines.size()) + 1;
}

/// The edits of sshd_config (and the files it includes) that make sshd listen on `port` on every
/// IPv4 address. Nothing that is listened on now is taken away: a Port line is only added, and a
/// ListenAddress line is commented out only when the new `ListenAddress 0.0.0.0` covers it.
Result<void> planSshdListen(const FixContext& ctx, int port, FixItem& item,
                            std::vector<std::string>& changes) {
  const SshdFacts& sshd = ctx.facts.firewall.sshd;
  const std::string main_file = "/etc/ssh/sshd_config";
  std::map<std::string, TextLines> files;
  std::map<std::string, std::string> originals;
  auto edit = [&](const std::string& file) -> Result<TextLines*> {
    auto it = files.find(file);
    if (it == files.end()) {
      auto text = ctx.host.readFile(file);
      if (!text) return std::unexpected(text.error());
      originals[file] = *text;
      it = files.emplace(file, TextLines(*text)).first;
    }
    return &it->second;
  };
  // Lines are inserted after others were looked up by number: do the insertions last, from the
  // bottom up, so the SourceRef numbers stay right.
  std::vector<std::pair<SourceRef, std::string>> inserts;

  if (sshd.address_family == "inet6" && sshd.address_family_source.line > 0) {
    auto f = edit(sshd.address_family_source.file);
    if (!f) return std::unexpected(f.error());
    (*f)->commentOut(sshd.address_family_source.line, "IPv4 too, for the cloud");
    inserts.push_back({sshd.address_family_source, "AddressFamily any"});
    changes.push_back(fmt::format("{}:{}: AddressFamily inet6 -> any",
                                  sshd.address_family_source.file,
                                  sshd.address_family_source.line));
  }

  std::set<int> ports;
  for (const auto& p : sshd.ports) ports.insert(p.port);
  bool defaulted = ports.empty();
  if (defaulted) ports.insert(22);
  if (!ports.contains(port)) {
    SourceRef after;
    if (defaulted) {
      // Port 22 is in use now by default; naming another port alone would drop it. Global
      // lines go before the first Match block.
      auto f = edit(main_file);
      if (!f) return std::unexpected(f.error());
      after = {main_file, firstMatchLine(**f) - 1};
      inserts.push_back({after, "Port 22"});
      changes.push_back(main_file + ": Port 22 kept explicitly");
    } else {
      after = sshd.ports.back().source;
    }
    inserts.push_back({after, fmt::format("Port {}", port)});
    changes.push_back(fmt::format("{}: Port {} added, the other ports kept", after.file, port));
    ports.insert(port);
  }

  bool everywhere = sshd.listen.empty();
  for (const auto& l : sshd.listen) {
    if (l.address == "0.0.0.0" && l.port == 0) everywhere = true;
  }
  if (!everywhere) {
    for (const auto& l : sshd.listen) {
      if (isIpv6(l.address)) continue;
      // 0.0.0.0 on every Port binds what this line binds; keeping it would make sshd fail to
      // bind the same address and port twice.
      bool covered = l.port == 0 || ports.contains(l.port);
      if (!covered) continue;
      auto f = edit(l.source.file);
      if (!f) return std::unexpected(f.error());
      (*f)->commentOut(l.source.line, "covered by ListenAddress 0.0.0.0");
      changes.push_back(fmt::format("{}:{}: ListenAddress {} commented out (0.0.0.0 covers it)",
                                    l.source.file, l.source.line, l.address));
    }
    const SourceRef& last = sshd.listen.back().source;
    inserts.push_back({last, "ListenAddress 0.0.0.0"});
    changes.push_back(fmt::format("{}: ListenAddress 0.0.0.0 added", last.file));
  }

  std::stable_sort(inserts.begin(), inserts.end(),
                   [](const auto& a, const auto& b) { return a.first.line > b.first.line; });
  for (const auto& [ref, text] : inserts) {
    auto f = edit(ref.file);
    if (!f) return std::unexpected(f.error());
    (*f)->insert(ref.line + 1, text);
    (*f)->insert(ref.line + 1,
                 "# " + editMarker() + ": for the cloud's port " + std::to_string(port));
  }
  for (auto& [file, lines] : files) {
    std::string out = lines.str();
    if (out == originals[file]) continue;
    item.actions.push_back(
        writeFileAction(file, out, fmt::format("sshd listens on port {} everywhere", port)));
  }
  return {};
}

/// L-SSH: sshd enabled at boot, and sshd_config made to listen on the port on every IPv4
/// address. With --live, the configuration is checked (sshd -t) and sshd reloaded, never
/// restarted: a reload keeps every open session.
Result<FixItem> planSshdReachable(const FixContext& ctx) {
  const SshdFacts& sshd = ctx.facts.firewall.sshd;
  const int port = static_cast<int>(ctx.params.getInt("port"));
  if (!sshd.installed) {
    return fail(ErrorCode::kUnsupported, "the OpenSSH server is not installed (" +
                                             sshd.installed_evidence +
                                             "): install openssh-server (or openssh) first");
  }
  for (const auto& p : sshd.problems) {
    if (p.line == 0) {
      return fail(ErrorCode::kIo, "cannot read " + p.file + ": " + p.message);
    }
    if (!p.file.starts_with("/proc/")) {
      return fail(ErrorCode::kInvalidInput,
                  fmt::format("{}:{}: {}: sshd would refuse this line; fix it by hand", p.file,
                              p.line, p.message));
    }
  }
  if (!sshd.config_found) {
    return fail(ErrorCode::kNotFound,
                "/etc/ssh/sshd_config is missing; it is not recreated automatically (reinstall "
                "the OpenSSH server's configuration)");
  }
  FixItem item;
  std::vector<std::string> changes;
  ServiceNames svc = sshdService(ctx.host);
  if (!sshd.enabled_at_boot) {
    auto change = planEnableAtBoot(ctx.host, svc);
    if (!change) return std::unexpected(change.error());
    take(item, std::move(*change), changes);
  }
  std::size_t before = item.actions.size();
  if (auto r = planSshdListen(ctx, port, item, changes); !r) return std::unexpected(r.error());
  bool config_changed = item.actions.size() > before;
  if (ctx.options.live && ctx.host.hasRuntimeState()) {
    std::set<int> configured;
    for (const auto& p : sshd.ports) configured.insert(p.port);
    if (configured.empty()) configured.insert(22);
    bool running = sshd.listening.ok() &&
                   std::any_of(sshd.listening.value->begin(), sshd.listening.value->end(),
                               [&](const ListenSocket& s) { return configured.contains(s.port); });
    if (config_changed || !running) {
      // A configuration sshd refuses would stop the reload from taking effect: check it
      // first; a failure stops the run and rolls the files back.
      item.actions.push_back(runAction({"/usr/sbin/sshd", "-t"}, {},
                                       "check the new sshd configuration before using it"));
    }
    if (running && config_changed) {
      item.actions.push_back(runAction(serviceCommand(ctx.host, svc, "reload"), {},
                                       "sshd reads the new configuration; open sessions stay"));
      item.settles = true;
      item.notes.push_back("after a rollback, reload sshd again to go back to the old ports");
    } else if (!running) {
      Action start = runAction(serviceCommand(ctx.host, svc, "start"), {}, "start sshd now");
      start.undo_argv = serviceCommand(ctx.host, svc, "stop");
      item.actions.push_back(std::move(start));
      item.settles = true;
    }
  } else if (config_changed && ctx.host.hasRuntimeState()) {
    item.notes.push_back(
        "the running sshd keeps its ports until it is reloaded or the system "
        "boots (--live reloads it, keeping open sessions)");
  }
  item.summary = changes.empty()
                     ? "nothing to change"
                     : fmt::format("sshd on port {} at boot ({})", port, joined(changes, "; "));
  return item;
}

}  // namespace

std::vector<Fixer> serviceFixers() {
  return {
      {"firewall.off", "disable the firewalls that start at boot", planFirewallOff, false},
      {"sshd.reachable", "enable sshd at boot and make it listen on the cloud's port",
       planSshdReachable, false},
      {"agent.absent",
       "disable other hypervisors' and clouds' agents at boot (remove them with "
       "--allow-package-changes)",
       planAgentAbsent, false},
      {"cloudinit.present", "enable cloud-init and let it use the cloud's datasource",
       planCloudInitPresent, false},
  };
}

}  // namespace guestprep::os_linux
