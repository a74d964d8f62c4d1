// nic.pinning (X-NETPIN): no network configuration pinned to this machine's MAC or NIC name.
#include "rules/network_rules.h"
#include "rules/network_view.h"

namespace guestprep {

std::vector<ParamSpec> nicPinningParams() {
  return {
      {"hardware_name_patterns",
       ParamKind::kStringList,
       ParamValue{defaultHardwareNamePatterns()},
       "globs of interface names that depend on the NIC's hardware position",
       {}},
  };
}

Outcome evaluateNicPinning(const Facts& facts, const Params& params) {
  BootNetwork view = deriveBootNetwork(facts.network, params.getList("hardware_name_patterns"));
  Outcome out;
  int certain = 0;
  for (const auto& pin : view.pins) {
    out.evidence.push_back(pin.evidence);
    if (pin.certain) ++certain;
  }
  out.remediation =
      "Remove MAC bindings (70-persistent-net.rules entries, HWADDR=, netplan match: macaddress "
      "with set-name, NetworkManager mac-address=) and configure the primary NIC by a name the "
      "new NIC will have.";
  if (certain > 0) {
    out.status = Status::kFail;
    out.message = std::to_string(certain) +
                  " network setting(s) are pinned to this machine's NIC and will not apply to "
                  "the new one";
    return out;
  }
  if (!view.pins.empty()) {
    out.status = Status::kWarn;
    out.message =
        "network configuration uses hardware-dependent NIC names that may differ on "
        "the new hypervisor";
    return out;
  }
  if (!view.unreadable.empty()) {
    out.status = Status::kError;
    out.message = "could not read every network configuration file";
    out.evidence = view.unreadable;
    return out;
  }
  out.status = Status::kPass;
  out.message = "no network configuration is pinned to a MAC address or hardware NIC name";
  return out;
}

}  // namespace guestprep
