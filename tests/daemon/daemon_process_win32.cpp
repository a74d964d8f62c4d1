// The daemon test helper's process and sockets on Windows (run under wine): CreateProcessW with
// the log as stdout and stderr, Poco's termination event (what the SCM's stop sets too), and raw
// loopback TCP connections through Winsock.
#include <winsock2.h>
// windows.h after winsock2.h: the other order brings in the old winsock.h.
#include <windows.h>

#include <atomic>
#include <fstream>

#include <Poco/Process.h>
#include <gtest/gtest.h>

#include "daemon_process.h"
#include "host/command_line.h"
#include "host/win32_util.h"

namespace guestprep::testing {

namespace {

std::filesystem::path makeScratchDir() {
  static std::atomic<int> counter{0};
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("guestprep-daemon-test-" + std::to_string(GetCurrentProcessId()) +
                               "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

struct Winsock {
  Winsock() {
    WSADATA data;
    WSAStartup(MAKEWORD(2, 2), &data);
  }
};

}  // namespace

class DaemonProcess::Process {
 public:
  Process() : dir(makeScratchDir()) {}
  ~Process() {
    if (handle) {
      TerminateProcess(handle, 137);
      WaitForSingleObject(handle, 10000);
      CloseHandle(handle);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Reaps the process: its exit code, or -1 while it runs.
  int poll(DWORD wait_ms) {
    if (!handle) return -1;
    if (WaitForSingleObject(handle, wait_ms) != WAIT_OBJECT_0) return -1;
    DWORD code = 0;
    GetExitCodeProcess(handle, &code);
    CloseHandle(handle);
    handle = nullptr;
    pid = -1;
    return static_cast<int>(code);
  }

  std::filesystem::path dir;
  HANDLE handle = nullptr;
  long pid = -1;
};

DaemonProcess::DaemonProcess(const std::string& config_yaml, const std::string& root)
    : process_(std::make_unique<Process>()) {
  std::string yaml = config_yaml;
  for (std::size_t at; (at = yaml.find("${DIR}")) != std::string::npos;) {
    yaml.replace(at, 6, process_->dir.string());
  }
  std::string config = (dir() / "guestprep.yaml").string();
  std::ofstream(config, std::ios::binary) << yaml;
  std::vector<std::string> args = {GUESTPREP_BINARY, "daemon", "--config", config, "--foreground"};
  if (!root.empty()) {
    args.push_back("--root");
    args.push_back(root);
  }
  SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  HANDLE log = CreateFileW((dir() / "daemon.log").wstring().c_str(), FILE_APPEND_DATA,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit, OPEN_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, nullptr);
  HANDLE null_in = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
                               OPEN_EXISTING, 0, nullptr);
  STARTUPINFOW si{};
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = null_in;
  si.hStdOutput = log;
  si.hStdError = log;
  std::wstring command = os_windows::widen(os_windows::buildCommandLine(args));
  PROCESS_INFORMATION pi{};
  if (!CreateProcessW(nullptr, command.data(), nullptr, nullptr, TRUE, CREATE_NO_WINDOW, nullptr,
                      nullptr, &si, &pi)) {
    ADD_FAILURE() << "cannot start " << args[0] << ": "
                  << os_windows::win32Error("CreateProcessW", GetLastError()).message;
  } else {
    CloseHandle(pi.hThread);
    process_->handle = pi.hProcess;
    process_->pid = static_cast<long>(pi.dwProcessId);
  }
  CloseHandle(log);
  CloseHandle(null_in);
}

DaemonProcess::~DaemonProcess() = default;

const std::filesystem::path& DaemonProcess::dir() const { return process_->dir; }

long DaemonProcess::pid() const { return process_->pid; }

bool DaemonProcess::exited() {
  process_->poll(0);
  return process_->handle == nullptr;
}

std::optional<std::string> exchangeBytes(const std::string& address, const std::string& bytes) {
  static Winsock winsock;
  auto colon = address.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  SOCKET s = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<u_short>(std::stoi(address.substr(colon + 1))));
  addr.sin_addr.s_addr = inet_addr(address.substr(0, colon).c_str());
  if (::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    closesocket(s);
    return std::nullopt;
  }
  DWORD timeout_ms = 120000;
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&timeout_ms),
             sizeof timeout_ms);
  // The daemon may answer (413) and close before reading everything: stop writing then.
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    int n = ::send(s, bytes.data() + sent, static_cast<int>(bytes.size() - sent), 0);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string in;
  char buf[65536];
  int n;
  while ((n = ::recv(s, buf, sizeof buf, 0)) > 0) in.append(buf, static_cast<std::size_t>(n));
  closesocket(s);
  return in;
}

int DaemonProcess::waitExit(std::chrono::seconds limit) {
  if (!process_->handle) return -1;
  return process_->poll(static_cast<DWORD>(limit.count() * 1000));
}

int DaemonProcess::terminate(std::chrono::seconds limit) {
  if (!process_->handle) return -1;
  // What Poco's ServerApplication waits for on Windows (a named event per process ID); the SCM's
  // stop and Ctrl+C set the same event.
  Poco::Process::requestTermination(static_cast<Poco::Process::PID>(process_->pid));
  return waitExit(limit);
}

}  // namespace guestprep::testing
