// LiveWindowsApi: registry, services, version, sockets and firewall of the running system.
#include "host/live_api.h"

// Winsock before windows.h, and windows.h before the headers that use its types.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <windows.h>

#include <iphlpapi.h>
#include <netfw.h>
#include <objbase.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "host/win32_util.h"
#include "parsers/win_text.h"

namespace guestprep::os_windows {

namespace {

// Opens "HKLM\\Sub\\Key" for reading in the 64-bit view (a 32-bit build would otherwise read
// the WOW6432Node redirection).
Result<void> openKey(std::string_view key, RegKey& out) {
  std::string norm = normaliseRegKey(key);
  std::size_t sep = norm.find('\\');
  std::string hive = norm.substr(0, sep);
  std::string sub = sep == std::string::npos ? std::string() : norm.substr(sep + 1);
  HKEY root = hive == "HKLM"   ? HKEY_LOCAL_MACHINE
              : hive == "HKCU" ? HKEY_CURRENT_USER
              : hive == "HKCR" ? HKEY_CLASSES_ROOT
              : hive == "HKU"  ? HKEY_USERS
              : hive == "HKCC" ? HKEY_CURRENT_CONFIG
                               : nullptr;
  if (!root) return fail(ErrorCode::kInvalidInput, norm + ": unknown registry hive");
  LSTATUS st = RegOpenKeyExW(root, widen(sub).c_str(), 0, KEY_READ | KEY_WOW64_64KEY, &out.h);
  if (st != ERROR_SUCCESS) return std::unexpected(win32Error(norm, static_cast<DWORD>(st)));
  return {};
}

std::string stringData(const std::vector<BYTE>& data) {
  std::wstring_view w(reinterpret_cast<const wchar_t*>(data.data()), data.size() / sizeof(wchar_t));
  std::string s = narrow(w);
  return s;
}

std::string formatIpv6(const UCHAR (&a)[16]) {
  if (std::all_of(std::begin(a), std::end(a), [](UCHAR c) { return c == 0; })) return "::";
  std::string out;
  for (int i = 0; i < 16; i += 2) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%s%x", i ? ":" : "", (a[i] << 8) | a[i + 1]);
    out += buf;
  }
  return out;
}

// CoInitializeEx for the calling thread, undone when it goes out of scope (if it was done).
struct ComScope {
  HRESULT hr;
  ComScope() : hr(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED)) {}
  ComScope(const ComScope&) = delete;
  ComScope& operator=(const ComScope&) = delete;
  ~ComScope() {
    if (SUCCEEDED(hr)) CoUninitialize();
  }
};

}  // namespace

Result<RegValue> LiveWindowsApi::regValue(std::string_view key, std::string_view name) const {
  RegKey k;
  if (auto r = openKey(key, k); !r) return std::unexpected(r.error());
  std::wstring wname = widen(name);
  std::string what = normaliseRegKey(key) + "\\" + std::string(name);
  DWORD type = 0, size = 0;
  LSTATUS st = RegQueryValueExW(k.h, wname.c_str(), nullptr, &type, nullptr, &size);
  std::vector<BYTE> data;
  // The value may grow between the two calls; retry with the size the second call reports.
  while (st == ERROR_SUCCESS || st == ERROR_MORE_DATA) {
    data.resize(size + sizeof(wchar_t));
    DWORD got = size;
    st = RegQueryValueExW(k.h, wname.c_str(), nullptr, &type, data.data(), &got);
    if (st == ERROR_SUCCESS) {
      data.resize(got);
      break;
    }
    size = got;
  }
  if (st != ERROR_SUCCESS) return std::unexpected(win32Error(what, static_cast<DWORD>(st)));
  RegValue v;
  v.type = static_cast<RegType>(type);
  switch (type) {
    case REG_SZ:
    case REG_EXPAND_SZ: {
      v.text = stringData(data);
      if (auto nul = v.text.find('\0'); nul != std::string::npos) v.text.resize(nul);
      break;
    }
    case REG_MULTI_SZ: {
      std::string all = stringData(data);
      std::size_t start = 0;
      while (start < all.size()) {
        std::size_t nul = all.find('\0', start);
        if (nul == start) break;
        v.strings.push_back(all.substr(start, nul - start));
        if (nul == std::string::npos) break;
        start = nul + 1;
      }
      break;
    }
    case REG_DWORD:
    case REG_QWORD: {
      std::size_t n = type == REG_DWORD ? 4 : 8;
      if (data.size() < n) return fail(ErrorCode::kInvalidInput, what + ": value too short");
      for (std::size_t i = 0; i < n; ++i)
        v.number |= static_cast<std::uint64_t>(data[i]) << (8 * i);
      break;
    }
    case REG_NONE:
    case REG_BINARY:
    case REG_DWORD_BIG_ENDIAN:
    case REG_LINK:
      v.bytes.assign(data.begin(), data.end());
      break;
    default:
      v.type = RegType::kOther;
      v.bytes.assign(data.begin(), data.end());
      break;
  }
  return v;
}

