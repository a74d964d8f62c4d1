// `systeminfo` output, in any display language: fields are read by position and shape, not by
// their (translated) labels; the hotfix list is the field whose items are single update IDs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "facts/common.h"

namespace guestprep::os_windows {

struct SystemInfoField {
  std::string label;               ///< as written, translated ("OS Name", "Betriebssystemname")
  std::string value;               ///< the text after the label, trimmed
  std::vector<std::string> items;  ///< continuation lines: "[01]: KB958488" gives "KB958488"
  int line = 0;
};

struct SystemInfo {
  std::vector<SystemInfoField> fields;
  std::string host_name;   ///< field 1
  std::string os_name;     ///< field 2 ("Microsoft Windows Server 2008 R2 Standard")
  std::string os_version;  ///< field 3 ("6.1.7601 Service Pack 1 Build 7601")
  std::uint32_t major = 0, minor = 0, build = 0;  ///< from the leading "6.1.7601" of os_version
  std::vector<std::string> hotfixes;  ///< "KB958488", "Q147222" (suffixes like "v2" cut)
  std::vector<ConfigProblem> problems;
};

/// Parses decoded text (`decodeWindowsText` first). A text without the leading host, OS name
/// and version fields is a problem at line 0.
SystemInfo parseSystemInfo(std::string_view text);

}  // namespace guestprep::os_windows
