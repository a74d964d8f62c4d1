// The Windows fixers: each reads the registry values the probes collected (the facts) and plans
// REG_DWORD writes for the next boot: fDenyTSConnections / PortNumber / TermService's Start
// (W-RDP), the firewall profiles' EnableFirewall and an inbound allow rule for the RDP port
// (W-FIREWALL), agents' Start = 4 (W-QEMUGA, XW-AGENTS), HibernateEnabled / HiberbootEnabled
// (XW-HIBERNATE), autochk in BootExecute (W-FSCHECK, only when asked). W-PASSWD's fixer, a
// command rather than a value, is in windows_password_fixer.cpp.
#include "fixers/windows_fixers.h"

#include <algorithm>

#include "fix/planned_host.h"
#include "fixers/windows_fixer_parts.h"
#include "host/windows_api.h"
#include "parsers/win_text.h"
#include "probes/windows_probes.h"

namespace guestprep::os_windows {

namespace {

constexpr std::uint32_t kStartAuto = 2;
constexpr std::uint32_t kStartDisabled = 4;

constexpr const char* kNextBootNote =
    "takes effect at the next boot: no service is stopped or restarted and the running firewall "
    "and Remote Desktop session are not touched";

Result<void> notWindows(const FixContext& ctx) {
  if (ctx.facts.windows.collected) return {};
  return fail(ErrorCode::kUnsupported, "the Windows probes did not run on this system");
}

/// A value the probe could not read stops the plan: guessing it could undo a setting.
Result<void> readable(const RegistryFact& f) {
  if (f.error.empty()) return {};
  return fail(ErrorCode::kIo, "cannot plan without " + f.key + "\\" + f.name + ": " + f.error +
                                  " (run guestprep as an administrator)");
}

std::string shown(const RegistryFact& f) {
  return f.name + (f.present ? "=" + f.text : " (unset)");
}

Action setDword(const RegistryFact& f, std::uint32_t value, std::string why) {
  return setRegistryAction(f.key, f.name, registryDword(value), std::move(why));
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
  return s;
}

bool contains(const std::vector<std::string>& list, std::string_view s) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& x) { return x == s; });
}

/// W-RDP's next-boot settings, from facts: what is still wrong ("" when nothing is).
std::string rdpNextBootProblems(const WindowsRdpFacts& rdp, std::int64_t port,
                                const std::vector<std::string>& start_types) {
  std::vector<std::string> wrong;
  const RegistryFact& deny =
      rdp.policy_deny_connections.present ? rdp.policy_deny_connections : rdp.deny_connections;
  if (!deny.present || deny.number != 0) wrong.push_back("fDenyTSConnections is not 0");
  if (rdp.port.present && static_cast<std::int64_t>(rdp.port.number) != port) {
    wrong.push_back("PortNumber is " + rdp.port.text);
  }
  if (!rdp.term_service.installed || !contains(start_types, rdp.term_service.start_type)) {
    wrong.push_back("TermService does not start at boot");
  }
  return joined(wrong);
}