Result<std::vector<std::string>> LiveWindowsApi::regSubkeys(std::string_view key) const {
  RegKey k;
  if (auto r = openKey(key, k); !r) return std::unexpected(r.error());
  std::vector<std::string> out;
  wchar_t name[256];  // key names are at most 255 characters
  for (DWORD i = 0;; ++i) {
    DWORD len = 256;
    LSTATUS st = RegEnumKeyExW(k.h, i, name, &len, nullptr, nullptr, nullptr, nullptr);
    if (st == ERROR_NO_MORE_ITEMS) break;
    if (st != ERROR_SUCCESS) {
      return std::unexpected(win32Error(normaliseRegKey(key), static_cast<DWORD>(st)));
    }
    out.push_back(narrow(std::wstring_view(name, len)));
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return lowerAscii(a) < lowerAscii(b);
  });
  return out;
}

Result<std::vector<std::string>> LiveWindowsApi::regValueNames(std::string_view key) const {
  RegKey k;
  if (auto r = openKey(key, k); !r) return std::unexpected(r.error());
  DWORD max_len = 0;
  LSTATUS st = RegQueryInfoKeyW(k.h, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                                &max_len, nullptr, nullptr, nullptr);
  if (st != ERROR_SUCCESS) {
    return std::unexpected(win32Error(normaliseRegKey(key), static_cast<DWORD>(st)));
  }
  std::vector<std::string> out;
  std::wstring name(max_len + 1, L'\0');
  for (DWORD i = 0;; ++i) {
    DWORD len = max_len + 1;
    st = RegEnumValueW(k.h, i, name.data(), &len, nullptr, nullptr, nullptr, nullptr);
    if (st == ERROR_NO_MORE_ITEMS) break;
    if (st != ERROR_SUCCESS) {
      return std::unexpected(win32Error(normaliseRegKey(key), static_cast<DWORD>(st)));
    }
    out.push_back(narrow(std::wstring_view(name.data(), len)));
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return lowerAscii(a) < lowerAscii(b);
  });
  return out;
}

Result<ServiceInfo> LiveWindowsApi::service(std::string_view name) const {
  std::unique_ptr<std::remove_pointer_t<SC_HANDLE>, decltype(&CloseServiceHandle)> scm(
      OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT), &CloseServiceHandle);
  if (!scm) return std::unexpected(win32Error("OpenSCManager", GetLastError()));
  std::unique_ptr<std::remove_pointer_t<SC_HANDLE>, decltype(&CloseServiceHandle)> svc(
      OpenServiceW(scm.get(), widen(name).c_str(), SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS),
      &CloseServiceHandle);
  std::string what = "service " + std::string(name);
  if (!svc) return std::unexpected(win32Error(what, GetLastError()));
  DWORD needed = 0;
  QueryServiceConfigW(svc.get(), nullptr, 0, &needed);
  std::vector<BYTE> buf(needed ? needed : sizeof(QUERY_SERVICE_CONFIGW));
  auto* cfg = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buf.data());
  if (!QueryServiceConfigW(svc.get(), cfg, static_cast<DWORD>(buf.size()), &needed)) {
    return std::unexpected(win32Error(what + ": QueryServiceConfig", GetLastError()));
  }
  ServiceInfo s;
  s.name = std::string(name);
  s.start_type = startTypeFromValue(cfg->dwStartType);
  if (cfg->lpDisplayName) s.display_name = narrow(cfg->lpDisplayName);
  if (cfg->lpBinaryPathName) s.image_path = narrow(cfg->lpBinaryPathName);
  SERVICE_DELAYED_AUTO_START_INFO delayed{};
  if (QueryServiceConfig2W(svc.get(), SERVICE_CONFIG_DELAYED_AUTO_START_INFO,
                           reinterpret_cast<BYTE*>(&delayed), sizeof delayed, &needed)) {
    s.delayed_auto_start = delayed.fDelayedAutostart != FALSE;
  }
  SERVICE_STATUS_PROCESS status{};
  if (QueryServiceStatusEx(svc.get(), SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status),
                           sizeof status, &needed)) {
    switch (status.dwCurrentState) {
      case SERVICE_RUNNING:
        s.state = "running";
        break;
      case SERVICE_STOPPED:
        s.state = "stopped";
        break;
      case SERVICE_START_PENDING:
        s.state = "start-pending";
        break;
      case SERVICE_STOP_PENDING:
        s.state = "stop-pending";
        break;
      case SERVICE_PAUSED:
        s.state = "paused";
        break;
      default:
        s.state = "other";
        break;
    }
  }
  return s;
}

