// Rule evaluation and the verdict.
#include "audit/audit.h"

#include <exception>

#include "rules/registry.h"

namespace guestprep {

std::vector<Finding> evaluatePolicy(const Policy& policy, const Facts& facts, FactSource source) {
  std::vector<Finding> findings;
  findings.reserve(policy.rules.size());
  for (const PolicyRule& rule : policy.rules) {
    // A rule whose type is missing from this build is reported (as an error) by the audit only.
    FactSource rule_source = rule.rule_type ? rule.rule_type->source : FactSource::kSystem;
    if (rule_source != source) continue;
    Finding f;
    f.rule_id = rule.id;
    f.requirement = rule.requirement;
    f.rule_type = rule.type;
    f.title = rule.title;
    f.severity = rule.severity;
    f.beyond_notes = rule.beyond_notes;
    Outcome o;
    try {
      if (!rule.rule_type || !rule.rule_type->evaluate) {
        throw std::logic_error("rule type '" + rule.type + "' is not available in this build");
      }
      o = rule.rule_type->evaluate(facts, rule.params);
    } catch (const std::exception& e) {
      o = Outcome{Status::kError, std::string("the check could not run: ") + e.what(), {}, {}};
    } catch (...) {
      o = Outcome{Status::kError, "the check could not run: unknown exception", {}, {}};
    }
    if (o.status == Status::kFail && rule.severity == "warn") o.status = Status::kWarn;
    f.status = o.status;
    f.message = std::move(o.message);
    f.evidence = std::move(o.evidence);
    if (f.status != Status::kPass && f.status != Status::kNotApplicable) {
      f.remediation = !rule.remediation.empty() ? rule.remediation
                      : !o.remediation.empty()  ? o.remediation
                      : rule.rule_type          ? std::string(rule.rule_type->remediation)
                                                : std::string();
    }
    findings.push_back(std::move(f));
  }
  return findings;
}

CollectOptions collectOptionsFor(const Policy& policy) {
  CollectOptions o;
  o.verify_system_dirs = false;
  for (const PolicyRule& r : policy.rules) {
    if (r.type == "files.unmodified" && r.params.values().contains("scope") &&
        r.params.getString("scope") == "system_dirs") {
      o.verify_system_dirs = true;
    }
    if (r.type == "windows.system_files" && r.params.values().contains("run") &&
        r.params.getBool("run")) {
      o.run_sfc = true;
    }
  }
  return o;
}

Verdict decideVerdict(const std::vector<Finding>& findings, FailOn fail_on) {
  Verdict v;
  v.fail_on = fail_on;
  int blocking_errors = 0;
  for (const Finding& f : findings) {
    switch (f.status) {
      case Status::kPass:
        ++v.pass;
        break;
      case Status::kFail:
        ++v.fail;
        break;
      case Status::kWarn:
        ++v.warn;
        break;
      case Status::kNotApplicable:
        ++v.not_applicable;
        break;
      case Status::kError:
        ++v.error;
        if (f.severity == "fail" || fail_on == FailOn::kWarn) ++blocking_errors;
        break;
    }
  }
  v.ready = v.fail == 0 && blocking_errors == 0 && (fail_on == FailOn::kFail || v.warn == 0);
  std::string parts;
  auto add = [&parts](int n, const char* what) {
    if (n == 0) return;
    parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  };
  add(v.fail, "failed");
  add(v.error, "could not be checked");
  add(v.warn, v.warn == 1 ? "warning" : "warnings");
  add(v.pass, "passed");
  add(v.not_applicable, "not applicable");
  v.summary = std::string(v.ready ? "READY for import" : "NOT READY for import") +
              (parts.empty() ? "" : ": " + parts);
  return v;
}

}  // namespace guestprep
