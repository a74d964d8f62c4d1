// The Windows fixers (issue 6): registry values for the next boot (and W-PASSWD's minimum length
// through `net accounts`), through the same Plan / Journal / rollback as Linux. None of them
// stops a service, changes the running firewall or touches the RDP session that runs guestprep.
#pragma once

#include <vector>

#include "fix/fixer.h"

namespace guestprep::os_windows {

/// W-RDP, W-FIREWALL, W-PASSWD, W-QEMUGA / XW-AGENTS, XW-HIBERNATE, W-FSCHECK (only with
/// --only), in one explicit table (platformFixers() on Windows; tests use it on any platform
/// with the fixture host).
const std::vector<Fixer>& windowsFixers();

}  // namespace guestprep::os_windows
