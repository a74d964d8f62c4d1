// windows.firewall_off (W-FIREWALL): every firewall profile off at next boot (Group Policy's
// EnableFirewall first, then the local one; Windows' default is on) and, on a running system,
// off now (INetFwPolicy2). With accept_rdp_rule, a profile that is on passes when an active
// inbound rule lets TCP on the RDP port in.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "rules/windows_rules.h"

namespace guestprep {

namespace {

bool sameNoCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

bool portMatches(const std::string& spec, int port) {
  int lo = 0, hi = 0;
  std::size_t dash = spec.find('-');
  std::string_view a = std::string_view(spec).substr(0, dash);
  auto [p, ec] = std::from_chars(a.data(), a.data() + a.size(), lo);
  if (ec != std::errc() || p != a.data() + a.size()) return false;  // keywords: RPC, ...
  if (dash == std::string::npos) return lo == port;
  std::string_view b = std::string_view(spec).substr(dash + 1);
  auto [q, ec2] = std::from_chars(b.data(), b.data() + b.size(), hi);
  return ec2 == std::errc() && q == b.data() + b.size() && lo <= port && port <= hi;
}

// The first rule letting TCP `port` in on `profile`, or nullptr.
const WindowsFirewallAllowRule* rdpRule(const WindowsFirewallFacts& fw, std::string_view profile,
                                        int port) {
  for (const WindowsFirewallAllowRule& r : fw.inbound_allow_rules) {
    bool in_profile = r.profiles.empty() ||
                      std::any_of(r.profiles.begin(), r.profiles.end(),
                                  [&](const std::string& p) { return sameNoCase(p, profile); });
    bool on_port = r.local_ports.empty() ||
                   std::any_of(r.local_ports.begin(), r.local_ports.end(),
                               [&](const std::string& s) { return portMatches(s, port); });
    if (in_profile && on_port) return &r;
  }
  return nullptr;
}

}  // namespace

std::vector<ParamSpec> windowsFirewallOffParams() {
  return {
      {"profiles",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"domain", "private", "public"}},
       "profiles that must be off (domain, private, public)",
       {}},
      {"check_runtime",
       ParamKind::kBool,
       ParamValue{true},
       "on a running system, the firewall API's state now counts too",
       {}},
      {"accept_rdp_rule",
       ParamKind::kBool,
       ParamValue{false},
       "a profile that is on passes when an inbound rule allows TCP on rdp_port",
       {}},
      {"rdp_port", ParamKind::kInt, ParamValue{std::int64_t{3389}}, "the RDP port", {}},
  };
}

Outcome evaluateWindowsFirewallOff(const Facts& facts, const Params& params) {
  Outcome out;
  if (notWindows(facts, out)) return out;
  const WindowsFirewallFacts& fw = facts.windows.firewall;
  const int port = static_cast<int>(params.getInt("rdp_port"));
  const bool accept_rule = params.getBool("accept_rdp_rule");
  const bool runtime = facts.runtime && params.getBool("check_runtime");
  std::vector<std::string> fails, errors, passes_by_rule;
  for (const std::string& name : params.getList("profiles")) {
    auto it = std::find_if(fw.profiles.begin(), fw.profiles.end(),
                           [&](const WindowsFirewallProfile& p) { return p.profile == name; });
    if (it == fw.profiles.end()) {
      out.status = Status::kError;
      out.message = "the policy names firewall profile \"" + name +
                    "\", which is not domain, private or public";
      return out;
    }
    const WindowsFirewallProfile& p = *it;
    std::string on_why;
    bool unknown = false;
    for (const RegistryFact* r : {&p.policy_enabled, &p.local_enabled}) {
      out.evidence.push_back(registryEvidence(*r));
      if (!r->error.empty()) {
        errors.push_back(name + ": could not read " + r->key + "\\" + r->name);
        unknown = true;
      }
    }
    if (!unknown) {
      if (p.policy_enabled.present) {
        if (p.policy_enabled.number != 0) on_why = "on at next boot (Group Policy)";
      } else if (p.local_enabled.present) {
        if (p.local_enabled.number != 0) on_why = "on at next boot";
      } else {
        on_why = "on at next boot (not configured: Windows' default)";
      }
    }
    if (runtime) {
      if (!p.api_enabled.ok()) {
        errors.push_back(name + ": the firewall API gave no state (" + p.api_enabled.error + ")");
        out.evidence.push_back(Evidence{"INetFwPolicy2", 0, name + ": " + p.api_enabled.error});
      } else {
        out.evidence.push_back(Evidence{
            "INetFwPolicy2", 0, name + ": " + (*p.api_enabled.value ? "on" : "off") + " now"});
        if (*p.api_enabled.value) on_why = on_why.empty() ? "on now" : on_why + ", and on now";
      }
    }
    if (on_why.empty()) continue;
    if (accept_rule) {
      if (const auto* r = rdpRule(fw, name, port)) {
        passes_by_rule.push_back(name);
        out.evidence.push_back(Evidence{"FirewallRules", 0,
                                        name + " is " + on_why + "; rule " + r->id + " (" +
                                            r->name + ") lets TCP " + std::to_string(port) +
                                            " in"});
        continue;
      }
    }
    fails.push_back(name + " profile " + on_why);
  }
  if (accept_rule && !fw.rules_error.empty() && !fails.empty()) {
    errors.push_back("the firewall rules could not be read: " + fw.rules_error);
  }
  auto joinAll = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
    return s;
  };
  if (!fails.empty()) {
    out.status = Status::kFail;
    out.message = "the firewall is " + joinAll(fails);
    out.remediation =
        "Turn Windows Firewall off for every profile (netsh advfirewall set "
        "allprofiles state off, and in Group Policy if it sets it).";
  } else if (!errors.empty()) {
    out.status = Status::kError;
    out.message = joinAll(errors);
    out.remediation = "Check the firewall state by hand (netsh advfirewall show allprofiles).";
  } else {
    out.status = Status::kPass;
    out.message = passes_by_rule.empty()
                      ? "the firewall is off for every profile"
                      : "the firewall is off, or lets TCP " + std::to_string(port) + " in (" +
                            joinAll(passes_by_rule) + ")";
  }
  return out;
}

}  // namespace guestprep
