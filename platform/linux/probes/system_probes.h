// Probes of the system family: release files and architecture (L-PLATFORM), the root account
// (X-ROOTACCT), top-level /lib and /bin links (X-LIBLINKS), SELinux (L-SELINUX), machine-id and
// SSH host keys (X-MACHINEID), resolv.conf (X-RESOLV). Each reads through the Host only.
#pragma once

#include <vector>

#include "facts/facts.h"
#include "host/host.h"

namespace guestprep::os_linux {

/// Runs every probe below. One that throws leaves a problem (line 0) on the file its rule
/// depends on, so that rule reports an error instead of judging incomplete facts; the others
/// go on.
void probeSystem(const Host& host, SystemFacts& sys, OsInfo& os);

/// The release files that exist, parsed, in order of precedence: /etc/os-release (else
/// /usr/lib/os-release), the distribution's own *-release files, /etc/lsb-release,
/// /etc/debian_version, /etc/issue. Unreadable files are appended to `problems`.
std::vector<ReleaseInfo> readReleaseFiles(const Host& host, std::vector<ConfigProblem>& problems);

/// Release files, architecture (`uname -m` live, else the ELF header of /bin/sh) and the size
/// of the root filesystem; sets `os.arch` when the OS probe could not.
void probePlatform(const Host& host, SystemFacts& sys, OsInfo& os);

/// The root entries of /etc/passwd and /etc/shadow, its shell, and the passwd binaries.
void probeRootAccount(const Host& host, SystemFacts& sys);

/// What /lib, /lib64, /lib32, /libx32, /bin and /sbin are at the top of the root.
void probeTopLevelLinks(const Host& host, SystemFacts& sys);

/// /etc/selinux/config and the selinux= / enforcing= parameters of the next boot's entries.
void probeSelinux(const Host& host, SystemFacts& sys);

/// /etc/machine-id, /var/lib/dbus/machine-id and /etc/ssh/ssh_host_*_key.
void probeMachineId(const Host& host, SystemFacts& sys);

/// /etc/resolv.conf: link or file, nameservers, inode flags, and what rewrites it at boot.
void probeResolv(const Host& host, SystemFacts& sys);

}  // namespace guestprep::os_linux
