// Parser for ifcfg-* files: RHEL/CentOS network-scripts and SUSE sysconfig/network (wicked).
#include "parsers/ifcfg.h"

#include <array>
#include <cctype>

#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kPrefix = "ifcfg-";
constexpr std::size_t kMaxIfname = 15;  // IFNAMSIZ - 1

// initscripts /etc/init.d/functions __sed_discard_ignored_files; wicked compat-suse.c
// __ni_suse_ifcfg_valid_suffix adds ".scpmbackup".
constexpr std::array<std::string_view, 7> kIgnoredSuffixes = {
    "~", ".bak", ".old", ".orig", ".rpmnew", ".rpmorig", ".rpmsave"};
constexpr std::string_view kSuseIgnoredSuffix = ".scpmbackup";

// Builds the result and records problems against the file being parsed.
struct Builder {
  IfcfgConfig out;
  std::string path;

  void problem(int line, std::string message) {
    out.problems.push_back({path, line, std::move(message)});
  }
};

// A non-empty assignment of `key`, or nullptr.
const ShellVar* findSet(const ShellVarsFile& vars, std::string_view key) {
  const ShellVar* v = vars.find(key);
  return v && !trim(v->value).empty() ? v : nullptr;
}

bool isYesVar(const ShellVarsFile& vars, std::string_view key) {
  const ShellVar* v = vars.find(key);
  return v && isYes(v->value);
}

// The kernel refuses empty names, names longer than IFNAMSIZ-1, "." and "..", and names with
// '/' or white space (net/core/dev.c dev_valid_name); ':' only appears in alias labels.
bool validIfname(std::string_view name) {
  if (name.empty() || name.size() > kMaxIfname || name == "." || name == "..") return false;
  for (char c : name) {
    if (c == '/' || std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'') {
      return false;
    }
  }
  return true;
}

