// Windows fix mode on the writable fixture host: per fixer, a plan on the 2012 R2 fixture (which
// fails those rules), applied through the journal, audited again, planned again (empty) and
// rolled back byte for byte; runs stopped at every durable step and by an I/O error at every
// write, then rolled back. W-PASSWD's `net accounts` runs over the fixture's NetUserModals
// values; the firewall's RDP rule is read back by the probe's parser. Nothing live is touched:
// the fixture's registry and SAM are in memory.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>

#include "audit/audit.h"
#include "fix/fix.h"
#include "fix/journal.h"
#include "fixers/windows_fixers.h"
#include "host/fixture_host.h"
#include "parsers/firewall_rule.h"
#include "policy/policy.h"
#include "probes/windows_probes.h"

namespace guestprep::os_windows {
namespace {

FixtureHost fixture2012() {
  return FixtureHost::fromFile(std::filesystem::path(GUESTPREP_WINDOWS_FIXTURES) /
                               "server-2012r2.json");
}

Facts collect(const FixtureHost& host) {
  Facts facts;
  collectWindowsFacts(host, host, facts);
  return facts;
}

Policy windowsPolicy() {
  auto p = builtinPolicy("aliyun-ecs-windows");
  if (!p) throw std::runtime_error(p.error().message);
  return *p;
}

Plan planFor(const FixtureHost& host, const Policy& policy, const std::string& req) {
  Facts facts = collect(host);
  FixOptions options;
  options.only = {req};
  return buildPlan(policy, evaluatePolicy(policy, facts), facts, host, options, windowsFixers());
}

Finding findingOf(const FixtureHost& host, const Policy& policy, const std::string& req) {
  for (Finding& f : evaluatePolicy(policy, collect(host))) {
    if (f.requirement == req) return f;
  }
  ADD_FAILURE() << "no finding for " << req;
  return {};
}

/// The values the plan writes, as they are now (absent ones included).
std::map<std::string, RegistryData> touched(const FixtureHost& host, const Plan& plan) {
  std::map<std::string, RegistryData> out;
  for (const auto& item : plan.items) {
    for (const auto& a : item.actions) {
      EXPECT_EQ(a.kind, ActionKind::kSetRegistryValue);
      auto v = host.registryValue(a.path, a.value_name);
      EXPECT_TRUE(v) << v.error().message;
      out[a.path + "\\" + a.value_name] = v ? *v : RegistryData{};
    }
  }
  return out;
}

/// Every file outside the journal.
std::map<std::string, std::string> filesOutsideJournal(const FixtureHost& host) {
  std::map<std::string, std::string> out;
  for (const auto& [p, c] : host.files()) {
    if (!p.starts_with("\\var\\lib\\guestprep")) out[p] = c;
  }
  return out;
}

/// Applies the plan as `guestprep fix` does (journal, then verification on the facts after).
std::vector<FixResult> applyThroughJournal(FixtureHost& host, const Policy& policy,
                                           const Plan& plan, std::string& run_id) {
  auto journal = Journal::begin(host, "guestprep fix --yes (test)");
  EXPECT_TRUE(journal) << journal.error().message;
  if (!journal) return {};
  run_id = journal->runId();
  for (const auto& item : plan.items) {
    for (const auto& a : item.actions) {
      auto r = journal->apply(a, item.requirement);
      EXPECT_TRUE(r) << r.error().message;
    }
  }
  EXPECT_TRUE(journal->finish(true));
  Facts after = collect(host);
  return verifyFixes(plan, evaluatePolicy(policy, after), after);
}

struct FixCase {
  const char* requirement;
  const char* outcome;         ///< on the running fixture
  const char* offline_status;  ///< the finding at the next boot (runtime state ignored)
  std::size_t actions;         ///< how many values the plan writes
  const char* plan_text;       ///< a line the plan shows
};

class WindowsFixerTest : public ::testing::TestWithParam<FixCase> {};

TEST_P(WindowsFixerTest, PlanApplyVerifyReplanRollback) {
  const FixCase& c = GetParam();
  FixtureHost host = fixture2012();
  Policy policy = windowsPolicy();
  Finding before = findingOf(host, policy, c.requirement);
  ASSERT_TRUE(before.status == Status::kFail || before.status == Status::kWarn)
      << toString(before.status) << ": " << before.message;

  Plan plan = planFor(host, policy, c.requirement);
  ASSERT_EQ(plan.items.size(), 1u) << renderPlanText(plan, host);
  EXPECT_EQ(plan.actionCount(), c.actions) << renderPlanText(plan, host);
  std::string text = renderPlanText(plan, host);
  EXPECT_NE(text.find(c.plan_text), std::string::npos) << text;
  nlohmann::json j = planToJson(plan);
  EXPECT_EQ(j["items"][0]["actions"][0]["kind"], "set-registry") << j.dump(1);
  EXPECT_TRUE(j["items"][0]["actions"][0].contains("key")) << j.dump(1);

  auto values_before = touched(host, plan);
  auto files_before = filesOutsideJournal(host);
  std::string run_id;
  auto results = applyThroughJournal(host, policy, plan, run_id);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, c.outcome) << results[0].detail;
  for (const auto& item : plan.items) {
    for (const auto& a : item.actions) {
      EXPECT_EQ(host.registryValue(a.path, a.value_name).value(), a.value) << a.path;
    }
  }

