// firewall.off (L-FIREWALL): no firewall is enabled at the next boot; port 22 open by default.
#include <string>

#include "rules/firewall_rules.h"

namespace guestprep {

std::vector<ParamSpec> firewallOffParams() {
  return {
      {"allow_enabled_if_ssh_open",
       ParamKind::kBool,
       ParamValue{false},
       "a firewall enabled at boot whose saved rules allow TCP 22 is a warning, not a failure",
       {}},
  };
}

Evidence bootEvidence(const SourceRef& source, const std::string& what, const std::string& text) {
  if (source.file.empty()) return {what, 0, text};
  return {source.file, source.line, what.empty() ? text : text + " (" + what + ")"};
}

namespace {

void addNotes(const std::vector<FirewallNote>& notes, std::vector<Evidence>& out,
              const std::string& who) {
  for (const auto& n : notes) out.push_back({n.source.file, n.source.line, who + ": " + n.text});
}

}  // namespace

Outcome evaluateFirewallOff(const Facts& facts, const Params& params) {
  const FirewallFacts& fw = facts.firewall;
  const bool tolerate = params.getBool("allow_enabled_if_ssh_open");
  Outcome out;
  std::string blocking, open, unknown;
  for (const FirewallProduct& p : fw.products) {
    if (!p.enabled_at_boot) {
      out.evidence.push_back(bootEvidence(p.boot_source, p.boot_evidence,
                                          p.name + " is installed but not enabled at boot"));
      continue;
    }
    out.evidence.push_back(
        bootEvidence(p.boot_source, p.boot_evidence, p.name + " is enabled at boot"));
    addNotes(p.notes, out.evidence, p.name);
    std::string& list = p.ssh_at_boot == PortAccess::kBlocked   ? blocking
                        : p.ssh_at_boot == PortAccess::kAllowed ? open
                                                                : unknown;
    list += (list.empty() ? "" : ", ") + p.name;
  }
  std::vector<Evidence> unreadable;
  for (const ConfigProblem& pr : fw.problems) {
    Evidence e{pr.file, pr.line, pr.message};
    out.evidence.push_back(e);
    if (pr.line == 0) unreadable.push_back(e);
  }

  if (!blocking.empty()) {
    out.status = Status::kFail;
    out.message = "the firewall enabled at boot (" + blocking + ") blocks TCP port 22";
    return out;
  }
  if (!open.empty() || !unknown.empty()) {
    std::string all = open + (open.empty() || unknown.empty() ? "" : ", ") + unknown;
    if (!tolerate) {
      out.status = Status::kFail;
      out.message = "a firewall is enabled at boot (" + all + "); the cloud expects it off";
      return out;
    }
    if (!unknown.empty()) {
      out.status = Status::kError;
      out.message = "could not tell whether the firewall enabled at boot (" + unknown +
                    ") allows TCP port 22";
      out.remediation = "Check the firewall's saved rules by hand, or disable it at boot.";
      return out;
    }
    out.status = Status::kWarn;
    out.message = "a firewall is enabled at boot (" + open + ") but its saved rules allow TCP 22";
    return out;
  }
  if (!unreadable.empty()) {
    out.status = Status::kError;
    out.message =
        "could not read every firewall configuration file, so the firewall state at "
        "boot is unknown";
    out.remediation = "Check the files named in the evidence (permissions) and run again.";
    return out;
  }
  // Nothing at boot; what runs now only matters while the image is captured live.
  std::string now;
  if (fw.runtime.ok()) {
    for (const RuntimeRuleset& r : *fw.runtime.value) {
      addNotes(r.notes, out.evidence, r.command);
      if (r.filtering) {
        now += (now.empty() ? "" : ", ") + r.command +
               (r.ssh == PortAccess::kBlocked ? " (TCP 22 blocked)" : "");
      }
    }
  } else {
    out.evidence.push_back({"firewall rules now", 0, fw.runtime.error});
  }
  if (!now.empty()) {
    out.status = Status::kWarn;
    out.message = "no firewall is enabled at boot, but rules filter inbound traffic now: " + now;
    out.remediation =
        "The next boot starts without these rules. If something other than a firewall service "
        "loads them (rc.local, a script, a container runtime), disable that too.";
    return out;
  }
  out.status = Status::kPass;
  out.message = fw.products.empty() ? "no firewall is installed" : "no firewall is enabled at boot";
  return out;
}

}  // namespace guestprep
