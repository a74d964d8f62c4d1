// Windows fix mode on the writable fixture host: per fixer, a plan on the 2012 R2 fixture (which
// fails those rules), applied through the journal, audited again, planned again (empty) and
// rolled back byte for byte; runs stopped at every durable step and by an I/O error at every
// write, then rolled back. Nothing live is touched: the fixture's registry is in memory.
#include <gtest/gtest.h>

#include <map>

#include "audit/audit.h"
#include "fix/fix.h"
#include "fix/journal.h"
#include "fixers/windows_fixers.h"
#include "host/fixture_host.h"
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

}  // namespace
}  // namespace guestprep::os_windows