  // At the next boot (no runtime state), the finding is what the registry says.
  host.setRuntime(false);
  Finding offline = findingOf(host, policy, c.requirement);
  EXPECT_EQ(toString(offline.status), c.offline_status) << offline.message;
  host.setRuntime(true);

  Plan again = planFor(host, policy, c.requirement);
  EXPECT_EQ(again.actionCount(), 0u) << renderPlanText(again, host);

  auto run = rollbackRun(host, run_id);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->state, "rolled-back");
  for (const auto& o : run->rollback) EXPECT_EQ(o.result, "restored") << o.path << ": " << o.detail;
  EXPECT_EQ(touched(host, plan), values_before);
  EXPECT_EQ(filesOutsideJournal(host), files_before);
  EXPECT_EQ(findingOf(host, policy, c.requirement).status, before.status);
  // A second rollback changes nothing.
  auto twice = rollbackRun(host, run_id);
  ASSERT_TRUE(twice) << twice.error().message;
  for (const auto& o : twice->rollback) EXPECT_EQ(o.result, "unchanged") << o.path;
}

INSTANTIATE_TEST_SUITE_P(
    Server2012R2, WindowsFixerTest,
    ::testing::Values(
        // Nothing listens on 3389 until TermService starts at the next boot.
        FixCase{"W-RDP", "pending reboot", "pass", 1,
                "    - REG_DWORD 0x00000001 (1)\n    + REG_DWORD 0x00000000 (0)\n"},
        // The public profile's firewall stays on now: the RDP session is not cut.
        FixCase{"W-FIREWALL", "pending reboot", "pass", 1, "EnableFirewall: the public profile"},
        // Disabled but installed: the policy warns until the program is uninstalled.
        FixCase{"W-QEMUGA", "not verified", "warn", 1,
                "registry HKLM\\SYSTEM\\CurrentControlSet\\Services\\QEMU-GA\\Start"},
        FixCase{"XW-AGENTS", "not verified", "warn", 1, "+ REG_DWORD 0x00000004 (4)"},
        FixCase{"XW-HIBERNATE", "verified", "pass", 1, "HibernateEnabled: hibernation off"}),
    [](const auto& param_info) {
      std::string n = param_info.param.requirement;
      std::erase(n, '-');
      return n;
    });

TEST(WindowsFix, AgentsDisabledLeaveOnlyTheInstalledWarning) {
  FixtureHost host = fixture2012();
  Policy policy = windowsPolicy();
  std::string run_id;
  auto results = applyThroughJournal(host, policy, planFor(host, policy, "W-QEMUGA"), run_id);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_NE(results[0].detail.find("installed but not started at boot"), std::string::npos)
      << results[0].detail;
  EXPECT_NE(results[0].detail.find("QEMU-GA (disabled)"), std::string::npos) << results[0].detail;
}

TEST(WindowsFix, DisabledTermServiceStartsAutomatically) {
  FixtureHost host = fixture2012();
  host.setValue(serviceKey("TermService"), "Start", RegValue{RegType::kDword, {}, {}, 4, {}});
  Policy policy = windowsPolicy();
  Plan plan = planFor(host, policy, "W-RDP");
  ASSERT_EQ(plan.items.size(), 1u);
  EXPECT_EQ(plan.items[0].summary,
            "fDenyTSConnections=1 -> 0; TermService start type disabled -> auto");
  ASSERT_EQ(plan.actionCount(), 2u);
  std::string run_id;
  auto results = applyThroughJournal(host, policy, plan, run_id);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, "pending reboot") << results[0].detail;
  EXPECT_EQ(host.service("TermService")->start_type, StartType::kAuto);
  ASSERT_TRUE(rollbackRun(host, run_id));
  EXPECT_EQ(host.service("TermService")->start_type, StartType::kDisabled);
}