Result<FixItem> planRdp(const FixContext& ctx) {
  if (auto r = notWindows(ctx); !r) return std::unexpected(r.error());
  const WindowsRdpFacts& rdp = ctx.facts.windows.rdp;
  for (const RegistryFact* f : {&rdp.policy_deny_connections, &rdp.deny_connections, &rdp.port}) {
    if (auto r = readable(*f); !r) return std::unexpected(r.error());
  }
  const std::int64_t port = ctx.params.getInt("port");
  const std::vector<std::string> start_types = ctx.params.getList("start_types");
  if (port <= 0 || port > 65535) {
    return fail(ErrorCode::kInvalidInput,
                "the policy's port " + std::to_string(port) + " is not a TCP port");
  }
  const WindowsServiceFact& svc = rdp.term_service;
  if (!svc.error.empty()) {
    return fail(ErrorCode::kIo, "cannot plan without TermService's configuration: " + svc.error);
  }
  if (!svc.installed) {
    return fail(ErrorCode::kUnsupported,
                "the Remote Desktop service (TermService) is not installed: add it by hand");
  }
  FixItem item;
  std::vector<std::string> changes;
  const RegistryFact& policy = rdp.policy_deny_connections;
  const RegistryFact& local = rdp.deny_connections;
  if (policy.present && policy.number != 0) {
    item.actions.push_back(
        setDword(policy, 0, "Group Policy denies Remote Desktop: allow it at the next boot"));
    changes.push_back(shown(policy) + " -> 0 (Group Policy)");
  } else if (!policy.present && (!local.present || local.number != 0)) {
    item.actions.push_back(setDword(local, 0, "allow Remote Desktop connections"));
    changes.push_back(shown(local) + " -> 0");
  }
  if (rdp.port.present && static_cast<std::int64_t>(rdp.port.number) != port) {
    item.actions.push_back(setDword(rdp.port, static_cast<std::uint32_t>(port),
                                    "RDP on port " + std::to_string(port)));
    changes.push_back(shown(rdp.port) + " -> " + std::to_string(port));
  }
  if (!contains(start_types, svc.start_type)) {
    RegistryFact start;
    start.key = serviceKey(svc.name.empty() ? "TermService" : svc.name);
    start.name = "Start";
    item.actions.push_back(
        setDword(start, kStartAuto, "start the Remote Desktop service automatically"));
    changes.push_back("TermService start type " + svc.start_type + " -> auto");
  }
  item.summary =
      changes.empty() ? "Remote Desktop is already allowed at the next boot" : joined(changes);
  item.notes.push_back(kNextBootNote);
  item.in_place_until_reboot = [port, start_types](const Facts& after) -> std::string {
    if (!rdpNextBootProblems(after.windows.rdp, port, start_types).empty()) return {};
    return "Remote Desktop is allowed on port " + std::to_string(port) + " at the next boot";
  };
  return item;
}

/// The profiles W-FIREWALL names whose firewall is on at the next boot, from facts.
std::vector<std::string> firewallOnAtBoot(const WindowsFirewallFacts& fw,
                                          const std::vector<std::string>& profiles) {
  std::vector<std::string> on;
  for (const WindowsFirewallProfile& p : fw.profiles) {
    if (!contains(profiles, p.profile)) continue;
    const RegistryFact& effective = p.policy_enabled.present ? p.policy_enabled : p.local_enabled;
    // No value at all: Windows turns the profile's firewall on.
    if (!effective.present || effective.number != 0) on.push_back(p.profile);
  }
  return on;
}

/// Whether a local-port spec of a rule ("3389", "3380-3390", "RPC") includes `port`.
bool portIn(std::string_view spec, std::int64_t port) {
  auto number = [](std::string_view s, std::int64_t& v) {
    if (s.empty() || s.size() > 5) return false;
    v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    return true;
  };
  std::int64_t lo = 0, hi = 0;
  std::size_t dash = spec.find('-');
  if (!number(spec.substr(0, dash), lo)) return false;
  if (dash == std::string_view::npos) return lo == port;
  return number(spec.substr(dash + 1), hi) && lo <= port && port <= hi;
}

/// The listed profiles in which no active inbound allow rule of the local store lets TCP
/// `port` in (the same reading as the rule's accept_rdp_rule).
std::vector<std::string> profilesWithoutRdpRule(const WindowsFirewallFacts& fw,
                                                const std::vector<std::string>& profiles,
                                                std::int64_t port) {
  std::vector<std::string> missing;
  for (const std::string& profile : profiles) {
    bool covered = std::any_of(
        fw.inbound_allow_rules.begin(), fw.inbound_allow_rules.end(),
        [&](const WindowsFirewallAllowRule& r) {
          bool in_profile = r.profiles.empty() || std::any_of(r.profiles.begin(), r.profiles.end(),
                                                              [&](const std::string& p) {
                                                                return equalsNoCase(p, profile);
                                                              });
          bool on_port = r.local_ports.empty() ||
                         std::any_of(r.local_ports.begin(), r.local_ports.end(),
                                     [&](const std::string& s) { return portIn(s, port); });
          return in_profile && on_port;
        });
    if (!covered) missing.push_back(profile);
  }
  return missing;
}

