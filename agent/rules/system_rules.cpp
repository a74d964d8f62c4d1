// The system family's rule types, listed for the registry.
#include "rules/system_rules.h"
#include "rules/registry.h"

namespace guestprep {

std::vector<RuleType> systemRuleTypes() {
  return {
      {"platform.standard",
       "the distribution is a standard import platform; names the platform to choose at import",
       platformStandardParams(), &evaluatePlatformStandard,
       "Choose the platform named in the message at import: the standard one, \"Customized "
       "Linux\", or \"Others Linux\" (then configure IP, routes and password by remote console)."},
      {"accounts.root", "the root account (passwd and shadow) and the passwd command exist",
       rootAccountParams(), &evaluateRootAccount,
       "Restore the root entries of /etc/passwd and /etc/shadow and install the passwd command."},
      {"links.relative", "/lib, /lib64 and merged-/usr links are relative symlinks",
       relativeLinksParams(), &evaluateRelativeLinks,
       "Replace absolute links with relative ones, e.g. `ln -sfn usr/lib /lib`."},
      {"selinux.not_enforcing", "SELinux will not enforce at the next boot",
       selinuxNotEnforcingParams(), &evaluateSelinuxNotEnforcing,
       "Set SELINUX=disabled (or permissive) in /etc/selinux/config."},
      {"machine_id.generalised", "no machine-id or SSH host keys that every clone would share",
       machineIdParams(), &evaluateMachineId,
       "Generalise before capture: `truncate -s 0 /etc/machine-id` and remove "
       "/etc/ssh/ssh_host_*_key* (sshd regenerates them at first boot)."},
      {"resolv.managed", "/etc/resolv.conf is writable and not a static leftover",
       resolvManagedParams(), &evaluateResolvManaged,
       "Remove the immutable flag (`chattr -i /etc/resolv.conf`) and let DHCP set DNS."},
  };
}

std::vector<Evidence> systemProblemsFor(const SystemFacts& sys, std::string_view file,
                                        bool prefix) {
  std::vector<Evidence> out;
  for (const ConfigProblem& p : sys.problems) {
    if (p.file == file || (prefix && p.file.starts_with(file))) {
      out.push_back(Evidence{p.file, p.line, p.message});
    }
  }
  return out;
}

}  // namespace guestprep