TEST(WindowsFix, ValueCreatedByTheRunIsDeletedByRollback) {
  FixtureHost host = fixture2012();
  const std::string power = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Power";
  host.removeValue(power, "HibernateEnabled");  // hiberfil.sys alone says hibernation is on
  Policy policy = windowsPolicy();
  ASSERT_FALSE(host.registryValue(power, "HibernateEnabled")->exists);
  Plan plan = planFor(host, policy, "XW-HIBERNATE");
  ASSERT_EQ(plan.actionCount(), 1u) << renderPlanText(plan, host);
  EXPECT_NE(renderPlanText(plan, host).find("    - absent\n"), std::string::npos)
      << renderPlanText(plan, host);
  std::string run_id;
  auto results = applyThroughJournal(host, policy, plan, run_id);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, "verified") << results[0].detail;
  EXPECT_EQ(*host.registryValue(power, "HibernateEnabled"), registryDword(0));
  auto manifest = loadRun(host, run_id);
  ASSERT_TRUE(manifest) << manifest.error().message;
  ASSERT_EQ(manifest->entries.size(), 1u);
  EXPECT_FALSE(manifest->entries[0].reg_before.exists);
  EXPECT_EQ(manifest->entries[0].state, "done");
  auto run = rollbackRun(host, run_id);
  ASSERT_TRUE(run) << run.error().message;
  ASSERT_EQ(run->rollback.size(), 1u);
  EXPECT_EQ(run->rollback[0].detail, "deleted (created by the run)");
  EXPECT_FALSE(host.registryValue(power, "HibernateEnabled")->exists);
  EXPECT_FALSE(host.regValue(power, "HibernateEnabled"));
}

TEST(WindowsFix, StringAndBinaryValuesRoundTripByteForByte) {
  FixtureHost host = fixture2012();
  const std::string key = "HKLM\\SOFTWARE\\GuestprepTest";
  RegValue sz{RegType::kExpandSz, "%SystemRoot%\\\u00e9t\u00e9", {}, 0, {}};
  RegValue multi{RegType::kMultiSz, {}, {"a", "b c"}, 0, {}};
  RegValue bin{RegType::kBinary, {}, {}, 0, std::string("\x00\x01\xff", 3)};
  host.setValue(key, "Sz", sz);
  host.setValue(key, "Multi", multi);
  host.setValue(key, "Bin", bin);
  auto journal = Journal::begin(host, "test");
  ASSERT_TRUE(journal) << journal.error().message;
  for (const char* name : {"Sz", "Multi", "Bin"}) {
    ASSERT_TRUE(journal->apply(setRegistryAction(key, name, registryDword(7), "test"), "T"));
  }
  ASSERT_TRUE(journal->finish(true));
  EXPECT_EQ(host.regValue(key, "Multi")->number, 7u);
  auto run = rollbackRun(host, journal->runId());
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->state, "rolled-back");
  EXPECT_EQ(*host.regValue(key, "Sz"), sz);
  EXPECT_EQ(*host.regValue(key, "Multi"), multi);
  EXPECT_EQ(*host.regValue(key, "Bin"), bin);
}

/// The whole plan of the 2012 R2 fixture's registry fixes.
Plan fullPlan(const FixtureHost& host, const Policy& policy) {
  Facts facts = collect(host);
  FixOptions options;
  options.only = {"W-RDP", "W-FIREWALL", "W-QEMUGA", "XW-AGENTS", "XW-HIBERNATE"};
  return buildPlan(policy, evaluatePolicy(policy, facts), facts, host, options, windowsFixers());
}

struct Crash {};

