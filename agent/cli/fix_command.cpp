#include "cli/fix_command.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "audit/audit.h"
#include "cli.h"
#include "cli/cli_common.h"
#include "core/platform.h"
#include "fix/fix.h"
#include "fix/journal.h"

namespace guestprep {

namespace {

struct FixArgs {
  std::string policy{thisPlatform().default_policy};
  std::string root;
  std::vector<std::string> only;
  std::vector<std::string> skip;
  bool dry_run = false;
  bool yes = false;
  bool live = false;
  bool allow_package_changes = false;
  std::string format = "text";
  std::string output;
};

std::unique_ptr<MutableHost> openMutableHost(const std::string& root) {
  if (root.empty()) return makeLiveMutableHost();
  auto h = makeRootMutableHost(root);
  if (!h) throw UsageError("--root: " + h.error().message);
  return std::move(*h);
}

/// Test hook: GUESTPREP_TEST_CRASH_AT_STEP=N ends the process (_Exit(137), no clean-up) right
/// after the journal's Nth durable step, so tests can show a crash at any step is recoverable.
Journal::StepHook crashHookFromEnv() {
  const char* v = std::getenv("GUESTPREP_TEST_CRASH_AT_STEP");
  if (!v || !*v) return {};
  int at = std::atoi(v);
  return [at](int step) {
    // _Exit, like SIGKILL, runs no destructor or atexit handler and flushes nothing, and exists
    // on Windows too; the shell sees 137 as for SIGKILL.
    if (step == at) std::_Exit(137);
  };
}

std::set<std::string> idSet(const std::vector<std::string>& items) {
  std::set<std::string> out;
  for (const auto& item : items) {
    std::stringstream ss(item);
    std::string id;
    while (std::getline(ss, id, ',')) {
      if (!id.empty()) out.insert(id);
    }
  }
  return out;
}

void checkIds(const Policy& policy, const std::set<std::string>& ids, const char* option) {
  for (const auto& id : ids) {
    bool known = std::any_of(policy.rules.begin(), policy.rules.end(),
                             [&](const PolicyRule& r) { return r.requirement == id; });
    if (!known) {
      throw UsageError(fmt::format("{} {}: no rule of policy '{}' enforces that requirement",
                                   option, id, policy.id));
    }
  }
}

bool confirm(std::size_t actions) {
  if (!::isatty(STDIN_FILENO)) {
    throw UsageError("not on a terminal: pass --yes to apply the plan (or --dry-run to see it)");
  }
  std::cerr << fmt::format("Apply these {} change(s)? [y/N] ", actions);
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

int runFix(const FixArgs& a, const std::string& command_line) {
  Policy policy = loadPolicy(a.policy);
  FixOptions options;
  options.only = idSet(a.only);
  options.skip = idSet(a.skip);
  options.live = a.live;
  options.allow_package_changes = a.allow_package_changes;
  checkIds(policy, options.only, "--only");
  checkIds(policy, options.skip, "--skip");
  auto host = openMutableHost(a.root);
  Facts facts = collectFacts(*host, collectOptionsFor(policy));
  std::vector<Finding> findings = evaluatePolicy(policy, facts);
  Plan plan = buildPlan(policy, findings, facts, *host, options, platformFixers());

  nlohmann::json out{{"policy", policy.id}, {"host", host->describe()}, {"plan", planToJson(plan)}};
  std::string text = renderPlanText(plan, *host);
  if (a.dry_run || plan.actionCount() == 0) {
    if (a.format == "json") {
      out["dry_run"] = a.dry_run;
      writeOutput(a.output, out.dump(2) + "\n");
    } else {
      writeOutput(a.output, text + (a.dry_run ? "Dry run: nothing was changed.\n" : ""));
    }
    bool has_unfixable = std::any_of(plan.items.begin(), plan.items.end(),
                                     [](const FixItem& i) { return i.actions.empty(); });
    return a.dry_run || !has_unfixable ? kExitReady : kExitNotReady;
  }
  if (a.format == "text") {
    std::cout << text;
    std::cout.flush();
  }
  if (!a.yes && !confirm(plan.actionCount())) {
    std::cerr << "guestprep: nothing was changed\n";
    return kExitNotReady;
  }
  ApplyReport report = applyPlan(plan, *host, policy, command_line, crashHookFromEnv());
  if (a.format == "json") {
    out["result"] = applyReportToJson(report);
    writeOutput(a.output, out.dump(2) + "\n");
  } else {
    writeOutput(a.output, renderApplyText(report));
  }
  return report.allVerified() ? kExitReady : kExitNotReady;
}

int runRollback(const std::string& run_id_arg, const std::string& root, const std::string& format) {
  auto host = openMutableHost(root);
  std::string run_id = run_id_arg;
  if (run_id.empty()) {
    auto last = lastRollbackCandidate(*host);
    if (!last) throw UsageError(last.error().message);
    run_id = *last;
  }
  auto run = rollbackRun(*host, run_id, crashHookFromEnv());
  if (!run) {
    if (run.error().code == ErrorCode::kNotFound || run.error().code == ErrorCode::kInvalidInput) {
      throw UsageError(run.error().message);
    }
    throw std::runtime_error(run.error().message);
  }
  if (format == "json") {
    writeOutput("", nlohmann::json(*run).dump(2) + "\n");
  } else {
    std::ostringstream o;
    o << "rollback of run " << run->run_id << ": " << run->state << "\n";
    for (const auto& r : run->rollback) {
      o << "  " << r.result << "  " << r.path << (r.detail.empty() ? "" : ": " + r.detail) << "\n";
    }
    writeOutput("", o.str());
  }
  return run->state == "rolled-back" ? kExitReady : kExitNotReady;
}

int runJournalList(const std::string& root) {
  auto host = openHost(root);
  auto runs = listRuns(*host);
  if (!runs) throw std::runtime_error(runs.error().message);
  if (runs->empty()) std::cout << "no runs in " << kJournalDir << "\n";
  for (const auto& r : *runs) {
    std::cout << fmt::format("{}  {:<20} {} entries  {}\n", r.run_id, r.state, r.entries.size(),
                             r.state == "damaged" ? r.error : r.command_line);
  }
  return kExitReady;
}

int runJournalShow(const std::string& run_id, const std::string& root) {
  auto host = openHost(root);
  auto run = loadRun(*host, run_id);
  if (!run) throw UsageError(run.error().message);
  std::cout << nlohmann::json(*run).dump(2) << "\n";
  return kExitReady;
}

}  // namespace

void addFixCommands(CLI::App& app, CommandDispatch& dispatch, const std::string& command_line) {
  auto args = std::make_shared<FixArgs>();
  auto* fix = app.add_subcommand(
      "fix", "Plan and apply repairs for the next boot, with a journal for rollback");
  fix->add_option("--policy", args->policy, "Built-in policy name or a policy YAML file")
      ->capture_default_str();
  fix->add_option("--root", args->root, "Fix the system mounted at DIR (offline)");
  fix->add_option("--only", args->only, "Fix only these requirement IDs (comma-separated)")
      ->delimiter(',');
  fix->add_option("--skip", args->skip, "Do not fix these requirement IDs")->delimiter(',');
  fix->add_flag("--dry-run", args->dry_run, "Show the plan as diffs; change nothing");
  fix->add_flag("--yes,-y", args->yes, "Apply without asking");
  fix->add_flag("--live", args->live, "Also change the running system (services, sysctl)");
  fix->add_flag("--allow-package-changes", args->allow_package_changes,
                "Allow removing or installing packages");
  fix->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  fix->add_option("--output", args->output, "Write the report to FILE instead of stdout");
  dispatch.emplace_back(fix, [args, command_line] { return runFix(*args, command_line); });

  auto rb_id = std::make_shared<std::string>();
  auto rb_root = std::make_shared<std::string>();
  auto rb_format = std::make_shared<std::string>("text");
  auto* rollback =
      app.add_subcommand("rollback", "Undo a fix run (the last one by default) byte for byte");
  rollback->add_option("RUN_ID", *rb_id, "Run id from `guestprep journal list`");
  rollback->add_option("--root", *rb_root, "The system mounted at DIR (offline)");
  rollback->add_option("--format", *rb_format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  dispatch.emplace_back(
      rollback, [rb_id, rb_root, rb_format] { return runRollback(*rb_id, *rb_root, *rb_format); });

  auto j_root = std::make_shared<std::string>();
  auto j_id = std::make_shared<std::string>();
  auto* journal = app.add_subcommand("journal", "Fix runs recorded in the journal");
  journal->require_subcommand(1);
  auto* list = journal->add_subcommand("list", "List runs, oldest first");
  list->add_option("--root", *j_root, "The system mounted at DIR (offline)");
  auto* show = journal->add_subcommand("show", "Print one run's manifest");
  show->add_option("RUN_ID", *j_id, "Run id")->required();
  show->add_option("--root", *j_root, "The system mounted at DIR (offline)");
  dispatch.emplace_back(list, [j_root] { return runJournalList(*j_root); });
  dispatch.emplace_back(show, [j_id, j_root] { return runJournalShow(*j_id, *j_root); });
}

}  // namespace guestprep
