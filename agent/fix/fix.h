// Fix mode: findings → Plan (through the fixers) → Journal → probe again → verified or not.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "fix/fixer.h"
#include "fix/journal.h"
#include "fix/plan.h"

namespace guestprep {

/// Plans a fix for every finding that is not a pass and has a fixer, in policy order, each fixer
/// seeing the previous ones' actions. `fixers` is platformFixers() outside tests.
Plan buildPlan(const Policy& policy, const std::vector<Finding>& findings, const Facts& facts,
               const Host& host, const FixOptions& options, const std::vector<Fixer>& fixers);

/// The plan as people read it: per item, the actions, with a unified diff per written file
/// against the state the earlier actions leave.
std::string renderPlanText(const Plan& plan, const Host& host);
nlohmann::json planToJson(const Plan& plan);

/// How one planned fix ended.
struct FixResult {
  std::string requirement;
  std::string rule_id;
  std::string outcome;  ///< "verified", "pending reboot", "not verified", "not applied"
  std::string detail;   ///< the finding's status and message after the fix, or the error
};

struct ApplyReport {
  std::string run_id;
  bool applied = false;                       ///< every action ran
  std::string error;                          ///< why applying stopped
  std::vector<RestoreOutcome> auto_rollback;  ///< when applying stopped, what was undone
  std::vector<FixResult> results;
  std::vector<Finding> findings_after;
  [[nodiscard]] bool allVerified() const;
};

/// How each planned fix ended, judged on the findings and facts collected after applying:
/// verified (the finding passes), pending reboot (a fix only the next boot carries out is in
/// place), not applied (nothing to do, and the finding still fails), or not verified.
std::vector<FixResult> verifyFixes(const Plan& plan, const std::vector<Finding>& after_findings,
                                   const Facts& after);

/// Applies the plan through a new journal run, then collects facts again and checks that each
/// fixed finding passes. If an action fails, what was applied is rolled back at once.
ApplyReport applyPlan(const Plan& plan, MutableHost& host, const Policy& policy,
                      const std::string& command_line, Journal::StepHook hook = {});

std::string renderApplyText(const ApplyReport& report);
nlohmann::json applyReportToJson(const ApplyReport& report);

/// A unified diff (3 lines of context) between two texts, labelled a/<path> and b/<path>.
std::string unifiedDiff(const std::string& path, const std::string& before,
                        const std::string& after);

}  // namespace guestprep
