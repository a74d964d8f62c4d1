// windows.system_files (W-SYSFILES): what the System File Checker found the last times it ran,
// from CBS.log; when it has not run, the advice to run `sfc /verifyonly`. guestprep runs it only
// when the policy asks (`run: true`): it takes minutes.
#include "rules/windows_rules.h"

namespace guestprep {

std::vector<ParamSpec> windowsSystemFilesParams() {
  return {
      {"not_verified",
       ParamKind::kString,
       ParamValue{std::string("warn")},
       "status when CBS.log holds no System File Checker run",
       {"pass", "warn", "fail"}},
      {"run",
       ParamKind::kBool,
       ParamValue{false},
       "run `sfc /verifyonly` during the audit of a running system (minutes), then read its "
       "verdict from CBS.log",
       {}},
  };
}

Outcome evaluateWindowsSystemFiles(const Facts& facts, const Params& params) {
  Outcome out;
  if (notWindows(facts, out)) return out;
  const Observed<WindowsSfcFacts>& sfc = facts.windows.sfc;
  if (!sfc.ok()) {
    out.status = Status::kError;
    out.message = "could not read the System File Checker's log: " + sfc.error;
    out.remediation = "Run `sfc /verifyonly` as an administrator and read its verdict.";
    return out;
  }
  const WindowsSfcFacts& run = *sfc.value;
  if (run.run_asked && !run.run_error.empty()) {
    out.status = Status::kError;
    out.message = "the System File Checker was to run and did not verify: " + run.run_error;
    out.remediation =
        "Run guestprep as an administrator on the running system, or `sfc /verifyonly` by hand "
        "and audit again without `run`.";
    return out;
  }
  if (run.ran) {
    out.evidence.push_back(
        Evidence{"sfc /verifyonly", 0,
                 "ran during this audit, exit code " + std::to_string(run.run_exit_code)});
  }
  auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size() && i < 5; ++i) s += (i ? ", " : "") + v[i];
    if (v.size() > 5) s += ", and " + std::to_string(v.size() - 5) + " more";
    return s;
  };
  if (run.last_line > 0) {
    out.evidence.push_back(Evidence{
        run.log, run.last_line,
        "last System File Checker line" + (run.last_run.empty() ? "" : " at " + run.last_run)});
  }
  if (!run.not_repaired.empty()) {
    out.status = Status::kFail;
    out.message = "the System File Checker could not repair: " + list(run.not_repaired);
    out.remediation =
        "Repair the component store (`DISM /Online /Cleanup-Image "
        "/RestoreHealth`), then `sfc /scannow`, and audit again.";
  } else if (!run.corrupt.empty()) {
    out.status = Status::kWarn;
    out.message = "the System File Checker found modified system files: " + list(run.corrupt);
    out.remediation =
        "Run `sfc /scannow` (it restores them) and `sfc /verifyonly` until it "
        "finds no integrity violations.";
  } else if (run.verify_batches == 0) {
    const std::string& st = params.getString("not_verified");
    out.status = st == "pass" ? Status::kPass : st == "fail" ? Status::kFail : Status::kWarn;
    out.message = "the System File Checker has not run since " + run.log +
                  " was started: the system files are not verified";
    out.remediation =
        "Run `sfc /verifyonly` as an administrator (it takes minutes) and audit "
        "again; it must report no integrity violations.";
  } else {
    out.status = Status::kPass;
    out.message = "the System File Checker's last run" +
                  (run.last_run.empty() ? std::string() : " (" + run.last_run + ")") +
                  " found no modified system file";
  }
  return out;
}

}  // namespace guestprep
