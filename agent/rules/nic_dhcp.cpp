// nic.dhcp (L-DHCP): the NIC that will be the image's only NIC gets its IPv4 address by DHCP.
#include <algorithm>

#include "rules/network_rules.h"
#include "rules/network_view.h"

namespace guestprep {

std::vector<ParamSpec> nicDhcpParams() {
  return {
      {"hardware_name_patterns",
       ParamKind::kStringList,
       ParamValue{defaultHardwareNamePatterns()},
       "globs of interface names that depend on the NIC's hardware position",
       {}},
      {"accept_cloud_init",
       ParamKind::kBool,
       ParamValue{true},
       "accept cloud-init's network configuration at first boot when no NIC is configured",
       {}},
  };
}

namespace {

// The config that decides how `nic` gets its IPv4 address: its own, or its master's.
const NicConfig* addressConfig(const BootNetwork& view, const std::string& nic) {
  auto it = view.physical.find(nic);
  if (it == view.physical.end()) return nullptr;
  const NicConfig* best = nullptr;
  for (const NicConfig* c : it->second) {
    if (c->kind == "alias" || c->kind == "vlan") continue;
    best = c;
    break;
  }
  if (!best) best = it->second.front();
  // Follow the member -> master chain (eth0 -> bond0 -> br0), at most a few levels.
  for (int depth = 0; depth < 4 && !best->master.empty(); ++depth) {
    const NicConfig* master = nullptr;
    for (const NicConfig* c : view.active) {
      if (c->name == best->master) master = c;
    }
    if (!master) break;
    best = master;
  }
  return best;
}

std::string primaryNic(const BootNetwork& view) {
  if (view.physical.contains("eth0")) return "eth0";
  return view.physical.begin()->first;
}

}  // namespace

Outcome evaluateNicDhcp(const Facts& facts, const Params& params) {
  const auto& net = facts.network;
  BootNetwork view = deriveBootNetwork(net, params.getList("hardware_name_patterns"));
  Outcome out;
  if (view.physical.empty()) {
    if (!view.unreadable.empty()) {
      out.status = Status::kError;
      out.message = "could not read every network configuration file";
      out.evidence = view.unreadable;
      return out;
    }
    if (params.getBool("accept_cloud_init") && net.cloud_init_network) {
      out.status = Status::kPass;
      out.message =
          "no NIC is configured, and cloud-init writes a DHCP configuration at first boot";
      out.evidence.push_back(Evidence{"cloud-init", 0, net.cloud_init_evidence});
      return out;
    }
    out.status = Status::kFail;
    out.message = "no NIC is configured to start at boot, so the instance gets no address";
    for (const auto& s : net.stacks) {
      out.evidence.push_back(
          Evidence{s.name, 0, (s.in_use ? "in use: " : "not in use: ") + s.evidence});
    }
    out.remediation =
        "Configure the primary NIC (eth0) for DHCP at boot in the network stack this system uses "
        "(for example `auto eth0` + `iface eth0 inet dhcp`, or ifcfg-eth0 with BOOTPROTO=dhcp "
        "ONBOOT=yes), or install cloud-init.";
    return out;
  }
  const std::string nic = primaryNic(view);
  const NicConfig* c = addressConfig(view, nic);
  out.evidence.push_back(configEvidence(*c));
  std::string via = c->name == nic ? nic : nic + " (through " + c->name + ")";

  std::vector<const NicPin*> certain, possible;
  for (const auto& pin : view.pins) {
    if (pin.nic == nic || pin.nic == c->name || pin.nic.starts_with("MAC ")) {
      (pin.certain ? certain : possible).push_back(&pin);
      out.evidence.push_back(pin.evidence);
    }
  }
  switch (c->ipv4) {
    case AddrMethod::kDhcp:
      break;
    case AddrMethod::kStatic:
      out.status = Status::kFail;
      out.message = via + " has a static IPv4 address; the cloud assigns the address by DHCP";
      out.remediation = "Configure " + c->name +
                        " for DHCP (BOOTPROTO=dhcp, `inet dhcp`, "
                        "dhcp4: true, method=auto) and remove the static address and gateway.";
      return out;
    case AddrMethod::kUnknown:
      out.status = Status::kError;
      out.message = "could not tell how " + via + " gets its IPv4 address";
      out.remediation = "Check the configuration named in the evidence by hand.";
      return out;
    default:
      out.status = Status::kFail;
      out.message = via + " gets no IPv4 address at boot (IPv4 " + toString(c->ipv4) + ")";
      out.remediation = "Configure " + c->name + " for DHCP at boot.";
      return out;
  }
  if (!certain.empty()) {
    out.status = Status::kFail;
    out.message = via +
                  " uses DHCP, but its configuration is pinned to this machine and will "
                  "not apply to the new NIC";
    out.remediation =
        "Remove the MAC address binding (HWADDR, match: macaddress, mac-address, "
        "70-persistent-net.rules) so the DHCP configuration applies to the new NIC.";
    return out;
  }
  if (!possible.empty()) {
    out.status = Status::kWarn;
    out.message = via + " uses DHCP, but the new NIC may get another name than " + nic;
    out.remediation =
        "Configure DHCP for a name the new NIC will have (eth0 with net.ifnames=0, "
        "or a name match such as `en*`/`eth*`).";
    return out;
  }
  out.status = Status::kPass;
  out.message = via + " gets its IPv4 address by DHCP at boot";
  return out;
}

}  // namespace guestprep
