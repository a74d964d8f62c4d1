// The System File Checker's traces in CBS.log (%WINDIR%\Logs\CBS\CBS.log): the "[SR]" lines
// `sfc /scannow` and `sfc /verifyonly` write, and the CSI hash mismatches they find (W-SYSFILES).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guestprep::os_windows {

/// What the log says about the system files, summed over every sfc run it holds.
struct SfcLog {
  int verify_batches = 0;  ///< "[SR] Verify complete" lines: sfc ran (in batches of components)
  std::vector<std::string> corrupt;       ///< files found corrupt (hash mismatch, repairing)
  std::vector<std::string> not_repaired;  ///< "[SR] Cannot repair member file ..."
  std::string last_run;  ///< the timestamp of the last "[SR]" line ("2024-03-01 10:12:13")
  int last_line = 0;     ///< its line number
};

/// Parses CBS.log text (UTF-8 or ANSI; CRLF or LF). Lines not about sfc are skipped; lists are
/// capped at 50 entries each.
SfcLog parseSfcLog(std::string_view text);

}  // namespace guestprep::os_windows