/// Group Policy's key of a profile (it says "PrivateProfile" where the local store says
/// "StandardProfile").
std::string policyProfileKey(std::string_view profile) {
  std::string name = profile == "domain"    ? "DomainProfile"
                     : profile == "private" ? "PrivateProfile"
                                            : "PublicProfile";
  return std::string(kFirewallGroupPolicyKey) + "\\" + name;
}

/// The rule that keeps RDP reachable if a Group Policy turns the firewall back on, in the
/// registry form the firewall service reads at start (and parsers/firewall_rule reads back).
/// No Profile= field: every profile. Server 2008 (6.0) knows only schema v2.0; 2008 R2 (6.1)
/// reads v2.10, and every later release reads the older versions.
std::string rdpRuleText(const Facts& facts, std::int64_t port) {
  const auto& v = facts.windows.version;
  bool vista_schema = v.ok() && v.value->major == 6 && v.value->minor == 0;
  return std::string(vista_schema ? "v2.0" : "v2.10") +
         "|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=" + std::to_string(port) +
         "|Name=Remote Desktop (TCP-In " + std::to_string(port) +
         ", guestprep)|Desc=Added by guestprep fix (W-FIREWALL) so that Remote Desktop stays "
         "reachable if Group Policy turns the firewall on|";
}

Result<FixItem> planFirewall(const FixContext& ctx) {
  if (auto r = notWindows(ctx); !r) return std::unexpected(r.error());
  const WindowsFirewallFacts& fw = ctx.facts.windows.firewall;
  const std::vector<std::string> profiles = ctx.params.getList("profiles");
  const std::int64_t port = ctx.params.getInt("rdp_port");
  if (port <= 0 || port > 65535) {
    return fail(ErrorCode::kInvalidInput,
                "the policy's rdp_port " + std::to_string(port) + " is not a TCP port");
  }
  FixItem item;
  std::vector<std::string> changes;
  for (const WindowsFirewallProfile& p : fw.profiles) {
    if (!contains(profiles, p.profile)) continue;
    for (const RegistryFact* f : {&p.policy_enabled, &p.local_enabled}) {
      if (auto r = readable(*f); !r) return std::unexpected(r.error());
    }
    // Group Policy's value wins when it is set: that is the one to change then.
    const RegistryFact& target = p.policy_enabled.present ? p.policy_enabled : p.local_enabled;
    if (target.present && target.number == 0) continue;
    item.actions.push_back(setDword(target, 0,
                                    "the " + p.profile + " profile's firewall off" +
                                        (&target == &p.policy_enabled ? " (Group Policy)" : "")));
    changes.push_back(p.profile + ": " + shown(target) + " -> 0");
  }
  if (fw.profiles.empty()) {
    return fail(ErrorCode::kIo, "the firewall profiles were not read; nothing to plan from");
  }
  // An allow rule for RDP as well, in the local store: the firewall off is a registry value a
  // Group Policy refresh can turn back on, and then this rule keeps the port open.
  const std::string rule_name = "guestprep-RDP-In-TCP-" + std::to_string(port);
  bool rule_planned = false;
  if (!fw.rules_error.empty()) {
    item.notes.push_back("the firewall rules could not be read (" + fw.rules_error +
                         "): no Remote Desktop rule is added");
  } else if (!profilesWithoutRdpRule(fw, profiles, port).empty()) {
    RegValue rule{RegType::kSz, rdpRuleText(ctx.facts, port), {}, 0, {}};
    item.actions.push_back(setRegistryAction(
        std::string(kFirewallPolicyKey) + "\\FirewallRules", rule_name, toRegistryData(rule),
        "allow TCP " + std::to_string(port) + " in, in every profile (Remote Desktop)"));
    changes.push_back("inbound rule " + rule_name + " allows TCP " + std::to_string(port));
    rule_planned = true;
  }
  // Where Group Policy keeps local rules out of a profile, no local rule (this one included)
  // applies there while Group Policy turns that profile's firewall on.
  std::vector<std::string> unmerged;
  for (const std::string& profile : profiles) {
    auto merge = readRegistryValue(ctx.host, policyProfileKey(profile), "AllowLocalPolicyMerge");
    if (merge && merge->exists && merge->type == 4 && merge->data == registryDword(0).data) {
      unmerged.push_back(profile);
    }
  }
  if (!unmerged.empty()) {
    item.notes.push_back("Group Policy sets AllowLocalPolicyMerge = 0 for the " + joined(unmerged) +
                         " profile(s): local firewall rules are ignored there while Group Policy "
                         "turns the firewall on; allow TCP " +
                         std::to_string(port) + " in the GPO's own rules");
  }
  item.summary = changes.empty() ? "the firewall is already off at the next boot" : joined(changes);
  item.notes.push_back(kNextBootNote);
  item.in_place_until_reboot = [profiles, port, rule_planned](const Facts& after) -> std::string {
    if (!firewallOnAtBoot(after.windows.firewall, profiles).empty()) return {};
    if (rule_planned && !profilesWithoutRdpRule(after.windows.firewall, profiles, port).empty()) {
      return {};
    }
    return std::string("the firewall is off in every profile at the next boot") +
           (rule_planned ? " and an inbound rule lets TCP " + std::to_string(port) + " in" : "");
  };
  return item;
}

