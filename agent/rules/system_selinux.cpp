// selinux.not_enforcing (L-SELINUX): SELinux must not enforce at the next boot, from
// /etc/selinux/config and the selinux= / enforcing= kernel parameters of every boot entry.
#include <algorithm>
#include <map>

#include "rules/system_rules.h"

namespace guestprep {

namespace {

constexpr std::string_view kModes[] = {"disabled", "permissive", "enforcing"};

int rank(std::string_view mode) {
  for (int i = 0; i < 3; ++i) {
    if (kModes[i] == mode) return i;
  }
  return -1;
}

}  // namespace

std::vector<ParamSpec> selinuxNotEnforcingParams() {
  return {{"allowed",
           ParamKind::kStringList,
           ParamValue{std::vector<std::string>{"disabled", "permissive"}},
           "SELinux modes the next boot may have (disabled, permissive, enforcing)",
           {}}};
}

Outcome evaluateSelinuxNotEnforcing(const Facts& facts, const Params& params) {
  const SystemFacts& sys = facts.system;
  const SelinuxFacts& s = sys.selinux;
  Outcome out;
  const auto& allowed = params.getList("allowed");
  for (const std::string& a : allowed) {
    if (rank(a) < 0) {
      out.status = Status::kError;
      out.message = "the policy's `allowed` names \"" + a +
                    "\", which is not disabled, permissive or enforcing";
      return out;
    }
  }
  if (auto problems = systemProblemsFor(sys, "/etc/selinux/config"); !problems.empty()) {
    out.status = Status::kError;
    out.message = "could not read /etc/selinux/config";
    out.evidence = std::move(problems);
    out.remediation = "Check the file's permissions and run again.";
    return out;
  }
  std::string mode;
  if (!s.config_present) {
    // Without the file libselinux finds no mode and init loads no policy.
    mode = "disabled";
    out.evidence.push_back(Evidence{"/etc/selinux/config", 0, "absent: SELinux is not set up"});
  } else if (s.mode.empty()) {
    out.status = Status::kError;
    out.message = s.invalid.empty()
                      ? "/etc/selinux/config sets no SELINUX= mode, so the boot mode is unknown"
                      : "/etc/selinux/config has an invalid mode (" + s.invalid.front().text +
                            "); SELinux's state at boot is unknown";
    for (const SelinuxSetting& bad : s.invalid) {
      out.evidence.push_back(Evidence{bad.source.file, bad.source.line, bad.text + " is invalid"});
    }
    out.remediation = "Set SELINUX=disabled (or permissive) in /etc/selinux/config.";
    return out;
  } else {
    mode = s.mode;
    out.evidence.push_back(Evidence{s.mode_source.file, s.mode_source.line, "SELINUX=" + s.mode});
  }
  // Per boot entry: selinux=0 turns SELinux off; otherwise enforcing=0/1 overrides the
  // configured enforcement (kernel-parameters.txt; libselinux load_policy honours it). A later
  // parameter of the same name wins, as the kernel reads them in order.
  std::map<std::pair<std::string, int>, std::map<std::string, std::string>> per_entry;
  for (const SelinuxSetting& arg : s.boot_args) {
    std::size_t eq = arg.text.find('=');
    per_entry[{arg.source.file, arg.source.line}][arg.text.substr(0, eq)] = arg.text.substr(eq + 1);
  }
  std::string worst;
  SourceRef worst_source;
  for (const SourceRef& entry : s.boot_entries) {
    std::string m = mode;
    auto it = per_entry.find({entry.file, entry.line});
    if (it != per_entry.end()) {
      const auto& params_here = it->second;
      if (auto sel = params_here.find("selinux"); sel != params_here.end() && sel->second == "0") {
        m = "disabled";
      } else if (auto enf = params_here.find("enforcing");
                 m != "disabled" && enf != params_here.end()) {
        m = enf->second == "0" ? "permissive" : "enforcing";
      }
      std::string args;
      for (const auto& [k, v] : params_here) args += (args.empty() ? "" : " ") + k + "=" + v;
      out.evidence.push_back(Evidence{entry.file, entry.line, "boot entry has " + args});
    }
    if (rank(m) > rank(worst)) {
      worst = m;
      worst_source = entry;
    }
  }
  if (s.boot_entries.empty()) {
    worst = mode;
    out.evidence.push_back(
        Evidence{"/boot", 0, "no boot entry found: selinux= and enforcing= not checked"});
  }
  bool ok = std::find(allowed.begin(), allowed.end(), worst) != allowed.end();
  if (!ok) {
    out.status = Status::kFail;
    out.message = "SELinux will be " + worst + " at the next boot" +
                  (worst == mode ? " (/etc/selinux/config)"
                                 : " (" + worst_source.file + " line " +
                                       std::to_string(worst_source.line) + ")") +
                  "; allowed: " + [&] {
                    std::string a;
                    for (const auto& x : allowed) a += (a.empty() ? "" : ", ") + x;
                    return a;
                  }();
    return out;
  }
  out.status = Status::kPass;
  out.message = "SELinux will be " + worst + " at the next boot";
  return out;
}

}  // namespace guestprep
