// Starts `guestprep daemon` from a test (config and socket in a temp dir, --root on a fixture
// copy) and talks raw HTTP/1.1 to it over its Unix socket or loopback TCP. The process and the
// socket calls are the OS's (daemon_process_posix.cpp, daemon_process_win32.cpp); the HTTP is
// here, so the Linux and the Windows (wine) daemon tests share it.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace guestprep::testing {

/// One HTTP response as received.
struct HttpResponse {
  int status = 0;  ///< 0: no response (connection refused or closed early)
  std::string reason;
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
  [[nodiscard]] nlohmann::json json() const;
};

/// Sends raw bytes to the daemon at ADDRESS ("unix:/path" or "127.0.0.1:PORT") and reads the
/// response until it closes (the request should say Connection: close); status 0 when no
/// connection could be made or no HTTP response came.
HttpResponse httpExchange(const std::string& address, const std::string& bytes);
/// The OS's part of httpExchange: the bytes received, nullopt when the connection failed.
std::optional<std::string> exchangeBytes(const std::string& address, const std::string& bytes);

/// A running daemon; killed by the destructor if the test did not stop it.
class DaemonProcess {
 public:
  /// Writes `config_yaml` to DIR/guestprep.yaml and starts `guestprep daemon --config ...
  /// --root ROOT --foreground` with stderr in DIR/daemon.log. `${DIR}` in the YAML is replaced by
  /// the temp directory.
  DaemonProcess(const std::string& config_yaml, const std::string& root);
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  /// Waits for "listening on ADDRESS" in the log; false (with the log in `why`) when the
  /// process exits or the time runs out first.
  bool waitListening(std::string& why, std::chrono::seconds limit = std::chrono::seconds(30));
  /// Waits until GET /v1/report answers 200 (the first audit finished).
  bool waitReport(std::chrono::seconds limit = std::chrono::seconds(60));
  /// Sends raw bytes and reads the response (the request should say Connection: close).
  HttpResponse raw(const std::string& bytes);
  /// A request with an optional body and extra headers ("Name: value").
  HttpResponse request(const std::string& method, const std::string& path,
                       const std::string& body = "", const std::vector<std::string>& headers = {});
  /// SIGTERM (Windows: Poco's termination event, which the SCM's stop also sets), then the exit
  /// status (-1 when it did not end within `limit`).
  int terminate(std::chrono::seconds limit = std::chrono::seconds(20));
  /// Waits for the process to exit by itself (a refused configuration); -1 on timeout.
  int waitExit(std::chrono::seconds limit = std::chrono::seconds(20));

  [[nodiscard]] std::string log() const;
  /// The temporary directory holding the config and the log.
  [[nodiscard]] const std::filesystem::path& dir() const;
  /// "unix:/path" or "127.0.0.1:PORT" from the log.
  [[nodiscard]] const std::string& address() const { return address_; }
  /// The process ID; -1 once it has exited.
  [[nodiscard]] long pid() const;
  /// Sent as `Authorization: Bearer` with every request() when not empty.
  std::string token;

 private:
  /// True once the process has exited (it is reaped then).
  bool exited();

  class Process;  ///< the OS's process and temporary directory
  std::unique_ptr<Process> process_;
  std::string address_;
};

}  // namespace guestprep::testing
