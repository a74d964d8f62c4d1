// Policies: which rules apply, with typed parameters, loaded from YAML and validated with
// file:line:col messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "policy/params.h"

namespace guestprep {

struct RuleType;

/// One rule of a policy.
struct PolicyRule {
  std::string id;                 ///< unique in the policy ("single-nic")
  std::string requirement;        ///< the requirement it enforces ("L-NIC")
  std::string title;              ///< a short name for reports
  std::string type;               ///< rule type name ("nic.count")
  std::string severity = "fail";  ///< "fail" or "warn"
  bool beyond_notes = false;      ///< not stated by the cloud's notes (see REQUIREMENTS.md)
  std::string source;             ///< where a beyond-notes rule comes from
  std::string remediation;        ///< overrides the rule type's default text
  Params params;
  const RuleType* rule_type = nullptr;
  int line = 0;
};

/// A whole policy.
struct Policy {
  std::string id;
  std::string title;
  std::string version;
  std::string source;
  std::string date;
  std::string platform;  ///< "linux" or "windows"
  std::vector<PolicyRule> rules;
  std::string origin;  ///< "built-in aliyun-ecs-linux" or the file it was read from
};

/// Parses and validates a policy. `origin` names the file in messages. On failure the error
/// message lists every problem found, one per line, as `origin:line:col: message`.
Result<Policy> parsePolicy(std::string_view yaml, const std::string& origin);

/// The built-in policy of that name (parsed from the embedded YAML).
Result<Policy> builtinPolicy(std::string_view name);
/// Names of the built-in policies.
std::vector<std::string> builtinPolicyNames();
/// The YAML text of a built-in policy, or empty.
std::string_view builtinPolicyText(std::string_view name);

/// The default policy for this platform.
inline constexpr std::string_view kDefaultLinuxPolicy = "aliyun-ecs-linux";

}  // namespace guestprep