// The process dies after each durable step in turn (the hook throws, and the Journal object is
// abandoned as a killed process would leave it); `guestprep rollback` then restores every value.
TEST(WindowsFix, CrashAtEveryStepThenRollbackRestores) {
  Policy policy = windowsPolicy();
  int crashed = 0;
  for (int stop = 1; stop < 100; ++stop) {
    FixtureHost host = fixture2012();
    Plan plan = fullPlan(host, policy);
    ASSERT_EQ(plan.actionCount(), 5u) << renderPlanText(plan, host);
    auto before = touched(host, plan);
    bool stopped = false;
    try {
      auto journal = Journal::begin(host, "crash test", [stop](int step) {
        if (step == stop) throw Crash{};
      });
      ASSERT_TRUE(journal) << journal.error().message;
      for (const auto& item : plan.items) {
        for (const auto& a : item.actions) ASSERT_TRUE(journal->apply(a, item.requirement));
      }
      ASSERT_TRUE(journal->finish(true));
    } catch (const Crash&) {
      stopped = true;
    }
    if (!stopped) {
      EXPECT_GE(crashed, 3 * 5) << "every action has three durable steps";
      break;
    }
    ++crashed;
    auto id = lastRollbackCandidate(host);
    ASSERT_TRUE(id) << "step " << stop << ": " << id.error().message;
    auto run = rollbackRun(host, *id);
    ASSERT_TRUE(run) << run.error().message;
    EXPECT_EQ(run->state, "rolled-back") << "step " << stop;
    EXPECT_EQ(touched(host, plan), before) << "after a crash at step " << stop;
  }
  EXPECT_GT(crashed, 0);
}

// An I/O error at each write in turn (journal files and registry values): the run stops, what
// it applied is rolled back at once, and every value is as before.
TEST(WindowsFix, IoErrorAtEveryWriteThenRollbackRestores) {
  Policy policy = windowsPolicy();
  int failures = 0;
  for (int n = 1; n < 100; ++n) {
    FixtureHost host = fixture2012();
    Plan plan = fullPlan(host, policy);
    auto before = touched(host, plan);
    host.failWriteAt(n);
    auto journal = Journal::begin(host, "io error test");
    bool failed = !journal;
    if (journal) {
      for (const auto& item : plan.items) {
        for (const auto& a : item.actions) {
          if (!failed && !journal->apply(a, item.requirement)) failed = true;
        }
      }
      if (!failed && !journal->finish(true)) failed = true;
      if (failed) {
        (void)journal->finish(false, "injected");
        auto run = rollbackRun(host, journal->runId());
        ASSERT_TRUE(run) << "write " << n << ": " << run.error().message;
        EXPECT_EQ(run->state, "rolled-back") << "write " << n;
      }
    }
    if (!failed) {
      EXPECT_GE(failures, 2 * 5) << "a manifest write and a value write per action";
      break;
    }
    ++failures;
    EXPECT_EQ(touched(host, plan), before) << "after an I/O error at write " << n;
  }
  EXPECT_GT(failures, 0);
}

TEST(WindowsFix, DiskCheckScheduledOnlyWhenAskedAndPendingReboot) {
  FixtureHost host = fixture2012();
  const std::string sm = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager";
  // The fixture's check is already scheduled: leave only the default entry.
  RegValue defaults{RegType::kMultiSz, {}, {"autocheck autochk *"}, 0, {}};
  host.setValue(sm, "BootExecute", defaults);
  Policy policy = windowsPolicy();
  Facts facts = collect(host);
  Plan all =
      buildPlan(policy, evaluatePolicy(policy, facts), facts, host, FixOptions{}, windowsFixers());
  bool skipped = false;
  for (const auto& s : all.skipped) {
    if (s.requirement == "W-FSCHECK") {
      skipped = true;
      EXPECT_EQ(s.reason, "fixed only when asked: --only W-FSCHECK");
    }
  }
  EXPECT_TRUE(skipped) << renderPlanText(all, host);
  Plan plan = planFor(host, policy, "W-FSCHECK");
  ASSERT_EQ(plan.actionCount(), 1u) << renderPlanText(plan, host);
  EXPECT_NE(
      renderPlanText(plan, host)
          .find("    + REG_MULTI_SZ \"autocheck autochk /p \\??\\C:\\0autocheck autochk *\"\n"),
      std::string::npos)
      << renderPlanText(plan, host);
  std::string run_id;
  auto results = applyThroughJournal(host, policy, plan, run_id);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, "pending reboot") << results[0].detail;
  EXPECT_EQ(host.regValue(sm, "BootExecute")->strings,
            (std::vector<std::string>{"autocheck autochk /p \\??\\C:", "autocheck autochk *"}));
  EXPECT_EQ(planFor(host, policy, "W-FSCHECK").actionCount(), 0u);
  ASSERT_TRUE(rollbackRun(host, run_id));
  EXPECT_EQ(*host.regValue(sm, "BootExecute"), defaults);
}

TEST(WindowsFix, UnreadableValueStopsThePlanWithTheReason) {
  FixtureHost host = fixture2012();
  // HibernateEnabled=1 still fails the rule; HiberbootEnabled cannot be read.
  host.failKey("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Power", "access denied");
  Plan plan = planFor(host, windowsPolicy(), "XW-HIBERNATE");
  EXPECT_TRUE(plan.items.empty());
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_NE(plan.skipped[0].reason.find("access denied"), std::string::npos)
      << plan.skipped[0].reason;
}