// Whether `key` is `base` followed by nothing or, with `any_suffix`, anything (SUSE IPADDR_x),
// otherwise only digits (RedHat IPADDR0).
bool indexedKey(std::string_view key, std::string_view base, bool any_suffix) {
  if (!key.starts_with(base)) return false;
  std::string_view rest = key.substr(base.size());
  if (any_suffix || rest.empty()) return true;
  for (char c : rest) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The last assignment of every key matching `base`, in the order the keys first appear.
std::vector<const ShellVar*> indexedVars(const ShellVarsFile& vars, std::string_view base,
                                         bool any_suffix) {
  std::vector<const ShellVar*> out;
  for (const ShellVar& v : vars.vars) {
    if (indexedKey(v.key, base, any_suffix) && vars.find(v.key) == &v && !trim(v.value).empty()) {
      out.push_back(&v);
    }
  }
  return out;
}

struct AddressFamilies {
  bool v4 = false;
  bool v6 = false;
};

// An unspecified IPv4 address configures nothing (SUSE bridge ports use IPADDR='0.0.0.0/32').
AddressFamilies addressFamilies(const std::vector<const ShellVar*>& addrs) {
  AddressFamilies f;
  for (const ShellVar* v : addrs) {
    std::string_view a = trim(v->value);
    a = a.substr(0, a.find('/'));
    if (a.find(':') != std::string_view::npos) {
      f.v6 = true;
    } else if (a.find('.') != std::string_view::npos && a != "0.0.0.0") {
      f.v4 = true;
    }
  }
  return f;
}

// A MAC in canonical form; an invalid one is kept as written so that the pin stays visible.
std::string macValue(Builder& b, const ShellVar& v) {
  std::string mac = normaliseMac(v.value);
  if (!mac.empty()) return mac;
  b.problem(v.line, v.key + " '" + v.value + "' is not a MAC address");
  return std::string(trim(v.value));
}

std::string redHatKind(const ShellVarsFile& vars, std::string_view name) {
  std::string type = toLower(trim(vars.get("TYPE")));
  std::string devicetype = toLower(trim(vars.get("DEVICETYPE")));
  if (name == "lo") return "loopback";
  if (name.find(':') != std::string_view::npos) return "alias";
  if (devicetype == "team" || type == "team") return "team";
  if (isYesVar(vars, "VLAN") || type == "vlan") return "vlan";
  // initscripts loads the bonding driver for BONDING_OPTS alone (network-functions is_available).
  if (type == "bond" || isYesVar(vars, "BONDING_MASTER") || findSet(vars, "BONDING_OPTS")) {
    return "bond";
  }
  if (type == "bridge") return "bridge";
  if (type == "infiniband") return "infiniband";
  if (type == "wireless") return "wireless";
  // Without TYPE both readers fall back to Ethernet: ifup runs ifup-eth when no
  // ifup-$DEVICETYPE exists, NetworkManager's reader defaults to TYPE_ETHERNET.
  if (type.empty() || type == "ethernet" || devicetype == "teamport") return "ethernet";
  return "other";
}

// DEVICE wins over the file name; without DEVICE a HWADDR pin names the device at boot
// (network-functions source_config: DEVICE=$(get_device_by_hwaddr $HWADDR)).
std::string redHatName(Builder& b, const ShellVarsFile& vars, std::string_view file_ifname) {
  if (const ShellVar* device = findSet(vars, "DEVICE")) {
    std::string value(trim(device->value));
    if (validIfname(value)) {
      if (value.front() == '=') {
        b.problem(device->line, "DEVICE '" + value + "' starts with '=' (a doubled '=')");
      }
      return value;
    }
    // NetworkManager's reader drops an invalid DEVICE ("invalid DEVICE name") and goes on.
    b.problem(device->line, "DEVICE '" + device->value + "' is not a valid interface name");
  }
  if (findSet(vars, "HWADDR")) return "";
  return std::string(file_ifname);
}

AddrMethod redHatIpv4(Builder& b, const ShellVarsFile& vars, bool has_v4) {
  const ShellVar* proto = vars.find("BOOTPROTO");
  std::string p = proto ? toLower(trim(proto->value)) : "";
  if (p == "dhcp" || p == "bootp") return AddrMethod::kDhcp;
  if (p == "autoip") return AddrMethod::kLinkLocal;
  if (p == "ibft") return AddrMethod::kUnknown;  // the address comes from the iSCSI firmware table
  if (!p.empty() && p != "none" && p != "static") {
    // initscripts (sysconfig.txt): any other value applies the static configuration.
    b.problem(proto->line, "unknown BOOTPROTO '" + proto->value + "'");
  }
  return has_v4 ? AddrMethod::kStatic : AddrMethod::kNone;
}

// IPV6INIT from the file, else /etc/sysconfig/network, else the reader's default (initscripts
// sysconfig.txt "IPV6INIT ... Default: yes"; NetworkManager ifcfg-rh reader.c
// svGetValueBoolean(ifcfg, "IPV6INIT", FALSE)). Then NetworkManager's order of methods:
// IPV6_AUTOCONF (default: not IPV6FORWARDING), DHCPV6C, addresses, link-local.
AddrMethod redHatIpv6(Builder& b, const ShellVarsFile& vars, const IfcfgDefaults& d) {
  if (isYesVar(vars, "IPV6_DISABLED")) return AddrMethod::kDisabled;
  // Only an explicit IPV6INIT=yes (here or in /etc/sysconfig/network) counts as configuring
  // IPv6: when nothing is said, what the interface gets is the kernel's default autoconfiguration,
  // recorded as kNone as for the other stacks and judged by L-IPV6 from sysctl and the kernel
  // command line. (`ipv6init_default` is the reader's default, kept for that distinction.)
  bool init = !d.networking_ipv6_off && d.ipv6init.value_or(false);
  if (const ShellVar* v = findSet(vars, "IPV6INIT")) {
    if (isYes(v->value) || isNo(v->value)) {
      init = isYes(v->value);
    } else {
      b.problem(v->line, "IPV6INIT '" + v->value + "' is neither yes nor no");
    }
  }
  if (!init) return AddrMethod::kNone;
  const ShellVar* fwd = findSet(vars, "IPV6FORWARDING");
  bool forwarding = fwd ? isYes(fwd->value) : d.ipv6_forwarding;
  const ShellVar* autoconf = findSet(vars, "IPV6_AUTOCONF");
  bool slaac = autoconf ? isYes(autoconf->value) : d.ipv6_autoconf.value_or(!forwarding);
  if (slaac) return AddrMethod::kAuto;
  if (isYesVar(vars, "DHCPV6C")) return AddrMethod::kDhcp;
  if (findSet(vars, "IPV6ADDR") || findSet(vars, "IPV6ADDR_SECONDARIES")) {
    return AddrMethod::kStatic;
  }
  return AddrMethod::kLinkLocal;
}

void parseRedHat(Builder& b, const ShellVarsFile& vars, std::string_view file_ifname,
                 const IfcfgDefaults& defaults) {
  NicConfig& n = b.out.nic;
  n.stack = "ifcfg";
  n.name = redHatName(b, vars, file_ifname);
  n.kind = redHatKind(vars, n.name);
  if (const ShellVar* hw = findSet(vars, "HWADDR")) {
    n.match_mac = macValue(b, *hw);
    n.match_line = hw->line;
  }
  if (const ShellVar* mac = findSet(vars, "MACADDR")) n.set_mac = macValue(b, *mac);

  if (n.kind == "alias") {
    n.parent = n.name.substr(0, n.name.find(':'));
  } else if (n.kind == "vlan") {
    const ShellVar* physdev = findSet(vars, "PHYSDEV");
    std::size_t dot = n.name.rfind('.');
    if (physdev) {
      n.parent = std::string(trim(physdev->value));
    } else if (dot != std::string::npos && dot > 0) {
      n.parent = n.name.substr(0, dot);
    }
  }

  if (const ShellVar* master = findSet(vars, "MASTER")) {
    n.master = std::string(trim(master->value));
    if (!isYesVar(vars, "SLAVE")) {
      // ifup-eth enslaves only when SLAVE=yes and MASTER are both set.
      b.problem(master->line,
                "MASTER=" + n.master + " without SLAVE=yes: initscripts does not enslave it");
    }
  } else if (const ShellVar* bridge = findSet(vars, "BRIDGE")) {
    n.master = std::string(trim(bridge->value));
  } else if (const ShellVar* team = findSet(vars, "TEAM_MASTER")) {
    n.master = std::string(trim(team->value));
  }

  if (n.kind == "alias") {
    // ifup-aliases brings an alias up with its parent unless ONPARENT=no; ONBOOT is not used.
    n.starts_at_boot = !isNo(vars.get("ONPARENT"));
  } else if (n.kind == "loopback") {
    n.starts_at_boot = true;  // the network service runs "ifup ifcfg-lo" unconditionally
  } else {
    // initscripts' network service skips only ONBOOT=no (is_false); NetworkManager ifcfg-rh
    // reader.c: "Missing ONBOOT is treated as ONBOOT=true by the old network service".
    n.starts_at_boot = !isNo(vars.get("ONBOOT"));
  }

  AddressFamilies addrs = addressFamilies(indexedVars(vars, "IPADDR", false));
  if (!n.master.empty()) {
    n.ipv4 = AddrMethod::kNone;
    n.ipv6 = AddrMethod::kNone;
  } else if (n.kind == "alias") {
    n.ipv4 = addrs.v4 ? AddrMethod::kStatic : AddrMethod::kNone;
    n.ipv6 = AddrMethod::kNone;  // ifup-ipv6 configures the real device, not the alias label
  } else {
    n.ipv4 = redHatIpv4(b, vars, addrs.v4);
    n.ipv6 = n.kind == "loopback" ? AddrMethod::kNone : redHatIpv6(b, vars, defaults);
  }
}

// wicked compat-suse.c __ni_suse_startmode: "manual is the default in ifcfg" (also ifcfg(5):
// STARTMODE {manual*|auto|...}); auto, boot, onboot, on, nfsroot, hotplug and ifplugd start
// the interface when wicked starts; an unknown value falls back to manual.
bool suseStartsAtBoot(Builder& b, const ShellVarsFile& vars) {
  const ShellVar* mode = vars.find("STARTMODE");
  if (!mode) return false;
  std::string m(trim(mode->value));
  for (std::string_view boot : {"auto", "boot", "onboot", "on", "nfsroot", "hotplug", "ifplugd"}) {
    if (m == boot) return true;
  }
  if (m != "manual" && m != "off") {
    b.problem(mode->line, "unknown STARTMODE '" + mode->value + "' (wicked treats it as manual)");
  }
  return false;
}

void suseKind(Builder& b, const ShellVarsFile& vars) {
  NicConfig& n = b.out.nic;
  std::vector<const ShellVar*> slaves = indexedVars(vars, "BONDING_SLAVE", true);
  if (n.name == "lo") {
    n.kind = "loopback";
  } else if (isYesVar(vars, "BONDING_MASTER")) {
    n.kind = "bond";
    for (const ShellVar* s : slaves) n.members.emplace_back(trim(s->value));
  } else if (isYesVar(vars, "BRIDGE")) {
    n.kind = "bridge";
    n.members = splitWords(vars.get("BRIDGE_PORTS"));
  } else if (const ShellVar* ether = findSet(vars, "ETHERDEVICE")) {
    n.kind = "vlan";
    n.parent = std::string(trim(ether->value));
  } else if (findSet(vars, "TEAM_RUNNER")) {
    n.kind = "team";
    for (const ShellVar* p : indexedVars(vars, "TEAM_PORT_DEVICE", true)) {
      n.members.emplace_back(trim(p->value));
    }
  } else if (findSet(vars, "TUNNEL")) {
    n.kind = "other";
  } else if (findSet(vars, "WIRELESS_ESSID") || findSet(vars, "WIRELESS_MODE")) {
    n.kind = "wireless";
  } else if (findSet(vars, "IPOIB_MODE") || n.name.starts_with("ib")) {
    n.kind = "infiniband";
  } else {
    n.kind = "ethernet";
  }
  if (!slaves.empty() && n.kind != "bond") {
    // compat-suse.c try_bonding returns early unless BONDING_MASTER is yes.
    b.problem(slaves.front()->line,
              "BONDING_SLAVE set but BONDING_MASTER is not yes: wicked does not make a bond");
  }
}

// wicked compat-suse.c __ni_suse_bootproto: BOOTPROTO unset means static; "none" configures
// no address; "+"-joined tokens (dhcp = dhcp4 + dhcp6) add to the static addresses.
void suseAddressing(Builder& b, const ShellVarsFile& vars) {
  NicConfig& n = b.out.nic;
  const ShellVar* proto = vars.find("BOOTPROTO");
  std::string p = proto ? toLower(trim(proto->value)) : "static";
  AddressFamilies addrs = addressFamilies(indexedVars(vars, "IPADDR", true));
  n.ipv4 = AddrMethod::kNone;
  n.ipv6 = AddrMethod::kNone;
  if (p == "none") return;
  if (p == "ibft") {
    n.ipv4 = AddrMethod::kUnknown;  // from the iSCSI firmware table
    n.ipv6 = AddrMethod::kUnknown;
    return;
  }
  if (p != "static" && p != "6to4") {
    for (const std::string& token : split(p, '+')) {
      if (token == "dhcp" || token == "dhcp4") n.ipv4 = AddrMethod::kDhcp;
      if (token == "dhcp" || token == "dhcp6") n.ipv6 = AddrMethod::kDhcp;
      if (token == "autoip" && n.ipv4 == AddrMethod::kNone) n.ipv4 = AddrMethod::kLinkLocal;
      if (token == "auto6" && n.ipv6 == AddrMethod::kNone) n.ipv6 = AddrMethod::kAuto;
      if (token != "dhcp" && token != "dhcp4" && token != "dhcp6" && token != "autoip" &&
          token != "auto6" && token != "static") {
        b.problem(proto->line, "unknown BOOTPROTO token '" + token + "'");
      }
    }
  }
  if (addrs.v4 && n.ipv4 == AddrMethod::kNone) n.ipv4 = AddrMethod::kStatic;
  if (addrs.v6 && n.ipv6 == AddrMethod::kNone) n.ipv6 = AddrMethod::kStatic;
}

void parseSuse(Builder& b, const ShellVarsFile& vars, std::string_view file_ifname) {
  NicConfig& n = b.out.nic;
  n.stack = "suse-ifcfg";
  n.name = std::string(file_ifname);  // wicked names the interface after the file only
  if (!validIfname(n.name)) b.problem(0, "'" + n.name + "' is not a valid interface name");
  n.starts_at_boot = suseStartsAtBoot(b, vars);
  suseKind(b, vars);
  if (const ShellVar* ll = findSet(vars, "LLADDR")) n.set_mac = macValue(b, *ll);
  suseAddressing(b, vars);
}

}  // namespace

