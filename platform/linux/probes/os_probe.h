// Identity of the audited Linux system: distribution, kernel, architecture, hostname.
#pragma once

#include "facts/facts.h"
#include "host/host.h"

namespace guestprep::os_linux {

/// Fills `os` from os-release (or the older *-release files), and, on a running system, the
/// kernel release, architecture and hostname.
void probeOs(const Host& host, OsInfo& os);

}  // namespace guestprep::os_linux
