// DACLs for the Windows daemon tests' token files: the current user's SID and an SDDL DACL set
// on a file (wine keeps it, as Windows does).
#pragma once

#include <filesystem>
#include <string>

namespace guestprep::testing {

/// "S-1-5-21-...": the user this test runs as.
std::string currentUserSid();
/// Only SYSTEM, the Administrators and this user, nothing inherited: what docs/daemon.md's
/// icacls line leaves on the token file.
std::string privateDacl();
/// Gives `path` exactly the DACL of `sddl` ("D:P(A;;FA;;;SY)..."); empty, or why it failed.
std::string setDacl(const std::filesystem::path& path, const std::string& sddl);

}  // namespace guestprep::testing
