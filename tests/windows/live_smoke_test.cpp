// A smoke audit of the Windows this runs on (wine's in CI): every probe gives a value or a clean
// error, every finding has a message, the firewall API's failure is an error and never a pass,
// and guestprep.exe itself audits with exit 0 or 1 and a JSON report.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "host/windows_host.h"
#include "policy/policy.h"
#include "rules/windows_rules.h"

namespace guestprep::os_windows {
namespace {

TEST(LiveSmokeAudit, EveryProbeAnswersAndEveryFindingIsClean) {
  auto host = makeLiveHost();
  Facts facts = collectFacts(*host);
  EXPECT_TRUE(facts.windows.collected);
  EXPECT_TRUE(facts.windows.problems.empty())
      << facts.windows.problems.front().file << ": " << facts.windows.problems.front().message;
  ASSERT_TRUE(facts.windows.version.ok()) << facts.windows.version.error;
  EXPECT_FALSE(facts.windows.version.value->product_name.empty());
  EXPECT_TRUE(facts.windows.rdp.listeners.ok()) << facts.windows.rdp.listeners.error;
  ASSERT_EQ(facts.windows.firewall.profiles.size(), 3u);
  for (const auto& p : facts.windows.firewall.profiles) {
    EXPECT_TRUE(p.api_enabled.ok() || !p.api_enabled.error.empty()) << p.profile;
    EXPECT_TRUE(p.local_enabled.error.empty()) << p.local_enabled.error;
  }
  // The later probes: a value, or an error that says why (wine has no secedit, no CBS.log).
  const WindowsFacts& w = facts.windows;
  EXPECT_TRUE(w.password.minimum_length.ok() || !w.password.minimum_length.error.empty());
  EXPECT_TRUE(w.password.complexity.ok() || !w.password.complexity.error.empty());
  EXPECT_TRUE(w.services.ok()) << w.services.error;  // wine's registry has Services
  EXPECT_TRUE(w.programs.ok() || !w.programs.error.empty());
  EXPECT_TRUE(w.updates.ok() || !w.updates.error.empty());
  EXPECT_FALSE(w.pending.empty());
  EXPECT_TRUE(w.hibernate.hiberfil.ok() || !w.hibernate.hiberfil.error.empty());
  for (const auto* o : {&w.volume.filesystem, &w.volume.partition_style}) {
    EXPECT_TRUE(o->ok() || !o->error.empty());
  }
  EXPECT_TRUE(w.volume.dirty.ok() || !w.volume.dirty.error.empty());
  EXPECT_TRUE(w.sfc.ok() || !w.sfc.error.empty());
  auto policy = builtinPolicy("aliyun-ecs-windows");
  ASSERT_TRUE(policy) << policy.error().message;
  auto findings = evaluatePolicy(*policy, facts);
  ASSERT_EQ(findings.size(), policy->rules.size());
  for (const Finding& f : findings) {
    EXPECT_FALSE(f.message.empty()) << f.requirement;
    if (f.status == Status::kError) {
      EXPECT_EQ(f.message.find("the check could not run"), std::string::npos)
          << f.requirement << ": " << f.message;
    }
  }
  // With the next-boot settings off, what the firewall API could not say decides: an error
  // where it failed (wine: E_NOTIMPL), never a pass.
  Facts off = facts;
  bool api_failed = false;
  for (auto& p : off.windows.firewall.profiles) {
    p.policy_enabled.present = false;
    p.local_enabled = RegistryFact{"HKLM\\test", "EnableFirewall", true, "REG_DWORD", "0", 0, ""};
    api_failed = api_failed || !p.api_enabled.ok();
  }
  const RuleType* fw = findRuleType("windows.firewall_off");
  ASSERT_NE(fw, nullptr);
  std::map<std::string, ParamValue> defaults;
  for (const auto& spec : fw->params) defaults[spec.name] = *spec.default_value;
  Outcome o = fw->evaluate(off, Params(defaults));
  if (api_failed) {
    EXPECT_EQ(o.status, Status::kError) << o.message;
    EXPECT_NE(o.message.find("HRESULT"), std::string::npos) << o.message;
  } else {
    EXPECT_NE(o.status, Status::kError) << o.message;
  }
}

TEST(LiveSmokeAudit, TheProgramAuditsWithAJsonReport) {
  auto host = makeLiveHost();
  auto r =
      host->run({GUESTPREP_BINARY, "audit", "--format", "json"}, std::chrono::milliseconds(120000));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->exit_code == 0 || r->exit_code == 1) << r->exit_code << "\n" << r->err;
  auto report = nlohmann::json::parse(r->out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << r->out.substr(0, 400);
  std::set<std::string> reqs;
  for (const auto& f : report.at("findings")) reqs.insert(f.at("requirement").get<std::string>());
  for (const char* id : {"W-VERSION", "W-RDP", "W-FIREWALL", "W-PASSWD", "W-DISK", "W-FSTYPE",
                         "W-FSCHECK", "W-QEMUGA", "W-SYSFILES", "XW-AGENTS", "XW-VIRTIO", "XW-SHA2",
                         "XW-HIBERNATE", "XW-PENDING"}) {
    EXPECT_TRUE(reqs.contains(id)) << id;
  }

  auto linux_policy = host->run({GUESTPREP_BINARY, "audit", "--policy", "aliyun-ecs-linux"},
                                std::chrono::milliseconds(60000));
  ASSERT_TRUE(linux_policy) << linux_policy.error().message;
  EXPECT_EQ(linux_policy->exit_code, 2);
  EXPECT_NE(linux_policy->err.find("this guestprep audits windows"), std::string::npos)
      << linux_policy->err;
}

}  // namespace
}  // namespace guestprep::os_windows
