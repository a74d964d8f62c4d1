// Registry export files (.reg, as `reg export` and regedit write them): "REGEDIT4" and
// "Windows Registry Editor Version 5.00", typed values, deletions, continued hex lines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/common.h"
#include "host/windows_api.h"

namespace guestprep::os_windows {

struct RegExportValue {
  std::string name;  ///< "" for the default value (@)
  RegValue value;
  int line = 0;
  bool deleted = false;  ///< "name"=-
};

struct RegExportKey {
  std::string path;  ///< normalised ("HKLM\\SOFTWARE\\...")
  int line = 0;
  bool deleted = false;  ///< [-HKEY_...]
  std::vector<RegExportValue> values;
};

struct RegExport {
  bool unicode = true;  ///< version 5.00 (hex(2)/hex(7) data in UTF-16LE); false for REGEDIT4
  std::vector<RegExportKey> keys;
  std::vector<ConfigProblem> problems;  ///< malformed lines, skipped (file left empty)
};

/// Parses decoded (UTF-8) .reg text; `decodeWindowsText` first for the bytes of a file.
RegExport parseRegExport(std::string_view text);

}  // namespace guestprep::os_windows