Result<FixItem> planAgents(const FixContext& ctx) {
  if (auto r = notWindows(ctx); !r) return std::unexpected(r.error());
  const auto& services = ctx.facts.windows.services;
  if (!services.ok()) return fail(ErrorCode::kIo, "cannot list the services: " + services.error);
  FixItem item;
  std::vector<std::string> disabled;
  for (const std::string& wanted : ctx.params.getList("services")) {
    auto it =
        std::find_if(services.value->begin(), services.value->end(),
                     [&](const WindowsServiceEntry& s) { return equalsNoCase(s.name, wanted); });
    if (it == services.value->end() || it->start_type == "disabled") continue;
    RegistryFact start;
    start.key = serviceKey(it->name);
    start.name = "Start";
    item.actions.push_back(setDword(
        start, kStartDisabled, "do not start " + it->name + " at boot (it is not stopped now)"));
    disabled.push_back(it->name + " " + it->start_type + " -> disabled");
  }
  item.summary = disabled.empty() ? "no listed service starts at boot" : joined(disabled);
  item.notes.push_back(
      "the services stay installed (and running until the next boot): uninstall the programs "
      "before capturing the image for the finding to pass");
  return item;
}

Result<FixItem> planHibernation(const FixContext& ctx) {
  if (auto r = notWindows(ctx); !r) return std::unexpected(r.error());
  const WindowsHibernateFacts& h = ctx.facts.windows.hibernate;
  for (const RegistryFact* f : {&h.hibernate_enabled, &h.hiberboot}) {
    if (auto r = readable(*f); !r) return std::unexpected(r.error());
  }
  FixItem item;
  std::vector<std::string> changes;
  if (!h.hibernate_enabled.present || h.hibernate_enabled.number != 0) {
    item.actions.push_back(setDword(h.hibernate_enabled, 0, "hibernation off"));
    changes.push_back(shown(h.hibernate_enabled) + " -> 0");
  }
  if (h.hiberboot.present && h.hiberboot.number != 0) {
    item.actions.push_back(setDword(h.hiberboot, 0, "Fast Startup off"));
    changes.push_back(shown(h.hiberboot) + " -> 0");
  }
  item.summary = changes.empty() ? "hibernation and Fast Startup are already off" : joined(changes);
  item.notes.push_back(
      "Windows deletes hiberfil.sys once hibernation is off at boot (`powercfg /hibernate off` "
      "does it at once); shut down fully before capturing the image");
  return item;
}

