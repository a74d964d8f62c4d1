// DACL helpers of the Windows daemon tests (dacl_util.h).
#include "dacl_util.h"

#include <windows.h>
// After windows.h, which declares what they use.
#include <aclapi.h>
#include <sddl.h>

#include <vector>

#include "host/win32_util.h"

namespace guestprep::testing {

std::string currentUserSid() {
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return {};
  DWORD size = 0;
  GetTokenInformation(token, TokenUser, nullptr, 0, &size);
  std::vector<unsigned char> buf(size);
  bool ok = size > 0 && GetTokenInformation(token, TokenUser, buf.data(), size, &size);
  CloseHandle(token);
  wchar_t* text = nullptr;
  if (!ok || !ConvertSidToStringSidW(reinterpret_cast<TOKEN_USER*>(buf.data())->User.Sid, &text)) {
    return {};
  }
  std::string out = os_windows::narrow(text);
  LocalFree(text);
  return out;
}

std::string privateDacl() {
  return "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;" + currentUserSid() + ")";
}

std::string setDacl(const std::filesystem::path& path, const std::string& sddl) {
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(os_windows::widen(sddl).c_str(),
                                                            SDDL_REVISION_1, &sd, nullptr)) {
    return os_windows::win32Error("ConvertStringSecurityDescriptorToSecurityDescriptorW " + sddl,
                                  GetLastError())
        .message;
  }
  BOOL present = FALSE;
  BOOL defaulted = FALSE;
  PACL dacl = nullptr;
  GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted);
  std::wstring wpath = path.wstring();
  DWORD rc = SetNamedSecurityInfoW(wpath.data(), SE_FILE_OBJECT,
                                   DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                   nullptr, nullptr, dacl, nullptr);
  LocalFree(sd);
  if (rc != ERROR_SUCCESS)
    return os_windows::win32Error("SetNamedSecurityInfoW " + sddl, rc).message;
  return {};
}

}  // namespace guestprep::testing
