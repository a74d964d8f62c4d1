// Win32 helpers: string conversion at the API boundary, error messages.
#include "host/win32_util.h"

#include <algorithm>
#include <cstdio>

#include "parsers/win_text.h"

namespace guestprep::os_windows {

std::wstring filePath(std::string_view path) {
  constexpr std::string_view kState = "/var/lib/guestprep";
  std::string p(path);
  std::replace(p.begin(), p.end(), '\\', '/');
  std::string rest;
  if (p == "/var" || p == "/var/lib") {
    rest = "";
  } else if (p == kState || p.starts_with(std::string(kState) + "/")) {
    rest = "\\guestprep" + p.substr(kState.size());
  } else {
    return widen(path);
  }
  wchar_t buf[MAX_PATH];
  DWORD n = GetEnvironmentVariableW(L"ProgramData", buf, MAX_PATH);
  std::wstring base =
      n > 0 && n < MAX_PATH ? std::wstring(buf, n) : std::wstring(L"C:\\ProgramData");
  std::wstring out = base + widen(rest);
  std::replace(out.begin(), out.end(), L'/', L'\\');
  return out;
}

std::wstring widen(std::string_view utf8) {
  std::u16string u = utf8ToUtf16(utf8);
  return std::wstring(u.begin(), u.end());
}

std::string narrow(std::wstring_view wide) {
  return utf16ToUtf8(std::u16string(wide.begin(), wide.end()));
}

Error win32Error(std::string_view what, DWORD code) {
  wchar_t* buf = nullptr;
  DWORD n = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<wchar_t*>(&buf), 0, nullptr);
  std::string text = n && buf ? narrow(std::wstring_view(buf, n)) : std::string();
  if (buf) LocalFree(buf);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == '.')) {
    text.pop_back();
  }
  ErrorCode ec = ErrorCode::kIo;
  switch (code) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_SERVICE_DOES_NOT_EXIST:
    case ERROR_INVALID_NAME:
      ec = ErrorCode::kNotFound;
      break;
    case ERROR_ACCESS_DENIED:
    case ERROR_PRIVILEGE_NOT_HELD:
      ec = ErrorCode::kPermission;
      break;
    case ERROR_CALL_NOT_IMPLEMENTED:
    case ERROR_NOT_SUPPORTED:
      ec = ErrorCode::kUnsupported;
      break;
    default:
      break;
  }
  return Error{ec, std::string(what) + ": " + (text.empty() ? "error" : text) + " (error " +
                       std::to_string(code) + ")"};
}

Error hresultError(std::string_view what, HRESULT hr) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08lX", static_cast<unsigned long>(hr));
  std::string name;
  switch (hr) {
    case E_NOTIMPL:
      name = " (E_NOTIMPL)";
      break;
    case E_ACCESSDENIED:
      name = " (E_ACCESSDENIED)";
      break;
    case REGDB_E_CLASSNOTREG:
      name = " (REGDB_E_CLASSNOTREG)";
      break;
    case E_FAIL:
      name = " (E_FAIL)";
      break;
    default:
      break;
  }
  ErrorCode ec = hr == E_NOTIMPL        ? ErrorCode::kUnsupported
                 : hr == E_ACCESSDENIED ? ErrorCode::kPermission
                                        : ErrorCode::kIo;
  return Error{ec, std::string(what) + ": HRESULT " + buf + name};
}

}  // namespace guestprep::os_windows
