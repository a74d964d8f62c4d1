// Parser for systemd-networkd .network, .netdev and .link files.
#include "parsers/networkd.h"

#include <algorithm>
#include <map>
#include <set>

#include "parsers/ini.h"
#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

// systemd's parse_boolean(): 1/yes/y/true/t/on and 0/no/n/false/f/off, any case.
std::optional<bool> systemdBool(std::string_view v) {
  std::string s = toLower(trim(v));
  if (s == "1" || s == "yes" || s == "y" || s == "true" || s == "t" || s == "on") return true;
  if (s == "0" || s == "no" || s == "n" || s == "false" || s == "f" || s == "off") return false;
  return std::nullopt;
}

// [Match] keys that narrow a match beyond name and MAC (systemd.network(5), systemd.link(5)).
bool isOtherMatchKey(std::string_view key) {
  for (std::string_view k : {"Driver", "Path", "Host", "Virtualization", "KernelCommandLine",
                             "KernelVersion", "Architecture", "Property", "OriginalName", "SSID",
                             "BSSID", "WLANInterfaceType", "Credential", "Firmware"}) {
    if (k == key) return true;
  }
  return false;
}

class UnitReader {
 public:
  UnitReader(NetworkdUnit& unit, std::string_view file) : u_(unit), file_(file) {}

  void problem(int line, std::string message) {
    u_.problems.push_back({file_, line, std::move(message)});
  }

  void boolean(const IniEntry& e, std::optional<bool>& into) {
    if (auto b = systemdBool(e.value)) {
      into = b;
    } else {
      problem(e.line, e.key + "= is not a boolean: " + e.value);
    }
  }

  // A [Match] gives one config per (name, MAC) pair; real files list a few of each, and unbounded
  // lists would let one small file make millions of configs.
  static constexpr std::size_t kMaxMatchEntries = 64;

  bool full(const std::vector<std::string>& list, const IniEntry& e) {
    if (list.size() < kMaxMatchEntries) return false;
    problem(e.line, e.key + "= lists more than " + std::to_string(kMaxMatchEntries) +
                        " entries; the rest are ignored");
    return true;
  }

  void match(const IniEntry& e) {
    if (e.key == "Name") {
      // An empty assignment resets the list (config_parse_match_ifnames).
      if (e.value.empty()) u_.match_names.clear();
      for (std::string& n : splitWords(e.value)) {
        if (full(u_.match_names, e)) break;
        u_.match_names.push_back(std::move(n));
      }
    } else if (e.key == "MACAddress" || e.key == "PermanentMACAddress") {
      if (e.value.empty()) u_.match_macs.clear();
      for (const std::string& w : splitWords(e.value)) {
        std::string mac = normaliseMac(w);
        if (mac.empty()) {
          problem(e.line, e.key + "= is not a MAC address: " + w);
          continue;
        }
        if (full(u_.match_macs, e)) break;
        u_.match_macs.push_back(mac);
        u_.match_mac_line = e.line;
      }
    } else if (e.key == "Type" || e.key == "Kind") {
      u_.match_type = toLower(e.value);
    } else if (isOtherMatchKey(e.key)) {
      u_.match_other = true;
    }
  }

  void network(const IniEntry& e) {
    if (e.key == "DHCP") {
      std::string v = toLower(e.value);
      if (v == "ipv4" || v == "v4") {
        u_.dhcp = "ipv4";
      } else if (v == "ipv6" || v == "v6") {
        u_.dhcp = "ipv6";
      } else if (v == "both") {
        u_.dhcp = "yes";  // deprecated spelling of yes
      } else if (auto b = systemdBool(v)) {
        u_.dhcp = *b ? "yes" : "no";
      } else {
        problem(e.line, "DHCP= is not yes, no, ipv4 or ipv6: " + e.value);
      }
    } else if (e.key == "Address") {
      // In [Network], an empty Address= clears the addresses assigned so far.
      if (e.value.empty()) u_.addresses.clear();
      for (std::string& a : splitWords(e.value)) u_.addresses.push_back(std::move(a));
    } else if (e.key == "IPv6AcceptRA") {
      boolean(e, u_.ipv6_accept_ra);
    } else if (e.key == "LinkLocalAddressing") {
      u_.link_local = toLower(e.value);
    } else if (e.key == "IPForward") {
      std::string v = toLower(e.value);
      u_.forwarding = v == "ipv6" || systemdBool(v).value_or(false);
    } else if (e.key == "IPv6Forwarding" || e.key == "IPv6SendRA") {
      std::optional<bool> b;
      boolean(e, b);
      if (b) u_.forwarding = u_.forwarding || *b;
    } else if (e.key == "Bond") {
      u_.bond = e.value;
    } else if (e.key == "Bridge") {
      u_.bridge = e.value;
    } else if (e.key == "VLAN") {
      if (e.value.empty()) u_.vlans.clear();
      for (std::string& v : splitWords(e.value)) u_.vlans.push_back(std::move(v));
    }
  }

