// Policy loading and validation from YAML (yaml-cpp), with file:line:col messages.
#include "policy/policy.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <string_view>

#include "policy/embedded.h"
#include "policy/yaml_check.h"
#include "rules/registry.h"

namespace guestprep {

namespace {

// The checks below are written out rather than done with std::regex: libstdc++'s matcher
// recurses once per character, so a policy with a 40 000-digit number overflowed the stack.

// `-?[0-9]+`
bool isInteger(std::string_view s) {
  if (s.starts_with('-')) s.remove_prefix(1);
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// `(L|W|IMG|X|XW)-[A-Z0-9]+(-[A-Z0-9]+)*`
bool isRequirementId(std::string_view s) {
  std::size_t dash = s.find('-');
  if (dash == std::string_view::npos) return false;
  std::string_view family = s.substr(0, dash);
  if (family != "L" && family != "W" && family != "IMG" && family != "X" && family != "XW") {
    return false;
  }
  std::string_view rest = s.substr(dash + 1);
  if (rest.empty() || rest.front() == '-' || rest.back() == '-' ||
      rest.find("--") != std::string_view::npos) {
    return false;
  }
  return rest.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == std::string_view::npos;
}

class Validator : public YamlChecker {
 public:
  using YamlChecker::YamlChecker;

  // A required or optional string scalar.
  std::string str(const YAML::Node& map, const std::string& key, bool required,
                  const std::string& what) {
    YAML::Node n = map[key];
    if (!n) {
      if (required) error(map.Mark(), what + ": missing required key '" + key + "'");
      return {};
    }
    if (!n.IsScalar()) {
      error(n.Mark(), what + ": '" + key + "' must be a string");
      return {};
    }
    return n.Scalar();
  }

  bool boolean(const YAML::Node& map, const std::string& key, bool fallback,
               const std::string& what) {
    YAML::Node n = map[key];
    if (!n) return fallback;
    bool v = fallback;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
      error(n.Mark(), what + ": '" + key + "' must be true or false");
    }
    return v;
  }

  std::optional<ParamValue> param(const YAML::Node& n, const ParamSpec& spec,
                                  const std::string& what) {
    std::string label = what + ": parameter '" + spec.name + "'";
    switch (spec.kind) {
      case ParamKind::kBool: {
        bool v = false;
        if (n.IsScalar() && YAML::convert<bool>::decode(n, v)) return v;
        error(n.Mark(), label + " must be true or false");
        return std::nullopt;
      }
      case ParamKind::kInt: {
        std::int64_t v = 0;
        if (n.IsScalar() && isInteger(n.Scalar()) && YAML::convert<std::int64_t>::decode(n, v)) {
          return v;
        }
        error(n.Mark(), label + " must be an integer");
        return std::nullopt;
      }
      case ParamKind::kString: {
        if (!n.IsScalar()) {
          error(n.Mark(), label + " must be a string");
          return std::nullopt;
        }
        if (!spec.choices.empty() &&
            std::find(spec.choices.begin(), spec.choices.end(), n.Scalar()) == spec.choices.end()) {
          std::string list;
          for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
          error(n.Mark(), label + " must be one of: " + list);
          return std::nullopt;
        }
        return n.Scalar();
      }
      case ParamKind::kStringList: {
        if (!n.IsSequence()) {
          error(n.Mark(), label + " must be a list of strings");
          return std::nullopt;
        }
        std::vector<std::string> v;
        for (const auto& item : n) {
          if (!item.IsScalar()) {
            error(item.Mark(), label + ": every item must be a string");
            return std::nullopt;
          }
          v.push_back(item.Scalar());
        }
        return v;
      }
    }
    return std::nullopt;
  }
};

const std::set<std::string> kPolicyKeys = {"id",   "title",    "version", "source",
                                           "date", "platform", "rules"};
const std::set<std::string> kRuleKeys = {"id",     "requirement", "title",
                                         "type",   "severity",    "beyond_notes",
                                         "source", "remediation", "params"};

void parseRule(Validator& v, const YAML::Node& node, Policy& policy, std::set<std::string>& ids) {
  if (!node.IsMap()) {
    v.error(node.Mark(), "each rule must be a mapping");
    return;
  }
  PolicyRule rule;
  rule.line = node.Mark().line + 1;
  rule.id = v.str(node, "id", true, "rule");
  std::string what = "rule '" + (rule.id.empty() ? std::string("?") : rule.id) + "'";
  v.onlyKeys(node, kRuleKeys, what);
  if (!rule.id.empty() && !ids.insert(rule.id).second) {
    v.error(node["id"].Mark(), what + ": duplicate rule id");
  }
  rule.requirement = v.str(node, "requirement", true, what);
  if (!rule.requirement.empty() && !isRequirementId(rule.requirement)) {
    v.error(node["requirement"].Mark(),
            what + ": requirement '" + rule.requirement +
                "' is not a requirement ID (L-*, W-*, IMG-*, X-*, XW-*; see spec/REQUIREMENTS.md)");
  }
  rule.title = v.str(node, "title", false, what);
  rule.type = v.str(node, "type", true, what);
  rule.severity = v.str(node, "severity", false, what);
  if (rule.severity.empty()) rule.severity = "fail";
  if (rule.severity != "fail" && rule.severity != "warn") {
    v.error(node["severity"].Mark(), what + ": severity must be 'fail' or 'warn'");
  }
  rule.beyond_notes = v.boolean(node, "beyond_notes", false, what);
  rule.source = v.str(node, "source", false, what);
  if (rule.beyond_notes && rule.source.empty()) {
    v.error(node.Mark(), what + ": a beyond_notes rule must name its source");
  }
  rule.remediation = v.str(node, "remediation", false, what);

  if (!rule.type.empty()) {
    rule.rule_type = findRuleType(rule.type);
    if (!rule.rule_type) {
      std::string list;
      for (const auto& t : ruleTypes()) list += (list.empty() ? "" : ", ") + std::string(t.name);
      v.error(node["type"].Mark(),
              what + ": unknown rule type '" + rule.type + "' (known: " + list + ")");
    }
  }
  YAML::Node params = node["params"];
  if (params && !params.IsMap() && !params.IsNull()) {
    v.error(params.Mark(), what + ": params must be a mapping");
  } else if (rule.rule_type) {
    std::map<std::string, ParamValue> values;
    std::set<std::string> allowed;
    for (const ParamSpec& spec : rule.rule_type->params) {
      allowed.insert(spec.name);
      const YAML::Node& cparams = params;
      if (params && params.IsMap() && cparams[spec.name]) {
        if (auto pv = v.param(cparams[spec.name], spec, what)) values[spec.name] = *pv;
      } else if (spec.default_value) {
        values[spec.name] = *spec.default_value;
      } else {
        v.error(params ? params.Mark() : node.Mark(),
                what + ": missing required parameter '" + spec.name + "' of " + rule.type);
      }
    }
    if (params && params.IsMap()) v.onlyKeys(params, allowed, what + " params (" + rule.type + ")");
    rule.params = Params(std::move(values));
  }
  policy.rules.push_back(std::move(rule));
}

}  // namespace

Result<Policy> parsePolicy(std::string_view yaml, const std::string& origin) {
  Validator v(origin);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    v.error(e.mark, "YAML syntax error: " + e.msg);
    return fail(ErrorCode::kInvalidInput, v.joined());
  }
  if (!root.IsMap()) {
    v.error(root.Mark(), "a policy must be a mapping with id, title, version, rules");
    return fail(ErrorCode::kInvalidInput, v.joined());
  }
  Policy policy;
  policy.origin = origin;
  v.onlyKeys(root, kPolicyKeys, "policy");
  policy.id = v.str(root, "id", true, "policy");
  policy.title = v.str(root, "title", true, "policy");
  policy.version = v.str(root, "version", true, "policy");
  policy.source = v.str(root, "source", true, "policy");
  policy.date = v.str(root, "date", true, "policy");
  policy.platform = v.str(root, "platform", true, "policy");
  if (!policy.platform.empty() && policy.platform != "linux" && policy.platform != "windows") {
    v.error(root["platform"].Mark(), "policy: platform must be 'linux' or 'windows'");
  }
  YAML::Node rules = root["rules"];
  if (!rules || !rules.IsSequence()) {
    v.error(rules ? rules.Mark() : root.Mark(), "policy: 'rules' must be a list of rules");
  } else {
    std::set<std::string> ids;
    for (const auto& r : rules) parseRule(v, r, policy, ids);
  }
  if (!v.ok()) return fail(ErrorCode::kInvalidInput, v.joined());
  return policy;
}

std::vector<std::string> builtinPolicyNames() {
  std::vector<std::string> names;
  for (const auto& p : embeddedPolicies()) names.emplace_back(p.name);
  return names;
}

std::string_view builtinPolicyText(std::string_view name) {
  for (const auto& p : embeddedPolicies()) {
    if (p.name == name) return p.yaml;
  }
  return {};
}

Result<Policy> builtinPolicy(std::string_view name) {
  for (const auto& p : embeddedPolicies()) {
    if (p.name == name) return parsePolicy(p.yaml, "built-in:" + std::string(name));
  }
  std::string list;
  for (const auto& n : builtinPolicyNames()) list += (list.empty() ? "" : ", ") + n;
  return fail(ErrorCode::kNotFound,
              "no built-in policy '" + std::string(name) + "' (built-in: " + list + ")");
}

}  // namespace guestprep
