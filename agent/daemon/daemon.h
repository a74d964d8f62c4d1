// `guestprep daemon`: audits on an interval, optional auto-remediation, and the local HTTP API,
// run as a Poco::Util::ServerApplication (a systemd Type=simple service on Linux).
#pragma once

#include <string>

namespace guestprep {

/// The daemon's command-line options.
struct DaemonOptions {
  std::string config;       ///< empty: kDefaultDaemonConfig, built-in defaults when that is absent
  std::string root;         ///< empty: this machine; else the system mounted there
  bool foreground = false;  ///< log for a terminal instead of journald's priority prefixes
};

/// For the daemon's worker threads (the timer, the listener's): unblocks the termination signals
/// that the main thread waits for, so that the commands fixers start from these threads do not
/// inherit them blocked. A termination signal a worker receives is passed on to the main thread.
void unblockTerminationSignals();

/// Runs until SIGTERM/SIGINT/SIGQUIT; returns the exit code (0 clean stop, 2 configuration or
/// usage error, 3 internal error).
int runDaemon(const DaemonOptions& options);

}  // namespace guestprep
