// cloud-init: whether it is installed and allowed to configure the network at boot (it then
// rewrites the network configuration from the cloud's metadata).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "probes/boot_cmdlines.h"
#include "probes/boot_services.h"
#include "probes/network_probes.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kDisabledFile = "/etc/cloud/cloud-init.disabled";
constexpr std::string_view kCloudCfg = "/etc/cloud/cloud.cfg";
constexpr std::string_view kCloudCfgDir = "/etc/cloud/cloud.cfg.d";

// What one cloud.cfg file says about `network: {config: ...}`.
struct CloudCfgNetwork {
  std::optional<std::string> config;  ///< the value of network.config when the file sets it
  int line = 0;                       ///< its line
  std::optional<ConfigProblem> problem;
};

// Pure reader of one cloud.cfg / cloud.cfg.d file (YAML; JSON is YAML too).
CloudCfgNetwork parseCloudCfgNetwork(std::string_view text) {
  CloudCfgNetwork out;
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (!root || root.IsNull()) return out;
    if (!root.IsMap()) {
      // cloud-init ignores a configuration file that is not a mapping.
      out.problem = ConfigProblem{"", root.Mark().line + 1, "top level is not a mapping"};
      return out;
    }
    const YAML::Node network = root["network"];
    if (!network || !network.IsMap()) return out;
    // The key's own line is the evidence: a block value starts on the next line.
    YAML::Node config;
    bool found = false;
    for (const auto& kv : network) {
      if (kv.first.IsScalar() && kv.first.Scalar() == "config") {
        config = kv.second;
        out.line = kv.first.Mark().line + 1;
        found = true;
      }
    }
    if (!found) return out;
    if (config.IsScalar()) {
      out.config = config.Scalar();
    } else if (config.IsNull()) {
      out.config = "null";
    } else {
      // An inline network configuration (a mapping) under network.config: not "disabled".
      out.config = "(inline configuration)";
    }
  } catch (const YAML::Exception& e) {
    out.problem = ConfigProblem{"", e.mark.is_null() ? 0 : e.mark.line + 1, e.msg};
  }
  return out;
}

// How cloud-init is installed, or "" when it is not.
std::string installedEvidence(const Host& host) {
  for (std::string_view bin : {"/usr/bin/cloud-init", "/usr/local/bin/cloud-init"}) {
    if (host.exists(bin)) return std::string(bin);
  }
  for (std::string_view lib : {"/usr/lib", "/usr/lib64", "/usr/local/lib"}) {
    auto names = host.listDir(lib);
    if (!names) continue;
    for (const std::string& n : *names) {
      if (!n.starts_with("python")) continue;
      for (std::string_view sub : {"site-packages", "dist-packages"}) {
        std::string dir = std::string(lib) + "/" + n + "/" + std::string(sub) + "/cloudinit";
        if (host.exists(dir)) return dir;
      }
    }
  }
  return "";
}

std::string where(const SourceRef& s) {
  return s.line > 0 ? s.file + ":" + std::to_string(s.line) : s.file;
}

bool disablesOnCmdline(const KernelCmdline& k) {
  // cloud-init's docs: cloud-init=disabled stops cloud-init altogether ("How to disable
  // cloud-init"); network-config=disabled stops only its network configuration ("Network
  // configuration: Disabling network configuration").
  return std::any_of(k.args.begin(), k.args.end(), [](const std::string& a) {
    return a == "cloud-init=disabled" || a == "network-config=disabled";
  });
}

void addProblem(std::vector<ConfigProblem>& problems, ConfigProblem p) {
  // readNextBootCmdlines is shared with probeIpv6Boot: report each problem once.
  if (std::find(problems.begin(), problems.end(), p) == problems.end()) {
    problems.push_back(std::move(p));
  }
}

}  // namespace

void probeCloudInitNetwork(const Host& host, NetworkFacts& facts) {
  facts.cloud_init_network = false;
  std::string installed = installedEvidence(host);
  if (installed.empty()) {
    facts.cloud_init_evidence =
        "cloud-init is not installed (no cloud-init program, no cloudinit Python package)";
    return;
  }
  std::string prefix = "cloud-init is installed (" + installed + ")";
  auto disabled = [&](const std::string& why) {
    facts.cloud_init_network = false;
    facts.cloud_init_evidence = prefix + " but does not configure the network: " + why;
  };

  if (host.entryExists(kDisabledFile)) {
    disabled(std::string(kDisabledFile) + " exists, so cloud-init does not run");
    return;
  }

  NextBootCmdlines boot = readNextBootCmdlines(host);
  for (ConfigProblem& p : boot.problems) addProblem(facts.boot_problems, std::move(p));
  std::vector<std::string> on_cmdline;
  for (const KernelCmdline& k : boot.lines) {
    if (disablesOnCmdline(k)) on_cmdline.push_back(where(k.source));
  }
  if (!boot.lines.empty() && on_cmdline.size() == boot.lines.size()) {
    disabled("every kernel command line of the next boot disables it (" + on_cmdline.front() +
             (on_cmdline.size() > 1 ? " and others" : "") + ")");
    return;
  }

  // cloud.cfg, then cloud.cfg.d/*.cfg in name order; a later file overrides an earlier one.
  std::vector<std::string> files = {std::string(kCloudCfg)};
  for (const std::string& n : listIfPresent(host, kCloudCfgDir, facts.problems)) {
    if (n.ends_with(".cfg")) files.push_back(std::string(kCloudCfgDir) + "/" + n);
  }
  std::optional<std::string> config;
  SourceRef config_at;
  for (const std::string& path : files) {
    std::optional<std::string> text = readIfPresent(host, path, facts.problems);
    if (!text) continue;
    CloudCfgNetwork n = parseCloudCfgNetwork(*text);
    if (n.problem) addProblem(facts.problems, {path, n.problem->line, n.problem->message});
    if (n.config) {
      config = n.config;
      config_at = {path, n.line};
    }
  }
  if (config && *config == "disabled") {
    disabled("network: {config: disabled} at " + where(config_at));
    return;
  }

  BootServiceState local = serviceState(host, "cloud-init-local.service", "cloud-init-local");
  BootServiceState init = serviceState(host, "cloud-init.service", "cloud-init");
  if ((local.installed || init.installed) && !local.enabled && !init.enabled) {
    disabled("it is not started at boot (" + local.evidence + "; " + init.evidence + ")");
    return;
  }

  facts.cloud_init_network = true;
  std::string why = prefix + " and may configure the network at boot: ";
  if (config) {
    why += "network.config is '" + *config + "' at " + where(config_at);
  } else {
    why += "no network: {config: disabled} in " + std::string(kCloudCfg) + " or " +
           std::string(kCloudCfgDir);
  }
  if (!on_cmdline.empty()) {
    why += "; only some boot entries disable it on the kernel command line (" + on_cmdline.front() +
           ")";
  }
  if (local.enabled || init.enabled) {
    why += "; started by " + (local.enabled ? local.evidence : init.evidence);
  }
  facts.cloud_init_evidence = std::move(why);
}

}  // namespace guestprep::os_linux
