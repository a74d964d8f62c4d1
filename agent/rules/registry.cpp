// The rule registry: one explicit table of every rule type.
#include "rules/registry.h"

#include "rules/network_rules.h"

namespace guestprep {

std::vector<RuleType> networkRuleTypes() {
  return {
      {"nic.count", "at most `max` physical NICs come up at boot", nicCountParams(),
       &evaluateNicCount, "Disable the boot configuration of every NIC but the primary one."},
      {"nic.dhcp", "the primary NIC gets its IPv4 address by DHCP at boot", nicDhcpParams(),
       &evaluateNicDhcp, "Configure the primary NIC for DHCP at boot."},
      {"ipv6.disabled", "no IPv6 addresses now or at the next boot", ipv6DisabledParams(),
       &evaluateIpv6Disabled, "Disable IPv6 persistently."},
      {"nic.pinning", "no network configuration pinned to a MAC or hardware NIC name",
       nicPinningParams(), &evaluateNicPinning, "Remove MAC and hardware-name bindings."},
  };
}

const std::vector<RuleType>& ruleTypes() {
  static const std::vector<RuleType> kTable = [] {
    std::vector<RuleType> all;
    for (auto family :
         {&networkRuleTypes, &systemRuleTypes, &firewallRuleTypes, &bootRuleTypes, &authRuleTypes,
          &storageRuleTypes, &softwareRuleTypes, &windowsRuleTypes, &imageRuleTypes}) {
      for (RuleType& t : family()) all.push_back(std::move(t));
    }
    return all;
  }();
  return kTable;
}

const RuleType* findRuleType(std::string_view name) {
  for (const auto& t : ruleTypes()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace guestprep
