// `guestprep fix`, `guestprep rollback` and `guestprep journal list|show`.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace guestprep {

/// Subcommands registered by a file of their own; runCli runs the one that was parsed.
using CommandDispatch = std::vector<std::pair<CLI::App*, std::function<int()>>>;

/// `command_line` is recorded in each journal run.
void addFixCommands(CLI::App& app, CommandDispatch& dispatch, const std::string& command_line);

}  // namespace guestprep
