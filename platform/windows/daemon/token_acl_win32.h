// The check of the token file's security descriptor on Windows, apart from the file so that its
// rules are tested on descriptors built from SDDL (wine keeps no DACL on files: it maps them to
// Unix mode bits and back).
#pragma once

#include <windows.h>

#include <string>

namespace guestprep::daemon_platform {

/// Empty when only SYSTEM (S-1-5-18), BUILTIN\Administrators (S-1-5-32-544) and this process's
/// user own the file and are granted rights to read or change it (read or write data, append,
/// generic read/write/all, WRITE_DAC, WRITE_OWNER, MAXIMUM_ALLOWED) by an allow entry that
/// applies to the file itself; otherwise why not, naming the account. Deny entries and inherit-
/// only entries are not counted; an entry type this check cannot read refuses the file. A NULL
/// DACL (everyone has every right) is refused.
std::string tokenAccessProblem(PSID owner, PACL dacl);

}  // namespace guestprep::daemon_platform
