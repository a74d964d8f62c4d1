#include "fix/fix.h"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "fix/planned_host.h"

namespace guestprep {

const Fixer* findFixer(const std::vector<Fixer>& fixers, std::string_view rule_type) {
  for (const auto& f : fixers) {
    if (f.rule_type == rule_type) return &f;
  }
  return nullptr;
}

Plan buildPlan(const Policy& policy, const std::vector<Finding>& findings, const Facts& facts,
               const Host& host, const FixOptions& options, const std::vector<Fixer>& fixers) {
  Plan plan;
  PlannedHost planned(host);
  for (const auto& f : findings) {
    if (f.status != Status::kFail && f.status != Status::kWarn) continue;
    auto rule = std::find_if(policy.rules.begin(), policy.rules.end(),
                             [&](const PolicyRule& r) { return r.id == f.rule_id; });
    if (rule == policy.rules.end()) continue;
    if (!options.only.empty() && !options.only.contains(f.requirement)) continue;
    if (options.skip.contains(f.requirement)) {
      plan.skipped.push_back({f.requirement, f.rule_id, "skipped with --skip"});
      continue;
    }
    const Fixer* fixer = findFixer(fixers, f.rule_type);
    if (!fixer) {
      plan.skipped.push_back({f.requirement, f.rule_id, "no automatic fix: " + f.remediation});
      continue;
    }
    if (fixer->only_when_asked && !options.only.contains(f.requirement)) {
      plan.skipped.push_back(
          {f.requirement, f.rule_id, "fixed only when asked: --only " + f.requirement});
      continue;
    }
    FixContext ctx{planned, facts, f, rule->params, options};
    Result<FixItem> item;
    try {
      item = fixer->plan(ctx);
    } catch (const std::exception& e) {
      item = fail(ErrorCode::kIo, std::string("the fixer failed: ") + e.what());
    }
    if (!item) {
      plan.skipped.push_back({f.requirement, f.rule_id, item.error().message});
      continue;
    }
    item->requirement = f.requirement;
    item->rule_id = f.rule_id;
    for (const auto& a : item->actions) planned.apply(a);
    plan.items.push_back(std::move(*item));
  }
  return plan;
}

namespace {

// How long a fix that started or reloaded a service may take to show (FixItem::settles).
constexpr int kSettleLooks = 3;
constexpr std::chrono::milliseconds kSettleInterval{1000};

std::vector<std::string> splitLines(const std::string& text, bool& final_newline) {
  std::vector<std::string> lines;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = text.find('\n', i);
    if (j == std::string::npos) {
      lines.push_back(text.substr(i));
      final_newline = false;
      return lines;
    }
    lines.push_back(text.substr(i, j - i));
    i = j + 1;
  }
  final_newline = true;
  return lines;
}

struct Op {
  char kind;      // ' ', '-', '+'
  std::size_t a;  // line index in before (for ' ' and '-')
  std::size_t b;  // line index in after (for ' ' and '+')
};

/// Line edit script by longest common subsequence; configuration files are small, and a file too
/// large for the table is shown as replaced whole.
std::vector<Op> editScript(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  std::size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre &&
         a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) {
    ++suf;
  }
  std::size_t n = a.size() - pre - suf;
  std::size_t m = b.size() - pre - suf;
  std::vector<Op> ops;
  for (std::size_t i = 0; i < pre; ++i) ops.push_back({' ', i, i});
  if (n * m <= 16'000'000) {
    std::vector<std::uint32_t> t((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return t[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;) {
      for (std::size_t j = m; j-- > 0;) {
        at(i, j) =
            a[pre + i] == b[pre + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
      }
    }
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[pre + i] == b[pre + j]) {
        ops.push_back({' ', pre + i, pre + j});
        ++i;
        ++j;
      } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
        ops.push_back({'-', pre + i, pre + j});  // removals first, as diff(1) shows them
        ++i;
      } else {
        ops.push_back({'+', pre + i, pre + j});
        ++j;
      }
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) ops.push_back({'-', pre + i, pre});
    for (std::size_t j = 0; j < m; ++j) ops.push_back({'+', pre + n, pre + j});
  }
  for (std::size_t k = 0; k < suf; ++k) {
    ops.push_back({' ', a.size() - suf + k, b.size() - suf + k});
  }
  return ops;
}