  void link(const IniEntry& e) {
    if (u_.type == NetworkdUnit::Type::kLink) {
      if (e.key == "Name") {
        u_.link_name = e.value;
        u_.link_name_line = e.line;
      } else if (e.key == "NamePolicy") {
        u_.name_policy = e.value;
      }
      return;
    }
    if (e.key == "MACAddress") {
      std::string mac = normaliseMac(e.value);
      if (mac.empty() && !e.value.empty()) {
        problem(e.line, "MACAddress= is not a MAC address: " + e.value);
      }
      u_.set_mac = mac;
    } else if (e.key == "Unmanaged") {
      std::optional<bool> b;
      boolean(e, b);
      u_.unmanaged = b.value_or(u_.unmanaged);
    } else if (e.key == "ActivationPolicy") {
      u_.activation_policy = toLower(e.value);
    }
  }

  void netdev(const IniEntry& e) {
    if (e.key == "Name") {
      u_.netdev_name = e.value;
    } else if (e.key == "Kind") {
      u_.netdev_kind = toLower(e.value);
    } else if (e.key == "MACAddress") {
      u_.set_mac = normaliseMac(e.value);
    }
  }

  void apply(const IniFile& ini) {
    for (const ConfigProblem& p : ini.problems) problem(p.line, p.message);
    for (const IniSection& s : ini.sections) {
      for (const IniEntry& e : s.entries) {
        if (s.name == "Match" && u_.type != NetworkdUnit::Type::kNetDev) {
          match(e);
        } else if (s.name == "Network" && u_.type == NetworkdUnit::Type::kNetwork) {
          network(e);
        } else if (s.name == "Address" && u_.type == NetworkdUnit::Type::kNetwork) {
          if (e.key == "Address" && !e.value.empty()) u_.addresses.push_back(e.value);
        } else if (s.name == "Link") {
          link(e);
        } else if (s.name == "NetDev" && u_.type == NetworkdUnit::Type::kNetDev) {
          netdev(e);
        } else if (s.name == "VLAN" && u_.type == NetworkdUnit::Type::kNetDev && e.key == "Id") {
          try {
            u_.vlan_id = std::stoi(e.value);
          } catch (const std::exception&) {
            problem(e.line, "Id= is not a number: " + e.value);
          }
        }
      }
    }
  }

 private:
  NetworkdUnit& u_;
  std::string file_;
};

bool isIpv6(std::string_view a) { return a.find(':') != std::string_view::npos; }

bool hasFamily(const NetworkdUnit& u, bool v6) {
  return std::any_of(u.addresses.begin(), u.addresses.end(),
                     [v6](const std::string& a) { return isIpv6(a) == v6; });
}

// LinkLocalAddressing= (systemd.network(5)): yes, no, ipv4, ipv6, fallback (IPv4 only when DHCP
// fails, IPv6 always), ipv4-fallback (no IPv6). Unset means ipv6.
bool linkLocal(const NetworkdUnit& u, bool v6) {
  if (!u.link_local) return v6;
  const std::string& v = *u.link_local;
  if (v == "ipv4") return !v6;
  if (v == "ipv6") return v6;
  if (v == "fallback") return true;
  if (v == "ipv4-fallback") return !v6;
  return systemdBool(v).value_or(false);
}

AddrMethod ipv4Method(const NetworkdUnit& u) {
  if (u.dhcp == "yes" || u.dhcp == "ipv4") return AddrMethod::kDhcp;
  if (hasFamily(u, false)) return AddrMethod::kStatic;
  // Addresses of a bond or bridge port belong to its master.
  if (!u.bond.empty() || !u.bridge.empty()) return AddrMethod::kNone;
  if (linkLocal(u, false)) return AddrMethod::kLinkLocal;
  return AddrMethod::kNone;
}

