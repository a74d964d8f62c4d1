// System identity and key system files: release files (L-PLATFORM), /etc/issue* and
// the GRUB legacy menu (L-ISSUE, L-GRUB), root account and passwd (X-ROOTACCT), /lib links
// (X-LIBLINKS), SELinux (L-SELINUX), machine-id and SSH host keys (X-MACHINEID), resolv.conf
// (X-RESOLV).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "facts/common.h"

namespace guestprep {

/// What one distribution release file says about the system.
struct ReleaseInfo {
  SourceRef source;         ///< the file (line of the decisive line, 0 for os-release)
  std::string id;           ///< normalised platform id ("centos", "redhat", "suse", "ubuntu")
  std::string raw_id;       ///< as written (os-release ID, DISTRIB_ID, first word of the line)
  std::string id_like;      ///< os-release ID_LIKE, normalised ids separated by blanks
  std::string version;      ///< "7", "6.7", "14.04", "12.1"; "" when the file gives none
  std::string pretty_name;  ///< PRETTY_NAME, DISTRIB_DESCRIPTION or the release line
  bool operator==(const ReleaseInfo&) const = default;
};

/// The platform identity and what the import form asks for.
struct PlatformFacts {
  /// Every release file found, in the order of precedence used (os-release first).
  std::vector<ReleaseInfo> releases;
  /// Machine architecture ("x86_64", "i386", "aarch64"): `uname -m` on a live system, else
  /// the ELF header of /bin/sh.
  Observed<std::string> arch;
  std::string arch_source;  ///< "uname -m" or the file whose ELF header was read
  /// Bytes of the filesystem holding / (statvfs): the lower bound of the system disk size.
  Observed<std::uint64_t> root_fs_bytes;
  bool operator==(const PlatformFacts&) const = default;
};

/// The root account in /etc/passwd and /etc/shadow, and the passwd command.
struct RootAccountFacts {
  bool passwd_read = false;   ///< /etc/passwd was read (false: see problems)
  int passwd_line = 0;        ///< line of the "root:" entry; 0 when there is none
  std::int64_t uid = -1;      ///< its UID field; -1 when missing or not a number
  std::string shell;          ///< its login shell
  bool shell_exists = false;  ///< the shell is an existing file on the audited system
  bool shadow_read = false;   ///< /etc/shadow was read
  int shadow_line = 0;        ///< line of the "root:" entry in /etc/shadow; 0 when none
  std::vector<std::string> passwd_commands;  ///< existing passwd binaries (/usr/bin/passwd, ...)
  bool operator==(const RootAccountFacts&) const = default;
};

/// One of /lib, /lib64, /lib32, /libx32, /bin, /sbin: what it is at the top of the root.
struct TopLevelLink {
  std::string path;    ///< "/lib"
  std::string kind;    ///< "symlink", "directory", "absent", "other"
  std::string target;  ///< symlink target as written ("usr/lib", "/usr/lib")
  bool operator==(const TopLevelLink&) const = default;
};

/// A line of SELinux configuration, or an SELinux kernel parameter of a next-boot entry.
struct SelinuxSetting {
  SourceRef source;
  std::string text;  ///< "SELINUX=enabled", "selinux=0", "enforcing=1"
  bool operator==(const SelinuxSetting&) const = default;
};

/// /etc/selinux/config and the next boot's kernel parameters.
struct SelinuxFacts {
  bool config_present = false;  ///< /etc/selinux/config exists and was read
  /// "enforcing", "permissive" or "disabled" as libselinux reads SELINUX= (the first valid
  /// line wins); "" when no line gives a valid value.
  std::string mode;
  SourceRef mode_source;                ///< the line that decides it
  std::vector<SelinuxSetting> invalid;  ///< SELINUX= lines with a value libselinux rejects
  /// Next-boot kernel command lines read (boot loader entries; /etc/default/grub only when
  /// there is none): each is identified by its source.
  std::vector<SourceRef> boot_entries;
  std::vector<SelinuxSetting> boot_args;  ///< selinux= / enforcing= on those entries
  bool operator==(const SelinuxFacts&) const = default;
};

/// /etc/machine-id and SSH host keys, which clones of the image share.
struct MachineIdFacts {
  std::string machine_id_state;  ///< "absent", "empty", "uninitialized", "set"
  std::string machine_id;        ///< the ID when set
  std::string dbus_state;        ///< /var/lib/dbus/machine-id: same states ("symlink" too)
  std::vector<std::string> ssh_host_keys;  ///< /etc/ssh/ssh_host_*_key files
  bool operator==(const MachineIdFacts&) const = default;
};

/// A `nameserver` line of resolv.conf.
struct Nameserver {
  SourceRef source;
  std::string address;
  bool operator==(const Nameserver&) const = default;
};

/// /etc/resolv.conf and what manages it.
struct ResolvFacts {
  std::string kind;          ///< "file", "symlink", "absent", "other"
  std::string link_target;   ///< when a symlink
  std::string generated_by;  ///< the header comment naming the generator, if any
  std::vector<Nameserver> nameservers;
  /// Inode flags of the file (kInodeImmutable 0x10, kInodeAppendOnly 0x20), or why unknown.
  Observed<std::uint32_t> inode_flags;
  /// Services that rewrite resolv.conf at boot, with the evidence ("NetworkManager.service
  /// enabled", "/sbin/resolvconf", "NETCONFIG_DNS_POLICY=auto").
  std::vector<std::string> managers;
  bool operator==(const ResolvFacts&) const = default;
};

/// Filled by the system probes; every field documents where it comes from.
struct SystemFacts {
  PlatformFacts platform;
  RootAccountFacts root;
  std::vector<TopLevelLink> top_links;
  SelinuxFacts selinux;
  MachineIdFacts machine_id;
  ResolvFacts resolv;
  /// Files that could not be read or parsed (line 0: the whole file; rules that depend on it
  /// report an error instead of a pass).
  std::vector<ConfigProblem> problems;
  bool operator==(const SystemFacts&) const = default;
};

void to_json(nlohmann::json& j, const SystemFacts& f);
void from_json(const nlohmann::json& j, SystemFacts& f);

}  // namespace guestprep
