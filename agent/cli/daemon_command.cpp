// `guestprep daemon`: the options, handed to runDaemon (agent/daemon).
#include "cli/daemon_command.h"

#include <memory>

#include "daemon/daemon.h"

namespace guestprep {

void addDaemonCommand(CLI::App& app, CommandDispatch& dispatch) {
  auto options = std::make_shared<DaemonOptions>();
  auto* cmd = app.add_subcommand(
      "daemon",
      "Run as a service: audit on an interval, optionally fix, and answer the local HTTP API "
      "(docs/daemon.md)");
  cmd->add_option("--config", options->config,
                  "Configuration file (default /etc/guestprep/guestprep.yaml)");
  cmd->add_flag("--foreground", options->foreground,
                "Log for a terminal (time, level) instead of journald's priority prefixes");
  cmd->add_option("--root", options->root, "Audit and fix the system mounted at DIR");
  // Windows: ServerApplication's own arguments (/registerService, /unregisterService,
  // /displayName=..., /startup=...) go to the daemon as they are; on Linux runDaemon refuses
  // them with exit 2.
  cmd->allow_extras();
  dispatch.emplace_back(cmd, [options, cmd] {
    options->service_args = cmd->remaining();
    return runDaemon(*options);
  });
}

}  // namespace guestprep