AddrMethod ipv6Method(const NetworkdUnit& u, std::string_view kind) {
  if (u.dhcp == "yes" || u.dhcp == "ipv6") return AddrMethod::kDhcp;
  if (hasFamily(u, true)) return AddrMethod::kStatic;
  if (!u.bond.empty() || !u.bridge.empty()) return AddrMethod::kNone;
  // systemd.network(5) IPv6AcceptRA=: RAs are accepted by default, except on bridges and when
  // forwarding or IPv6SendRA= is on; they cannot be without an IPv6 link-local address.
  if (!linkLocal(u, true)) return AddrMethod::kNone;
  if (u.ipv6_accept_ra) return *u.ipv6_accept_ra ? AddrMethod::kAuto : AddrMethod::kLinkLocal;
  if (kind == "bridge" || u.forwarding) return AddrMethod::kLinkLocal;
  return AddrMethod::kAuto;
}

std::string kindOfNetdev(std::string_view kind) {
  if (kind == "bond" || kind == "bridge" || kind == "vlan") return std::string(kind);
  return "other";
}

std::string kindOfMatchType(std::string_view type) {
  if (type == "ether") return "ethernet";
  if (type == "wlan") return "wireless";
  if (type == "loopback" || type == "bond" || type == "bridge" || type == "vlan") {
    return std::string(type);
  }
  return "";
}

std::string matchKey(const NetworkdUnit& u) {
  std::vector<std::string> names = u.match_names;
  std::vector<std::string> macs = u.match_macs;
  std::sort(names.begin(), names.end());
  std::sort(macs.begin(), macs.end());
  std::string key;
  for (const std::string& n : names) key += n + ' ';
  key += '|';
  for (const std::string& m : macs) key += m + ' ';
  key += '|' + u.match_type + (u.match_other ? "|other" : "|");
  return key;
}

}  // namespace

std::optional<NetworkdUnit::Type> networkdUnitType(std::string_view filename) {
  if (filename.ends_with(".network")) return NetworkdUnit::Type::kNetwork;
  if (filename.ends_with(".netdev")) return NetworkdUnit::Type::kNetDev;
  if (filename.ends_with(".link")) return NetworkdUnit::Type::kLink;
  return std::nullopt;
}

NetworkdUnit parseNetworkdUnit(std::string_view text, std::string_view file,
                               NetworkdUnit::Type type) {
  NetworkdUnit u;
  u.type = type;
  u.source = {std::string(file), 0};
  IniFile ini = parseIni(text, kSystemdSyntax);
  std::string_view anchor = type == NetworkdUnit::Type::kNetDev ? "NetDev" : "Match";
  if (auto s = ini.all(anchor); !s.empty()) u.source.line = s.front()->line;
  UnitReader(u, file).apply(ini);
  return u;
}

void applyNetworkdDropIn(NetworkdUnit& unit, std::string_view text, std::string_view file) {
  UnitReader(unit, file).apply(parseIni(text, kSystemdSyntax));
}

