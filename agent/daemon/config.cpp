// Daemon configuration parsing (yaml-cpp) with file:line:col messages, and the token's format
// (the token file's access check is the platform's: daemon_platform.h).
#include "daemon/config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <limits>
#include <map>
#include <set>

#include "daemon/daemon_platform.h"
#include "policy/yaml_check.h"

namespace guestprep {

namespace {

class Checker : public YamlChecker {
 public:
  using YamlChecker::YamlChecker;

  // Sets `out` when the key is present and a scalar.
  void str(const YAML::Node& map, const std::string& key, std::string& out) {
    YAML::Node n = map[key];
    if (!n) return;
    if (!n.IsScalar()) {
      error(n.Mark(), "'" + key + "' must be a string");
      return;
    }
    out = n.Scalar();
  }

  void choice(const YAML::Node& map, const std::string& key, const std::set<std::string>& choices,
              std::string& out) {
    YAML::Node n = map[key];
    if (!n) return;
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
    if (!n.IsScalar() || !choices.contains(n.Scalar())) {
      error(n.Mark(), "'" + key + "' must be one of: " + list);
      return;
    }
    out = n.Scalar();
  }

  void boolean(const YAML::Node& map, const std::string& key, bool& out) {
    YAML::Node n = map[key];
    if (!n) return;
    bool v = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
      error(n.Mark(), "'" + key + "' must be true or false");
      return;
    }
    out = v;
  }

  void positive(const YAML::Node& map, const std::string& key, std::int64_t& out) {
    YAML::Node n = map[key];
    if (!n) return;
    std::int64_t v = 0;
    if (!n.IsScalar() || !YAML::convert<std::int64_t>::decode(n, v) || v <= 0) {
      error(n.Mark(), "'" + key + "' must be a positive integer");
      return;
    }
    out = v;
  }

  void list(const YAML::Node& map, const std::string& key, std::vector<std::string>& out) {
    YAML::Node n = map[key];
    if (!n) return;
    if (!n.IsSequence()) {
      error(n.Mark(), "'" + key + "' must be a list of requirement IDs");
      return;
    }
    out.clear();
    for (const auto& item : n) {
      if (!item.IsScalar() || item.Scalar().empty()) {
        error(item.Mark(), "'" + key + "': every item must be a requirement ID such as L-SELINUX");
        continue;
      }
      out.push_back(item.Scalar());
    }
  }
};

bool isLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  // 127.0.0.0/8 in dotted quad.
  if (!host.starts_with("127.")) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

// A file path rather than HOST:PORT: absolute POSIX, or a Windows drive or UNC path, so that a
// Windows path is refused as a socket path (daemon_platform) and not as a host "C".
bool looksLikePath(std::string_view text) {
  if (text.starts_with('/') || text.starts_with('\\')) return true;
  return text.size() >= 3 && std::isalpha(static_cast<unsigned char>(text[0])) && text[1] == ':' &&
         (text[2] == '\\' || text[2] == '/');
}

}  // namespace

Result<ListenAddress> parseListenAddress(std::string_view text) {
  ListenAddress a;
  if (looksLikePath(text)) {
    // sockaddr_un holds 108 bytes including the terminating NUL.
    if (text.size() > 107) {
      return fail(ErrorCode::kInvalidInput, "a Unix socket path must be at most 107 characters");
    }
    a.kind = ListenAddress::Kind::kUnix;
    a.path = std::string(text);
    return a;
  }
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return fail(
        ErrorCode::kInvalidInput,
        "'" + std::string(text) + "' is neither an absolute socket path nor 127.0.0.1:PORT");
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  if (!isLoopbackHost(host)) {
    return fail(ErrorCode::kInvalidInput,
                "'" + std::string(host) +
                    "' is not a loopback address: the API listens on 127.0.0.1, localhost or "
                    "[::1] only (or a Unix socket)");
  }
  unsigned value = 0;
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos ||
      (value = static_cast<unsigned>(std::stoul(std::string(port)))) > 65535) {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(port) + "' is not a port (0-65535)");
  }
  a.kind = ListenAddress::Kind::kTcp;
  a.host = host == "localhost" ? "127.0.0.1" : std::string(host);
  a.port = static_cast<std::uint16_t>(value);
  return a;
}

