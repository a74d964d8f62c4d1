// Probes for ifcfg-* configuration: RHEL/CentOS network-scripts and SUSE sysconfig/network.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "parsers/ifcfg.h"
#include "parsers/ini.h"
#include "parsers/shell_vars.h"
#include "parsers/text.h"
#include "probes/boot_services.h"
#include "probes/network_probes.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kRedHatDir = "/etc/sysconfig/network-scripts";
constexpr std::string_view kRedHatGlobal = "/etc/sysconfig/network";
constexpr std::string_view kSuseDir = "/etc/sysconfig/network";
// RHEL/CentOS build NetworkManager with ifcfg-rh as the default settings plugin list.
constexpr std::string_view kRhelDefaultPlugin = "ifcfg-rh";

std::string join(std::string_view dir, std::string_view name) {
  std::string p(dir);
  p += '/';
  p += name;
  return p;
}

// A file that may be absent, as readIfPresent, except that a directory in its place is skipped
// silently rather than reported: on SUSE /etc/sysconfig/network is the directory of ifcfg
// files, not RedHat's global file.
std::optional<std::string> readOptional(const Host& host, std::string_view path,
                                        NetworkFacts& facts) {
  auto st = host.stat(path);
  if (st && st->type == FileStat::Type::kDirectory) return std::nullopt;
  return readIfPresent(host, path, facts.problems);
}

// One ifcfg file of the directory, parsed into shell variables, ready for parseIfcfg.
struct IfcfgSource {
  std::string path;
  std::string ifname;
  ShellVarsFile vars;
};

// Lists and reads the ifcfg files of `dir`; files the stack ignores are skipped, files that
// cannot be read become problems. A missing directory yields nothing.
std::vector<IfcfgSource> readIfcfgDir(const Host& host, std::string_view dir, IfcfgFlavour flavour,
                                      NetworkFacts& facts) {
  std::vector<IfcfgSource> out;
  for (const std::string& entry : listIfPresent(host, dir, facts.problems)) {
    std::optional<std::string> ifname = ifcfgInterfaceName(entry, flavour);
    if (!ifname) continue;
    std::string path = join(dir, entry);
    auto text = host.readFile(path);
    if (!text) {
      // Listed but unreadable (a dangling link, a directory, no permission): say so.
      facts.problems.push_back({path, 0, text.error().message});
      continue;
    }
    out.push_back({path, std::move(*ifname), parseShellVars(*text)});
  }
  return out;
}

// Combines what one file says with what the other files of the same stack say: enslaved
// interfaces become members of their master (RedHat names the master in the port's file),
// members named by a master get it as master (SUSE names the ports in the master's file), and
// an alias starts only with its parent.
void linkConfigs(std::vector<IfcfgConfig>& configs) {
  auto byName = [&](std::string_view name) -> NicConfig* {
    for (IfcfgConfig& c : configs) {
      if (!name.empty() && c.nic.name == name && c.nic.kind != "alias") return &c.nic;
    }
    return nullptr;
  };
  for (IfcfgConfig& c : configs) {
    NicConfig& n = c.nic;
    if (NicConfig* m = n.master.empty() || n.name.empty() ? nullptr : byName(n.master)) {
      if (std::find(m->members.begin(), m->members.end(), n.name) == m->members.end()) {
        m->members.push_back(n.name);
      }
    }
    for (const std::string& member : n.members) {
      NicConfig* port = byName(member);
      if (port && port->master.empty()) port->master = n.name;
    }
  }
  for (IfcfgConfig& c : configs) {
    NicConfig& n = c.nic;
    if (n.kind != "alias") continue;
    const NicConfig* parent = byName(n.parent);
    if (!parent) {
      c.problems.push_back(
          {n.source.file, 0, "alias of " + n.parent + ", which has no ifcfg file: never started"});
      n.starts_at_boot = false;
    } else {
      n.starts_at_boot = n.starts_at_boot && parent->starts_at_boot;
    }
  }
}

void appendAll(std::vector<IfcfgConfig>& configs, NetworkFacts& facts) {
  linkConfigs(configs);
  for (IfcfgConfig& c : configs) {
    facts.configs.push_back(std::move(c.nic));
    for (ConfigProblem& p : c.problems) facts.problems.push_back(std::move(p));
  }
}

// NetworkManager's settings plugins from [main] plugins= (plugins+= / plugins-= adjust),
// in the order NetworkManager.conf(5) reads its files; nothing when no file sets them.
std::optional<std::vector<std::string>> nmPlugins(const Host& host, NetworkFacts& facts,
                                                  std::string& where) {
  std::vector<std::string> files;
  for (std::string_view dir : {"/usr/lib/NetworkManager/conf.d", "/run/NetworkManager/conf.d"}) {
    if (auto e = host.listDir(dir)) {
      for (const std::string& f : *e) {
        if (f.ends_with(".conf")) files.push_back(join(dir, f));
      }
    }
  }
  files.emplace_back("/etc/NetworkManager/NetworkManager.conf");
  if (auto e = host.listDir("/etc/NetworkManager/conf.d")) {
    for (const std::string& f : *e) {
      if (f.ends_with(".conf")) files.push_back(join("/etc/NetworkManager/conf.d", f));
    }
  }
  std::optional<std::vector<std::string>> plugins;
  for (const std::string& file : files) {
    std::optional<std::string> text = readOptional(host, file, facts);
    if (!text) continue;
    IniFile ini = parseIni(*text, kGKeyFileSyntax);
    for (const ConfigProblem& p : ini.problems) facts.problems.push_back({file, p.line, p.message});
    for (const IniSection* main : ini.all("main")) {
      for (const IniEntry& e : main->entries) {
        std::string_view key = e.key;
        char op = key.ends_with('+') || key.ends_with('-') ? key.back() : '=';
        if (op != '=') key = trim(key.substr(0, key.size() - 1));
        if (key != "plugins") continue;
        // Without an earlier plugins=, "+=" and "-=" change the build's default list.
        if (op == '=') {
          plugins.emplace();
        } else if (!plugins) {
          plugins = std::vector<std::string>{std::string(kRhelDefaultPlugin)};
        }
        for (const std::string& item : split(e.value, ',')) {
          std::string p(trim(item));
          auto it = std::find(plugins->begin(), plugins->end(), p);
          if (!p.empty() && op != '-' && it == plugins->end()) plugins->push_back(p);
          if (op == '-' && it != plugins->end()) plugins->erase(it);
        }
        where = file + ":" + std::to_string(e.line);
      }
    }
  }
  return plugins;
}

