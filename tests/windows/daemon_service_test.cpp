// The daemon as a Windows service under wine: registration in ServerApplication's syntax
// (/registerService ...) writes the SCM's service key with `"EXE" daemon --config FILE` and the
// Event Log source, and /unregisterService removes both; guestprep.exe registered with the SCM
// starts as a service (Poco's ServiceMain), answers its API and stops on the SCM's stop; and the
// message table the event source names is in guestprep.exe.
#include <winsock2.h>
// windows.h after winsock2.h: the other order brings in the old winsock.h.
#include <windows.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "daemon/daemon.h"
#include "daemon/daemon_process.h"
#include "daemon/eventlog.h"
#include "host/command_line.h"
#include "host/win32_util.h"

namespace guestprep {
namespace {

constexpr const wchar_t* kServiceKey = L"SYSTEM\\CurrentControlSet\\Services\\guestprep";
constexpr const wchar_t* kSourceKey =
    L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\guestprep";

bool keyExists(const wchar_t* path) {
  HKEY key = nullptr;
  if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_READ, &key) != ERROR_SUCCESS) return false;
  RegCloseKey(key);
  return true;
}

std::optional<std::string> stringValue(const wchar_t* path, const wchar_t* name) {
  wchar_t buf[4096];
  DWORD size = sizeof buf;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, path, name,
                   RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, nullptr, buf,
                   &size) != ERROR_SUCCESS) {
    return std::nullopt;
  }
  return os_windows::narrow(buf);
}

std::optional<DWORD> dwordValue(const wchar_t* path, const wchar_t* name) {
  DWORD v = 0;
  DWORD size = sizeof v;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, path, name, RRF_RT_REG_DWORD, nullptr, &v, &size) !=
      ERROR_SUCCESS) {
    return std::nullopt;
  }
  return v;
}

std::string thisExecutable() {
  wchar_t buf[MAX_PATH];
  DWORD n = GetModuleFileNameW(nullptr, buf, MAX_PATH);
  return os_windows::narrow(std::wstring_view(buf, n));
}

int manage(std::vector<std::string> args, const std::string& config = "") {
  DaemonOptions options;
  options.config = config;
  options.service_args = std::move(args);
  return runDaemon(options);
}

TEST(WindowsService, RegisterWritesTheServiceKeyAndEventSourceUnregisterRemovesThem) {
  // Left over by an interrupted run: start clean.
  if (keyExists(kServiceKey)) manage({"/unregisterService"});
  ASSERT_FALSE(keyExists(kServiceKey));

  std::string config = "C:\\ProgramData\\guestprep\\test.yaml";
  ASSERT_EQ(manage({"/registerService", "/startup=manual"}, config), 0);
  ASSERT_TRUE(keyExists(kServiceKey)) << "no HKLM\\SYSTEM\\CurrentControlSet\\Services\\guestprep";
  EXPECT_EQ(stringValue(kServiceKey, L"ImagePath"),
            "\"" + thisExecutable() + "\" daemon --config \"" + config + "\"");
  EXPECT_EQ(stringValue(kServiceKey, L"DisplayName"), "guestprep");
  EXPECT_EQ(stringValue(kServiceKey, L"Description"), std::string(kServiceDescription));
  EXPECT_EQ(dwordValue(kServiceKey, L"Start"), static_cast<DWORD>(SERVICE_DEMAND_START));
  EXPECT_EQ(dwordValue(kServiceKey, L"Type"), static_cast<DWORD>(SERVICE_WIN32_OWN_PROCESS));
  EXPECT_EQ(stringValue(kSourceKey, L"EventMessageFile"), thisExecutable());
  EXPECT_EQ(stringValue(kSourceKey, L"CategoryMessageFile"), thisExecutable());
  EXPECT_EQ(dwordValue(kSourceKey, L"CategoryCount"), kEventCategoryCount);
  EXPECT_EQ(dwordValue(kSourceKey, L"TypesSupported"), 7u);

  EXPECT_EQ(manage({"/registerService"}), 2) << "a second registration is refused";
  ASSERT_EQ(manage({"/unregisterService"}), 0);
  EXPECT_FALSE(keyExists(kServiceKey));
  EXPECT_FALSE(keyExists(kSourceKey));
  EXPECT_EQ(manage({"/unregisterService"}), 2) << "nothing left to unregister";

  ASSERT_EQ(manage({"/registerService", "/startup=automatic", "/displayName=guestprep audit"}), 0);
  EXPECT_EQ(stringValue(kServiceKey, L"ImagePath"), "\"" + thisExecutable() + "\" daemon");
  EXPECT_EQ(dwordValue(kServiceKey, L"Start"), static_cast<DWORD>(SERVICE_AUTO_START));
  EXPECT_EQ(stringValue(kServiceKey, L"DisplayName"), "guestprep audit");
  ASSERT_EQ(manage({"/unregisterService"}), 0);
  EXPECT_FALSE(keyExists(kServiceKey));
}

TEST(WindowsService, MisspelledOptionsAreUsageErrors) {
  EXPECT_EQ(manage({"/registerservice", "/startup=sometimes"}), 2);
  EXPECT_EQ(manage({"/registerService", "/unregisterService"}), 2);
  EXPECT_EQ(manage({"/displayName=x"}), 2);
  EXPECT_EQ(manage({"--registerService"}), 2);
  EXPECT_FALSE(keyExists(kServiceKey));
}

