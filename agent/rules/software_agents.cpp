// agent.absent (L-QEMUGA, X-AGENTS): the listed agents are not installed, or not started at boot.
#include <algorithm>

#include "rules/software_rules.h"

namespace guestprep {

std::vector<ParamSpec> agentAbsentParams() {
  return {
      {"packages",
       ParamKind::kStringList,
       std::nullopt,
       "package names of the agents (dpkg or rpm names)",
       {}},
      {"services",
       ParamKind::kStringList,
       std::nullopt,
       "service names of the agents (systemd unit without .service, or SysV script)",
       {}},
      {"installed_not_started",
       ParamKind::kString,
       ParamValue{std::string("warn")},
       "what an agent installed but not started at boot counts as",
       {"fail", "warn", "pass"}},
  };
}

Outcome evaluateAgentAbsent(const Facts& facts, const Params& params) {
  const SoftwareFacts& sw = facts.software;
  const auto& want_pkgs = params.getList("packages");
  const auto& want_svcs = params.getList("services");
  Outcome out;
  std::vector<std::string> enabled, installed, unknown;
  for (const std::string& name : want_svcs) {
    auto it = std::find_if(sw.services.begin(), sw.services.end(),
                           [&](const ServiceState& s) { return s.name == name; });
    if (it == sw.services.end()) {
      unknown.push_back(name);
      continue;
    }
    if (it->enabled) {
      enabled.push_back(name);
      out.evidence.push_back(Evidence{it->evidence, 0, name + " starts at boot"});
    } else if (it->installed) {
      installed.push_back(name + " (service, not started at boot)");
      out.evidence.push_back(Evidence{it->evidence, 0, name + " is installed, not started"});
    }
  }
  if (sw.packages.installed.ok()) {
    for (const InstalledPackage& p : *sw.packages.installed.value) {
      if (std::find(want_pkgs.begin(), want_pkgs.end(), p.name) == want_pkgs.end()) continue;
      installed.push_back(p.name + " " + p.version);
      out.evidence.push_back(
          Evidence{sw.packages.source, 0, "package " + p.name + " " + p.version + " installed"});
    }
  } else {
    out.evidence.push_back(Evidence{sw.packages.source, 0,
                                    "packages not checked: " + sw.packages.installed.error +
                                        "; judged from service files only"});
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  if (!enabled.empty()) {
    out.status = Status::kFail;
    out.message = join(enabled) + " start" + (enabled.size() == 1 ? "s" : "") +
                  " at boot and would run on the cloud's instance";
    out.remediation = "Remove the package(s), or disable at boot: systemctl disable " +
                      join(enabled) + " (chkconfig " + enabled.front() + " off on SysV systems).";
    return out;
  }
  if (!installed.empty()) {
    const std::string& as = params.getString("installed_not_started");
    out.status = as == "fail" ? Status::kFail : as == "warn" ? Status::kWarn : Status::kPass;
    out.message = "installed but not started at boot: " + join(installed);
    out.remediation = "Remove the package(s) before capture so that nothing enables them later.";
    return out;
  }
  if (!unknown.empty()) {
    out.status = Status::kError;
    out.message = "the boot state of " + join(unknown) + " was not collected";
    out.remediation = "Use a guestprep whose probes know these services.";
    return out;
  }
  out.status = Status::kPass;
  out.message = sw.packages.installed.ok()
                    ? "none of the listed agents is installed"
                    : "no service of the listed agents is installed (package database not "
                      "read)";
  return out;
}

}  // namespace guestprep