IfcfgDefaults redHatIfcfgDefaults(const ShellVarsFile& network) {
  IfcfgDefaults d;
  if (const ShellVar* v = findSet(network, "IPV6INIT")) d.ipv6init = !isNo(v->value);
  d.networking_ipv6_off = isNo(network.get("NETWORKING_IPV6", "yes"));
  if (const ShellVar* v = findSet(network, "IPV6_AUTOCONF")) d.ipv6_autoconf = isYes(v->value);
  d.ipv6_forwarding = isYesVar(network, "IPV6FORWARDING");
  return d;
}

std::optional<std::string> ifcfgInterfaceName(std::string_view file_name, IfcfgFlavour flavour) {
  if (!file_name.starts_with(kPrefix) || file_name.size() == kPrefix.size()) return std::nullopt;
  for (std::string_view suffix : kIgnoredSuffixes) {
    if (file_name.ends_with(suffix)) return std::nullopt;
  }
  std::string_view name = file_name.substr(kPrefix.size());
  if (flavour == IfcfgFlavour::kSuse && name.ends_with(kSuseIgnoredSuffix)) return std::nullopt;
  // The network service skips ifcfg-*-range* files; ifup-aliases reads them as address ranges.
  if (flavour == IfcfgFlavour::kRedHat && name.find("-range") != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(name);
}

IfcfgConfig parseIfcfg(const ShellVarsFile& vars, std::string_view path,
                       std::string_view file_ifname, IfcfgFlavour flavour,
                       const IfcfgDefaults& defaults) {
  Builder b;
  b.path = std::string(path);
  for (const ConfigProblem& p : vars.problems) b.problem(p.line, p.message);
  b.out.nic.source = {b.path, 0};
  if (flavour == IfcfgFlavour::kRedHat) {
    parseRedHat(b, vars, file_ifname, defaults);
  } else {
    parseSuse(b, vars, file_ifname);
  }
  return std::move(b.out);
}

IfcfgConfig parseIfcfg(std::string_view text, std::string_view path, std::string_view file_ifname,
                       IfcfgFlavour flavour, const IfcfgDefaults& defaults) {
  return parseIfcfg(parseShellVars(text), path, file_ifname, flavour, defaults);
}

}  // namespace guestprep::os_linux