// ---- W-PASSWD: the minimum length through `net accounts`, over the fixture's SAM ----

/// The 2012 R2 fixture with its JSON changed first (API answers, files).
FixtureHost fixture2012With(const std::function<void(nlohmann::json&)>& change) {
  std::filesystem::path dir(GUESTPREP_WINDOWS_FIXTURES);
  std::ifstream in(dir / "server-2012r2.json");
  nlohmann::json j = nlohmann::json::parse(in);
  change(j);
  return FixtureHost(j, dir);
}

/// The 2012 R2 fixture's security policy with "Password must meet complexity requirements" off.
void complexityOff(FixtureHost& host) {
  std::string text = *host.securityPolicyExport();
  auto at = text.find("PasswordComplexity = 1");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 22, "PasswordComplexity = 0");
  host.setSecurityPolicyExport(text);
}

/// What the SAM and secedit say, as the probes read them.
std::pair<UserModals, std::string> passwordState(const FixtureHost& host) {
  return {host.userModals().value(), host.securityPolicyExport().value()};
}

const char* const kNet = "C:\\Windows\\System32\\net.exe";

TEST(WindowsPasswordFix, LengthLoweredVerifiedReplannedEmptyAndRolledBack) {
  FixtureHost host = fixture2012();
  complexityOff(host);
  Policy policy = windowsPolicy();
  Finding before = findingOf(host, policy, "W-PASSWD");
  ASSERT_EQ(before.status, Status::kFail) << before.message;
  EXPECT_NE(before.message.find("at least 10 characters"), std::string::npos) << before.message;
  auto state_before = passwordState(host);

  Plan plan = planFor(host, policy, "W-PASSWD");
  ASSERT_EQ(plan.items.size(), 1u) << renderPlanText(plan, host);
  ASSERT_EQ(plan.actionCount(), 1u);
  const Action& a = plan.items[0].actions[0];
  EXPECT_EQ(a.kind, ActionKind::kRunCommand);
  EXPECT_EQ(a.argv, (std::vector<std::string>{kNet, "accounts", "/minpwlen:8"}));
  EXPECT_EQ(a.undo_argv, (std::vector<std::string>{kNet, "accounts", "/minpwlen:10"}));
  EXPECT_TRUE(a.touches.empty());
  EXPECT_EQ(plan.items[0].summary, "minimum password length 10 -> 8");
  std::string text = renderPlanText(plan, host);
  EXPECT_NE(text.find("run C:\\Windows\\System32\\net.exe accounts /minpwlen:8: minimum password "
                      "length 10 -> 8"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("rollback runs `net accounts /minpwlen:10`"), std::string::npos) << text;
  EXPECT_EQ(planToJson(plan)["items"][0]["actions"][0]["kind"], "run");

  std::string run_id;
  auto results = applyThroughJournal(host, policy, plan, run_id);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, "verified") << results[0].detail;
  EXPECT_EQ(host.userModals()->min_length, 8u);
  EXPECT_NE(host.securityPolicyExport()->find("MinimumPasswordLength = 8\r\n"), std::string::npos);
  EXPECT_EQ(host.userModals()->history_length, state_before.first.history_length);
  Finding after = findingOf(host, policy, "W-PASSWD");
  EXPECT_EQ(after.status, Status::kPass) << after.message;
  auto manifest = loadRun(host, run_id);
  ASSERT_TRUE(manifest) << manifest.error().message;
  ASSERT_EQ(manifest->entries.size(), 1u);
  EXPECT_EQ(manifest->entries[0].action, "run");
  EXPECT_EQ(manifest->entries[0].undo_argv, a.undo_argv);
  EXPECT_EQ(manifest->entries[0].state, "done");

  Plan again = planFor(host, policy, "W-PASSWD");
  EXPECT_EQ(again.actionCount(), 0u) << renderPlanText(again, host);
  EXPECT_TRUE(again.items.empty()) << renderPlanText(again, host);

  auto run = rollbackRun(host, run_id);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->state, "rolled-back");
  ASSERT_EQ(run->rollback.size(), 1u);
  EXPECT_EQ(run->rollback[0].result, "restored") << run->rollback[0].detail;
  EXPECT_EQ(passwordState(host), state_before);
  EXPECT_EQ(findingOf(host, policy, "W-PASSWD").status, Status::kFail);
}