std::string hunkRange(std::size_t start, std::size_t count) {
  // Unified format: an empty range is shown at the line before it.
  if (count == 0) return fmt::format("{},0", start);
  if (count == 1) return fmt::format("{}", start + 1);
  return fmt::format("{},{}", start + 1, count);
}

}  // namespace

std::string unifiedDiff(const std::string& path, const std::string& before,
                        const std::string& after) {
  if (before == after) return {};
  bool nl_a = true, nl_b = true;
  auto a = splitLines(before, nl_a);
  auto b = splitLines(after, nl_b);
  auto ops = editScript(a, b);
  constexpr std::size_t kContext = 3;
  std::string out = fmt::format("--- a{}\n+++ b{}\n", path, path);
  std::size_t k = 0;
  while (k < ops.size()) {
    while (k < ops.size() && ops[k].kind == ' ') ++k;
    if (k == ops.size()) break;
    std::size_t start = k >= kContext ? k - kContext : 0;
    // Changes closer than twice the context share a hunk.
    std::size_t last_change = k;
    for (std::size_t x = k + 1; x < ops.size() && x - last_change <= 2 * kContext; ++x) {
      if (ops[x].kind != ' ') last_change = x;
    }
    std::size_t end = std::min(ops.size(), last_change + 1 + kContext);
    std::size_t a_start = ops[start].a, b_start = ops[start].b;
    std::size_t a_count = 0, b_count = 0;
    std::string body;
    for (std::size_t x = start; x < end; ++x) {
      const Op& op = ops[x];
      if (op.kind != '+') ++a_count;
      if (op.kind != '-') ++b_count;
      const std::string& line = op.kind == '+' ? b[op.b] : a[op.a];
      body += op.kind;
      body += line;
      body += '\n';
      bool last_a = op.kind != '+' && op.a == a.size() - 1 && !nl_a;
      bool last_b = op.kind != '-' && op.b == b.size() - 1 && !nl_b;
      if ((op.kind == '-' && last_a) || (op.kind == '+' && last_b) ||
          (op.kind == ' ' && (last_a || last_b))) {
        body += "\\ No newline at end of file\n";
      }
    }
    out += fmt::format("@@ -{} +{} @@\n", hunkRange(a_start, a_count), hunkRange(b_start, b_count));
    out += body;
    k = end;
  }
  return out;
}

std::string renderPlanText(const Plan& plan, const Host& host) {
  std::ostringstream out;
  PlannedHost planned(host);
  if (plan.items.empty()) out << "Nothing to fix.\n";
  for (const auto& item : plan.items) {
    out << item.requirement << " (" << item.rule_id << "): " << item.summary << "\n";
    for (const auto& note : item.notes) out << "  note: " << note << "\n";
    for (const auto& a : item.actions) {
      std::string path = planned.actionPath(a);
      switch (a.kind) {
        case ActionKind::kWriteFile: {
          auto old = planned.readFile(path);
          out << "  " << (old ? "edit " : "create ") << path << ": " << a.why << "\n";
          out << unifiedDiff(path, old ? *old : std::string(), a.content);
          break;
        }
        case ActionKind::kRemove:
          out << "  remove " << path << ": " << a.why << "\n";
          break;
        case ActionKind::kSymlink:
          out << "  link " << path << " -> " << a.target << ": " << a.why << "\n";
          break;
        case ActionKind::kMakeDir:
          out << "  mkdir " << path << fmt::format(" (mode {:04o})", a.mode) << ": " << a.why
              << "\n";
          break;
        case ActionKind::kSetFlags:
          out << "  chattr " << path << ((a.flags & kInodeImmutable) ? " +i" : " -i")
              << ((a.flags & kInodeAppendOnly) ? " +a" : " -a") << ": " << a.why << "\n";
          break;
        case ActionKind::kRunCommand:
          out << "  run " << fmt::format("{}", fmt::join(a.argv, " ")) << ": " << a.why << "\n";
          for (const auto& t : a.touches) out << "    (changes " << t << ", backed up first)\n";
          break;
        case ActionKind::kSetRegistryValue: {
          // Like a diff line: the value as the earlier actions leave it, then the new one.
          auto old = planned.registryValue(a.path, a.value_name);
          out << "  registry " << a.path << "\\" << a.value_name << ": " << a.why << "\n";
          out << "    - "
              << (old ? describeRegistryData(*old)
                      : "(cannot be read: " + old.error().message + ")")
              << "\n";
          out << "    + " << describeRegistryData(a.value) << "\n";
          break;
        }
      }
      planned.apply(a);
    }
  }
  for (const auto& s : plan.skipped) {
    out << "not fixed: " << s.requirement << " (" << s.rule_id << "): " << s.reason << "\n";
  }
  out << fmt::format("{} fix(es), {} action(s).\n", plan.items.size(), plan.actionCount());
  return out.str();
}

