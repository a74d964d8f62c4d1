// Enabling and disabling services at boot through the files the init systems read, the way
// `systemctl enable/disable/mask`, `update-rc.d`/`chkconfig` and upstart .override files do,
// so that it works the same on an offline root (nothing is run) and is journalled as file
// changes (symlinks included) that rollback restores.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "fix/plan.h"
#include "host/host.h"

namespace guestprep::os_linux {

/// A service by the names each init system knows it by; an empty name is not looked for.
struct ServiceNames {
  std::string systemd;  ///< unit file name, "firewalld.service"
  std::string sysv;     ///< init script in /etc/init.d, "firewalld"
  std::string upstart;  ///< job in /etc/init, "ssh"
};

/// What a service change plans: the actions, one line per change for the fix summary, and what
/// the operator should know.
struct ServiceChange {
  std::vector<Action> actions;
  std::vector<std::string> changes;
  std::vector<std::string> notes;
  void append(ServiceChange other);
};

/// The [Install] section of a systemd unit file (systemd.unit(5)).
struct UnitInstall {
  std::vector<std::string> wanted_by;
  std::vector<std::string> required_by;
  std::vector<std::string> alias;
  std::vector<std::string> also;
  [[nodiscard]] bool empty() const {
    return wanted_by.empty() && required_by.empty() && alias.empty() && also.empty();
  }
};
UnitInstall parseUnitInstall(std::string_view text);

/// What an init script's header says about its rc links: the `# chkconfig: 2345 55 25` line
/// (RHEL) and the LSB block's Default-Start/Default-Stop.
struct SysvHeader {
  std::string chkconfig_levels;  ///< "2345"; "" when there is no chkconfig line ("-": none)
  int start = -1;                ///< chkconfig start priority
  int stop = -1;                 ///< chkconfig stop priority
  std::vector<std::string> default_start;  ///< LSB Default-Start: "2", "3", "S", "B"
};
SysvHeader parseSysvHeader(std::string_view text);

/// Plans what disabling at boot does on every init system that knows the service: systemd's
/// wants/requires links and alias links removed (with `mask`, or when a vendor link under
/// /usr/lib enables it, the unit is masked with a /dev/null link in /etc/systemd/system), SysV
/// S links renamed to K links as update-rc.d disable / chkconfig off do (rc?.d, rcS.d, SUSE's
/// boot.d), and upstart jobs given `manual` in their .override file. Plans nothing for what is
/// already disabled.
Result<ServiceChange> planDisableAtBoot(const Host& host, const ServiceNames& s, bool mask);

/// Plans what enabling at boot does on the init system the system boots with (as the audit
/// decides it): a systemd unit's [Install] links (and its mask removed), SysV S links in the
/// script's default runlevels (K links renamed back), or an upstart job's `manual` commented
/// out. Nothing when it already starts at boot; a note when it cannot be enabled by links (a
/// static unit).
Result<ServiceChange> planEnableAtBoot(const Host& host, const ServiceNames& s);

/// The runtime command for a service on the running system (--live): systemctl when systemd
/// runs now (/run/systemd/system, as sd_booted(3)), service(8) otherwise.
std::vector<std::string> serviceCommand(const Host& host, const ServiceNames& s,
                                        std::string_view verb);

}  // namespace guestprep::os_linux
