// The firewall family's rule types, listed for the registry.
#include "rules/firewall_rules.h"

#include "rules/registry.h"

namespace guestprep {

std::vector<RuleType> firewallRuleTypes() {
  return {
      {"firewall.off",
       "no firewall is enabled at the next boot (and none filters now), so port 22 is open",
       firewallOffParams(), evaluateFirewallOff,
       "Disable the firewall at boot (systemctl disable firewalld / iptables / nftables, "
       "chkconfig iptables off, ufw disable, or SuSEfirewall2 off); the instance's security "
       "group filters traffic instead."},
      {"sshd.reachable",
       "sshd is installed, starts at boot and listens on the SSH port on every address",
       sshdReachableParams(), evaluateSshdReachable,
       "Install the OpenSSH server, enable it at boot (systemctl enable sshd, chkconfig sshd on, "
       "update-rc.d ssh enable) and let it listen on port 22 on all addresses (remove or fix "
       "Port / ListenAddress in /etc/ssh/sshd_config)."},
  };
}

}  // namespace guestprep
