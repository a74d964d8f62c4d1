// `guestprep fix`, `guestprep rollback` and `guestprep journal list|show`.
#pragma once

#include <string>

#include "cli/cli_common.h"

namespace guestprep {

/// `command_line` is recorded in each journal run.
void addFixCommands(CLI::App& app, CommandDispatch& dispatch, const std::string& command_line);

}  // namespace guestprep
