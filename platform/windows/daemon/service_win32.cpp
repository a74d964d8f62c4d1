// Registers and unregisters the Windows service "guestprep" and its Event Log source, for the
// options ServerApplication would take (/registerService, /unregisterService, /displayName,
// /description, /startup). Poco's own registration writes the bare executable as the service's
// command, which would start guestprep.exe without `daemon`; this one registers
// `"EXE" daemon [--config FILE]` through Poco's WinService.
#include <windows.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <optional>

#include <Poco/Exception.h>
#include <Poco/Util/WinService.h>

#include "daemon/daemon_platform.h"
#include "daemon/eventlog.h"
#include "host/win32_util.h"

namespace guestprep::daemon_platform {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;

constexpr const wchar_t* kEventSourceKey =
    L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\guestprep";

struct Request {
  bool register_service = false;
  bool unregister_service = false;
  std::string display_name = kServiceName;
  std::string description = kServiceDescription;
  Poco::Util::WinService::Startup startup = Poco::Util::WinService::SVC_MANUAL_START;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Poco's Windows option syntax: /name, /name=value or /name:value, names case-insensitive.
std::optional<Request> parse(const std::vector<std::string>& args, std::string& problem) {
  Request r;
  for (const auto& arg : args) {
    if (!arg.starts_with('/')) {
      problem = "'" + arg + "' is not a service option (/registerService, /unregisterService)";
      return std::nullopt;
    }
    std::string name = arg.substr(1);
    std::optional<std::string> value;
    if (auto at = name.find_first_of("=:"); at != std::string::npos) {
      value = name.substr(at + 1);
      name.resize(at);
    }
    name = lower(name);
    bool wants_value = name == "displayname" || name == "description" || name == "startup";
    if (wants_value != value.has_value()) {
      problem = "'" + arg +
                "': " + (wants_value ? "needs a value, as /" + name + "=VALUE" : "takes no value");
      return std::nullopt;
    }
    if (name == "registerservice") {
      r.register_service = true;
    } else if (name == "unregisterservice") {
      r.unregister_service = true;
    } else if (name == "displayname") {
      r.display_name = *value;
    } else if (name == "description") {
      r.description = *value;
    } else if (name == "startup") {
      std::string v = lower(*value);
      if (v == "automatic" || v == "auto") {
        r.startup = Poco::Util::WinService::SVC_AUTO_START;
      } else if (v == "manual") {
        r.startup = Poco::Util::WinService::SVC_MANUAL_START;
      } else {
        problem = "'" + arg + "': the startup is automatic or manual";
        return std::nullopt;
      }
    } else {
      problem = "'" + arg + "' is not a service option (/registerService, /unregisterService)";
      return std::nullopt;
    }
  }
  if (r.register_service == r.unregister_service) {
    problem = "give either /registerService or /unregisterService";
    return std::nullopt;
  }
  return r;
}

std::wstring thisExecutable() {
  std::wstring path(32768, L'\0');
  DWORD n = GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
  path.resize(n);
  return path;
}

Result<void> setValue(HKEY key, const wchar_t* name, DWORD type, const void* data, DWORD size) {
  LSTATUS rc = RegSetValueExW(key, name, 0, type, static_cast<const BYTE*>(data), size);
  if (rc != ERROR_SUCCESS) {
    return std::unexpected(os_windows::win32Error(
        "cannot set " + os_windows::narrow(name) + " of the Event Log source", rc));
  }
  return {};
}

// The values the Event Viewer needs to show the texts and levels of guestprep's events: the
// message table in guestprep.exe for the events and the categories (packaging/windows/
// guestprep.wxs writes the same ones).
Result<void> registerEventSource(const std::wstring& exe) {
  HKEY key = nullptr;
  LSTATUS rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, kEventSourceKey, 0, nullptr, 0, KEY_SET_VALUE,
                               nullptr, &key, nullptr);
  if (rc != ERROR_SUCCESS) {
    return std::unexpected(os_windows::win32Error("cannot create the Event Log source", rc));
  }
  auto size = static_cast<DWORD>((exe.size() + 1) * sizeof(wchar_t));
  DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
  DWORD categories = kEventCategoryCount;
  Result<void> r = setValue(key, L"EventMessageFile", REG_EXPAND_SZ, exe.c_str(), size);
  if (r) r = setValue(key, L"CategoryMessageFile", REG_EXPAND_SZ, exe.c_str(), size);
  if (r) r = setValue(key, L"CategoryCount", REG_DWORD, &categories, sizeof categories);
  if (r) r = setValue(key, L"TypesSupported", REG_DWORD, &types, sizeof types);
  RegCloseKey(key);
  return r;
}

int registerService(const Request& r, const std::string& config) {
  std::wstring exe = thisExecutable();
  std::string command = "\"" + os_windows::narrow(exe) + "\" daemon";
  if (!config.empty()) {
    // The SCM starts the service in System32: a relative path would point there.
    std::error_code ec;
    auto absolute = std::filesystem::absolute(std::filesystem::path(os_windows::widen(config)), ec);
    command += " --config \"" + (ec ? config : os_windows::narrow(absolute.wstring())) + "\"";
  }
  Poco::Util::WinService service(kServiceName);
  if (service.isRegistered()) {
    std::cerr << "guestprep: the service '" << kServiceName
              << "' is already registered (its command: " << service.path()
              << "); /unregisterService first to change it\n";
    return kExitUsage;
  }
  service.registerService(command, r.display_name);
  service.setStartup(r.startup);
  service.setDescription(r.description);
  if (auto ev = registerEventSource(exe); !ev) {
    std::cerr << "guestprep: registered the service '" << kServiceName
              << "', but its Event Log source: " << ev.error().message << "\n";
    return kExitUsage;
  }
  std::cout << "registered the service '" << kServiceName << "' (" << command << ", "
            << (r.startup == Poco::Util::WinService::SVC_AUTO_START ? "automatic" : "manual")
            << " start) and the Event Log source '" << kEventSource << "'\n";
  return kExitOk;
}

int unregisterService() {
  Poco::Util::WinService service(kServiceName);
  if (!service.isRegistered()) {
    std::cerr << "guestprep: the service '" << kServiceName << "' is not registered\n";
    return kExitUsage;
  }
  // A running service would only be marked for deletion and stay until it stops.
  if (service.isRunning()) service.stop();
  service.unregisterService();
  LSTATUS rc = RegDeleteKeyW(HKEY_LOCAL_MACHINE, kEventSourceKey);
  if (rc != ERROR_SUCCESS && rc != ERROR_FILE_NOT_FOUND) {
    std::cerr << "guestprep: unregistered the service '" << kServiceName << "', but "
              << os_windows::win32Error("not its Event Log source", rc).message << "\n";
    return kExitUsage;
  }
  std::cout << "unregistered the service '" << kServiceName << "' and its Event Log source\n";
  return kExitOk;
}

}  // namespace

int manageService(const std::vector<std::string>& args, const std::string& config) {
  std::string problem;
  auto request = parse(args, problem);
  if (!request) {
    std::cerr << "guestprep: daemon: " << problem << "\n";
    return kExitUsage;
  }
  try {
    return request->register_service ? registerService(*request, config) : unregisterService();
  } catch (const Poco::Exception& e) {
    // Mostly "access denied": the SCM and HKLM need an administrator.
    std::cerr << "guestprep: daemon: " << e.displayText()
              << " (an elevated administrator's prompt is needed)\n";
    return kExitUsage;
  }
}

}  // namespace guestprep::daemon_platform
