// Reports: the JSON report (the contract, docs/report-schema.json) and the text report for people.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "facts/facts.h"
#include "policy/policy.h"
#include "rules/finding.h"

namespace guestprep {

/// Version of the JSON report layout (docs/report-schema.json); bump on incompatible change.
inline constexpr int kReportSchemaVersion = 1;

struct Report {
  std::string generated_at;  ///< UTC, ISO 8601
  const Policy* policy = nullptr;
  const Facts* facts = nullptr;
  std::vector<Finding> findings;
  Verdict verdict;
};

nlohmann::json reportToJson(const Report& report);

struct TextOptions {
  bool color = false;    ///< ANSI colours (only on a terminal, never with NO_COLOR)
  bool verbose = false;  ///< also show the evidence of passing findings
};

std::string renderText(const Report& report, const TextOptions& options);

}  // namespace guestprep
