// cloudinit.present (L-CLOUDINIT) and cloudinit.datasource (X-CLOUDINIT-DS).
#include <algorithm>

#include "rules/software_rules.h"

namespace guestprep {

namespace {

const ServiceState* findService(const SoftwareFacts& sw, const std::string& name) {
  auto it = std::find_if(sw.services.begin(), sw.services.end(),
                         [&](const ServiceState& s) { return s.name == name; });
  return it == sw.services.end() ? nullptr : &*it;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// A cloud-init configuration file that could not be read as a whole (line 0): what cloud-init
// will do is then unknown.
const ConfigProblem* unreadableCloudCfg(const SoftwareFacts& sw) {
  for (const ConfigProblem& p : sw.problems) {
    if (p.line == 0 && p.file.starts_with("/etc/cloud")) return &p;
  }
  return nullptr;
}

// Whether the list lets cloud-init find one of `accepted` (case-insensitive, as cloud-init
// compares datasource names).
bool listAccepts(const std::vector<std::string>& list, const std::vector<std::string>& accepted) {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  };
  for (const auto& ds : list) {
    for (const auto& a : accepted) {
      if (lower(ds) == lower(a)) return true;
    }
  }
  return false;
}

Evidence datasourceEvidence(const CloudInitState& ci) {
  return Evidence{ci.datasource_source.file, ci.datasource_source.line,
                  "datasource_list: [" + joined(ci.datasource_list) + "]"};
}

}  // namespace

std::vector<ParamSpec> cloudInitPresentParams() {
  return {
      {"datasources",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"AliYun"}},
       "datasource names of the target cloud; datasource_list must include one, or be unset",
       {}},
      {"units",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"cloud-init-local", "cloud-init", "cloud-config",
                                           "cloud-final"}},
       "cloud-init's boot stages that must start at boot (systemd units / SysV scripts)",
       {}},
  };
}

Outcome evaluateCloudInitPresent(const Facts& facts, const Params& params) {
  const SoftwareFacts& sw = facts.software;
  const CloudInitState& ci = sw.cloud_init;
  Outcome out;
  if (const ConfigProblem* p = unreadableCloudCfg(sw)) {
    out.status = Status::kError;
    out.message = "could not read cloud-init's configuration, so its state is unknown";
    out.evidence.push_back(Evidence{p->file, 0, p->message});
    out.remediation = "Check the file named in the evidence and run again.";
    return out;
  }
  if (!ci.installed) {
    out.status = Status::kFail;
    out.message =
        "cloud-init is not installed; the instance's hostname, NTP and package "
        "repositories will not be configured by the cloud";
    out.evidence.push_back(Evidence{facts.software.packages.source, 0, ci.installed_evidence});
    out.remediation =
        "Install cloud-init from the distribution (yum/zypper/apt-get install cloud-init).";
    return out;
  }
  out.evidence.push_back(Evidence{"", 0, "installed: " + ci.installed_evidence});
  if (ci.disabled_by_file) {
    out.status = Status::kFail;
    out.message = "cloud-init is installed but disabled by /etc/cloud/cloud-init.disabled";
    out.evidence.push_back(Evidence{"/etc/cloud/cloud-init.disabled", 0, "file exists"});
    out.remediation = "Remove /etc/cloud/cloud-init.disabled.";
    return out;
  }
  std::vector<std::string> not_enabled, unknown;
  for (const std::string& unit : params.getList("units")) {
    const ServiceState* s = findService(sw, unit);
    if (!s) {
      unknown.push_back(unit);
      continue;
    }
    out.evidence.push_back(Evidence{
        s->evidence, 0, unit + (s->enabled ? " starts at boot" : " does not start at boot")});
    if (!s->enabled) not_enabled.push_back(unit);
  }
  if (!not_enabled.empty()) {
    out.status = Status::kFail;
    out.message = "cloud-init is installed but not started at boot: " + joined(not_enabled);
    out.remediation = "Enable cloud-init's boot stages (systemctl enable " + joined(not_enabled) +
                      "; chkconfig on older systems).";
    return out;
  }
  const auto& accepted = params.getList("datasources");
  if (ci.datasource_list_set) {
    out.evidence.push_back(datasourceEvidence(ci));
    if (!listAccepts(ci.datasource_list, accepted)) {
      out.status = Status::kFail;
      out.message = "cloud-init's datasource_list does not include " + joined(accepted) +
                    ", so it will not read the cloud's metadata";
      out.remediation = "Add " + joined(accepted) + " to datasource_list in " +
                        ci.datasource_source.file + ", or remove the setting.";
      return out;
    }
  }
  if (!unknown.empty()) {
    out.status = Status::kError;
    out.message = "the boot state of " + joined(unknown) + " was not collected";
    out.remediation = "Use a guestprep whose probes know these services.";
    return out;
  }
  out.status = Status::kPass;
  // cloud-init's docs ("How to configure which datasource to use"): without datasource_list it
  // detects the datasource itself; AliYun is in the default list since cloud-init 17.1
  // (LP: #1638931).
  out.message = ci.datasource_list_set
                    ? "cloud-init is installed, starts at boot, and datasource_list includes " +
                          joined(accepted)
                    : "cloud-init is installed, starts at boot, and detects its datasource "
                      "(datasource_list unset)";
  return out;
}

