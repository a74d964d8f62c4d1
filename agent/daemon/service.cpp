// Audits, fixes and metrics of the daemon, serialised by one work mutex.
#include "daemon/service.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "daemon/daemon_platform.h"
#include "fix/fix.h"
#include "host/mutable_host.h"
#include "report/report.h"

namespace guestprep {

namespace {

double unixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::unique_ptr<Host> openReadHost(const std::string& root) {
  if (root.empty()) return makeLiveHost();
  auto h = makeRootHost(root);
  if (!h) throw std::runtime_error("--root: " + h.error().message);
  return std::move(*h);
}

std::unique_ptr<MutableHost> openWriteHost(const std::string& root) {
  if (root.empty()) return makeLiveMutableHost();
  auto h = makeRootMutableHost(root);
  if (!h) throw std::runtime_error("--root: " + h.error().message);
  return std::move(*h);
}

const char* kStatuses[] = {"pass", "fail", "warn", "not-applicable", "error"};

/// Test hook: GUESTPREP_TEST_DAEMON_WORK_MS=N makes every audit and fix hold the work lock N ms
/// longer, so tests can call the API while one runs (409) and stop the daemon during one.
std::chrono::milliseconds testWorkDelay() {
  const char* v = std::getenv("GUESTPREP_TEST_DAEMON_WORK_MS");
  return std::chrono::milliseconds(v && *v ? std::atoi(v) : 0);
}

}  // namespace

Result<void> checkFixAllow(const DaemonConfig& config, const Policy& policy) {
  std::string problems;
  for (const auto& id : config.fix_allow) {
    bool known = std::any_of(policy.rules.begin(), policy.rules.end(),
                             [&](const PolicyRule& r) { return r.requirement == id; });
    if (!known) {
      problems += (problems.empty() ? "" : "\n") +
                  fmt::format("{}: fix_allow: {}: no rule of policy '{}' enforces that requirement",
                              config.origin, id, policy.id);
    }
  }
  if (!problems.empty()) return fail(ErrorCode::kInvalidInput, problems);
  return {};
}

DaemonService::DaemonService(DaemonConfig config, Policy policy, std::string root)
    : config_(std::move(config)),
      policy_(std::move(policy)),
      root_(std::move(root)),
      work_delay_(testWorkDelay()) {}

WorkStatus DaemonService::audit(bool auto_fix) {
  std::unique_lock lock(work_, std::try_to_lock);
  if (!lock.owns_lock()) return WorkStatus::kBusy;
  std::this_thread::sleep_for(work_delay_);
  runAudit();
  if (auto_fix && config_.auto_fix) autoFix();
  daemon_platform::releaseFreeMemory();
  return WorkStatus::kDone;
}

WorkStatus DaemonService::fix(const FixRequest& request, nlohmann::json& out) {
  std::unique_lock lock(work_, std::try_to_lock);
  if (!lock.owns_lock()) return WorkStatus::kBusy;
  std::this_thread::sleep_for(work_delay_);
  out = runFix(request);
  // The report must show what the fix changed, not the state before it.
  if (request.apply && out.contains("result")) runAudit();
  daemon_platform::releaseFreeMemory();
  return WorkStatus::kDone;
}

void DaemonService::runAudit() {
  auto start = std::chrono::steady_clock::now();
  try {
    auto host = openReadHost(root_);
    Facts facts = collectFacts(*host, collectOptionsFor(policy_));
    Report report;
    report.generated_at = utcNow();
    report.policy = &policy_;
    report.facts = &facts;
    report.findings = evaluatePolicy(policy_, facts);
    report.verdict =
        decideVerdict(report.findings, config_.fail_on == "warn" ? FailOn::kWarn : FailOn::kFail);
    auto snap = std::make_shared<AuditSnapshot>();
    snap->report_json = reportToJson(report).dump(2) + "\n";
    snap->facts_json = nlohmann::json(facts).dump(2) + "\n";
    snap->by_status = {{"pass", report.verdict.pass},
                       {"fail", report.verdict.fail},
                       {"warn", report.verdict.warn},
                       {"not-applicable", report.verdict.not_applicable},
                       {"error", report.verdict.error}};
    snap->ready = report.verdict.ready;
    snap->finished_at = unixNow();
    snap->duration_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    spdlog::info("audit of {} with policy '{}': {} ({:.3f} s)", host->describe(), policy_.id,
                 report.verdict.summary, snap->duration_seconds);
    std::lock_guard g(state_);
    last_ = std::move(snap);
    ++audits_;
  } catch (const std::exception& e) {
    spdlog::error("audit failed, keeping the previous report: {}", e.what());
    std::lock_guard g(state_);
    ++audit_errors_;
  }
}

nlohmann::json DaemonService::runFix(const FixRequest& request) {
  FixOptions options;
  options.only = request.only;
  if (options.only.empty()) options.only.insert(config_.fix_allow.begin(), config_.fix_allow.end());
  options.live = config_.allow_live;
  options.allow_package_changes = config_.allow_package_changes;
  std::string outcome;
  nlohmann::json out;
  try {
    auto host = openWriteHost(root_);
    Facts facts = collectFacts(*host, collectOptionsFor(policy_));
    std::vector<Finding> findings = evaluatePolicy(policy_, facts);
    Plan plan = buildPlan(policy_, findings, facts, *host, options, platformFixers());
    out = {{"policy", policy_.id}, {"host", host->describe()}, {"plan", planToJson(plan)}};
    if (!request.apply || plan.actionCount() == 0) {
      out["dry_run"] = !request.apply;
      outcome = request.apply ? "nothing-to-do" : "dry-run";
    } else {
      std::string ids;
      for (const auto& id : options.only) ids += (ids.empty() ? "" : ",") + id;
      ApplyReport report = applyPlan(plan, *host, policy_,
                                     "guestprep daemon (" + request.trigger + ") --only " + ids);
      out["dry_run"] = false;
      out["result"] = applyReportToJson(report);
      outcome = !report.applied ? "failed" : report.allVerified() ? "verified" : "not-verified";
      spdlog::log(
          report.applied && report.allVerified() ? spdlog::level::info : spdlog::level::warn,
          "fix run {} ({}): {} action(s) for {}: {}{}", report.run_id, request.trigger,
          plan.actionCount(), ids, outcome, report.error.empty() ? "" : ": " + report.error);
    }
  } catch (const std::exception& e) {
    spdlog::error("fix ({}) failed: {}", request.trigger, e.what());
    outcome = "error";
    out = {{"error", std::string("fix failed: ") + e.what()}};
  }
  std::lock_guard g(state_);
  ++fix_runs_[outcome];
  return out;
}

void DaemonService::autoFix() {
  if (config_.fix_allow.empty()) return;
  std::shared_ptr<const AuditSnapshot> snap = last();
  if (!snap) return;
  FixRequest request;
  request.apply = true;
  request.trigger = "auto";
  nlohmann::json out = runFix(request);
  if (out.contains("result")) runAudit();
}

std::shared_ptr<const AuditSnapshot> DaemonService::last() const {
  std::lock_guard g(state_);
  return last_;
}

void DaemonService::countResponse(int status) {
  std::lock_guard g(state_);
  ++responses_[status];
}

std::string DaemonService::metrics() const {
  std::lock_guard g(state_);
  std::ostringstream o;
  o << "# HELP guestprep_rules Rules of the last audit by status.\n"
       "# TYPE guestprep_rules gauge\n";
  for (const char* s : kStatuses) {
    int n = 0;
    if (last_) {
      auto it = last_->by_status.find(s);
      if (it != last_->by_status.end()) n = it->second;
    }
    o << "guestprep_rules{status=\"" << s << "\"} " << n << "\n";
  }
  o << "# HELP guestprep_ready 1 when the last audit found the system ready for import.\n"
       "# TYPE guestprep_ready gauge\n"
    << "guestprep_ready " << (last_ && last_->ready ? 1 : 0) << "\n";
  o << "# HELP guestprep_last_audit_timestamp_seconds When the last audit finished (0: none).\n"
       "# TYPE guestprep_last_audit_timestamp_seconds gauge\n"
    << fmt::format("guestprep_last_audit_timestamp_seconds {:.3f}\n",
                   last_ ? last_->finished_at : 0.0);
  o << "# HELP guestprep_audit_duration_seconds How long the last audit took.\n"
       "# TYPE guestprep_audit_duration_seconds gauge\n"
    << fmt::format("guestprep_audit_duration_seconds {:.6f}\n",
                   last_ ? last_->duration_seconds : 0.0);
  o << "# HELP guestprep_audits_total Audits finished since start.\n"
       "# TYPE guestprep_audits_total counter\n"
    << "guestprep_audits_total " << audits_ << "\n";
  o << "# HELP guestprep_audit_errors_total Audits that could not run.\n"
       "# TYPE guestprep_audit_errors_total counter\n"
    << "guestprep_audit_errors_total " << audit_errors_ << "\n";
  o << "# HELP guestprep_fix_runs_total Fix plans and runs since start, by outcome.\n"
       "# TYPE guestprep_fix_runs_total counter\n";
  for (const auto& [outcome, n] : fix_runs_) {
    o << "guestprep_fix_runs_total{outcome=\"" << outcome << "\"} " << n << "\n";
  }
  o << "# HELP guestprep_http_responses_total API responses since start, by status code.\n"
       "# TYPE guestprep_http_responses_total counter\n";
  for (const auto& [code, n] : responses_) {
    o << "guestprep_http_responses_total{code=\"" << code << "\"} " << n << "\n";
  }
  return o.str();
}

}  // namespace guestprep
