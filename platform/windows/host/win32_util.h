// Win32 helpers of the live host: UTF-8 <-> UTF-16 at the API boundary, and errors from
// GetLastError / HRESULT codes as Result errors that name the call.
#pragma once

#include <windows.h>

#include <string>
#include <string_view>

#include "core/result.h"

namespace guestprep::os_windows {

/// UTF-8 to the UTF-16 wide strings of the W APIs.
std::wstring widen(std::string_view utf8);
/// A path of the Host interface as a wide Win32 path. The fix journal's portable location
/// (/var/lib/guestprep/...) is %ProgramData%\\guestprep\\... on Windows, and /var and /var/lib
/// are %ProgramData% itself; every other path is only converted.
std::wstring filePath(std::string_view path);
/// UTF-16 from the W APIs to UTF-8.
std::string narrow(std::wstring_view wide);
/// "what: message (error N)", with the ErrorCode a caller can branch on.
Error win32Error(std::string_view what, DWORD code);
/// "what: HRESULT 0x80004001 (E_NOTIMPL)".
Error hresultError(std::string_view what, HRESULT hr);

/// An open registry key, closed when it goes away (the reading API and the fix host share it).
struct RegKey {
  HKEY h = nullptr;
  RegKey() = default;
  RegKey(const RegKey&) = delete;
  RegKey& operator=(const RegKey&) = delete;
  ~RegKey() {
    if (h) RegCloseKey(h);
  }
};

}  // namespace guestprep::os_windows
