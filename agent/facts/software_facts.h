// Packages and services of interest: cloud-init, other clouds' and hypervisors' agents,
// qemu-guest-agent, package verification (L-CLOUDINIT, X-CLOUDINIT-DS, L-QEMUGA, X-AGENTS,
// L-SYSDIRS, L-ISSUE, L-GRUB).
#pragma once

#include <string>
#include <vector>

#include "facts/common.h"

namespace guestprep {

/// One installed package, from the package database.
struct InstalledPackage {
  std::string name;     ///< "qemu-guest-agent"
  std::string version;  ///< "1:7.2+dfsg-7", "2.5.2-1.el7"
  std::string arch;     ///< "amd64", "x86_64", "all", "noarch"
  bool operator==(const InstalledPackage&) const = default;
};

/// The package database of the audited system.
struct PackageDatabase {
  std::string kind;    ///< "dpkg", "rpm" or "none" (no database found)
  std::string source;  ///< "/var/lib/dpkg/status" or the rpm command line
  /// Every installed package; an error when the database could not be read (an RPM database on
  /// an offline root: reading it needs rpm itself).
  Observed<std::vector<InstalledPackage>> installed;
  bool operator==(const PackageDatabase&) const = default;
};

/// Whether a service of interest is installed and started at boot (unit links, rc links).
struct ServiceState {
  std::string name;  ///< service name without ".service" ("qemu-guest-agent", "vmtoolsd")
  bool installed = false;
  bool enabled = false;
  std::string evidence;  ///< the unit file or link that decided it
  bool operator==(const ServiceState&) const = default;
};

/// cloud-init as the next boot will find it.
struct CloudInitState {
  bool installed = false;
  std::string installed_evidence;  ///< package or program that shows it (or why not)
  bool disabled_by_file = false;   ///< /etc/cloud/cloud-init.disabled exists
  /// datasource_list as the last cloud.cfg / cloud.cfg.d file that sets it leaves it.
  bool datasource_list_set = false;
  std::vector<std::string> datasource_list;
  SourceRef datasource_source;  ///< where it is set
  /// State of an earlier instance under /var/lib/cloud (instance link, instances/<id>).
  std::vector<std::string> instance_state;
  bool operator==(const CloudInitState&) const = default;
};

/// What the package manager's record says about one file.
enum class FileState {
  kOk,          ///< matches the record
  kChanged,     ///< content (or size, mode, link) differs from the record
  kMissing,     ///< recorded but absent
  kUnowned,     ///< present, but no package records it
  kUnreadable,  ///< could not be read, so could not be compared
};

/// One file compared with the package manager's record.
struct FileVerification {
  std::string path;
  std::string package;  ///< owning package, "" when unowned
  FileState state = FileState::kOk;
  std::string detail;  ///< "md5 ... (recorded ...)", rpm -V flags "S.5....T.", first line now
  bool operator==(const FileVerification&) const = default;
};

/// A set of files verified against the package manager (one per requirement).
struct PackageVerification {
  std::string method;  ///< "dpkg md5sums", "dpkg conffiles", "rpm -V"
  /// The files looked at; for the system directories only those that are not kOk (there are
  /// thousands). An error when they could not be verified, with the reason.
  Observed<std::vector<FileVerification>> files;
  int checked = 0;         ///< files compared
  int total = 0;           ///< files in scope (more than `checked` when the work cap was hit)
  bool truncated = false;  ///< the cap on files or bytes stopped the comparison early
  bool operator==(const PackageVerification&) const = default;
};

/// Filled by the software probes; every field documents where it comes from.
struct SoftwareFacts {
  PackageDatabase packages;
  std::vector<ServiceState> services;  ///< services of interest (agents, cloud-init units)
  CloudInitState cloud_init;
  PackageVerification issue;            ///< /etc/issue, /etc/issue.net
  PackageVerification grub_menu;        ///< /boot/grub/menu.lst
  PackageVerification sysdirs;          ///< files in /bin, /sbin, /lib*, /usr/bin, /usr/sbin
  std::vector<ConfigProblem> problems;  ///< files that could not be read or parsed
  bool operator==(const SoftwareFacts&) const = default;
};

std::string toString(FileState s);

void to_json(nlohmann::json& j, const FileState& s);
void from_json(const nlohmann::json& j, FileState& s);
void to_json(nlohmann::json& j, const InstalledPackage& p);
void from_json(const nlohmann::json& j, InstalledPackage& p);
void to_json(nlohmann::json& j, const PackageDatabase& d);
void from_json(const nlohmann::json& j, PackageDatabase& d);
void to_json(nlohmann::json& j, const ServiceState& s);
void from_json(const nlohmann::json& j, ServiceState& s);
void to_json(nlohmann::json& j, const CloudInitState& c);
void from_json(const nlohmann::json& j, CloudInitState& c);
void to_json(nlohmann::json& j, const FileVerification& v);
void from_json(const nlohmann::json& j, FileVerification& v);
void to_json(nlohmann::json& j, const PackageVerification& v);
void from_json(const nlohmann::json& j, PackageVerification& v);

void to_json(nlohmann::json& j, const SoftwareFacts& f);
void from_json(const nlohmann::json& j, SoftwareFacts& f);

}  // namespace guestprep
