// Parser for /proc/net/tcp and /proc/net/tcp6: the TCP sockets listening now.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

struct ProcTcpFile {
  std::vector<ListenSocket> listening;  ///< sockets in state 0A (TCP_LISTEN); `file` left empty
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set
};

/// Parses the kernel's table (a header line, then "sl local_address rem_address st ..."). The
/// local address is the kernel's in-memory form printed as hex: IPv4 one 32-bit word and IPv6
/// four, each in host byte order (little-endian here, as on every platform the agent runs on);
/// the port is printed as a number. Only LISTEN sockets are kept; malformed lines are reported.
ProcTcpFile parseProcNetTcp(std::string_view text, bool ipv6);

}  // namespace guestprep::os_linux
