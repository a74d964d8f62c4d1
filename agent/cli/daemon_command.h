// `guestprep daemon`: registers the subcommand; the daemon itself is agent/daemon.
#pragma once

#include "cli/cli_common.h"

namespace guestprep {

/// Adds `daemon [--config FILE] [--foreground] [--root DIR]`.
void addDaemonCommand(CLI::App& app, CommandDispatch& dispatch);

}  // namespace guestprep
