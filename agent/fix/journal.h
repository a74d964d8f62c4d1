// The Journal: the only way fix mode changes a system. Before an action touches anything, a copy
// of every file it touches (with its owner, mode, xattrs, inode flags and mtime) and the intent are
// made durable; the change itself is an atomic replace. `rollbackRun` restores a run byte for byte
// from that record, whatever step the run stopped at (crash, I/O error or success).
//
// Registry values (Windows) are entries too: the old type and data, or the value's absence, are
// in the manifest before the value is written; rollback writes them back or deletes the value.
//
// On disk, inside the audited system: /var/lib/guestprep/journal/<run-id>/
//   manifest.json   the run and one entry per touched path, rewritten atomically after each step
//   backup/<n>      the content of entry n's file before the run (regular files only)
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fix/plan.h"
#include "host/mutable_host.h"

namespace guestprep {

inline constexpr std::string_view kJournalDir = "/var/lib/guestprep/journal";

/// One path a run touched (or was about to touch), with its state before.
struct JournalEntry {
  int n = 0;
  std::string requirement;
  std::string action;  ///< toString(ActionKind), "run-touch" for a file a command changes
  std::string path;    ///< the entry's path in the audited system (symlinks resolved)
  FileMeta before;
  std::string before_sha256;      ///< regular files: hash of the content before
  std::string backup;             ///< "backup/<n>" for regular files
  std::string after_sha256;       ///< regular files written by the run: hash of the new content
  std::vector<std::string> argv;  ///< kRunCommand
  std::vector<std::string> undo_argv;  ///< kRunCommand
  /// kRunCommand: why it ran and what rollback cannot undo (packages removed or installed).
  std::string note;
  std::string value_name;        ///< "set-registry": the value's name (`path` is its key)
  RegistryData reg_before;       ///< "set-registry": the value before (absent: rollback deletes it)
  RegistryData reg_after;        ///< "set-registry": the value the run writes
  std::string state = "intent";  ///< "intent" (recorded, maybe applied) or "done"
};

/// What rollback did for one entry.
struct RestoreOutcome {
  std::string path;
  std::string result;  ///< "restored", "unchanged", "failed"
  std::string detail;  ///< why it failed, or what was done
};

struct JournalRun {
  std::string run_id;
  std::string started;
  std::string finished;
  std::string host;
  std::string version;
  std::string command_line;
  /// "applying", "applied", "failed" (stopped on an error), "rolled-back", "rollback-incomplete"
  std::string state = "applying";
  std::string error;  ///< why the run stopped
  std::vector<JournalEntry> entries;
  std::vector<RestoreOutcome> rollback;  ///< the last rollback's outcome
};

void to_json(nlohmann::json& j, const JournalRun& r);
void from_json(const nlohmann::json& j, JournalRun& r);

class Journal {
 public:
  /// Called after each durable step with its number (1, 2, ...). Tests use it to stop the
  /// process at every step in turn; it is empty otherwise.
  using StepHook = std::function<void(int step)>;

  /// Creates the run directory and writes the first manifest.
  static Result<Journal> begin(MutableHost& host, const std::string& command_line,
                               StepHook hook = {});

  /// Backs up what `a` touches, records the intent, applies it, records it done.
  Result<void> apply(const Action& a, const std::string& requirement);
  /// Marks the run "applied" or "failed" (with the reason).
  Result<void> finish(bool ok, const std::string& error = {});

  [[nodiscard]] const std::string& runId() const { return run_.run_id; }
  [[nodiscard]] const JournalRun& run() const { return run_; }

 private:
  Journal(MutableHost& host, StepHook hook) : host_(&host), hook_(std::move(hook)) {}
  Result<void> save();
  void step();
  /// Records `path`'s state (and a backup of a regular file) as entry n, durably.
  Result<JournalEntry*> record(const std::string& path, const std::string& action,
                               const std::string& requirement);
  Result<void> applyOne(const Action& a, const std::string& path);
  /// kSetRegistryValue: the old value (or its absence) is durable in the manifest before the
  /// write.
  Result<void> applyRegistry(const Action& a, const std::string& requirement);

  MutableHost* host_;
  StepHook hook_;
  JournalRun run_;
  std::string dir_;
  int steps_ = 0;
};

/// Runs recorded in the system's journal directory, oldest first.
Result<std::vector<JournalRun>> listRuns(const Host& host);
/// One run's manifest.
Result<JournalRun> loadRun(const Host& host, const std::string& run_id);
/// The newest run that was not rolled back, or kNotFound.
Result<std::string> lastRollbackCandidate(const Host& host);

/// Restores every path of the run to its state before the run, newest entry first, verifies
/// each by hash and metadata, and records the outcome in the manifest. Safe to run again after
/// an interruption.
Result<JournalRun> rollbackRun(MutableHost& host, const std::string& run_id,
                               Journal::StepHook hook = {});

/// A new run id: UTC time plus a random suffix ("20261125T012233Z-3f9c").
std::string newRunId();

}  // namespace guestprep
