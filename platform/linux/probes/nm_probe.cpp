// NetworkManager probe: reads keyfile profiles from the system-connections directories through
// the Host and records the ones NetworkManager would load as NicConfigs.
#include <array>
#include <cstdio>
#include <optional>
#include <set>
#include <string>

#include "parsers/nm_keyfile.h"
#include "probes/boot_services.h"
#include "probes/network_probes.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

struct KeyfileDir {
  std::string_view path;
  bool require_extension;  ///< only *.nmconnection files are read there
};

// Highest priority first: a profile in /run shadows one with the same UUID in /etc, which
// shadows /usr/lib (that is how `nmcli --temporary` and deleting a shipped profile work).
constexpr std::array<KeyfileDir, 3> kKeyfileDirs = {{
    {"/run/NetworkManager/system-connections", true},
    {"/etc/NetworkManager/system-connections", false},
    {"/usr/lib/NetworkManager/system-connections", true},
}};

std::string joinPath(std::string_view dir, std::string_view name) {
  return std::string(dir) + "/" + std::string(name);
}

// "<uuid>.nmmeta" -> /dev/null hides the profile with that UUID in lower-priority directories.
void collectMasks(const Host& host, std::string_view dir, const std::vector<std::string>& names,
                  std::set<std::string>& masked) {
  constexpr std::string_view kMeta = ".nmmeta";
  for (const std::string& name : names) {
    if (name.size() <= kMeta.size() || !name.ends_with(kMeta)) continue;
    auto target = host.readLink(joinPath(dir, name));
    if (target && *target == "/dev/null") masked.insert(name.substr(0, name.size() - kMeta.size()));
  }
}

}  // namespace

void probeNetworkManager(const Host& host, NetworkFacts& facts) {
  std::vector<NmProfile> profiles;
  std::set<std::string> seen_uuids;
  std::set<std::string> masked;  // by .nmmeta files in higher-priority directories
  for (const KeyfileDir& dir : kKeyfileDirs) {
    std::vector<std::string> entries = listIfPresent(host, dir.path, facts.problems);
    std::vector<NmProfile> here;
    for (const std::string& name : entries) {
      if (nmIgnoresFilename(name, dir.require_extension)) continue;
      std::string path = joinPath(dir.path, name);
      std::optional<FileStat> st = statIfPresent(host, path, facts.problems);
      if (!st) continue;
      if (st->type != FileStat::Type::kRegular) continue;
      // The keyfile plugin skips files that anyone but root may read or write
      // (nm-settings-keyfile(5)): such a profile does not exist for NetworkManager.
      if ((st->mode & 0077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", st->mode & 07777);
        facts.problems.push_back({path, 0,
                                  std::string("mode ") + mode +
                                      " is readable or writable by group or others; "
                                      "NetworkManager ignores this keyfile"});
        continue;
      }
      std::optional<std::string> text = readIfPresent(host, path, facts.problems);
      if (!text) continue;
      NmProfile p = parseNmKeyfile(*text, path);
      facts.problems.insert(facts.problems.end(), p.problems.begin(), p.problems.end());
      if (!p.loadable) continue;
      if (!p.uuid.empty() && (masked.contains(p.uuid) || !seen_uuids.insert(p.uuid).second)) {
        continue;
      }
      here.push_back(std::move(p));
    }
    // Masks apply to lower-priority directories only, so they are read after this one.
    collectMasks(host, dir.path, entries, masked);
    for (NmProfile& p : here) profiles.push_back(std::move(p));
  }
  linkNmProfiles(profiles);

  BootServiceState service = serviceState(host, "NetworkManager.service", "NetworkManager");
  NetworkStack stack;
  stack.name = "networkmanager";
  stack.in_use = service.enabled;
  stack.evidence = (service.enabled ? "NetworkManager starts at boot: " : "") + service.evidence +
                   "; " + std::to_string(profiles.size()) + " keyfile profile(s)";
  facts.stacks.push_back(std::move(stack));
  for (NmProfile& p : profiles) facts.configs.push_back(std::move(p.config));
}

}  // namespace guestprep::os_linux