TEST(WindowsPasswordFix, ComplexityStaysOnAndTheNameWarningIsLeft) {
  FixtureHost host = fixture2012();
  Policy policy = windowsPolicy();
  Plan plan = planFor(host, policy, "W-PASSWD");
  ASSERT_EQ(plan.actionCount(), 1u) << renderPlanText(plan, host);
  EXPECT_NE(renderPlanText(plan, host).find("holding the account name \"LocalAdmin\""),
            std::string::npos)
      << renderPlanText(plan, host);
  std::string run_id;
  auto results = applyThroughJournal(host, policy, plan, run_id);
  ASSERT_EQ(results.size(), 1u);
  // Complexity refuses only passwords holding a name; the shipped policy warns about that.
  EXPECT_EQ(results[0].outcome, "not verified");
  EXPECT_NE(results[0].detail.find("warn: "), std::string::npos) << results[0].detail;
  EXPECT_NE(results[0].detail.find("contains"), std::string::npos) << results[0].detail;
  EXPECT_NE(host.securityPolicyExport()->find("PasswordComplexity = 1"), std::string::npos);
  Plan again = planFor(host, policy, "W-PASSWD");
  EXPECT_TRUE(again.items.empty()) << renderPlanText(again, host);
  ASSERT_EQ(again.skipped.size(), 1u);
  EXPECT_NE(again.skipped[0].reason.find("already accepts the cloud's passwords"),
            std::string::npos)
      << again.skipped[0].reason;
  EXPECT_NE(again.skipped[0].reason.find("does not turn"), std::string::npos);
  ASSERT_TRUE(rollbackRun(host, run_id));
  EXPECT_EQ(host.userModals()->min_length, 10u);
}

/// The reason W-PASSWD is not fixed, or "" when it is planned.
std::string passwordRefusal(const FixtureHost& host) {
  Plan plan = planFor(host, windowsPolicy(), "W-PASSWD");
  if (!plan.items.empty()) return "";
  EXPECT_EQ(plan.skipped.size(), 1u);
  return plan.skipped.empty() ? "(nothing)" : plan.skipped[0].reason;
}

TEST(WindowsPasswordFix, RefusedOnADomainController) {
  FixtureHost host =
      fixture2012With([](nlohmann::json& j) { j["os_version"]["product_type"] = 2; });
  std::string why = passwordRefusal(host);
  EXPECT_NE(why.find("domain controller"), std::string::npos) << why;
}

constexpr const char* kGpState =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Group Policy\\State\\Machine";

TEST(WindowsPasswordFix, RefusedWhenADomainPolicySetsTheLength) {
  FixtureHost host = fixture2012With([](nlohmann::json& j) {
    j["files"]["C:\\Windows\\security\\templates\\policies\\gpt00000.dom"] =
        "[Unicode]\r\nUnicode=yes\r\n[System Access]\r\nMinimumPasswordLength = 10\r\n";
  });
  host.setValue(kGpState, "Distinguished-Name",
                RegValue{RegType::kSz, "CN=SRV1,OU=Servers,DC=corp,DC=example", {}, 0, {}});
  std::string why = passwordRefusal(host);
  EXPECT_NE(why.find("a domain Group Policy sets the minimum password length"), std::string::npos)
      << why;
  EXPECT_NE(why.find("gpt00000.dom line 4: MinimumPasswordLength = 10"), std::string::npos) << why;
}

TEST(WindowsPasswordFix, DomainMemberWithoutSuchPolicyIsFixedWithANote) {
  FixtureHost host = fixture2012With([](nlohmann::json& j) {
    j["files"]["C:\\Windows\\security\\templates\\policies\\gpt00001.inf"] =
        "[System Access]\r\nMinimumPasswordLength = 8\r\n";
  });
  host.setValue(kGpState, "Distinguished-Name",
                RegValue{RegType::kSz, "CN=SRV1,DC=corp,DC=example", {}, 0, {}});
  Plan plan = planFor(host, windowsPolicy(), "W-PASSWD");
  ASSERT_EQ(plan.actionCount(), 1u) << renderPlanText(plan, host);
  std::string text = renderPlanText(plan, host);
  EXPECT_NE(text.find("this computer is in a domain (Group Policy applied to CN=SRV1,DC=corp,"
                      "DC=example): no applied domain policy sets the minimum password length"),
            std::string::npos)
      << text;
}

TEST(WindowsPasswordFix, RefusedWhenRollbackCouldNotSetTheOldLengthBack) {
  FixtureHost host =
      fixture2012With([](nlohmann::json& j) { j["user_modals"]["min_length"] = 20; });
  std::string why = passwordRefusal(host);
  EXPECT_NE(why.find("above 14"), std::string::npos) << why;
}

