// windows.no_pending_reboot (XW-PENDING), windows.hibernation_off (XW-HIBERNATE) and
// windows.updates_installed (XW-SHA2): the state the image would carry to the new hardware.
#include <algorithm>
#include <cstdio>

#include "rules/windows_rules.h"

namespace guestprep {

namespace {

std::string joinAll(const std::vector<std::string>& v, std::string_view sep = "; ") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : std::string(sep)) + x;
  return s;
}

bool isOn(const RegistryFact& r) { return r.present && r.number != 0; }

}  // namespace

std::vector<ParamSpec> windowsPendingParams() {
  return {
      {"ignore",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{}},
       "markers not to count (cbs-reboot-pending, file-rename-operations, computer-rename, ...)",
       {}},
  };
}

Outcome evaluateWindowsPending(const Facts& facts, const Params& params) {
  Outcome out;
  if (notWindows(facts, out)) return out;
  const auto& ignore = params.getList("ignore");
  std::vector<std::string> present, errors;
  for (const WindowsPendingMarker& m : facts.windows.pending) {
    if (std::find(ignore.begin(), ignore.end(), m.name) != ignore.end()) continue;
    if (m.present) {
      present.push_back(m.name);
      out.evidence.push_back(Evidence{m.where, 0, m.detail});
    } else if (!m.error.empty()) {
      errors.push_back(m.name + ": " + m.error);
      out.evidence.push_back(Evidence{m.where, 0, "unreadable: " + m.error});
    }
  }
  if (!present.empty()) {
    out.status = Status::kFail;
    out.message = "a reboot is pending (" + joinAll(present, ", ") +
                  "): it would complete at the first boot on the new hardware";
    out.remediation = "Restart the system (and let pending updates finish) before capturing it.";
  } else if (!errors.empty() || facts.windows.pending.empty()) {
    out.status = Status::kError;
    out.message = errors.empty() ? "the pending-reboot markers were not collected"
                                 : "could not read: " + joinAll(errors);
    out.remediation = "Run guestprep as an administrator.";
  } else {
    out.status = Status::kPass;
    out.message = "no reboot or update is pending";
  }
  return out;
}

std::vector<ParamSpec> windowsHibernationParams() {
  return {
      {"check_fast_startup",
       ParamKind::kBool,
       ParamValue{true},
       "Fast Startup (HiberbootEnabled) counts as hibernation",
       {}},
  };
}

Outcome evaluateWindowsHibernation(const Facts& facts, const Params& params) {
  Outcome out;
  if (notWindows(facts, out)) return out;
  const WindowsHibernateFacts& h = facts.windows.hibernate;
  for (const RegistryFact* r : {&h.hibernate_enabled, &h.hibernate_default, &h.hiberboot}) {
    out.evidence.push_back(registryEvidence(*r));
  }
  if (h.hiberfil.ok()) {
    out.evidence.push_back(Evidence{"hiberfil.sys", 0, *h.hiberfil.value ? "exists" : "absent"});
  }
  const RegistryFact& setting =
      h.hibernate_enabled.present ? h.hibernate_enabled : h.hibernate_default;
  std::vector<std::string> on;
  bool unknown = false;
  std::string why;
  if (!h.hibernate_enabled.error.empty() ||
      (!h.hibernate_enabled.present && !h.hibernate_default.error.empty())) {
    unknown = true;
    why =
        !h.hibernate_enabled.error.empty() ? h.hibernate_enabled.error : h.hibernate_default.error;
  } else if (setting.present) {
    if (isOn(setting)) on.push_back("hibernation is on (" + setting.name + "=1)");
  } else if (!h.hiberfil.ok()) {
    unknown = true;
    why = "no HibernateEnabled value and hiberfil.sys could not be checked: " + h.hiberfil.error;
  } else if (*h.hiberfil.value) {
    on.push_back("hibernation is on (no HibernateEnabled value, and hiberfil.sys exists)");
  }
  bool hibernation_off = on.empty() && !unknown;
  if (params.getBool("check_fast_startup")) {
    if (!h.hiberboot.error.empty()) {
      unknown = true;
      why = h.hiberboot.error;
    } else if (isOn(h.hiberboot) && !hibernation_off) {
      // Fast Startup needs hibernation: with it off, HiberbootEnabled=1 does nothing.
      on.push_back("Fast Startup is on (HiberbootEnabled=1)");
    }
  }
  if (!on.empty()) {
    out.status = Status::kFail;
    out.message = joinAll(on);
    out.remediation =
        "Turn hibernation and Fast Startup off: `powercfg /hibernate off` (it "
        "removes hiberfil.sys), then shut down fully before capturing.";
  } else if (unknown) {
    out.status = Status::kError;
    out.message = "could not tell whether hibernation is on: " + why;
    out.remediation = "Run guestprep as an administrator, or check `powercfg /a`.";
  } else {
    out.status = Status::kPass;
    out.message = "hibernation and Fast Startup are off";
  }
  return out;
}