std::vector<ParamSpec> cloudInitDatasourceParams() {
  return {
      {"datasources",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"AliYun"}},
       "datasource names of the target cloud",
       {}},
      {"stale_state",
       ParamKind::kBool,
       ParamValue{true},
       "also report an earlier instance's state under /var/lib/cloud",
       {}},
  };
}

Outcome evaluateCloudInitDatasource(const Facts& facts, const Params& params) {
  const SoftwareFacts& sw = facts.software;
  const CloudInitState& ci = sw.cloud_init;
  Outcome out;
  if (const ConfigProblem* p = unreadableCloudCfg(sw)) {
    out.status = Status::kError;
    out.message = "could not read cloud-init's configuration";
    out.evidence.push_back(Evidence{p->file, 0, p->message});
    return out;
  }
  if (!ci.installed) {
    out.status = Status::kNotApplicable;
    out.message = "cloud-init is not installed";
    out.evidence.push_back(Evidence{sw.packages.source, 0, ci.installed_evidence});
    return out;
  }
  const auto& accepted = params.getList("datasources");
  std::vector<std::string> why;
  if (ci.datasource_list_set) {
    out.evidence.push_back(datasourceEvidence(ci));
    if (!listAccepts(ci.datasource_list, accepted)) {
      why.push_back(ci.datasource_list.empty() ||
                            (ci.datasource_list.size() == 1 && ci.datasource_list[0] == "None")
                        ? "datasource_list names no cloud"
                        : "datasource_list names only other datasources (" +
                              joined(ci.datasource_list) + ")");
    }
  }
  if (params.getBool("stale_state") && !ci.instance_state.empty()) {
    why.push_back("an earlier instance's state is kept under /var/lib/cloud");
    for (const auto& p : ci.instance_state) {
      out.evidence.push_back(Evidence{p, 0, "state of an earlier instance"});
    }
  }
  if (!why.empty()) {
    out.status = Status::kFail;
    out.message = "cloud-init: " + why.front() + (why.size() > 1 ? "; " + why[1] : "");
    out.remediation =
        "Run `cloud-init clean` (or remove /var/lib/cloud/instance and "
        "/var/lib/cloud/instances) before capture, and make datasource_list "
        "include " +
        joined(accepted) + " or remove it.";
    return out;
  }
  out.status = Status::kPass;
  out.message = std::string("cloud-init may use ") + joined(accepted) +
                (params.getBool("stale_state") ? " and holds no earlier instance's state" : "");
  return out;
}

}  // namespace guestprep
