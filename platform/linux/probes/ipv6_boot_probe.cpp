// IPv6 at next boot: the net.ipv6 sysctl settings the boot applies, and the kernel command lines
// (ipv6.disable=1 lives there).
#include <string>
#include <vector>

#include "parsers/sysctl.h"
#include "probes/boot_cmdlines.h"
#include "probes/network_probes.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

// A configuration file replaced by a link to /dev/null is masked: it is applied as empty.
bool maskedByDevNull(const Host& host, const std::string& path) {
  auto target = host.readLink(path);
  return target && *target == "/dev/null";
}

void probeSysctl(const Host& host, NetworkFacts& facts) {
  std::vector<SysctlDirListing> listings;
  for (std::string_view dir : kSysctlDirs) {
    // A missing directory is an empty listing, which contributes no file.
    listings.push_back({std::string(dir), listIfPresent(host, dir, facts.problems)});
  }
  for (const std::string& path : sysctlLoadOrder(listings, host.exists(kSysctlConf))) {
    if (maskedByDevNull(host, path)) continue;
    auto text = host.readFile(path);
    if (!text) {
      facts.problems.push_back({path, 0, text.error().message});
      continue;
    }
    SysctlFile file = parseSysctl(*text);
    for (ConfigProblem& p : file.problems) {
      facts.problems.push_back({path, p.line, std::move(p.message)});
    }
    for (SysctlLine& s : file.settings) {
      if (!s.key.starts_with("net.ipv6.")) continue;
      facts.sysctl.push_back({{path, s.line}, std::move(s.key), std::move(s.value)});
    }
  }
}

}  // namespace

void probeIpv6Boot(const Host& host, NetworkFacts& facts) {
  probeSysctl(host, facts);
  NextBootCmdlines boot = readNextBootCmdlines(host);
  for (KernelCmdline& k : boot.lines) facts.boot_cmdlines.push_back(std::move(k));
  for (ConfigProblem& p : boot.problems) facts.boot_problems.push_back(std::move(p));
}

}  // namespace guestprep::os_linux