Result<OsVersionInfo> LiveWindowsApi::osVersion() const {
  // RtlGetVersion tells the truth where GetVersionEx answers per the executable's manifest.
  using RtlGetVersionFn = LONG(WINAPI*)(OSVERSIONINFOEXW*);
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  FARPROC proc = ntdll ? GetProcAddress(ntdll, "RtlGetVersion") : nullptr;
  if (!proc) return std::unexpected(win32Error("RtlGetVersion", GetLastError()));
  auto fn = reinterpret_cast<RtlGetVersionFn>(reinterpret_cast<void (*)()>(proc));
  OSVERSIONINFOEXW info{};
  info.dwOSVersionInfoSize = sizeof info;
  if (LONG st = fn(&info); st != 0) {
    return fail(ErrorCode::kIo, "RtlGetVersion: NTSTATUS " + std::to_string(st));
  }
  OsVersionInfo v;
  v.major = info.dwMajorVersion;
  v.minor = info.dwMinorVersion;
  v.build = info.dwBuildNumber;
  v.service_pack_major = info.wServicePackMajor;
  v.service_pack_minor = info.wServicePackMinor;
  v.csd_version = narrow(info.szCSDVersion);
  v.product_type = info.wProductType;
  v.suite_mask = info.wSuiteMask;
  return v;
}

Result<std::vector<TcpListener>> LiveWindowsApi::tcpListeners() const {
  std::vector<TcpListener> out;
  for (ULONG family : {static_cast<ULONG>(AF_INET), static_cast<ULONG>(AF_INET6)}) {
    DWORD size = 0;
    std::vector<BYTE> buf;
    DWORD st = ERROR_INSUFFICIENT_BUFFER;
    while (st == ERROR_INSUFFICIENT_BUFFER) {
      buf.resize(size ? size : 4096);
      size = static_cast<DWORD>(buf.size());
      st = GetExtendedTcpTable(buf.data(), &size, FALSE, family, TCP_TABLE_OWNER_PID_LISTENER, 0);
    }
    if (st != NO_ERROR) {
      return std::unexpected(win32Error(
          family == AF_INET ? "GetExtendedTcpTable (IPv4)" : "GetExtendedTcpTable (IPv6)", st));
    }
    if (family == AF_INET) {
      const auto* t = reinterpret_cast<const MIB_TCPTABLE_OWNER_PID*>(buf.data());
      for (DWORD i = 0; i < t->dwNumEntries; ++i) {
        const auto& r = t->table[i];
        const auto* a = reinterpret_cast<const unsigned char*>(&r.dwLocalAddr);
        out.push_back({std::to_string(a[0]) + "." + std::to_string(a[1]) + "." +
                           std::to_string(a[2]) + "." + std::to_string(a[3]),
                       ntohs(static_cast<u_short>(r.dwLocalPort)), r.dwOwningPid});
      }
    } else {
      const auto* t = reinterpret_cast<const MIB_TCP6TABLE_OWNER_PID*>(buf.data());
      for (DWORD i = 0; i < t->dwNumEntries; ++i) {
        const auto& r = t->table[i];
        out.push_back(
            {formatIpv6(r.ucLocalAddr), ntohs(static_cast<u_short>(r.dwLocalPort)), r.dwOwningPid});
      }
    }
  }
  return out;
}

Result<bool> LiveWindowsApi::firewallEnabled(FirewallProfile profile) const {
  ComScope com;
  if (FAILED(com.hr) && com.hr != RPC_E_CHANGED_MODE) {
    return std::unexpected(hresultError("CoInitializeEx", com.hr));
  }
  INetFwPolicy2* raw = nullptr;
  HRESULT hr = CoCreateInstance(__uuidof(NetFwPolicy2), nullptr, CLSCTX_INPROC_SERVER,
                                __uuidof(INetFwPolicy2), reinterpret_cast<void**>(&raw));
  if (FAILED(hr)) return std::unexpected(hresultError("CoCreateInstance(NetFwPolicy2)", hr));
  std::unique_ptr<INetFwPolicy2, void (*)(INetFwPolicy2*)> policy(
      raw, [](INetFwPolicy2* p) { p->Release(); });
  NET_FW_PROFILE_TYPE2 type = profile == FirewallProfile::kDomain    ? NET_FW_PROFILE2_DOMAIN
                              : profile == FirewallProfile::kPrivate ? NET_FW_PROFILE2_PRIVATE
                                                                     : NET_FW_PROFILE2_PUBLIC;
  VARIANT_BOOL enabled = VARIANT_FALSE;
  hr = policy->get_FirewallEnabled(type, &enabled);
  if (FAILED(hr)) {
    return std::unexpected(hresultError(
        "INetFwPolicy2::get_FirewallEnabled(" + std::string(toString(profile)) + ")", hr));
  }
  return enabled != VARIANT_FALSE;
}

}  // namespace guestprep::os_windows
