// The Windows family's rule types, listed for the registry, and what they share.
#include "rules/windows_rules.h"
#include "rules/registry.h"

namespace guestprep {

bool notWindows(const Facts& facts, Outcome& out) {
  if (facts.windows.collected) return false;
  out.status = Status::kError;
  out.message = "these facts are not from a Windows system (no Windows probe ran)";
  out.remediation = "Audit Windows systems with guestprep.exe.";
  return true;
}

Evidence registryEvidence(const RegistryFact& r) {
  std::string what = !r.error.empty() ? "unreadable: " + r.error
                     : !r.present     ? "absent"
                     : r.type == "REG_DWORD" || r.type == "REG_QWORD"
                         ? r.type + " " + std::to_string(r.number)
                         : r.type + " \"" + r.text + "\"";
  return Evidence{r.key + "\\" + r.name, 0, what};
}

std::vector<RuleType> windowsRuleTypes() {
  return {
      {"windows.version", "the Windows release and edition are on the cloud's supported list",
       windowsVersionParams(), &evaluateWindowsVersion,
       "Import a supported Windows Server release and edition."},
      {"windows.rdp", "Remote Desktop is allowed, on the expected port, and listening",
       windowsRdpParams(), &evaluateWindowsRdp,
       "Allow Remote Desktop on port 3389 and set TermService to start."},
      {"windows.firewall_off", "Windows Firewall is off for every profile, at next boot and now",
       windowsFirewallOffParams(), &evaluateWindowsFirewallOff,
       "Turn Windows Firewall off for every profile."},
  };
}

}  // namespace guestprep