TEST(WindowsService, GuestprepExeCarriesTheEventMessageTable) {
  std::wstring exe = os_windows::widen(GUESTPREP_BINARY);
  HMODULE module = LoadLibraryExW(exe.c_str(), nullptr, LOAD_LIBRARY_AS_DATAFILE);
  ASSERT_NE(module, nullptr) << GUESTPREP_BINARY;
  auto format = [&](DWORD id, const wchar_t* insert) {
    wchar_t buf[512];
    // FORMAT_MESSAGE_ARGUMENT_ARRAY: the inserts as an array of pointers, not a va_list.
    DWORD_PTR args[] = {reinterpret_cast<DWORD_PTR>(insert)};
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY, module,
                             id, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), buf, 512,
                             reinterpret_cast<va_list*>(args));
    return os_windows::narrow(std::wstring_view(buf, n));
  };
  EXPECT_EQ(format(kEventIdText, L"audit of this machine: ready"),
            "audit of this machine: ready\r\n");
  const char* levels[] = {"debug", "info", "warning", "error", "critical"};
  for (DWORD category = 1; category <= kEventCategoryCount; ++category) {
    EXPECT_EQ(format(category, nullptr), std::string(levels[category - 1]) + "\r\n") << category;
  }
  FreeLibrary(module);
}

// SCM handles closed on scope exit.
struct ScHandle {
  SC_HANDLE h = nullptr;
  ~ScHandle() {
    if (h) CloseServiceHandle(h);
  }
};

// A free loopback port (bound, read, released): the service cannot report the one it bound.
int freePort() {
  WSADATA data;
  WSAStartup(MAKEWORD(2, 2), &data);
  SOCKET s = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int len = sizeof addr;
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  closesocket(s);
  return ntohs(addr.sin_port);
}

DWORD waitForState(SC_HANDLE service, DWORD state, std::chrono::seconds limit,
                   SERVICE_STATUS& status) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (QueryServiceStatus(service, &status) && status.dwCurrentState != state &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return status.dwCurrentState;
}

TEST(WindowsService, StartsUnderTheServiceManagerServesAndStopsOnItsStop) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "guestprep-service-test";
  std::filesystem::create_directories(dir);
  // Made mode 0600 by the ctest fixture (see daemon_test.cpp: wine keeps no DACL on files).
  const std::string token = GUESTPREP_TEST_TOKEN;
  std::filesystem::path token_file = std::filesystem::absolute(GUESTPREP_TEST_PRIVATE_TOKEN);
  int port = freePort();
  std::filesystem::path config = dir / "guestprep.yaml";
  std::ofstream(config, std::ios::binary)
      << "listen: 127.0.0.1:" << port << "\ntoken_file: " << token_file.string() << "\n";

  ScHandle scm{OpenSCManagerW(nullptr, nullptr, SC_MANAGER_ALL_ACCESS)};
  ASSERT_NE(scm.h, nullptr) << os_windows::win32Error("OpenSCManagerW", GetLastError()).message;
  if (SC_HANDLE old = OpenServiceW(scm.h, L"guestprep", SERVICE_ALL_ACCESS)) {
    DeleteService(old);
    CloseServiceHandle(old);
  }
  // What the MSI's ServiceInstall and /registerService register: the program with `daemon`.
  // A drive path: the SCM starts services in System32, where wine would resolve "/work/..." on C:.
  std::string exe = std::filesystem::absolute(GUESTPREP_BINARY).string();
  std::wstring command =
      os_windows::widen(os_windows::buildCommandLine({exe, "daemon", "--config", config.string()}));
  ScHandle service{CreateServiceW(scm.h, L"guestprep", L"guestprep", SERVICE_ALL_ACCESS,
                                  SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START,
                                  SERVICE_ERROR_NORMAL, command.c_str(), nullptr, nullptr, nullptr,
                                  nullptr, nullptr)};
  ASSERT_NE(service.h, nullptr) << os_windows::win32Error("CreateServiceW", GetLastError()).message;
  struct Cleanup {
    SC_HANDLE h;
    ~Cleanup() {
      SERVICE_STATUS s;
      ControlService(h, SERVICE_CONTROL_STOP, &s);
      DeleteService(h);
    }
  } cleanup{service.h};

  ASSERT_TRUE(StartServiceW(service.h, 0, nullptr))
      << os_windows::win32Error("StartServiceW", GetLastError()).message;
  SERVICE_STATUS status{};
  ASSERT_EQ(waitForState(service.h, SERVICE_RUNNING, std::chrono::seconds(60), status),
            static_cast<DWORD>(SERVICE_RUNNING))
      << "exit code " << status.dwWin32ExitCode << ", service-specific "
      << status.dwServiceSpecificExitCode;

  // The service's API through the tests' HTTP client (a DaemonProcess would start another daemon).
  testing::HttpResponse report;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
  std::string request =
      "GET /v1/report HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
      "Authorization: Bearer " +
      token + "\r\n\r\n";
  while (std::chrono::steady_clock::now() < deadline) {
    report = testing::httpExchange("127.0.0.1:" + std::to_string(port), request);
    if (report.status == 200) break;
    // Poco reports RUNNING before the daemon reads its configuration: a refused one stops it.
    QueryServiceStatus(service.h, &status);
    ASSERT_NE(status.dwCurrentState, static_cast<DWORD>(SERVICE_STOPPED))
        << "the service stopped: exit code " << status.dwWin32ExitCode << ", service-specific "
        << status.dwServiceSpecificExitCode;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.json()["policy"]["id"], "aliyun-ecs-windows");

  ASSERT_TRUE(ControlService(service.h, SERVICE_CONTROL_STOP, &status))
      << os_windows::win32Error("ControlService", GetLastError()).message;
  ASSERT_EQ(waitForState(service.h, SERVICE_STOPPED, std::chrono::seconds(60), status),
            static_cast<DWORD>(SERVICE_STOPPED));
  EXPECT_EQ(status.dwWin32ExitCode, 0u) << "service-specific " << status.dwServiceSpecificExitCode;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace guestprep
