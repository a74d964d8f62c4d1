// `guestprep image check FILE`: audits an exported disk image file (format, size, and the disk
// inside it) against the policy's image rules, with the same reports and exit codes as `audit`.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"

namespace guestprep {

/// Registers `image check` on `app`; runCli runs it through `dispatch` when it was parsed.
void addImageCommands(CLI::App& app, CommandDispatch& dispatch);

}  // namespace guestprep