TEST(WindowsPasswordFix, RefusedWithoutTheSamsOwnValue) {
  // NetUserModalsGet fails: the length comes from the secedit export.
  FixtureHost host = fixture2012With([](nlohmann::json& j) {
    j["user_modals"] = {{"error", "access denied"}};
  });
  std::string why = passwordRefusal(host);
  EXPECT_NE(why.find("not from NetUserModalsGet"), std::string::npos) << why;
}

TEST(WindowsPasswordFix, FixtureNetAccountsAnswersAsWindowsDoes) {
  FixtureHost host = fixture2012();
  auto bad = host.runInSystem({kNet, "accounts", "/minpwlen:15"}, std::chrono::seconds(1));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->exit_code, 1);
  EXPECT_EQ(host.userModals()->min_length, 10u);
  FixtureHost offline = fixture2012With([](nlohmann::json& j) { j.erase("user_modals"); });
  auto denied = offline.runInSystem({kNet, "accounts", "/minpwlen:8"}, std::chrono::seconds(1));
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->exit_code, 2);
}

// The process dies after each durable step of the W-PASSWD run; rollback then leaves the SAM's
// length (and the export) as before, whether or not `net accounts` had run.
TEST(WindowsPasswordFix, CrashAtEveryStepThenRollbackRestores) {
  Policy policy = windowsPolicy();
  int crashed = 0;
  for (int stop = 1; stop < 20; ++stop) {
    FixtureHost host = fixture2012();
    Plan plan = planFor(host, policy, "W-PASSWD");
    ASSERT_EQ(plan.actionCount(), 1u);
    auto before = passwordState(host);
    bool stopped = false;
    try {
      auto journal = Journal::begin(host, "crash test", [stop](int step) {
        if (step == stop) throw Crash{};
      });
      ASSERT_TRUE(journal) << journal.error().message;
      ASSERT_TRUE(journal->apply(plan.items[0].actions[0], "W-PASSWD"));
      ASSERT_TRUE(journal->finish(true));
    } catch (const Crash&) {
      stopped = true;
    }
    if (!stopped) break;
    ++crashed;
    auto id = lastRollbackCandidate(host);
    ASSERT_TRUE(id) << "step " << stop << ": " << id.error().message;
    auto run = rollbackRun(host, *id);
    ASSERT_TRUE(run) << run.error().message;
    EXPECT_EQ(run->state, "rolled-back") << "step " << stop;
    EXPECT_EQ(passwordState(host), before) << "after a crash at step " << stop;
  }
  // begin, the command's intent, the command run, the command done.
  EXPECT_GE(crashed, 3);
}

TEST(WindowsPasswordFix, IoErrorAtEveryWriteThenRollbackRestores) {
  Policy policy = windowsPolicy();
  int failures = 0;
  for (int n = 1; n < 30; ++n) {
    FixtureHost host = fixture2012();
    Plan plan = planFor(host, policy, "W-PASSWD");
    auto before = passwordState(host);
    host.failWriteAt(n);
    auto journal = Journal::begin(host, "io error test");
    bool failed = !journal;
    if (journal) {
      failed = !journal->apply(plan.items[0].actions[0], "W-PASSWD") || !journal->finish(true);
      if (failed) {
        (void)journal->finish(false, "injected");
        host.failWriteAt(0);
        auto run = rollbackRun(host, journal->runId());
        ASSERT_TRUE(run) << "write " << n << ": " << run.error().message;
        EXPECT_EQ(run->state, "rolled-back") << "write " << n;
      }
    }
    if (!failed) break;
    ++failures;
    EXPECT_EQ(passwordState(host), before) << "after an I/O error at write " << n;
  }
  EXPECT_GE(failures, 3);  // the manifest before, the SAM, the manifest after
}

// ---- W-FIREWALL's inbound rule for RDP ----

const std::string kRulesKey =
    "HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\"
    "FirewallRules";

/// The 2012 R2 fixture without its active Remote Desktop rule.
FixtureHost fixture2012WithoutRdpRule() {
  FixtureHost host = fixture2012();
  host.removeValue(kRulesKey, "RemoteDesktop-UserMode-In-TCP");
  return host;
}

