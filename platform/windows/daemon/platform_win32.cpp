// The daemon on Windows: %ProgramData% defaults and a loopback listener (no Unix sockets), the
// token file's owner and DACL, console logging, and the Windows Event Log under the SCM.
#include <windows.h>
// After windows.h, which declares what these use.
#include <aclapi.h>
#include <knownfolders.h>
#include <shlobj.h>

#include <memory>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/win_eventlog_sink.h>
#include <spdlog/spdlog.h>

#include "daemon/daemon.h"
#include "daemon/daemon_platform.h"
#include "daemon/eventlog.h"
#include "daemon/token_acl_win32.h"
#include "host/win32_util.h"

namespace guestprep {

namespace {

// The known folder, not the %ProgramData% variable: it is the MSI's CommonAppDataFolder, where
// the default configuration is installed, whatever environment the SCM gives the service (under
// wine, services see %ProgramData% as C:\\users\\Public).
std::string programDataDir() {
  wchar_t* path = nullptr;
  std::string dir = "C:\\ProgramData";
  if (SUCCEEDED(SHGetKnownFolderPath(FOLDERID_ProgramData, 0, nullptr, &path))) {
    dir = os_windows::narrow(path);
  }
  CoTaskMemFree(path);
  return dir;
}

struct HandleCloser {
  void operator()(HANDLE h) const { CloseHandle(h); }
};
using UniqueHandle = std::unique_ptr<void, HandleCloser>;

struct LocalFreer {
  void operator()(void* p) const { LocalFree(p); }
};

// The owner and DACL of an open file, checked by tokenAccessProblem.
std::string fileAccessProblem(HANDLE file) {
  PSID owner = nullptr;
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  DWORD rc =
      GetSecurityInfo(file, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                      &owner, nullptr, &dacl, nullptr, &sd);
  if (rc != ERROR_SUCCESS) {
    return os_windows::win32Error("cannot read its security descriptor", rc).message;
  }
  std::unique_ptr<void, LocalFreer> hold(sd);
  return daemon_platform::tokenAccessProblem(owner, dacl);
}

}  // namespace

std::string defaultDaemonConfigPath() { return programDataDir() + "\\guestprep\\guestprep.yaml"; }

// Port 8470 as in docs/daemon.md's examples.
ListenAddress defaultListenAddress() { return {ListenAddress::Kind::kTcp, {}, "127.0.0.1", 8470}; }

std::string defaultTokenFile() { return programDataDir() + "\\guestprep\\api.token"; }

void unblockTerminationSignals() {}

namespace daemon_platform {

Result<void> checkListenAddress(const ListenAddress& address) {
  if (address.kind == ListenAddress::Kind::kUnix) {
    return fail(ErrorCode::kInvalidInput,
                "'" + address.path +
                    "': a Unix socket is not available on Windows; listen on 127.0.0.1:PORT "
                    "with a token_file");
  }
  return {};
}

Result<std::string> readPrivateFile(const std::string& path, std::size_t max_bytes) {
  std::string what = "token file '" + path + "'";
  // FILE_FLAG_OPEN_REPARSE_POINT: a symbolic link is refused, not followed, as O_NOFOLLOW does.
  HANDLE h =
      CreateFileW(os_windows::widen(path).c_str(), GENERIC_READ | READ_CONTROL, FILE_SHARE_READ,
                  nullptr, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
  if (h == INVALID_HANDLE_VALUE)
    return std::unexpected(os_windows::win32Error(what, GetLastError()));
  UniqueHandle file(h);
  BY_HANDLE_FILE_INFORMATION info{};
  std::string problem;
  if (!GetFileInformationByHandle(h, &info)) {
    problem = os_windows::win32Error("GetFileInformationByHandle", GetLastError()).message;
  } else if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
    problem = "not a regular file";
  } else if (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
    problem = "a symbolic link or junction: name the file itself";
  } else if ((static_cast<std::uint64_t>(info.nFileSizeHigh) << 32 | info.nFileSizeLow) >
             max_bytes) {
    problem = "larger than " + std::to_string(max_bytes) + " bytes";
  } else {
    problem = fileAccessProblem(h);
  }
  if (!problem.empty()) return fail(ErrorCode::kPermission, what + ": " + problem);
  std::string text(max_bytes + 1, '\0');
  DWORD n = 0;
  if (!ReadFile(h, text.data(), static_cast<DWORD>(text.size()), &n, nullptr)) {
    return std::unexpected(os_windows::win32Error(what, GetLastError()));
  }
  text.resize(n);
  return text;
}

// No signals to mask and no allocator to tune: the termination request is Poco's event, set by
// the SCM's stop, Ctrl+C or Poco::Process::requestTermination.
void prepareProcess() {}

void releaseFreeMemory() {}

// A console or a redirected stderr: the time and level words (there is no journald).
void setupConsoleLogging(bool /*foreground*/) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      "%Y-%m-%d %H:%M:%S guestprep: %l: %v", spdlog::pattern_time_type::local, "\r\n"));
  auto logger = std::make_shared<spdlog::logger>("guestprep-daemon", sink);
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

// The Application log, source "guestprep". The event ID and categories are those of the message
// table linked into guestprep.exe (eventlog_messages.mc), which the event source's registry values
// name (service_win32.cpp, the MSI), so Event Viewer shows the text and the level.
void setupServiceLogging() {
  auto sink = std::make_shared<spdlog::sinks::win_eventlog_sink_mt>(kEventSource, kEventIdText);
  // Event Viewer shows the time and the level itself.
  sink->set_pattern("%v");
  auto logger = std::make_shared<spdlog::logger>("guestprep-daemon", sink);
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

// Poco's ServerApplication reports the states to the SCM.
void notifyServiceManager(const char* /*state*/) {}

}  // namespace daemon_platform
}  // namespace guestprep
