// The guestprep command line (CLI11): audit, facts, policy list|show|validate; the fix, rollback,
// journal, image and daemon commands are registered from their own files.
#include "cli.h"

#include <iostream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "audit/audit.h"
#include "cli/cli_common.h"
#include "cli/daemon_command.h"
#include "cli/fix_command.h"
#include "cli/image_command.h"
#include "core/clock.h"
#include "core/platform.h"
#include "core/version.h"
#include "policy/policy.h"
#include "report/report.h"
#include "rules/registry.h"

namespace guestprep {

namespace {

void setupLogging(int verbosity) {
  auto logger = spdlog::stderr_color_mt("guestprep");
  logger->set_pattern("guestprep: %l: %v");
  logger->set_level(verbosity >= 2   ? spdlog::level::debug
                    : verbosity == 1 ? spdlog::level::info
                                     : spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

struct AuditArgs {
  std::string policy;  ///< "": the built-in policy of the audited system's platform
  std::string root;
  std::string facts_file;
  std::string format = "text";
  std::string output;
  std::string fail_on = "fail";
};

int runAudit(const AuditArgs& a, int verbosity) {
  Facts facts;
  Policy policy;
  if (!a.facts_file.empty()) {
    std::string text = readInputFile(a.facts_file, "facts file");
    try {
      facts = factsFromJson(nlohmann::json::parse(text));
    } catch (const nlohmann::json::exception& e) {
      throw UsageError("facts file '" + a.facts_file + "': " + e.what());
    }
    // Facts of a Windows system (collected on it, or from its disk) take the Windows policy.
    policy = loadPolicy(a.policy, facts.windows.collected ? "windows" : "linux");
  } else {
    // The host first: an offline root may hold another platform's system, whose policy applies.
    auto host = openHost(a.root);
    policy = loadPolicy(a.policy, host->platform());
    spdlog::info("collecting facts from {}", host->describe());
    facts = collectFacts(*host, collectOptionsFor(policy));
  }
  Report report;
  report.generated_at = utcNow();
  report.policy = &policy;
  report.facts = &facts;
  report.findings = evaluatePolicy(policy, facts);
  report.verdict =
      decideVerdict(report.findings, a.fail_on == "warn" ? FailOn::kWarn : FailOn::kFail);
  if (a.format == "json") {
    writeOutput(a.output, reportToJson(report).dump(2) + "\n");
  } else {
    writeOutput(a.output, renderText(report, {useColour(a.output), verbosity > 0}));
  }
  return report.verdict.ready ? kExitReady : kExitNotReady;
}

int runFacts(const std::string& root, const std::string& output) {
  auto host = openHost(root);
  Facts facts = collectFacts(*host);
  writeOutput(output, nlohmann::json(facts).dump(2) + "\n");
  return kExitReady;
}

int runPolicyShow(const std::string& name) {
  std::string_view text = builtinPolicyText(name);
  if (text.empty()) {
    auto p = builtinPolicy(name);  // for the message listing the known names
    throw UsageError(p ? "policy '" + name + "' is empty" : p.error().message);
  }
  std::cout << text;
  return kExitReady;
}

int runPolicyValidate(const std::string& file) {
  auto p = parsePolicy(readInputFile(file, "policy file"), file);
  if (!p) throw UsageError(p.error().message);
  std::cout << file << ": valid policy '" << p->id << "' version " << p->version << ", "
            << p->rules.size() << " rules\n";
  return kExitReady;
}

int runPolicyList() {
  for (const auto& name : builtinPolicyNames()) {
    auto p = builtinPolicy(name);
    std::cout << name;
    if (p) std::cout << "  " << p->platform << "  version " << p->version << "  " << p->title;
    std::cout << "\n";
  }
  std::cout << "\nrule types:\n";
  for (const auto& t : ruleTypes()) std::cout << "  " << t.name << "  " << t.summary << "\n";
  return kExitReady;
}

}  // namespace

int runCli(int argc, char** argv) {
  CLI::App app{
      "guestprep: checks (and repairs) a server before its disk is imported into a "
      "cloud as a custom image.\n" +
      std::string(kExitCodesHelp)};
  app.set_version_flag("--version", std::string("guestprep ") + kVersion);
  app.require_subcommand(1);
  app.footer(kExitCodesHelp);
  int verbosity = 0;
  app.add_flag("-v,--verbose", verbosity, "More log output on stderr (-vv for debug)");
  // Accepted before or after the subcommand: subcommands pass what they do not know up here.
  app.fallthrough();
  std::string cache_dir;
  bool no_cache = false;
  auto* cache_dir_opt = app.add_option(
      "--cache-dir", cache_dir,
      "Keep results computed from file content (the initramfs listing), by its hash, in DIR "
      "(default: $GUESTPREP_CACHE_DIR, else /var/cache/guestprep as root, else "
      "~/.cache/guestprep)");
  app.add_flag("--no-cache", no_cache, "Keep no such results, not even for this run")
      ->excludes(cache_dir_opt);

  AuditArgs audit;
  auto* audit_cmd = app.add_subcommand(
      "audit", "Audit this system (or an offline root, or saved facts) against a policy");
  audit_cmd->add_option("--policy", audit.policy,
                        "Built-in policy name or a policy YAML file (default: " +
                            std::string(thisPlatform().default_policy) +
                            ", or the offline root's platform's)");
  auto* root_opt =
      audit_cmd->add_option("--root", audit.root, "Audit the system mounted at DIR (offline)");
  auto* facts_opt = audit_cmd->add_option("--facts", audit.facts_file,
                                          "Evaluate facts saved by `guestprep facts`");
  root_opt->excludes(facts_opt);
  audit_cmd->add_option("--format", audit.format, "Report format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  audit_cmd->add_option("--output", audit.output, "Write the report to FILE instead of stdout");
  audit_cmd->add_option("--fail-on", audit.fail_on, "What makes the verdict 'not ready'")
      ->check(CLI::IsMember({"fail", "warn"}))
      ->capture_default_str();
  audit_cmd->add_flag("-v,--verbose", verbosity, "Show evidence of passing checks; more logs");

  std::string facts_root, facts_output;
  auto* facts_cmd = app.add_subcommand("facts", "Print the typed facts snapshot as JSON");
  facts_cmd->add_option("--root", facts_root, "Collect from the system mounted at DIR");
  facts_cmd->add_option("--output", facts_output, "Write to FILE instead of stdout");

  auto* policy_cmd = app.add_subcommand("policy", "Built-in policies and policy files");
  policy_cmd->require_subcommand(1);
  auto* list_cmd = policy_cmd->add_subcommand("list", "List built-in policies and rule types");
  std::string show_name, validate_file;
  auto* show_cmd = policy_cmd->add_subcommand("show", "Print a built-in policy's YAML");
  show_cmd->add_option("NAME", show_name, "Policy name")->required();
  auto* validate_cmd = policy_cmd->add_subcommand("validate", "Check a policy file");
  validate_cmd->add_option("FILE", validate_file, "Policy YAML file")->required();

  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  CommandDispatch dispatch;
  addFixCommands(app, dispatch, command_line);
  addImageCommands(app, dispatch);
  addDaemonCommand(app, dispatch);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  setupLogging(verbosity);
  configureResultCache(!no_cache, cache_dir.empty() ? defaultResultCacheDirectory()
                                                    : std::optional<std::string>(cache_dir));
  try {
    if (*audit_cmd) return runAudit(audit, verbosity);
    if (*facts_cmd) return runFacts(facts_root, facts_output);
    if (*list_cmd) return runPolicyList();
    if (*show_cmd) return runPolicyShow(show_name);
    if (*validate_cmd) return runPolicyValidate(validate_file);
    for (const auto& [cmd, run] : dispatch) {
      if (*cmd) return run();
    }
  } catch (const UsageError& e) {
    std::cerr << "guestprep: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "guestprep: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitUsage;
}

}  // namespace guestprep
