// Parser for firewalld zone files through Boost.PropertyTree's XML reader.
#include "parsers/firewall_firewalld.h"

#include <charconv>
#include <sstream>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

namespace guestprep::os_linux {

namespace {

// PropertyTree keeps no line numbers: the line of the first element whose text contains both
// `a` and `b`, for evidence.
int lineOf(std::string_view text, std::string_view a, std::string_view b) {
  int line = 1;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    std::string_view l =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (l.find(a) != std::string_view::npos && l.find(b) != std::string_view::npos) return line;
    if (end == std::string_view::npos) break;
    start = end + 1;
    ++line;
  }
  return 0;
}

int toInt(std::string_view s) {
  int v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : -1;
}

}  // namespace

FirewalldZone parseFirewalldZone(std::string_view text) {
  namespace pt = boost::property_tree;
  FirewalldZone zone;
  pt::ptree tree;
  try {
    std::istringstream in{std::string(text)};
    pt::read_xml(in, tree, pt::xml_parser::no_comments);
  } catch (const pt::xml_parser_error& e) {
    zone.problems.push_back({"", static_cast<int>(e.line()), e.message()});
    return zone;
  }
  auto root = tree.get_child_optional("zone");
  if (!root) {
    zone.problems.push_back({"", 0, "no <zone> element"});
    return zone;
  }
  zone.target = root->get<std::string>("<xmlattr>.target", "default");
  for (const auto& [name, child] : *root) {
    if (name == "service") {
      std::string svc = child.get<std::string>("<xmlattr>.name", "");
      zone.services.push_back({svc, lineOf(text, "<service", "\"" + svc + "\"")});
    } else if (name == "port") {
      std::string port = child.get<std::string>("<xmlattr>.port", "");
      std::string proto = child.get<std::string>("<xmlattr>.protocol", "");
      zone.ports.push_back({port, proto, lineOf(text, "<port", "\"" + port + "\"")});
    }
  }
  return zone;
}

bool zoneAllowsTcp(const FirewalldZone& zone, int port, int& line, std::string& why) {
  if (zone.target == "ACCEPT") {
    line = 0;
    why = "zone target ACCEPT accepts every connection";
    return true;
  }
  for (const auto& s : zone.services) {
    if (s.name == "ssh" && port == 22) {
      line = s.line;
      why = "service ssh (22/tcp) is allowed";
      return true;
    }
  }
  for (const auto& p : zone.ports) {
    if (p.protocol != "tcp") continue;
    auto dash = p.port.find('-');
    int lo = toInt(p.port.substr(0, dash));
    int hi = dash == std::string::npos ? lo : toInt(p.port.substr(dash + 1));
    if (lo >= 0 && lo <= port && port <= hi) {
      line = p.line;
      why = "port " + p.port + "/tcp is allowed";
      return true;
    }
  }
  return false;
}

}  // namespace guestprep::os_linux
