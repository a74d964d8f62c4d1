// Parser for firewalld zone files (/etc/firewalld/zones/*.xml, /usr/lib/firewalld/zones/*.xml).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// A `<port port="22" protocol="tcp"/>` element; `port` may be a range ("1000-2000").
struct FirewalldPort {
  std::string port;
  std::string protocol;
  int line = 0;
};

/// A `<service name="ssh"/>` element.
struct FirewalldService {
  std::string name;
  int line = 0;
};

struct FirewalldZone {
  std::string target;  ///< the zone's target attribute: "ACCEPT", "DROP", "%%REJECT%%", "default"
  std::vector<FirewalldService> services;
  std::vector<FirewalldPort> ports;
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set
};

/// Parses a zone file (firewalld.zone(5)) with Boost.PropertyTree's XML reader. Rich rules are
/// not read (they select sources or log; a plain service or port opens the port for all).
/// An unparsable file is one problem and an empty zone.
FirewalldZone parseFirewalldZone(std::string_view text);

/// Whether the zone lets new TCP connections to `port` in from anywhere: target ACCEPT, the
/// service "ssh" for port 22 (its definition is port 22/tcp), or a tcp port or range covering it.
/// `line` is set to the deciding element's line when it says yes.
bool zoneAllowsTcp(const FirewalldZone& zone, int port, int& line, std::string& why);

}  // namespace guestprep::os_linux
