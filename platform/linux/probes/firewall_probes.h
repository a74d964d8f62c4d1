// The firewall-family probes: firewall products and their persisted rules, the rules loaded
// now, and sshd (installed, enabled, configured port, listening now).
#pragma once

#include <string>
#include <string_view>

#include "facts/facts.h"
#include "host/host.h"

namespace guestprep::os_linux {

/// iptables-services / RHEL iptables script, netfilter-persistent, nftables, firewalld, ufw and
/// SuSEfirewall2: installed, enabled at boot, and what their persisted rules do to TCP 22.
void probeFirewallProducts(const Host& host, FirewallFacts& facts);
/// Rules loaded now from `iptables-save` and `nft list ruleset` (live host only; a command that
/// is not installed is skipped).
void probeFirewallRuntime(const Host& host, FirewallFacts& facts);
/// sshd: binary and service, enabled at boot (systemd, SysV, upstart), sshd_config Port /
/// ListenAddress / AddressFamily with Include, and sockets listening now.
void probeSshd(const Host& host, FirewallFacts& facts);

/// Upstart: /etc/init/`job`.conf has a `start on` stanza and no `manual` in the job or its
/// .override file. Empty evidence when there is no such job.
struct UpstartJobState {
  bool installed = false;
  bool enabled = false;
  std::string evidence;  ///< the stanza that decided ("start on", "manual"), or what is missing
  SourceRef source;      ///< the file (and line) that decided
};
UpstartJobState upstartJobState(const Host& host, std::string_view job);

}  // namespace guestprep::os_linux
