// The daemon's configuration (/etc/guestprep/guestprep.yaml): parsed and validated with
// file:line:column messages, unknown keys refused; and the API token file, checked for its mode.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace guestprep {

/// Where the HTTP API listens.
struct ListenAddress {
  enum class Kind { kUnix, kTcp };
  Kind kind = Kind::kUnix;
  std::string path;  ///< kUnix: the socket file
  std::string host;  ///< kTcp: a loopback address ("127.0.0.1", "::1")
  std::uint16_t port = 0;
};

/// Parses `listen:`: an absolute path (Unix socket) or HOST:PORT on loopback only.
Result<ListenAddress> parseListenAddress(std::string_view text);

// The built-in defaults differ by OS (docs/daemon.md); each is defined in the platform's file.

/// Where the config lives when `--config` is not given: /etc/guestprep/guestprep.yaml, or
/// %ProgramData%\guestprep\guestprep.yaml on Windows.
std::string defaultDaemonConfigPath();
/// The API's default listener: the Unix socket /run/guestprep/api.sock (mode 0600) on Linux;
/// 127.0.0.1:8470 on Windows, which has no Unix-socket permissions to rely on.
ListenAddress defaultListenAddress();
/// The default token file: none on Linux; %ProgramData%\guestprep\api.token on Windows.
std::string defaultTokenFile();

/// Request limits of the HTTP API.
struct ApiLimits {
  std::int64_t max_body_bytes = 64 * 1024;
  std::int64_t requests_per_second = 20;
  std::int64_t burst = 40;
  std::int64_t max_connections = 4;
};

/// The whole configuration, defaults filled in.
struct DaemonConfig {
  std::string policy;  ///< empty: the platform's default policy
  std::string fail_on = "fail";
  std::chrono::seconds audit_interval{3600};
  ListenAddress listen = defaultListenAddress();
  std::string token_file = defaultTokenFile();  ///< required with a TCP listener
  bool auto_fix = false;                        ///< `fix: auto`
  std::vector<std::string> fix_allow;
  bool allow_live = false;
  bool allow_package_changes = false;
  ApiLimits limits;
  std::string origin;  ///< the file it came from, or "built-in defaults"
};

/// Parses and validates the YAML text; `origin` names the file in messages. On failure the
/// message lists every problem, one per line, as `origin:line:col: message`.
Result<DaemonConfig> parseDaemonConfig(std::string_view yaml, const std::string& origin);

/// Parses "90", "30s", "15m", "1h", "1d" into seconds (at least one).
Result<std::chrono::seconds> parseDuration(std::string_view text);

/// Reads the bearer token from `path`: a regular file that only this process's user and the
/// administrators may read or change (Linux: owned by this user or root, mode 0600/0400;
/// Windows: owner and DACL, see daemon_platform.h), holding one line of at least 32 printable
/// characters.
Result<std::string> readTokenFile(const std::string& path);

}  // namespace guestprep
