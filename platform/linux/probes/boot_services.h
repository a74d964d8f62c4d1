// Whether a service starts at boot, read from files so that it works on an offline root:
// systemd unit links, SysV rc links.
#pragma once

#include <string>
#include <string_view>

#include "facts/common.h"
#include "host/host.h"

namespace guestprep::os_linux {

/// What the boot configuration says about one service.
struct BootServiceState {
  bool installed = false;  ///< the unit file or init script exists
  bool enabled = false;    ///< it starts at boot
  std::string evidence;    ///< the link or file that decided it
  SourceRef source;        ///< the file and line, when one line of a file decided (upstart)
};

/// True when the system boots with systemd (its /sbin/init is systemd).
bool bootsWithSystemd(const Host& host);

/// systemd: `unit` ("NetworkManager.service") is installed when a unit file exists in
/// /etc/systemd/system, /run/systemd/system, /usr/lib/systemd/system or /lib/systemd/system, and
/// enabled when a *.wants/ or *.requires/ link names it (or an alias of it) and it is not masked.
BootServiceState systemdUnitState(const Host& host, std::string_view unit);

/// SysV init: /etc/init.d/`name` (or /etc/rc.d/init.d) exists, and an S link in runlevel 3 or 5
/// (or 2 on Debian) starts it.
BootServiceState sysvServiceState(const Host& host, std::string_view name);

/// The state that applies on this system: systemd's when it boots with systemd (systemd falls back
/// to SysV scripts that have no unit), SysV's otherwise.
BootServiceState serviceState(const Host& host, std::string_view systemd_unit,
                              std::string_view sysv_name);

}  // namespace guestprep::os_linux
