// Policy loading and validation: good policies load with defaults filled in; every kind of bad
// policy is refused with file:line:col.
#include "policy/policy.h"

#include "audit/audit.h"

#include <gtest/gtest.h>

#include <set>

#include "rules/registry.h"

namespace guestprep {
namespace {

constexpr const char* kHeader =
    "id: test\ntitle: Test\nversion: '1'\nsource: tests\ndate: '2026-01-01'\nplatform: linux\n";

TEST(Policy, BuiltinLinuxPolicyLoads) {
  auto p = builtinPolicy(kDefaultLinuxPolicy);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->id, "aliyun-ecs-linux");
  EXPECT_EQ(p->platform, "linux");
  EXPECT_FALSE(p->rules.empty());
  for (const auto& r : p->rules) {
    EXPECT_NE(r.rule_type, nullptr) << r.id;
    EXPECT_FALSE(r.title.empty()) << r.id;
  }
}

TEST(Policy, DefaultsAreFilledIn) {
  std::string y =
      std::string(kHeader) + "rules:\n  - id: a\n    requirement: L-NIC\n    type: nic.count\n";
  auto p = parsePolicy(y, "t.yaml");
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_EQ(p->rules.size(), 1u);
  EXPECT_EQ(p->rules[0].params.getInt("max"), 1);
  EXPECT_TRUE(p->rules[0].params.getBool("check_runtime"));
  EXPECT_EQ(p->rules[0].severity, "fail");
  EXPECT_EQ(p->rules[0].line, 8);
}

struct BadCase {
  const char* name;
  std::string yaml;
  const char* where;    // expected "file:line:col"
  const char* message;  // expected part of the message
};

TEST(Policy, BadPoliciesNameFileLineAndColumn) {
  const std::string h = kHeader;
  const BadCase cases[] = {
      {"unknown top-level key", h + "colour: red\nrules: []\n", "bad.yaml:7:1",
       "unknown key 'colour'"},
      {"unknown rule key",
       h + "rules:\n  - id: a\n    requirement: L-NIC\n    type: nic.count\n    sevrity: warn\n",
       "bad.yaml:11:5", "unknown key 'sevrity'"},
      {"unknown rule type", h + "rules:\n  - id: a\n    requirement: L-NIC\n    type: nic.cuont\n",
       "bad.yaml:10:11", "unknown rule type 'nic.cuont'"},
      {"missing requirement", h + "rules:\n  - id: a\n    type: nic.count\n", "bad.yaml:8:5",
       "missing required key 'requirement'"},
      {"malformed requirement",
       h + "rules:\n  - id: a\n    requirement: nic\n    type: nic.count\n", "bad.yaml:9:18",
       "not a requirement ID"},
      {"wrong parameter type",
       h + "rules:\n  - id: a\n    requirement: L-NIC\n    type: nic.count\n    params:\n      "
           "max: "
           "one\n",
       "bad.yaml:12:12", "parameter 'max' must be an integer"},
      {"unknown parameter",
       h + "rules:\n  - id: a\n    requirement: L-NIC\n    type: nic.count\n    params:\n      "
           "maximum: 2\n",
       "bad.yaml:12:7", "unknown key 'maximum'"},
      {"bad choice",
       h + "rules:\n  - id: a\n    requirement: L-IPV6\n    type: ipv6.disabled\n    params:\n"
           "      runtime_addresses: maybe\n",
       "bad.yaml:12:26", "must be one of: fail, warn"},
      {"bad severity",
       h + "rules:\n  - id: a\n    requirement: L-NIC\n    type: nic.count\n    severity: high\n",
       "bad.yaml:11:15", "severity must be"},
      {"duplicate id",
       h + "rules:\n  - id: a\n    requirement: L-NIC\n    type: nic.count\n  - id: a\n    "
           "requirement: L-DHCP\n    type: nic.dhcp\n",
       "bad.yaml:11:9", "duplicate rule id"},
      {"beyond notes without source",
       h + "rules:\n  - id: a\n    requirement: X-NETPIN\n    type: nic.pinning\n    "
           "beyond_notes: true\n",
       "bad.yaml:8:5", "must name its source"},
      {"yaml syntax", h + "rules: [\n", "bad.yaml:8:1", "YAML syntax error"},
      {"missing header key", "id: x\nrules: []\n", "bad.yaml:1:1", "missing required key 'title'"},
      {"list of strings",
       h + "rules:\n  - id: a\n    requirement: X-NETPIN\n    type: nic.pinning\n    params:\n"
           "      hardware_name_patterns: en*\n",
       "bad.yaml:12:31", "must be a list of strings"},
  };
  for (const BadCase& c : cases) {
    auto p = parsePolicy(c.yaml, "bad.yaml");
    ASSERT_FALSE(p) << c.name;
    EXPECT_EQ(p.error().code, ErrorCode::kInvalidInput) << c.name;
    EXPECT_NE(p.error().message.find(c.where), std::string::npos)
        << c.name << ": " << p.error().message;
    EXPECT_NE(p.error().message.find(c.message), std::string::npos)
        << c.name << ": " << p.error().message;
  }
}

TEST(Policy, EveryProblemIsReportedNotJustTheFirst) {
  std::string y = std::string(kHeader) +
                  "rules:\n  - id: a\n    requirement: L-NIC\n    type: nope\n  - id: b\n    "
                  "type: nic.count\n";
  auto p = parsePolicy(y, "x.yaml");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("unknown rule type"), std::string::npos);
  EXPECT_NE(p.error().message.find("missing required key 'requirement'"), std::string::npos);
}

