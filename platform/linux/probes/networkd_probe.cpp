// systemd-networkd probe: reads .network, .netdev and .link files (with drop-ins) through the
// Host, records NicConfigs and the names .link files pin to MACs.
#include <array>
#include <map>
#include <optional>
#include <string>

#include "parsers/networkd.h"
#include "probes/boot_services.h"
#include "probes/network_probes.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

// Highest priority first: files in /etc replace same-named files in /run, which replace those
// under /usr/lib (systemd.network(5)); /lib is /usr/lib on systems without merged /usr.
constexpr std::array<std::string_view, 4> kNetworkdDirs = {
    "/etc/systemd/network", "/run/systemd/network", "/usr/lib/systemd/network",
    "/lib/systemd/network"};

std::string joinPath(std::string_view dir, std::string_view name) {
  return std::string(dir) + "/" + std::string(name);
}

// A same-named empty file or symlink to /dev/null masks a unit or drop-in.
bool isMasked(const Host& host, const std::string& path) {
  auto target = host.readLink(path);
  if (target && *target == "/dev/null") return true;
  auto st = host.stat(path);
  return st && st->type == FileStat::Type::kRegular && st->size == 0;
}

// Name -> path of the copy that applies (empty when masked), for names accepted by `keep`.
template <class Keep>
std::map<std::string, std::string> shadowedFiles(const Host& host, std::string_view subdir,
                                                 NetworkFacts& facts, Keep keep) {
  std::map<std::string, std::string> files;
  for (std::string_view base : kNetworkdDirs) {
    std::string dir = subdir.empty() ? std::string(base) : joinPath(base, subdir);
    for (const std::string& name : listIfPresent(host, dir, facts.problems)) {
      if (!keep(name) || files.contains(name)) continue;
      std::string path = joinPath(dir, name);
      if (auto st = host.lstat(path); st && st->type == FileStat::Type::kDirectory) continue;
      files[name] = isMasked(host, path) ? std::string() : path;
    }
  }
  return files;
}

}  // namespace

void probeNetworkd(const Host& host, NetworkFacts& facts) {
  auto units_by_name = shadowedFiles(
      host, "", facts, [](const std::string& name) { return networkdUnitType(name).has_value(); });

  // All files are processed in alphanumeric order of their names, whatever their directory.
  std::vector<NetworkdUnit> units;
  for (const auto& [name, path] : units_by_name) {
    if (path.empty()) continue;  // masked
    auto text = readIfPresent(host, path, facts.problems);
    if (!text) continue;
    NetworkdUnit unit = parseNetworkdUnit(*text, path, *networkdUnitType(name));
    // Drop-ins (<name>.d/*.conf) are read after the main file, in name order, with the same
    // shadowing between directories.
    auto dropins = shadowedFiles(host, name + ".d", facts,
                                 [](const std::string& n) { return n.ends_with(".conf"); });
    for (const auto& [dropin_name, dropin_path] : dropins) {
      if (dropin_path.empty()) continue;
      if (auto dropin = readIfPresent(host, dropin_path, facts.problems)) {
        applyNetworkdDropIn(unit, *dropin, dropin_path);
      }
    }
    facts.problems.insert(facts.problems.end(), unit.problems.begin(), unit.problems.end());
    units.push_back(std::move(unit));
  }

  std::vector<NicConfig> configs = networkdNicConfigs(units);
  std::vector<PersistentNetRule> pins = networkdLinkRules(units);

  BootServiceState service = serviceState(host, "systemd-networkd.service", "");
  NetworkStack stack;
  stack.name = "networkd";
  stack.in_use = service.enabled;
  stack.evidence = (service.enabled ? "systemd-networkd starts at boot: " : "") + service.evidence +
                   "; " + std::to_string(units.size()) + " unit file(s)";
  // netplan writes its networkd files to /run/systemd/network at boot; on an offline root they
  // do not exist yet, and the netplan stack carries that configuration.
  if (!host.exists("/run/systemd/network") &&
      (host.exists("/usr/sbin/netplan") || host.exists("/lib/netplan/generate") ||
       host.exists("/usr/lib/netplan/generate"))) {
    stack.evidence += "; /run/systemd/network is absent, netplan renders into it at boot";
  }
  facts.stacks.push_back(std::move(stack));
  facts.configs.insert(facts.configs.end(), configs.begin(), configs.end());
  facts.persistent_net_rules.insert(facts.persistent_net_rules.end(), pins.begin(), pins.end());
}

}  // namespace guestprep::os_linux
