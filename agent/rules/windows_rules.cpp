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
      {"windows.password_accepts_cloud_rule",
       "Windows' password policy accepts every password the cloud allows", windowsPasswordParams(),
       &evaluateWindowsPassword,
       "Relax the minimum password length and complexity to what the cloud allows."},
      {"windows.agents_absent", "the listed agents are not installed or do not start at boot",
       windowsAgentsAbsentParams(), &evaluateWindowsAgentsAbsent,
       "Uninstall the agents or disable their services."},
      {"windows.virtio_drivers",
       "paravirtual storage and network drivers are installed and start at boot",
       windowsVirtioParams(), &evaluateWindowsVirtio, "Install the virtio-win drivers."},
      {"windows.updates_installed", "updates a release needs on the cloud are installed",
       windowsUpdatesParams(), &evaluateWindowsUpdates, "Install the listed update."},
      {"windows.hibernation_off", "hibernation and Fast Startup are off",
       windowsHibernationParams(), &evaluateWindowsHibernation, "powercfg /hibernate off"},
      {"windows.no_pending_reboot", "no reboot or update is pending", windowsPendingParams(),
       &evaluateWindowsPending, "Restart before capturing the image."},
      {"windows.disk_free", "the system volume is not full", windowsDiskFreeParams(),
       &evaluateWindowsDiskFree, "Free space on the system volume."},
      {"windows.filesystem", "the system volume is NTFS on an MBR disk", windowsFilesystemParams(),
       &evaluateWindowsFilesystem, "Use NTFS on an MBR system disk."},
      {"windows.filesystem_clean", "the system volume is clean (no dirty bit)",
       windowsFsCleanParams(), &evaluateWindowsFsClean, "Run chkdsk /f and restart."},
      {"windows.system_files", "the System File Checker found no modified system file",
       windowsSystemFilesParams(), &evaluateWindowsSystemFiles, "Run sfc /verifyonly."},
  };
}

}  // namespace guestprep
