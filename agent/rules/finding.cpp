// JSON and text names of findings.
#include "rules/finding.h"

namespace guestprep {

NLOHMANN_JSON_SERIALIZE_ENUM(Status, {
                                         {Status::kPass, "pass"},
                                         {Status::kFail, "fail"},
                                         {Status::kWarn, "warn"},
                                         {Status::kNotApplicable, "not-applicable"},
                                         {Status::kError, "error"},
                                     })

std::string toString(Status s) { return nlohmann::json(s).get<std::string>(); }

void to_json(nlohmann::json& j, const Evidence& e) {
  j = nlohmann::json{{"source", e.source}, {"text", e.text}};
  if (e.line > 0) j["line"] = e.line;
}

void to_json(nlohmann::json& j, const Finding& f) {
  j = nlohmann::json{{"rule_id", f.rule_id},
                     {"requirement", f.requirement},
                     {"rule_type", f.rule_type},
                     {"title", f.title},
                     {"severity", f.severity},
                     {"beyond_notes", f.beyond_notes},
                     {"status", nlohmann::json(f.status)},
                     {"message", f.message},
                     {"evidence", f.evidence},
                     {"remediation", f.remediation}};
}

}  // namespace guestprep
