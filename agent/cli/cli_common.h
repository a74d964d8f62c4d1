// What the subcommands share: usage errors, input and output files, policy and host opening.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/platform.h"
#include "host/host.h"
#include "policy/policy.h"

namespace guestprep {

/// Subcommands registered by a file of their own; runCli runs the one that was parsed.
using CommandDispatch = std::vector<std::pair<CLI::App*, std::function<int()>>>;

/// An error the user can fix (bad argument, bad policy, unreadable input): exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 ready for import, 1 not ready, 2 usage or policy error, 3 internal error.";

/// The whole content of a file the user named; UsageError naming it when unreadable.
std::string readInputFile(const std::string& path, const char* what);
/// Writes a report to `path`, or to stdout when it is empty or "-".
void writeOutput(const std::string& path, const std::string& text);
/// A built-in policy name or a policy file, checked for the platform of the audited system
/// (this build's, or an offline root's); "" is that platform's built-in policy.
Policy loadPolicy(const std::string& name_or_file, std::string_view platform = thisPlatform().name);
/// The live system, or the offline root at `root` when it is not empty.
std::unique_ptr<Host> openHost(const std::string& root);
/// Colour only on a terminal, never with NO_COLOR set.
bool useColour(const std::string& output);

}  // namespace guestprep
