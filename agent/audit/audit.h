// The audit: collect Facts from a Host (platform probes), evaluate a policy's rules over them,
// and decide the verdict.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "facts/facts.h"
#include "host/host.h"
#include "policy/policy.h"
#include "rules/finding.h"
#include "rules/registry.h"

namespace guestprep {

/// What counts against readiness: failures only, or warnings too (`--fail-on`).
enum class FailOn { kFail, kWarn };

struct Verdict {
  bool ready = false;
  FailOn fail_on = FailOn::kFail;
  int pass = 0;
  int fail = 0;
  int warn = 0;
  int not_applicable = 0;
  int error = 0;
  std::string summary;  ///< "READY for import" / "NOT READY for import: 2 failed, ..."
};

/// Runs every rule of the policy whose rule type reads `source` over the facts (`audit` the
/// system's rules, `image check` the image rules). A rule that throws becomes an error finding
/// and the run goes on. A rule with severity "warn" reports a failure as a warning.
std::vector<Finding> evaluatePolicy(const Policy& policy, const Facts& facts,
                                    FactSource source = FactSource::kSystem);

/// Ready when no finding fails and none could not be evaluated (at severity fail); with
/// FailOn::kWarn, warnings count too.
Verdict decideVerdict(const std::vector<Finding>& findings, FailOn fail_on);

/// What to collect beyond the defaults: costly facts that only some rules need.
struct CollectOptions {
  /// Hash every file of the system directories against the package database (L-SYSDIRS).
  /// Hundreds of milliseconds on a real system, so only when the policy asks for it.
  bool verify_system_dirs = true;
  /// Run the System File Checker (`sfc /verifyonly`) on a running Windows before reading its
  /// log (W-SYSFILES): minutes, so only when the policy's rule asks (`run: true`).
  bool run_sfc = false;
};

/// The options a policy needs: costly facts only where one of its rules reads them.
CollectOptions collectOptionsFor(const Policy& policy);

/// Collects Facts through the host: implemented by the platform (platform/<os>/probes).
Facts collectFacts(const Host& host, const CollectOptions& options = {});

/// Where collectFacts keeps results computed from a file's content, by the content's hash
/// (the initramfs listing): `enabled` false keeps none, not even for this process; `directory`
/// keeps them across runs (none: in memory for this process only). Implemented by the platform;
/// a platform with no such result ignores it.
void configureResultCache(bool enabled, const std::optional<std::string>& directory);

/// The platform's default directory for configureResultCache: $GUESTPREP_CACHE_DIR when set
/// (empty: none), else /var/cache/guestprep for root, else the user's cache directory.
std::optional<std::string> defaultResultCacheDirectory();

}  // namespace guestprep