nlohmann::json planToJson(const Plan& plan) {
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& s : plan.skipped) {
    skipped.push_back(
        {{"requirement", s.requirement}, {"rule_id", s.rule_id}, {"reason", s.reason}});
  }
  return nlohmann::json{{"items", plan.items}, {"skipped", skipped}};
}

bool ApplyReport::allVerified() const {
  if (!applied) return false;
  return std::all_of(results.begin(), results.end(),
                     [](const FixResult& r) { return r.outcome == "verified"; });
}

std::vector<FixResult> verifyFixes(const Plan& plan, const std::vector<Finding>& after_findings,
                                   const Facts& after) {
  std::vector<FixResult> results;
  for (const auto& item : plan.items) {
    auto f = std::find_if(after_findings.begin(), after_findings.end(),
                          [&](const Finding& x) { return x.rule_id == item.rule_id; });
    FixResult res{item.requirement, item.rule_id, "not verified", {}};
    bool passes = f != after_findings.end() &&
                  (f->status == Status::kPass || f->status == Status::kNotApplicable);
    // What shows a fix that only the next boot carries out is in place (a scheduled check).
    std::string in_place =
        !passes && item.in_place_until_reboot ? item.in_place_until_reboot(after) : "";
    if (f != after_findings.end() && !in_place.empty()) {
      // The finding describes the disk as it is; it can only pass after the boot that acts.
      res.outcome = "pending reboot";
      res.detail = in_place + "; " + toString(f->status) + " until then: " + f->message;
    } else if (item.actions.empty() && !passes) {
      // An item with nothing left to do passes when an earlier fix repaired its finding too
      // (L-DHCP removes the udev rule X-NETPIN also names).
      res.outcome = "not applied";
      res.detail = item.notes.empty() ? "nothing to apply" : item.notes.front();
    } else if (f == after_findings.end()) {
      res.detail = "the rule is no longer in the report";
    } else if (passes) {
      res.outcome = "verified";
      res.detail = f->message;
    } else {
      res.detail = toString(f->status) + ": " + f->message;
    }
    results.push_back(std::move(res));
  }
  return results;
}

