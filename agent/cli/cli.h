// The guestprep command line: parses arguments and runs audit, facts and policy commands.
#pragma once

namespace guestprep {

/// Exit codes (README, --help, man page).
inline constexpr int kExitReady = 0;
inline constexpr int kExitNotReady = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

/// Runs the command line; returns the process exit code.
int runCli(int argc, char** argv);

}  // namespace guestprep