Result<std::chrono::seconds> parseDuration(std::string_view text) {
  static const std::map<char, std::int64_t> kUnits{{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
  std::int64_t unit = 1;
  std::string_view digits = text;
  if (!text.empty() && kUnits.contains(text.back())) {
    unit = kUnits.at(text.back());
    digits.remove_suffix(1);
  }
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return fail(ErrorCode::kInvalidInput,
                "'" + std::string(text) + "' is not a duration such as 300, 30s, 15m, 1h or 1d");
  }
  std::int64_t n = std::stoll(std::string(digits)) * unit;
  if (n < 1) return fail(ErrorCode::kInvalidInput, "the interval must be at least 1s");
  return std::chrono::seconds(n);
}

Result<DaemonConfig> parseDaemonConfig(std::string_view yaml, const std::string& origin) {
  Checker c(origin);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    c.error(e.mark, e.msg);
    return fail(ErrorCode::kInvalidInput, c.joined());
  }
  DaemonConfig cfg;
  cfg.origin = origin;
  if (root.IsNull()) return cfg;  // an empty file: every default
  if (!root.IsMap()) {
    c.error(root.Mark(), "the daemon configuration must be a mapping of keys (docs/daemon.md)");
    return fail(ErrorCode::kInvalidInput, c.joined());
  }
  c.onlyKeys(root,
             {"policy", "fail_on", "audit_interval", "listen", "token_file", "fix", "fix_allow",
              "allow_live", "allow_package_changes", "limits"},
             "the daemon configuration");
  c.str(root, "policy", cfg.policy);
  c.choice(root, "fail_on", {"fail", "warn"}, cfg.fail_on);
  if (YAML::Node n = root["audit_interval"]) {
    auto d = n.IsScalar() ? parseDuration(n.Scalar())
                          : fail(ErrorCode::kInvalidInput, "must be a duration such as 1h");
    if (d) {
      cfg.audit_interval = *d;
    } else {
      c.error(n.Mark(), "'audit_interval': " + d.error().message);
    }
  }
  if (YAML::Node n = root["listen"]) {
    auto a = n.IsScalar()
                 ? parseListenAddress(n.Scalar())
                 : fail(ErrorCode::kInvalidInput, "must be a socket path or 127.0.0.1:PORT");
    if (a) {
      if (auto ok = daemon_platform::checkListenAddress(*a); !ok) a = std::unexpected(ok.error());
    }
    if (a) {
      cfg.listen = *a;
    } else {
      c.error(n.Mark(), "'listen': " + a.error().message);
    }
  }
  c.str(root, "token_file", cfg.token_file);
  std::string fix_mode = "off";
  c.choice(root, "fix", {"off", "auto"}, fix_mode);
  cfg.auto_fix = fix_mode == "auto";
  c.list(root, "fix_allow", cfg.fix_allow);
  c.boolean(root, "allow_live", cfg.allow_live);
  c.boolean(root, "allow_package_changes", cfg.allow_package_changes);
  if (YAML::Node limits = root["limits"]) {
    if (!limits.IsMap()) {
      c.error(limits.Mark(), "'limits' must be a mapping");
    } else {
      c.onlyKeys(limits, {"max_body_bytes", "requests_per_second", "burst", "max_connections"},
                 "limits");
      c.positive(limits, "max_body_bytes", cfg.limits.max_body_bytes);
      c.positive(limits, "requests_per_second", cfg.limits.requests_per_second);
      c.positive(limits, "burst", cfg.limits.burst);
      c.positive(limits, "max_connections", cfg.limits.max_connections);
      if (cfg.limits.max_connections > 256) {
        c.error(limits["max_connections"].Mark(), "'max_connections' must be at most 256");
      }
    }
  }
  if (cfg.listen.kind == ListenAddress::Kind::kTcp && cfg.token_file.empty()) {
    c.error(root["listen"].Mark(),
            "a TCP listener needs 'token_file' (a 0600 file holding the bearer token)");
  }
  if (!c.ok()) return fail(ErrorCode::kInvalidInput, c.joined());
  return cfg;
}

Result<std::string> readTokenFile(const std::string& path) {
  auto bytes = daemon_platform::readPrivateFile(path, 4096);
  if (!bytes) return std::unexpected(bytes.error());
  std::string text = std::move(*bytes);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  for (char ch : text) {
    if (static_cast<unsigned char>(ch) <= 0x20 || static_cast<unsigned char>(ch) >= 0x7f) {
      return fail(ErrorCode::kInvalidInput,
                  "token file '" + path + "': the token must be one line of printable characters");
    }
  }
  if (text.size() < 32) {
    return fail(ErrorCode::kInvalidInput,
                "token file '" + path + "': the token must be at least 32 characters");
  }
  return text;
}

}  // namespace guestprep
