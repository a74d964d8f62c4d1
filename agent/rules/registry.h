// The rule registry: one explicit table of every rule type (no static self-registration).
#pragma once

#include <string_view>
#include <vector>

#include "facts/facts.h"
#include "policy/params.h"
#include "rules/finding.h"

namespace guestprep {

/// A rule type is pure: typed parameters and Facts in, an Outcome out. It never touches the host.
using EvaluateFn = Outcome (*)(const Facts& facts, const Params& params);

/// What a rule type evaluates: the audited system (`audit`) or a disk image file (`image check`).
/// Each command evaluates only the policy rules of its source, so one policy serves both.
enum class FactSource { kSystem, kImage };

struct RuleType {
  std::string_view name;     ///< "nic.count"
  std::string_view summary;  ///< one line for `policy show` and docs
  std::vector<ParamSpec> params;
  EvaluateFn evaluate = nullptr;
  std::string_view remediation;  ///< default remediation text
  FactSource source = FactSource::kSystem;
};

/// Each family's rule types; registry.cpp concatenates these explicit lists into the table.
std::vector<RuleType> networkRuleTypes();   ///< rules/registry.cpp (nic.*, ipv6.disabled)
std::vector<RuleType> systemRuleTypes();    ///< rules/system_rules.cpp
std::vector<RuleType> firewallRuleTypes();  ///< rules/firewall_rules.cpp
std::vector<RuleType> bootRuleTypes();      ///< rules/boot_rules.cpp
std::vector<RuleType> authRuleTypes();      ///< rules/auth_rules.cpp
std::vector<RuleType> storageRuleTypes();   ///< rules/storage_rules.cpp
std::vector<RuleType> softwareRuleTypes();  ///< rules/software_rules.cpp
std::vector<RuleType> windowsRuleTypes();   ///< rules/windows_rules.cpp
std::vector<RuleType> imageRuleTypes();     ///< rules/image_rules.cpp (FactSource::kImage)

/// Every rule type, in one table (rules/registry.cpp).
const std::vector<RuleType>& ruleTypes();
/// The rule type of that name, or nullptr.
const RuleType* findRuleType(std::string_view name);

}  // namespace guestprep
