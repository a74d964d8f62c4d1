// The software family's probes: package database, services of interest, cloud-init, and files
// verified against the package manager's record.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"
#include "host/host.h"

namespace guestprep::os_linux {

/// The services whose boot state the software rules can judge: cloud-init's four stages,
/// qemu-guest-agent, and other hypervisors' and clouds' agents (systemd unit base names, which
/// are also their SysV script names).
const std::vector<std::string>& softwareServicesOfInterest();

/// The package database (dpkg status read natively; `rpm -qa` on a live RPM system) and the
/// boot state of softwareServicesOfInterest().
void probeSoftwarePackages(const Host& host, SoftwareFacts& facts);

/// cloud-init: installed (package or program), disabled by file, datasource_list from cloud.cfg
/// and cloud.cfg.d, state of an earlier instance under /var/lib/cloud. Run after
/// probeSoftwarePackages, whose package list it reads.
void probeSoftwareCloudInit(const Host& host, SoftwareFacts& facts);

/// /etc/issue*, /boot/grub/menu.lst and the files of /bin, /sbin, /lib*, /usr/bin, /usr/sbin
/// compared with the package manager's record (dpkg md5sums and conffiles read natively;
/// `rpm -qf` / `rpm -V` on a live RPM system).
/// With `system_dirs` false the system directories are not hashed (the slow part: every file
/// under /bin, /sbin, /lib*, /usr/bin, /usr/sbin); `sysdirs` then says why it was not collected.
void probeSoftwareVerification(const Host& host, SoftwareFacts& facts, bool system_dirs = true);

/// Lower-case hex MD5 of `data` (OpenSSL libcrypto), as dpkg records it.
std::string md5Hex(std::string_view data);

/// Whether `path` is in the key system directories of L-SYSDIRS: /bin, /sbin, /lib* (lib,
/// lib64, lib32, libx32), /usr/bin, /usr/sbin.
bool inSystemDirectories(std::string_view path);

}  // namespace guestprep::os_linux
