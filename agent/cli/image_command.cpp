// `guestprep image check FILE`: open the image, read its container and the disk inside, evaluate
// the policy's image rules, report.
#include "cli/image_command.h"

#include <algorithm>
#include <memory>

#include <spdlog/spdlog.h>

#include "audit/audit.h"
#include "cli.h"
#include "cli/cli_common.h"
#include "core/clock.h"
#include "core/version.h"
#include "image/image.h"
#include "report/report.h"

namespace guestprep {

namespace {

struct ImageArgs {
  std::string file;
  std::string policy{kDefaultLinuxPolicy};
  std::string format = "text";
  std::string output;
  std::string fail_on = "fail";
  int verbosity = 0;
};

int runImageCheck(const ImageArgs& a) {
  Policy policy = loadPolicy(a.policy);
  bool any = std::any_of(policy.rules.begin(), policy.rules.end(), [](const PolicyRule& r) {
    return r.rule_type && r.rule_type->source == FactSource::kImage;
  });
  if (!any) throw UsageError("policy '" + policy.id + "' has no image rules (image.*)");
  auto opened = image::openImageFile(a.file);
  // A file that cannot be opened at all is unreadable input (exit 2); one that opens but does
  // not parse is an IMG-FORMAT error finding (exit 1).
  if (!opened) throw UsageError(opened.error().message);
  image::inspectContents(*opened);
  spdlog::info("{}: {}", a.file, image::formatDisplayName(opened->facts));
  if (!opened->facts.contents.ok()) {
    spdlog::info("{}: content not read: {}", a.file, opened->facts.contents.error);
  }
  Facts facts;
  facts.tool_version = kVersion;
  facts.collected_at = utcNow();
  facts.host = "image " + a.file;
  facts.runtime = false;
  facts.image = std::move(opened->facts);
  Report report;
  report.generated_at = facts.collected_at;
  report.policy = &policy;
  report.facts = &facts;
  report.findings = evaluatePolicy(policy, facts, FactSource::kImage);
  report.verdict =
      decideVerdict(report.findings, a.fail_on == "warn" ? FailOn::kWarn : FailOn::kFail);
  if (a.format == "json") {
    writeOutput(a.output, reportToJson(report).dump(2) + "\n");
  } else {
    writeOutput(a.output, renderText(report, {useColour(a.output), a.verbosity > 0}));
  }
  return report.verdict.ready ? kExitReady : kExitNotReady;
}

}  // namespace

void addImageCommands(CLI::App& app, CommandDispatch& dispatch) {
  auto args = std::make_shared<ImageArgs>();
  auto* image_cmd = app.add_subcommand("image", "Disk image files exported for import");
  image_cmd->require_subcommand(1);
  auto* check = image_cmd->add_subcommand(
      "check",
      "Check an image file (RAW, VHD, VHDX, qcow2, VMDK, VDI) and the disk inside it against "
      "the policy's image rules, without mounting it");
  check->add_option("FILE", args->file, "The image file")->required();
  check->add_option("--policy", args->policy, "Built-in policy name or a policy YAML file")
      ->capture_default_str();
  check->add_option("--format", args->format, "Report format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  check->add_option("--output", args->output, "Write the report to FILE instead of stdout");
  check->add_option("--fail-on", args->fail_on, "What makes the verdict 'not ready'")
      ->check(CLI::IsMember({"fail", "warn"}))
      ->capture_default_str();
  check->add_flag("-v,--verbose", args->verbosity, "Show evidence of passing checks");
  dispatch.emplace_back(check, [args] { return runImageCheck(*args); });
}

}  // namespace guestprep
