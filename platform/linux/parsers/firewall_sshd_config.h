// Parser for sshd_config: keyword/argument lines with Match blocks and Include directives.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// One `Keyword arguments` line.
struct SshdDirective {
  std::string keyword;  ///< lower case ("port", "listenaddress", "include", "match")
  std::vector<std::string> args;
  int line = 0;
  bool in_match = false;  ///< after a Match line: applies only to matching connections
};

struct SshdConfigFile {
  std::vector<SshdDirective> directives;
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set
};

/// Parses sshd_config(5) syntax: case-insensitive keywords separated from their arguments by
/// blanks or `=`, double-quoted arguments, `#` comment lines and words starting a trailing
/// comment (OpenSSH's argv_split), and Match blocks, which last until the next Match or the end
/// of the file. `in_match_at_start` is for an Include inside a Match block, whose lines belong
/// to that block (sshd_config(5), Include).
SshdConfigFile parseSshdConfig(std::string_view text, bool in_match_at_start = false);

/// A ListenAddress argument split into host and port: "0.0.0.0", "[::]:2222", "10.0.0.1:22",
/// "::" (an IPv6 address without brackets has no port). Port 0 when none is given; nothing
/// when the port is not a number from 1 to 65535.
struct SshdListenAddress {
  std::string host;
  int port = 0;
};
std::optional<SshdListenAddress> parseListenAddress(std::string_view arg);

}  // namespace guestprep::os_linux