std::vector<ParamSpec> windowsUpdatesParams() {
  return {
      {"releases",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"server-2008r2"}},
       "releases the rule applies to (windows.version's names)",
       {}},
      {"updates",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"KB4474419"}},
       "updates of which at least one must be installed",
       {}},
      {"why",
       ParamKind::kString,
       ParamValue{std::string("SHA-2 code signing support")},
       "what the updates give, for the message",
       {}},
  };
}

Outcome evaluateWindowsUpdates(const Facts& facts, const Params& params) {
  Outcome out;
  if (notWindows(facts, out)) return out;
  const WindowsFacts& win = facts.windows;
  if (!win.version.ok()) {
    out.status = Status::kError;
    out.message = "the Windows version is not known: " + win.version.error;
    return out;
  }
  WindowsRelease release = windowsRelease(*win.version.value);
  const auto& releases = params.getList("releases");
  if (std::find(releases.begin(), releases.end(), release.id) == releases.end()) {
    out.status = Status::kNotApplicable;
    std::string list;
    for (const auto& r : releases) list += (list.empty() ? "" : ", ") + r;
    out.message = (release.display.empty() ? "this release" : release.display) +
                  " is not among the releases this rule applies to (" + list + ")";
    return out;
  }
  const auto& wanted = params.getList("updates");
  const std::string& why = params.getString("why");
  if (!win.updates.ok()) {
    out.status = Status::kError;
    out.message = "could not list the installed updates: " + win.updates.error;
    out.remediation = "Check by hand: `wmic qfe get hotfixid | findstr " +
                      (wanted.empty() ? std::string("KB") : wanted.front()) + "`.";
    return out;
  }
  std::vector<std::string> staged;
  for (const WindowsUpdate& u : *win.updates.value) {
    if (std::find(wanted.begin(), wanted.end(), u.kb) == wanted.end()) continue;
    // CBS CurrentState 0x70 is "installed"; 0x20 staged, 0x50 install pending, ...
    if (u.state == 0x70) {
      out.status = Status::kPass;
      out.message = u.kb + " is installed (" + why + ")";
      out.evidence.push_back(
          u.source == "systeminfo"
              ? Evidence{"systeminfo", 0, "hotfix " + u.kb + " listed as installed"}
              : Evidence{"Component Based Servicing\\Packages\\" + u.package, 0,
                         "CurrentState 0x70 (installed)"});
      return out;
    }
    char state[16];
    std::snprintf(state, sizeof state, "0x%x", u.state);
    staged.push_back(u.kb + " (CurrentState " + state + ")");
    out.evidence.push_back(Evidence{"Component Based Servicing\\Packages\\" + u.package, 0,
                                    std::string("CurrentState ") + state + ", not installed"});
  }
  const bool from_systeminfo =
      std::any_of(win.updates.value->begin(), win.updates.value->end(),
                  [](const WindowsUpdate& u) { return u.source == "systeminfo"; });
  if (from_systeminfo && staged.empty()) {
    out.evidence.push_back(Evidence{"systeminfo", 0,
                                    "hotfix list read because the CBS packages could not be: " +
                                        std::to_string(win.updates.value->size()) +
                                        " installed, none of " + joinAll(wanted, ", ")});
  }
  out.status = Status::kFail;
  out.message = release.display + " lacks " + why + ": " +
                (staged.empty() ? joinAll(wanted, " or ") + " is not installed"
                                : joinAll(staged, ", ") + " is present but not installed");
  out.remediation = "Install " + joinAll(wanted, " or ") +
                    " (Windows Update or the Microsoft Update Catalog) and restart, so current "
                    "signed drivers load on the cloud.";
  return out;
}

}  // namespace guestprep