TEST(Policy, UnknownBuiltinNamesTheKnownOnes) {
  auto p = builtinPolicy("no-such-policy");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("aliyun-ecs-linux"), std::string::npos);
}

TEST(RuleRegistry, NamesAreUniqueAcrossFamilies) {
  std::set<std::string_view> names;
  for (const auto& t : ruleTypes()) {
    EXPECT_TRUE(names.insert(t.name).second) << "duplicate rule type " << t.name;
    EXPECT_EQ(findRuleType(t.name), &t) << t.name;
  }
}

// Every rule type's parameter declarations are well formed: defaults have the declared type.
TEST(RuleRegistry, ParameterDefaultsMatchTheirKinds) {
  for (const auto& t : ruleTypes()) {
    EXPECT_NE(t.evaluate, nullptr) << t.name;
    for (const auto& spec : t.params) {
      if (!spec.default_value) continue;
      std::size_t expected = spec.kind == ParamKind::kBool     ? 0
                             : spec.kind == ParamKind::kInt    ? 1
                             : spec.kind == ParamKind::kString ? 2
                                                               : 3;
      EXPECT_EQ(spec.default_value->index(), expected) << t.name << "." << spec.name;
    }
  }
}

}  // namespace
}  // namespace guestprep

namespace guestprep {
namespace {

// Hashing the system directories is costly: only a policy that checks them asks for it.
TEST(CollectOptions, SystemDirsAreVerifiedOnlyWhenAPolicyRuleNeedsThem) {
  auto full = builtinPolicy(kDefaultLinuxPolicy);
  ASSERT_TRUE(full) << full.error().message;
  EXPECT_TRUE(collectOptionsFor(*full).verify_system_dirs);
  Policy network = *full;
  std::erase_if(network.rules, [](const PolicyRule& r) { return r.type == "files.unmodified"; });
  EXPECT_FALSE(collectOptionsFor(network).verify_system_dirs);
  Policy issue_only = *full;
  std::erase_if(issue_only.rules, [](const PolicyRule& r) {
    return r.type == "files.unmodified" && r.params.getString("scope") == "system_dirs";
  });
  EXPECT_FALSE(collectOptionsFor(issue_only).verify_system_dirs);
}

}  // namespace
}  // namespace guestprep
