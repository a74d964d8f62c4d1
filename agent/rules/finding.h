// Findings: what a rule concluded about one requirement, with evidence and what to do.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace guestprep {

/// The outcome of a rule. "Could not evaluate" is kError, never kFail.
enum class Status { kPass, kFail, kWarn, kNotApplicable, kError };

/// One piece of evidence: where it was seen (a file and line, or a command) and what it says.
struct Evidence {
  std::string source;  ///< "/etc/sysconfig/network-scripts/ifcfg-eth1", "/proc/net/if_inet6"
  int line = 0;        ///< 1-based line in `source`, 0 when not about one line
  std::string text;    ///< what was seen there, in a few words
  bool operator==(const Evidence&) const = default;
};

/// What a rule type returns: status, a one-line message, evidence and the remediation.
struct Outcome {
  Status status = Status::kError;
  std::string message;
  std::vector<Evidence> evidence;
  std::string remediation;  ///< empty: the policy's or the rule type's default text applies
};

/// An Outcome placed in its policy context.
struct Finding {
  std::string rule_id;      ///< the policy rule's id
  std::string requirement;  ///< "L-NIC", ...
  std::string rule_type;    ///< "nic.count", ...
  std::string title;        ///< short name of the requirement, from the policy
  std::string severity;     ///< "fail" or "warn": what a non-pass outcome counts as
  bool beyond_notes = false;
  Status status = Status::kError;
  std::string message;
  std::vector<Evidence> evidence;
  std::string remediation;
  bool operator==(const Finding&) const = default;
};

std::string toString(Status s);

void to_json(nlohmann::json& j, const Evidence& e);
void to_json(nlohmann::json& j, const Finding& f);

}  // namespace guestprep
