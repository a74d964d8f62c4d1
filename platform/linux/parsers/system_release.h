// Pure parsers that identify a Linux distribution from its release files (os-release,
// *-release, lsb-release, debian_version, /etc/issue) and the architecture from an ELF header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/system_facts.h"

namespace guestprep::os_linux {

/// The platform id guestprep uses for a distribution id or name as written: os-release IDs
/// ("rhel" -> "redhat", "sles"/"sled" -> "suse", "opensuse-leap" -> "opensuse", "alinux" ->
/// "aliyun", "ol" -> "oracle"), lsb DISTRIB_IDs ("RedHatEnterpriseServer") and release-line
/// names ("CentOS Linux", "SUSE Linux Enterprise Server"). Unknown ids are lower-cased.
std::string normalisePlatformId(std::string_view raw);

/// Identifies the system from one release file. `path` chooses the format by its file name:
/// "os-release" (KEY=value), "lsb-release" (DISTRIB_*), "debian_version" (a version or a
/// codename), "issue" (the first line, getty escapes removed), any other "*-release"
/// (a "<name> release <version> (<codename>)" line; SuSE-release also VERSION/PATCHLEVEL).
/// Nothing when the file names no distribution (empty, LSB_VERSION only, "\S").
std::optional<ReleaseInfo> parseReleaseFile(std::string_view path, std::string_view text);

/// The identity to report: the first release (in precedence order) that names a
/// distribution, its version completed from a later file of the same platform when it has
/// none (Debian testing's os-release has no VERSION_ID). Nothing when `releases` is empty.
std::optional<ReleaseInfo> chooseRelease(const std::vector<ReleaseInfo>& releases);

/// The architecture an ELF file is built for ("x86_64", "i386", "aarch64", "ppc64le",
/// "s390x", ...), from its header (EI_CLASS, EI_DATA, e_machine); nothing when `bytes` does
/// not start with an ELF header or the machine is not one we name.
std::optional<std::string> elfArchitecture(std::string_view bytes);

}  // namespace guestprep::os_linux