ApplyReport applyPlan(const Plan& plan, MutableHost& host, const Policy& policy,
                      const std::string& command_line, Journal::StepHook hook) {
  ApplyReport report;
  auto journal = Journal::begin(host, command_line, hook);
  if (!journal) {
    report.error = "the journal could not be started: " + journal.error().message;
    for (const auto& item : plan.items) {
      report.results.push_back({item.requirement, item.rule_id, "not applied", report.error});
    }
    return report;
  }
  report.run_id = journal->runId();
  std::string failed_req;
  for (const auto& item : plan.items) {
    for (const auto& a : item.actions) {
      if (auto r = journal->apply(a, item.requirement); !r) {
        report.error = item.requirement + ": " + r.error().message;
        failed_req = item.requirement;
        break;
      }
    }
    if (!report.error.empty()) break;
  }
  if (!report.error.empty()) {
    (void)journal->finish(false, report.error);
    // Half a plan is worse than none: undo what was applied, from the journal.
    auto rolled = rollbackRun(host, report.run_id);
    if (rolled) {
      report.auto_rollback = rolled->rollback;
    } else {
      report.auto_rollback.push_back({"", "failed", rolled.error().message});
    }
    for (const auto& item : plan.items) {
      report.results.push_back({item.requirement, item.rule_id, "not applied",
                                item.requirement == failed_req
                                    ? report.error
                                    : "rolled back because " + failed_req + " failed"});
    }
    return report;
  }
  if (auto r = journal->finish(true); !r) {
    report.error = "the journal could not be closed: " + r.error().message;
  }
  report.applied = true;
  auto verify = [&] {
    Facts after = collectFacts(host, collectOptionsFor(policy));
    report.findings_after = evaluatePolicy(policy, after);
    report.results = verifyFixes(plan, report.findings_after, after);
  };
  verify();
  // A service that --live reloaded or started takes a moment to listen again (sshd re-executes
  // itself on a reload), so such a fix (FixItem::settles) that is not verified yet is given a
  // few more looks before the verdict. Every other fix is judged once.
  auto settling = [&] {
    for (const FixResult& r : report.results) {
      if (r.outcome != "not verified") continue;
      for (const auto& item : plan.items) {
        if (item.requirement == r.requirement && item.settles) return true;
      }
    }
    return false;
  };
  for (int look = 0; look < kSettleLooks && settling(); ++look) {
    std::this_thread::sleep_for(kSettleInterval);
    verify();
  }
  return report;
}

std::string renderApplyText(const ApplyReport& report) {
  std::ostringstream out;
  if (!report.run_id.empty()) out << "journal run " << report.run_id << "\n";
  if (!report.error.empty()) out << "error: " << report.error << "\n";
  for (const auto& o : report.auto_rollback) {
    out << "  rolled back " << o.path << ": " << o.result
        << (o.detail.empty() ? "" : " (" + o.detail + ")") << "\n";
  }
  for (const auto& r : report.results) {
    std::string tag = r.outcome == "verified"         ? "VERIFIED"
                      : r.outcome == "not verified"   ? "NOT VERIFIED"
                      : r.outcome == "pending reboot" ? "PENDING REBOOT"
                                                      : "NOT APPLIED";
    out << tag << "  " << r.requirement << " (" << r.rule_id << ")";
    if (!r.detail.empty()) out << ": " << r.detail;
    out << "\n";
  }
  if (report.applied) {
    const bool pending =
        std::any_of(report.results.begin(), report.results.end(),
                    [](const FixResult& r) { return r.outcome == "pending reboot"; });
    const bool rest_verified =
        std::all_of(report.results.begin(), report.results.end(), [](const FixResult& r) {
          return r.outcome == "verified" || r.outcome == "pending reboot";
        });
    out << (report.allVerified() ? "All fixes verified."
            : pending && rest_verified
                ? "All fixes are in place; those pending a reboot act at the next boot: reboot, "
                  "then audit again."
                : "Some fixes are not verified.")
        << (report.run_id.empty() ? "" : " Undo with: guestprep rollback " + report.run_id) << "\n";
  }
  return out.str();
}

nlohmann::json applyReportToJson(const ApplyReport& report) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& r : report.results) {
    results.push_back({{"requirement", r.requirement},
                       {"rule_id", r.rule_id},
                       {"outcome", r.outcome},
                       {"detail", r.detail}});
  }
  nlohmann::json rolled = nlohmann::json::array();
  for (const auto& o : report.auto_rollback) {
    rolled.push_back({{"path", o.path}, {"result", o.result}, {"detail", o.detail}});
  }
  return nlohmann::json{{"run_id", report.run_id},
                        {"applied", report.applied},
                        {"error", report.error},
                        {"auto_rollback", rolled},
                        {"results", results},
                        {"all_verified", report.allVerified()},
                        {"findings_after", report.findings_after}};
}

}  // namespace guestprep