std::vector<NicConfig> networkdNicConfigs(const std::vector<NetworkdUnit>& units) {
  std::map<std::string, const NetworkdUnit*> netdev_by_name;
  for (const NetworkdUnit& u : units) {
    if (u.type == NetworkdUnit::Type::kNetDev && !u.netdev_name.empty()) {
      netdev_by_name.emplace(u.netdev_name, &u);
    }
  }

  std::vector<NicConfig> out;
  std::vector<const NetworkdUnit*> origin;  // the .network (or .netdev) behind each config
  std::set<std::string> seen;
  for (const NetworkdUnit& u : units) {
    if (u.type != NetworkdUnit::Type::kNetwork) continue;
    if (!seen.insert(matchKey(u)).second) continue;
    std::vector<std::string> names = u.match_names;
    if (!names.empty() && names.front().starts_with("!")) {
      // An inverted list is one condition ("none of these"), not one interface per glob.
      std::string joined;
      for (const std::string& n : names) joined += (joined.empty() ? "" : " ") + n;
      names = {joined};
    }
    if (names.empty()) {
      // No name condition: the file applies to every interface its other conditions allow
      // (systemd.network(5): a file without valid [Match] settings matches all interfaces).
      names = {u.match_macs.empty() ? "*" : ""};
    }
    std::vector<std::string> macs = u.match_macs;
    if (macs.empty()) macs = {""};
    for (const std::string& name : names) {
      for (const std::string& mac : macs) {
        NicConfig c;
        c.name = name;
        c.stack = "networkd";
        c.source = u.source;
        auto nd = netdev_by_name.find(name);
        c.kind = nd != netdev_by_name.end() ? kindOfNetdev(nd->second->netdev_kind)
                                            : kindOfMatchType(u.match_type);
        // ActivationPolicy= manual, down and always-down leave the link down at boot; an
        // Unmanaged= link is not configured by networkd at all.
        bool down = u.activation_policy == "manual" || u.activation_policy == "down" ||
                    u.activation_policy == "always-down";
        c.starts_at_boot = !u.unmanaged && !down;
        c.master = !u.bond.empty() ? u.bond : u.bridge;
        c.ipv4 = u.unmanaged ? AddrMethod::kUnknown : ipv4Method(u);
        c.ipv6 = u.unmanaged ? AddrMethod::kUnknown : ipv6Method(u, c.kind);
        if (!mac.empty()) {
          c.match_mac = mac;
          c.match_line = u.match_mac_line;
        }
        c.set_mac = u.set_mac;
        out.push_back(std::move(c));
        origin.push_back(&u);
      }
    }
  }

  // A .netdev whose device no .network configures is created at boot but left down.
  for (const NetworkdUnit& u : units) {
    if (u.type != NetworkdUnit::Type::kNetDev || u.netdev_name.empty()) continue;
    bool configured = std::any_of(out.begin(), out.end(),
                                  [&](const NicConfig& c) { return c.name == u.netdev_name; });
    if (configured) continue;
    NicConfig c;
    c.name = u.netdev_name;
    c.stack = "networkd";
    c.source = u.source;
    c.kind = kindOfNetdev(u.netdev_kind);
    c.ipv4 = AddrMethod::kNone;
    c.ipv6 = AddrMethod::kNone;
    c.set_mac = u.set_mac;
    out.push_back(std::move(c));
    origin.push_back(&u);
  }

  // Bond=/Bridge= make members of the master's config; VLAN= makes this config the parent (the
  // last unit naming a VLAN wins). Looked up by name, not by walking every pair of configs: one
  // file can yield thousands of configs, and a quadratic walk would stall the audit.
  std::map<std::string, std::vector<std::size_t>> by_name;
  for (std::size_t i = 0; i < out.size(); ++i) by_name[out[i].name].push_back(i);
  std::map<std::size_t, std::set<std::string>> members_of;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!out[i].master.empty()) {
      std::string member = out[i].name.empty() ? out[i].match_mac : out[i].name;
      if (auto it = by_name.find(out[i].master); it != by_name.end()) {
        for (std::size_t m : it->second) {
          if (members_of[m].insert(member).second) out[m].members.push_back(member);
        }
      }
    }
    // A unit's configs are consecutive; its VLAN= list is applied once, from its last config.
    if (i + 1 < out.size() && origin[i + 1] == origin[i]) continue;
    for (const std::string& vlan : origin[i]->vlans) {
      if (auto it = by_name.find(vlan); it != by_name.end()) {
        for (std::size_t m : it->second) out[m].parent = out[i].name;
      }
    }
  }
  return out;
}

std::vector<PersistentNetRule> networkdLinkRules(const std::vector<NetworkdUnit>& units) {
  std::vector<PersistentNetRule> out;
  std::set<std::string> seen;
  for (const NetworkdUnit& u : units) {
    if (u.type != NetworkdUnit::Type::kLink || u.link_name.empty()) continue;
    // systemd.link(5): Name= has lower precedence than NamePolicy=; it only takes effect when
    // NamePolicy= is unset or empty (or all its policies fail, which depends on the hardware).
    if (u.name_policy && !trim(*u.name_policy).empty()) continue;
    for (const std::string& mac : u.match_macs) {
      // Only the first .link file matching a device applies.
      if (!seen.insert(mac).second) continue;
      out.push_back({{u.source.file, u.link_name_line}, mac, u.link_name});
    }
  }
  return out;
}

}  // namespace guestprep::os_linux
