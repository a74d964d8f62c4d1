// Parser for NetworkManager keyfile connection profiles (*.nmconnection and extension-less files
// in system-connections/).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// One connection profile as one keyfile describes it.
struct NmProfile {
  NicConfig config;  ///< stack "networkmanager"; master and parent may still name a UUID
  std::string id;    ///< connection.id
  std::string uuid;  ///< connection.uuid (empty when the file has none)
  std::string type;  ///< connection.type as written (or inferred from the setting groups)
  /// NetworkManager would load the file: GLib key-file syntax is valid and the profile has a
  /// type. GLib refuses a whole file on one bad line, so a profile with a syntax error is not
  /// loaded at all.
  bool loadable = false;
  std::vector<ConfigProblem> problems;  ///< file set; line and message
};

/// Parses one keyfile; `file` is recorded in the SourceRef and in problems.
NmProfile parseNmKeyfile(std::string_view text, std::string_view file);

/// Resolves master/controller and VLAN parent references given as UUIDs to the interface name of
/// the profile with that UUID (when there is one), and lists each port under its bond, bridge or
/// team profile's members.
void linkNmProfiles(std::vector<NmProfile>& profiles);

/// True for file names NetworkManager's keyfile plugin skips: hidden files, backups ending in
/// '~', mkstemp temporaries (".XXXXXX"), 802.1x certificates (.pem, .der), and, where
/// `require_extension` (/usr/lib and /run), anything not ending in ".nmconnection".
bool nmIgnoresFilename(std::string_view name, bool require_extension);

}  // namespace guestprep::os_linux
