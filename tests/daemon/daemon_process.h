// Starts `guestprep daemon` from a test (config and socket in a temp dir, --root on a fixture
// copy) and talks raw HTTP/1.1 to it over its Unix socket or loopback TCP.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/tree_snapshot.h"

namespace guestprep::testing {

/// One HTTP response as received.
struct HttpResponse {
  int status = 0;  ///< 0: no response (connection refused or closed early)
  std::string reason;
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
  [[nodiscard]] nlohmann::json json() const;
};

/// A running daemon; SIGKILLed by the destructor if the test did not stop it.
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
  /// SIGTERM, then the exit status (-1 when it did not end within `limit`).
  int terminate(std::chrono::seconds limit = std::chrono::seconds(20));
  /// Waits for the process to exit by itself (a refused configuration); -1 on timeout.
  int waitExit(std::chrono::seconds limit = std::chrono::seconds(20));

  [[nodiscard]] std::string log() const;
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }
  /// "unix:/path" or "127.0.0.1:PORT" from the log.
  [[nodiscard]] const std::string& address() const { return address_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  /// Sent as `Authorization: Bearer` with every request() when not empty.
  std::string token;

 private:
  int connect() const;
  TempCopy dir_;
  pid_t pid_ = -1;
  std::string address_;
};

}  // namespace guestprep::testing
