// The network probes: each reads one network stack (or one kind of runtime state) through the
// Host and appends typed facts to NetworkFacts. Files that cannot be read or parsed are recorded
// in NetworkFacts::problems with the reason; a probe never guesses.
#pragma once

#include "facts/facts.h"
#include "host/host.h"

namespace guestprep::os_linux {

/// RHEL/CentOS/Fedora initscripts and NetworkManager's ifcfg-rh plugin:
/// /etc/sysconfig/network-scripts/ifcfg-* (and /etc/sysconfig/network for NETWORKING_IPV6).
void probeIfcfgRedHat(const Host& host, NetworkFacts& facts);
/// SUSE sysconfig/wicked: /etc/sysconfig/network/ifcfg-*.
void probeIfcfgSuse(const Host& host, NetworkFacts& facts);
/// Debian/Ubuntu ifupdown: /etc/network/interfaces with source / source-directory.
void probeEni(const Host& host, NetworkFacts& facts);
/// netplan: /etc/netplan, /run/netplan, /lib/netplan *.yaml.
void probeNetplan(const Host& host, NetworkFacts& facts);
/// NetworkManager keyfiles: /etc/NetworkManager/system-connections (and /usr/lib, /run).
void probeNetworkManager(const Host& host, NetworkFacts& facts);
/// systemd-networkd: *.network / *.netdev / *.link in /etc, /run, /usr/lib, /lib systemd/network.
void probeNetworkd(const Host& host, NetworkFacts& facts);
/// udev rules that pin names to MACs (70-persistent-net.rules and friends).
void probePersistentNetRules(const Host& host, NetworkFacts& facts);
/// IPv6 at next boot: sysctl.conf / sysctl.d, kernel command lines in the boot configuration.
void probeIpv6Boot(const Host& host, NetworkFacts& facts);
/// cloud-init: installed, and whether it may configure the network.
void probeCloudInitNetwork(const Host& host, NetworkFacts& facts);
/// State now: /sys/class/net, /proc/net/if_inet6, /proc/cmdline (only when the host has runtime
/// state; otherwise the Observed fields say why they were not collected).
void probeRuntimeNetwork(const Host& host, NetworkFacts& facts);

}  // namespace guestprep::os_linux
