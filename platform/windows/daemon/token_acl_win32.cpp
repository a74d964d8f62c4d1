// The token file's owner and DACL on Windows: only SYSTEM, the Administrators and the daemon's
// account may own, read or change it (token_acl_win32.h).
#include "daemon/token_acl_win32.h"

#include <sddl.h>

#include <memory>
#include <string>
#include <vector>

#include "host/win32_util.h"

namespace guestprep::daemon_platform {

namespace {

struct HandleCloser {
  void operator()(HANDLE h) const { CloseHandle(h); }
};
using UniqueHandle = std::unique_ptr<void, HandleCloser>;

// This process's user, to which the token file may belong and be readable.
std::vector<unsigned char> processUserSid() {
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return {};
  UniqueHandle hold(token);
  DWORD size = 0;
  GetTokenInformation(token, TokenUser, nullptr, 0, &size);
  std::vector<unsigned char> buf(size);
  if (size == 0 || !GetTokenInformation(token, TokenUser, buf.data(), size, &size)) return {};
  PSID sid = reinterpret_cast<TOKEN_USER*>(buf.data())->User.Sid;
  std::vector<unsigned char> out(GetLengthSid(sid));
  CopySid(static_cast<DWORD>(out.size()), out.data(), sid);
  return out;
}

// "BUILTIN\Users (S-1-5-32-545)", or the SID alone when it has no name here.
std::string describeSid(PSID sid) {
  std::string text;
  wchar_t* str = nullptr;
  if (ConvertSidToStringSidW(sid, &str)) {
    text = os_windows::narrow(str);
    LocalFree(str);
  }
  wchar_t name[256];
  wchar_t domain[256];
  DWORD name_len = 256;
  DWORD domain_len = 256;
  SID_NAME_USE use;
  if (LookupAccountSidW(nullptr, sid, name, &name_len, domain, &domain_len, &use)) {
    std::string who = os_windows::narrow(domain);
    who += (who.empty() ? "" : "\\") + os_windows::narrow(name);
    return who + " (" + text + ")";
  }
  return text;
}

// Rights that let someone learn the token or replace it (as mode bits 066 and the owner's
// chmod do on Linux).
constexpr ACCESS_MASK kReadOrChange = FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA |
                                      GENERIC_READ | GENERIC_WRITE | GENERIC_ALL | WRITE_DAC |
                                      WRITE_OWNER | MAXIMUM_ALLOWED;

const char* kFixAcl =
    ": allow only SYSTEM, the Administrators and the daemon's account, e.g. `icacls FILE "
    "/inheritance:r /grant:r SYSTEM:F Administrators:F`, and make a new token";

}  // namespace

std::string tokenAccessProblem(PSID owner, PACL dacl) {
  std::vector<unsigned char> self = processUserSid();
  auto trusted = [&](PSID sid) {
    return IsWellKnownSid(sid, WinLocalSystemSid) ||
           IsWellKnownSid(sid, WinBuiltinAdministratorsSid) ||
           (!self.empty() && EqualSid(sid, self.data()));
  };
  if (owner == nullptr || !trusted(owner)) {
    return "owned by " + (owner ? describeSid(owner) : std::string("nobody")) +
           ", not by the daemon's account, SYSTEM or the Administrators (the owner may always "
           "change who can read it)";
  }
  if (dacl == nullptr) return std::string("it has no DACL, so everyone may read it") + kFixAcl;
  for (DWORD i = 0; i < dacl->AceCount; ++i) {
    void* ace = nullptr;
    if (!GetAce(dacl, i, &ace)) return "cannot read its DACL";
    auto* header = static_cast<ACE_HEADER*>(ace);
    // Inherit-only entries are for files created inside a directory, not for this file.
    if (header->AceFlags & INHERIT_ONLY_ACE) continue;
    switch (header->AceType) {
      case ACCESS_DENIED_ACE_TYPE:
      case ACCESS_DENIED_CALLBACK_ACE_TYPE:
      case SYSTEM_AUDIT_ACE_TYPE:
        // Deny entries only take rights away; the check is on what is granted.
        continue;
      case ACCESS_ALLOWED_ACE_TYPE:
      case ACCESS_ALLOWED_CALLBACK_ACE_TYPE: {
        // Both start with the header, the mask, then the SID.
        auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
        PSID sid = &allowed->SidStart;
        if ((allowed->Mask & kReadOrChange) != 0 && !trusted(sid)) {
          return describeSid(sid) + " may read or change it" + kFixAcl;
        }
        continue;
      }
      default:
        return "its DACL has an entry of type " + std::to_string(header->AceType) +
               " that this check does not read" + kFixAcl;
    }
  }
  return {};
}

}  // namespace guestprep::daemon_platform