/// Whether BootExecute runs autochk on a volume at the next boot (anything but the default
/// "autocheck autochk *", which checks only volumes already dirty), as the rule reads it.
bool checkScheduled(const RegistryFact& boot_execute) {
  if (!boot_execute.present) return false;
  std::size_t start = 0;
  const std::string& t = boot_execute.text;
  while (start <= t.size()) {
    std::size_t end = t.find('\n', start);
    std::string squeezed;
    for (char c : lowerAscii(t.substr(start, end == std::string::npos ? end : end - start))) {
      if (c != ' ' && c != '\t') squeezed += c;
    }
    if (squeezed.find("autochk") != std::string::npos && squeezed != "autocheckautochk*") {
      return true;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

Result<FixItem> planFsCheck(const FixContext& ctx) {
  if (auto r = notWindows(ctx); !r) return std::unexpected(r.error());
  const WindowsVolumeFacts& v = ctx.facts.windows.volume;
  if (auto r = readable(v.boot_execute); !r) return std::unexpected(r.error());
  const std::string drive = v.drive.empty() ? "C:" : v.drive;
  FixItem item;
  item.in_place_until_reboot = [drive](const Facts& after) -> std::string {
    if (!checkScheduled(after.windows.volume.boot_execute)) return {};
    return "autochk checks " + drive + " at the next boot (BootExecute)";
  };
  if (checkScheduled(v.boot_execute)) {
    item.summary = "a check of " + drive + " is already scheduled at the next boot";
    item.notes.push_back("restart once so the check runs here, then audit again");
    return item;
  }
  // What `chkdsk C: /f` schedules on a volume in use: autochk with /p on the next boot, before
  // the default entry. The other entries are kept as they are.
  RegValue entries{RegType::kMultiSz, {}, {"autocheck autochk /p \\??\\" + drive}, 0, {}};
  if (v.boot_execute.present) {
    std::size_t start = 0;
    const std::string& t = v.boot_execute.text;
    while (start < t.size()) {
      std::size_t end = t.find('\n', start);
      entries.strings.push_back(t.substr(start, end == std::string::npos ? end : end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
  } else {
    entries.strings.push_back("autocheck autochk *");
  }
  item.actions.push_back(setRegistryAction(v.boot_execute.key, v.boot_execute.name,
                                           toRegistryData(entries),
                                           "check " + drive + " at the next boot (autochk /p)"));
  item.summary = "autochk scheduled on " + drive + " at the next boot";
  item.notes.push_back(
      "the check runs at the next boot and can take long on a large volume; restart once before "
      "capturing, then audit again");
  return item;
}

}  // namespace

const std::vector<Fixer>& windowsFixers() {
  static const std::vector<Fixer> kFixers{
      {"windows.rdp", "Remote Desktop allowed on the policy's port, TermService automatic",
       planRdp},
      {"windows.firewall_off",
       "the firewall profiles off at the next boot, and an inbound rule for the RDP port",
       planFirewall},
      {"windows.password_accepts_cloud_rule",
       "the minimum password length lowered to the cloud's minimum", planPassword},
      {"windows.agents_absent", "listed agents' services disabled at boot", planAgents},
      {"windows.hibernation_off", "hibernation and Fast Startup off", planHibernation},
      // A check at boot takes time: only when asked, as L-FSCHECK.
      {"windows.filesystem_clean", "a disk check (autochk) scheduled at the next boot", planFsCheck,
       true},
  };
  return kFixers;
}

}  // namespace guestprep::os_windows