// Who reads network-scripts at boot on this system.
struct RedHatReaders {
  bool initscripts = false;  // the network service is enabled and NETWORKING is not off
  bool nm = false;           // NetworkManager is enabled and its ifcfg-rh plugin is loaded
  std::string evidence;
};

RedHatReaders redHatReaders(const Host& host, const std::optional<ShellVarsFile>& network,
                            NetworkFacts& facts) {
  RedHatReaders r;
  BootServiceState svc = serviceState(host, "network.service", "network");
  r.evidence = "network service: " + svc.evidence;
  if (svc.enabled) {
    // /etc/init.d/network exits 6 without /etc/sysconfig/network or with NETWORKING=no.
    if (!network) {
      r.evidence += ", but there is no " + std::string(kRedHatGlobal) + " (it exits at once)";
    } else if (isNo(network->get("NETWORKING", "yes"))) {
      const ShellVar* v = network->find("NETWORKING");
      r.evidence += ", but NETWORKING=no (" + std::string(kRedHatGlobal) + ":" +
                    std::to_string(v->line) + ") makes it exit at once";
    } else {
      r.initscripts = true;
    }
  }
  BootServiceState nm = serviceState(host, "NetworkManager.service", "NetworkManager");
  r.evidence += "; NetworkManager: " + nm.evidence;
  if (nm.enabled) {
    std::string where;
    std::optional<std::vector<std::string>> plugins = nmPlugins(host, facts, where);
    if (!plugins) {
      r.nm = true;
      r.evidence += " (no plugins= setting: the RHEL/CentOS default ifcfg-rh applies)";
    } else if (std::find(plugins->begin(), plugins->end(), "ifcfg-rh") != plugins->end()) {
      r.nm = true;
      r.evidence += " (ifcfg-rh plugin: " + where + ")";
    } else {
      r.evidence += " (plugins without ifcfg-rh: " + where + ")";
    }
  }
  return r;
}

}  // namespace

void probeIfcfgRedHat(const Host& host, NetworkFacts& facts) {
  std::optional<ShellVarsFile> network;
  if (std::optional<std::string> text = readOptional(host, kRedHatGlobal, facts)) {
    network = parseShellVars(*text);
    for (const ConfigProblem& p : network->problems) {
      facts.problems.push_back({std::string(kRedHatGlobal), p.line, p.message});
    }
  }
  IfcfgDefaults defaults = network ? redHatIfcfgDefaults(*network) : IfcfgDefaults{};
  RedHatReaders readers = redHatReaders(host, network, facts);

  std::vector<IfcfgConfig> configs;
  for (IfcfgSource& src : readIfcfgDir(host, kRedHatDir, IfcfgFlavour::kRedHat, facts)) {
    // NetworkManager leaves NM_CONTROLLED=no files to initscripts; the reader decides the
    // IPv6 default.
    bool nm_reads = readers.nm && !isNo(src.vars.get("NM_CONTROLLED"));
    defaults.ipv6init_default = !nm_reads;
    configs.push_back(parseIfcfg(src.vars, src.path, src.ifname, IfcfgFlavour::kRedHat, defaults));
    if (!readers.initscripts && readers.nm && !nm_reads) {
      // Only NetworkManager runs at boot and it leaves this file alone: nothing brings it up.
      configs.back().nic.starts_at_boot = false;
    }
  }
  appendAll(configs, facts);
  facts.stacks.push_back({"ifcfg", readers.initscripts || readers.nm, readers.evidence});
}

void probeIfcfgSuse(const Host& host, NetworkFacts& facts) {
  std::vector<IfcfgConfig> configs;
  for (IfcfgSource& src : readIfcfgDir(host, kSuseDir, IfcfgFlavour::kSuse, facts)) {
    configs.push_back(parseIfcfg(src.vars, src.path, src.ifname, IfcfgFlavour::kSuse));
  }
  appendAll(configs, facts);

  // SLES 12+: wicked.service (network.service is an alias of it); SLES 11: SysV "network".
  NetworkStack stack{"suse-ifcfg", false, {}};
  BootServiceState wicked = serviceState(host, "wicked.service", "");
  if (wicked.enabled) {
    stack.in_use = true;
    stack.evidence = "wicked: " + wicked.evidence;
  } else {
    BootServiceState network = serviceState(host, "network.service", "network");
    stack.in_use = network.enabled;
    stack.evidence = "wicked: " + wicked.evidence + "; network service: " + network.evidence;
  }
  facts.stacks.push_back(std::move(stack));
}

}  // namespace guestprep::os_linux
