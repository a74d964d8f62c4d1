// udev rules that pin interface names to MAC addresses (70-persistent-net.rules and friends).
#include <algorithm>
#include <string>

#include "parsers/udev_rules.h"
#include "probes/network_probes.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kRulesDir = "/etc/udev/rules.d";
constexpr std::string_view kPersistentNet = "70-persistent-net.rules";

}  // namespace

void probePersistentNetRules(const Host& host, NetworkFacts& facts) {
  std::vector<std::string> files;
  for (const std::string& n : listIfPresent(host, kRulesDir, facts.problems)) {
    if (n.ends_with(".rules") && n.front() != '.') files.push_back(n);
  }
  // The generated file is the one that matters most when a disk moves to new hardware.
  std::stable_partition(files.begin(), files.end(),
                        [](const std::string& n) { return n == kPersistentNet; });
  for (const std::string& name : files) {
    std::string path = std::string(kRulesDir) + "/" + name;
    // A link to /dev/null masks a rules file of the same name: udev reads nothing from it.
    if (auto target = host.readLink(path); target && *target == "/dev/null") continue;
    auto text = host.readFile(path);
    if (!text) {
      facts.problems.push_back({path, 0, text.error().message});
      continue;
    }
    UdevRulesFile file = parseUdevRules(*text);
    for (ConfigProblem& p : file.problems) {
      facts.problems.push_back({path, p.line, std::move(p.message)});
    }
    for (PersistentNetRule& r : file.bindings) {
      r.source.file = path;
      facts.persistent_net_rules.push_back(std::move(r));
    }
  }
}

}  // namespace guestprep::os_linux
