// The daemon's work: audits (one at a time), the last report and facts, fixes through the same
// Plan/Journal as `guestprep fix`, and the metrics the API serves.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/config.h"
#include "policy/policy.h"

namespace guestprep {

/// What one finished audit left: the report and facts as served, and figures for /metrics.
struct AuditSnapshot {
  std::string report_json;  ///< exactly `guestprep audit --format json`
  std::string facts_json;   ///< exactly `guestprep facts`
  std::map<std::string, int> by_status;
  bool ready = false;
  double finished_at = 0;  ///< Unix time, seconds
  double duration_seconds = 0;
};

/// Outcome of a request to run something while something else runs.
enum class WorkStatus { kDone, kBusy };

/// A fix request: the IDs (each in fix_allow; empty: all of fix_allow) and whether to apply.
struct FixRequest {
  std::set<std::string> only;
  bool apply = false;
  std::string trigger;  ///< recorded in the journal run ("POST /v1/fix", "auto")
};

class DaemonService {
 public:
  /// `root` empty: this machine. The policy must already be checked for the platform.
  DaemonService(DaemonConfig config, Policy policy, std::string root);

  /// Runs an audit unless one (or a fix) is running. With `auto_fix`, a finished audit is
  /// followed by the auto-remediation the config allows.
  WorkStatus audit(bool auto_fix);
  /// Plans (and with `apply`, applies) fixes; `out` gets `guestprep fix --format json`'s shape.
  WorkStatus fix(const FixRequest& request, nlohmann::json& out);

  /// The last finished audit, or null before the first.
  [[nodiscard]] std::shared_ptr<const AuditSnapshot> last() const;
  /// The Prometheus text exposition.
  [[nodiscard]] std::string metrics() const;
  /// Counts one HTTP response for /metrics.
  void countResponse(int status);

  [[nodiscard]] const DaemonConfig& config() const { return config_; }
  [[nodiscard]] const Policy& policy() const { return policy_; }

 private:
  void runAudit();
  nlohmann::json runFix(const FixRequest& request);
  void autoFix();

  DaemonConfig config_;
  Policy policy_;
  std::string root_;
  std::mutex work_;  ///< held while an audit or fix runs: one at a time
  std::chrono::milliseconds work_delay_{0};

  mutable std::mutex state_;
  std::shared_ptr<const AuditSnapshot> last_;
  std::uint64_t audits_ = 0;
  std::uint64_t audit_errors_ = 0;
  std::map<std::string, std::uint64_t> fix_runs_;  ///< by outcome
  std::map<int, std::uint64_t> responses_;
};

/// Checks the config against the policy: each fix_allow ID must be enforced by one of its rules.
Result<void> checkFixAllow(const DaemonConfig& config, const Policy& policy);

}  // namespace guestprep
