// What the Windows fixers share across their files (not a public interface: windowsFixers() in
// windows_fixers.h is): the plan functions defined outside windows_fixers.cpp.
#pragma once

#include "fix/fixer.h"

namespace guestprep::os_windows {

/// W-PASSWD (windows.password_accepts_cloud_rule): the minimum password length lowered to the
/// cloud's minimum through `net accounts /minpwlen:N`, undone by `net accounts /minpwlen:<old>`
/// (windows_password_fixer.cpp).
Result<FixItem> planPassword(const FixContext& ctx);

}  // namespace guestprep::os_windows
