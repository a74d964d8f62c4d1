// `guestprep daemon`: audits on an interval, optional auto-remediation, and the local HTTP API,
// run as a Poco::Util::ServerApplication (a systemd service on Linux, an SCM service on Windows).
#pragma once

#include <string>
#include <vector>

namespace guestprep {

/// The daemon's command-line options.
struct DaemonOptions {
  std::string config;  ///< empty: defaultDaemonConfigPath(), built-in defaults when that is absent
  std::string root;    ///< empty: this machine; else the system mounted there
  bool foreground = false;  ///< log for a terminal instead of journald's priority prefixes
  /// Windows service registration in Poco ServerApplication's syntax instead of running:
  /// `/registerService [/displayName=NAME] [/description=TEXT] [/startup=automatic|manual]` or
  /// `/unregisterService` (docs/daemon.md). The registered command is `"EXE" daemon`, with
  /// `--config` when `config` is set.
  std::vector<std::string> service_args;
};

/// For the daemon's worker threads (the timer, the listener's): unblocks the termination signals
/// that the main thread waits for, so that the commands fixers start from these threads do not
/// inherit them blocked. A termination signal a worker receives is passed on to the main thread.
/// Nothing to do on Windows, which has no signal masks.
void unblockTerminationSignals();

/// Runs until SIGTERM/SIGINT/SIGQUIT (Windows: the service manager's stop, Ctrl+C, or Poco's
/// termination event); returns the exit code (0 clean stop, 2 configuration or usage error,
/// 3 internal error). With `service_args`, registers or unregisters the Windows service instead.
int runDaemon(const DaemonOptions& options);

}  // namespace guestprep