TEST(WindowsFirewallFix, RdpRuleAddedWhenNoneLetsThePortIn) {
  FixtureHost host = fixture2012WithoutRdpRule();
  Policy policy = windowsPolicy();
  Plan plan = planFor(host, policy, "W-FIREWALL");
  ASSERT_EQ(plan.actionCount(), 2u) << renderPlanText(plan, host);
  const Action& rule = plan.items[0].actions[1];
  EXPECT_EQ(rule.path, kRulesKey);
  EXPECT_EQ(rule.value_name, "guestprep-RDP-In-TCP-3389");
  auto value = fromRegistryData(rule.value);
  ASSERT_TRUE(value);
  EXPECT_EQ(value->type, RegType::kSz);
  EXPECT_TRUE(
      value->text.starts_with("v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|"
                              "LPort=3389|Name="))
      << value->text;
  // The project's own parser reads it as the firewall would: active inbound TCP 3389, every
  // profile.
  FirewallRule parsed;
  std::string why;
  ASSERT_TRUE(parseFirewallRule(value->text, parsed, why)) << why;
  EXPECT_TRUE(parsed.active && parsed.allow && parsed.inbound);
  EXPECT_EQ(parsed.protocol, 6);
  EXPECT_EQ(parsed.local_ports, std::vector<std::string>{"3389"});
  EXPECT_TRUE(parsed.profiles.empty());
  EXPECT_NE(renderPlanText(plan, host).find("    - absent\n    + REG_SZ \"v2.10|Action=Allow"),
            std::string::npos)
      << renderPlanText(plan, host);

  std::string run_id;
  auto results = applyThroughJournal(host, policy, plan, run_id);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, "pending reboot") << results[0].detail;
  EXPECT_NE(results[0].detail.find("an inbound rule lets TCP 3389 in"), std::string::npos)
      << results[0].detail;
  Facts after = collect(host);
  bool seen = false;
  for (const auto& r : after.windows.firewall.inbound_allow_rules) {
    seen = seen || r.id == "guestprep-RDP-In-TCP-3389";
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(planFor(host, policy, "W-FIREWALL").actionCount(), 0u);

  auto run = rollbackRun(host, run_id);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->state, "rolled-back");
  EXPECT_FALSE(host.registryValue(kRulesKey, "guestprep-RDP-In-TCP-3389")->exists);
  EXPECT_EQ(planFor(host, policy, "W-FIREWALL").actionCount(), 2u);
}

TEST(WindowsFirewallFix, ARuleForOneProfileOnlyIsNotEnough) {
  FixtureHost host = fixture2012WithoutRdpRule();
  host.setValue(kRulesKey, "PublicRdp",
                RegValue{RegType::kSz,
                         "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|"
                         "LPort=3380-3390|Name=public rdp|",
                         {},
                         0,
                         {}});
  Plan plan = planFor(host, windowsPolicy(), "W-FIREWALL");
  EXPECT_EQ(plan.actionCount(), 2u) << renderPlanText(plan, host);
  // A rule for every profile whose port range holds 3389 does.
  host.setValue(kRulesKey, "AllRdp",
                RegValue{RegType::kSz,
                         "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3380-3390|Name=x|",
                         {},
                         0,
                         {}});
  EXPECT_EQ(planFor(host, windowsPolicy(), "W-FIREWALL").actionCount(), 1u);
}

TEST(WindowsFirewallFix, ServerTwoThousandEightGetsTheVistaSchema) {
  FixtureHost host = fixture2012With([](nlohmann::json& j) {
    j["os_version"]["minor"] = 0;
    j["os_version"]["build"] = 6002;
  });
  host.removeValue(kRulesKey, "RemoteDesktop-UserMode-In-TCP");
  Plan plan = planFor(host, windowsPolicy(), "W-FIREWALL");
  ASSERT_EQ(plan.actionCount(), 2u) << renderPlanText(plan, host);
  auto value = fromRegistryData(plan.items[0].actions[1].value);
  ASSERT_TRUE(value);
  EXPECT_TRUE(value->text.starts_with("v2.0|Action=Allow|")) << value->text;
}

TEST(WindowsFirewallFix, GroupPolicyWithoutLocalMergeIsNoted) {
  FixtureHost host = fixture2012WithoutRdpRule();
  host.setValue("HKLM\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile",
                "AllowLocalPolicyMerge", RegValue{RegType::kDword, {}, {}, 0, {}});
  Plan plan = planFor(host, windowsPolicy(), "W-FIREWALL");
  std::string text = renderPlanText(plan, host);
  EXPECT_NE(text.find("Group Policy sets AllowLocalPolicyMerge = 0 for the public profile(s): "
                      "local firewall rules are ignored there"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace guestprep::os_windows
