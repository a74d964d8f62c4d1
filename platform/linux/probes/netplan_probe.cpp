// netplan probe: reads /{lib,etc,run}/netplan/*.yaml through the Host and records the merged
// device definitions as NicConfigs.
#include <array>
#include <map>
#include <optional>
#include <string>

#include "parsers/netplan.h"
#include "probes/network_probes.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

// Lowest priority first: a file in a later directory shadows the same name in an earlier one
// (netplan-generate(8), "HANDLING MULTIPLE FILES").
constexpr std::array<std::string_view, 3> kNetplanDirs = {"/lib/netplan", "/etc/netplan",
                                                          "/run/netplan"};

// The netplan command, and the generator that renders the YAML at every boot.
constexpr std::array<std::string_view, 3> kNetplanBinaries = {
    "/usr/sbin/netplan", "/lib/netplan/generate", "/usr/lib/netplan/generate"};

std::string joinPath(std::string_view dir, std::string_view name) {
  return std::string(dir) + "/" + std::string(name);
}

// File name -> path of the copy that applies, in lexical order of names (std::map order is
// the byte-wise order netplan sorts by).
std::map<std::string, std::string> netplanFiles(const Host& host, NetworkFacts& facts) {
  std::map<std::string, std::string> files;
  for (std::string_view dir : kNetplanDirs) {
    for (const std::string& name : listIfPresent(host, dir, facts.problems)) {
      if (!name.ends_with(".yaml")) continue;
      std::string path = joinPath(dir, name);
      if (auto st = host.stat(path); st && st->type == FileStat::Type::kDirectory) continue;
      files[name] = path;
    }
  }
  return files;
}

}  // namespace

void probeNetplan(const Host& host, NetworkFacts& facts) {
  std::string installed_by;
  for (std::string_view bin : kNetplanBinaries) {
    if (host.exists(bin)) {
      installed_by = std::string(bin);
      break;
    }
  }

  std::vector<NetplanFile> parsed;
  for (const auto& [name, path] : netplanFiles(host, facts)) {
    std::optional<std::string> text = readIfPresent(host, path, facts.problems);
    if (!text) continue;
    NetplanFile f = parseNetplan(*text, path);
    facts.problems.insert(facts.problems.end(), f.problems.begin(), f.problems.end());
    parsed.push_back(std::move(f));
  }
  NetplanConfig config = mergeNetplan(parsed);
  facts.problems.insert(facts.problems.end(), config.problems.begin(), config.problems.end());
  std::vector<NicConfig> configs = netplanNicConfigs(config);

  // Which back end the definitions are handed to decides which daemon must run at boot.
  std::map<std::string, int> renderers;
  for (const NetplanDevice& d : config.devices) ++renderers[netplanRenderer(config, d)];

  NetworkStack stack;
  stack.name = "netplan";
  stack.in_use = !installed_by.empty();
  if (installed_by.empty()) {
    stack.evidence =
        "netplan is not installed (no /usr/sbin/netplan, /lib/netplan/generate or "
        "/usr/lib/netplan/generate)";
    if (!parsed.empty()) stack.evidence += "; its YAML files are present but nothing reads them";
  } else {
    stack.evidence = "netplan installed (" + installed_by + "); " + std::to_string(parsed.size()) +
                     " YAML file(s)";
    if (renderers.empty()) {
      stack.evidence += ", no device definitions; global renderer " +
                        config.renderer.value_or("networkd (default)");
    } else {
      stack.evidence += "; renderer";
      bool first = true;
      for (const auto& [renderer, count] : renderers) {
        stack.evidence += (first ? " " : ", ") + renderer + " (" + std::to_string(count) +
                          " definition" + (count == 1 ? ")" : "s)");
        first = false;
      }
    }
  }
  facts.stacks.push_back(std::move(stack));
  facts.configs.insert(facts.configs.end(), configs.begin(), configs.end());
}

}  // namespace guestprep::os_linux
