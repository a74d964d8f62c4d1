// Parsers for /proc/net files that describe the running network: /proc/net/if_inet6.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// The addresses of /proc/net/if_inet6, plus lines that could not be read.
struct IfInet6File {
  std::vector<Inet6Addr> addrs;
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set
};

/// Parses /proc/net/if_inet6: one address per line as the kernel prints it
/// ("%32x %02x %02x %02x %02x %s": address, ifindex, prefix length, scope, flags, name; all hex).
/// Addresses come out in RFC 5952 text form, the scope as a name. Malformed lines are reported
/// and skipped; an address whose scope value is unknown keeps the value in hex ("0x05").
IfInet6File parseIfInet6(std::string_view text);

/// RFC 5952 text form of an IPv6 address given as eight 16-bit groups: lower case, no leading
/// zeros, the longest run (first on a tie) of two or more zero groups shortened to "::", and
/// IPv4-mapped addresses as "::ffff:192.0.2.1" (RFC 5952 section 5).
std::string formatIpv6(const std::array<std::uint16_t, 8>& groups);

/// The address written as 32 hex digits (the /proc/net form) in RFC 5952 form, or nothing when
/// the text is not 32 hex digits.
std::optional<std::string> ipv6FromHex(std::string_view hex32);

/// The name of an if_inet6 scope value (the kernel's IPV6_ADDR_SCOPE_MASK bits of the address
/// type): 0x00 "global", 0x10 "host", 0x20 "link", 0x40 "site", 0x80 "compat"; empty otherwise.
std::string inet6ScopeName(unsigned scope);

}  // namespace guestprep::os_linux
