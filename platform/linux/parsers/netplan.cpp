// Parser for netplan YAML: one file, the merge of several, and the NicConfigs they produce.
#include "parsers/netplan.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

// Device blocks of netplan(5); the first five are the ones this audit reasons about, the others
// still configure interfaces (and may carry IPv6 addresses), so they are read as kind "other".
constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kDeviceTypes = {{
    {"ethernets", "ethernet"},
    {"bonds", "bond"},
    {"bridges", "bridge"},
    {"vlans", "vlan"},
    {"wifis", "wireless"},
    {"modems", "other"},
    {"tunnels", "other"},
    {"vrfs", "other"},
    {"dummy-devices", "other"},
    {"virtual-ethernets", "other"},
    {"nm-devices", "other"},
}};

std::string_view kindOf(std::string_view type) {
  for (const auto& [block, kind] : kDeviceTypes) {
    if (block == type) return kind;
  }
  return "other";
}

// Physical devices are matched (match:, set-name:); virtual ones are created with the ID as name.
bool isPhysical(std::string_view type) {
  return type == "ethernets" || type == "wifis" || type == "modems";
}

// Reads one file's YAML tree into NetplanFile, turning wrong types into problems.
class FileReader {
 public:
  FileReader(NetplanFile& out, std::string_view file) : out_(out), file_(file) {}

  void problem(const YAML::Node& at, const std::string& message) {
    YAML::Mark m = at.Mark();
    if (m.is_null()) {
      out_.problems.push_back({file_, 0, message});
      return;
    }
    out_.problems.push_back(
        {file_, m.line + 1, "column " + std::to_string(m.column + 1) + ": " + message});
  }

  std::optional<std::string> scalar(const YAML::Node& n, std::string_view what) {
    if (!n.IsScalar()) {
      problem(n, std::string(what) + " must be a scalar");
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<bool> boolean(const YAML::Node& n, std::string_view what) {
    bool b = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, b)) {
      problem(n, std::string(what) + " must be a boolean");
      return std::nullopt;
    }
    return b;
  }

  std::vector<std::string> scalarList(const YAML::Node& n, std::string_view what) {
    std::vector<std::string> out;
    if (!n.IsSequence()) {
      problem(n, std::string(what) + " must be a sequence");
      return out;
    }
    for (const YAML::Node& item : n) {
      if (auto s = scalar(item, what)) out.push_back(*s);
    }
    return out;
  }

  void readMatch(const YAML::Node& m, NetplanDevice& dev) {
    if (!m.IsMap()) {
      problem(m, "match must be a mapping");
      return;
    }
    dev.has_match = true;
    for (const auto& kv : m) {
      std::string key = kv.first.Scalar();
      if (key == "macaddress") {
        if (auto mac = scalar(kv.second, "match: macaddress")) {
          std::string norm = normaliseMac(*mac);
          // 20-byte InfiniBand addresses are valid for netplan; keep them as written.
          dev.match_mac = norm.empty() ? toLower(*mac) : norm;
          dev.match_mac_line = kv.second.Mark().line + 1;
        }
      } else if (key == "name") {
        dev.match_name = scalar(kv.second, "match: name");
      } else if (key == "driver") {
        // A scalar or, since netplan 0.104, a sequence of globs.
        if (kv.second.IsSequence()) {
          dev.match_driver = scalarList(kv.second, "match: driver");
        } else if (auto d = scalar(kv.second, "match: driver")) {
          dev.match_driver = std::vector<std::string>{*d};
        }
      }
    }
  }

  void readAddresses(const YAML::Node& n, NetplanDevice& dev) {
    if (!n.IsSequence()) {
      problem(n, "addresses must be a sequence");
      return;
    }
    for (const YAML::Node& item : n) {
      // An entry is "addr/prefix" or a one-key mapping "addr/prefix: {lifetime:, label:}".
      if (item.IsScalar()) {
        dev.addresses.push_back(item.Scalar());
      } else if (item.IsMap() && item.size() == 1 && item.begin()->first.IsScalar()) {
        dev.addresses.push_back(item.begin()->first.Scalar());
      } else {
        problem(item, "an address must be a scalar or a mapping with one address key");
      }
    }
  }

  void readDevice(const YAML::Node& key, const YAML::Node& body, std::string_view type,
                  const std::optional<std::string>& block_renderer) {
    NetplanDevice dev;
    dev.id = key.Scalar();
    dev.type = std::string(type);
    dev.source = {file_, key.Mark().line + 1};
    dev.renderer = block_renderer;
    if (body.IsNull()) {
      out_.devices.push_back(std::move(dev));
      return;
    }
    if (!body.IsMap()) {
      problem(body, "device " + dev.id + " must be a mapping");
      return;
    }
    for (const auto& kv : body) {
      std::string k = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (k == "renderer") {
        dev.renderer = scalar(v, "renderer");
      } else if (k == "dhcp4") {
        dev.dhcp4 = boolean(v, "dhcp4");
      } else if (k == "dhcp6") {
        dev.dhcp6 = boolean(v, "dhcp6");
      } else if (k == "accept-ra") {
        dev.accept_ra = boolean(v, "accept-ra");
      } else if (k == "optional") {
        dev.optional = boolean(v, "optional");
      } else if (k == "addresses") {
        readAddresses(v, dev);
      } else if (k == "link-local") {
        dev.link_local = scalarList(v, "link-local");
      } else if (k == "match") {
        readMatch(v, dev);
      } else if (k == "set-name") {
        dev.set_name = scalar(v, "set-name");
      } else if (k == "macaddress") {
        if (auto mac = scalar(v, "macaddress")) {
          std::string norm = normaliseMac(*mac);
          dev.macaddress = norm.empty() ? *mac : norm;
        }
      } else if (k == "interfaces") {
        for (std::string& m : scalarList(v, "interfaces")) dev.interfaces.push_back(std::move(m));
      } else if (k == "id") {
        int id = 0;
        if (v.IsScalar() && YAML::convert<int>::decode(v, id)) {
          dev.vlan_id = id;
        } else {
          problem(v, "id must be an integer");
        }
      } else if (k == "link") {
        dev.link = scalar(v, "link");
      }
    }
    out_.devices.push_back(std::move(dev));
  }

  void readNetwork(const YAML::Node& network) {
    if (network.IsNull()) return;
    if (!network.IsMap()) {
      problem(network, "network must be a mapping");
      return;
    }
    for (const auto& kv : network) {
      std::string k = kv.first.Scalar();
      if (k == "version") {
        int version = 0;
        if (!kv.second.IsScalar() || !YAML::convert<int>::decode(kv.second, version) ||
            version != 2) {
          problem(kv.second, "only network: version 2 is supported by netplan");
        }
      } else if (k == "renderer") {
        out_.renderer = scalar(kv.second, "renderer");
      }
    }
    for (const auto& [type, kind] : kDeviceTypes) {
      const YAML::Node block = network[std::string(type)];
      if (!block.IsDefined() || block.IsNull()) continue;
      if (!block.IsMap()) {
        problem(block, std::string(type) + " must be a mapping");
        continue;
      }
      // A renderer: inside a type block applies to that block's devices.
      std::optional<std::string> block_renderer;
      if (const YAML::Node r = block["renderer"]; r.IsDefined()) {
        block_renderer = scalar(r, "renderer");
      }
      for (const auto& kv : block) {
        if (!kv.first.IsScalar()) {
          problem(kv.first, "a device ID must be a scalar");
          continue;
        }
        if (kv.first.Scalar() == "renderer") continue;
        readDevice(kv.first, kv.second, type, block_renderer);
      }
    }
  }

 private:
  NetplanFile& out_;
  std::string file_;
};

template <class T>
void overrideIfSet(std::optional<T>& into, const std::optional<T>& from) {
  if (from) into = from;
}

// Merges a later definition of the same ID into an earlier one.
void mergeInto(NetplanDevice& into, const NetplanDevice& from) {
  overrideIfSet(into.renderer, from.renderer);
  overrideIfSet(into.dhcp4, from.dhcp4);
  overrideIfSet(into.dhcp6, from.dhcp6);
  overrideIfSet(into.accept_ra, from.accept_ra);
  overrideIfSet(into.optional, from.optional);
  into.addresses.insert(into.addresses.end(), from.addresses.begin(), from.addresses.end());
  // netplan's link-local handler computes both families from the list it reads, so a later
  // list replaces the earlier one rather than extending it.
  overrideIfSet(into.link_local, from.link_local);
  into.has_match = into.has_match || from.has_match;
  if (from.match_mac) {
    // The MAC pin is the evidence that matters; point at the definition that sets it.
    into.match_mac = from.match_mac;
    into.match_mac_line = from.match_mac_line;
    into.source = from.source;
  }
  overrideIfSet(into.match_name, from.match_name);
  overrideIfSet(into.match_driver, from.match_driver);
  overrideIfSet(into.set_name, from.set_name);
  overrideIfSet(into.macaddress, from.macaddress);
  into.interfaces.insert(into.interfaces.end(), from.interfaces.begin(), from.interfaces.end());
  overrideIfSet(into.vlan_id, from.vlan_id);
  overrideIfSet(into.link, from.link);
}

bool isIpv6(std::string_view address) { return address.find(':') != std::string_view::npos; }

bool hasFamily(const std::vector<std::string>& addresses, bool v6) {
  return std::any_of(addresses.begin(), addresses.end(),
                     [v6](const std::string& a) { return isIpv6(a) == v6; });
}

bool linkLocalHas(const NetplanDevice& d, std::string_view family) {
  // netplan(5) link-local: "If this field is not defined, the default is to enable only IPv6
  // link-local addresses."
  if (!d.link_local) return family == "ipv6";
  return std::find(d.link_local->begin(), d.link_local->end(), family) != d.link_local->end();
}

AddrMethod ipv4Method(const NetplanDevice& d, bool member) {
  if (d.dhcp4.value_or(false)) return AddrMethod::kDhcp;
  if (hasFamily(d.addresses, false)) return AddrMethod::kStatic;
  if (member) return AddrMethod::kNone;
  if (linkLocalHas(d, "ipv4")) return AddrMethod::kLinkLocal;
  return AddrMethod::kNone;
}

AddrMethod ipv6Method(const NetplanDevice& d, bool member, std::string_view renderer) {
  if (d.dhcp6.value_or(false)) return AddrMethod::kDhcp;
  if (hasFamily(d.addresses, true)) return AddrMethod::kStatic;
  // Bond and bridge members get no link-local address and no RA handling from netplan.
  if (member) return AddrMethod::kNone;
  if (renderer == "NetworkManager") {
    // netplan's NM renderer (src/nm.c) writes [ipv6] method=ignore when there is neither dhcp6
    // nor a static IPv6 address: NetworkManager configures no IPv6 on the device.
    return AddrMethod::kNone;
  }
  // networkd renderer. netplan(5) accept-ra: "If unset use the host kernel default setting";
  // netplan then writes no IPv6AcceptRA= and networkd's default applies: RAs are accepted
  // except on bridges, and cannot be without an IPv6 link-local address (systemd.network(5)).
  // Unset accept-ra is recorded as kNone, as for the other stacks when a file says nothing about
  // IPv6: autoconfiguration by the kernel's defaults is judged by L-IPV6 from sysctl and the
  // kernel command line, not from interface files. Only an explicit `accept-ra: true` is kAuto.
  if (!linkLocalHas(d, "ipv6")) return AddrMethod::kNone;
  if (d.accept_ra) return *d.accept_ra ? AddrMethod::kAuto : AddrMethod::kLinkLocal;
  return AddrMethod::kNone;
}

}  // namespace

NetplanFile parseNetplan(std::string_view text, std::string_view file) {
  NetplanFile out;
  FileReader reader(out, file);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    out.problems.push_back({std::string(file), e.mark.line + 1,
                            "column " + std::to_string(e.mark.column + 1) + ": " + e.msg});
    return out;
  }
  if (!root.IsDefined() || root.IsNull()) return out;  // an empty file is valid and says nothing
  if (!root.IsMap()) {
    reader.problem(root, "the top level must be a mapping with a network: key");
    return out;
  }
  try {
    if (const YAML::Node network = root["network"]; network.IsDefined()) {
      reader.readNetwork(network);
    }
  } catch (const YAML::Exception& e) {
    // Keys that are not scalars and similar shapes yaml-cpp refuses to convert.
    out.problems.push_back({std::string(file), e.mark.line + 1,
                            "column " + std::to_string(e.mark.column + 1) + ": " + e.msg});
  }
  return out;
}

NetplanConfig mergeNetplan(const std::vector<NetplanFile>& files) {
  NetplanConfig config;
  std::map<std::string, std::size_t> index;
  for (const NetplanFile& f : files) {
    overrideIfSet(config.renderer, f.renderer);
    for (const NetplanDevice& d : f.devices) {
      auto it = index.find(d.id);
      if (it == index.end()) {
        index.emplace(d.id, config.devices.size());
        config.devices.push_back(d);
        continue;
      }
      NetplanDevice& existing = config.devices[it->second];
      if (existing.type != d.type) {
        // netplan(5): IDs "must be unique throughout the entire set of configuration files".
        config.problems.push_back({d.source.file, d.source.line,
                                   "ID " + d.id + " is already defined under " + existing.type +
                                       " (" + existing.source.file + ")"});
        continue;
      }
      mergeInto(existing, d);
    }
  }
  return config;
}

std::string netplanRenderer(const NetplanConfig& config, const NetplanDevice& device) {
  if (device.renderer) return *device.renderer;
  if (config.renderer) return *config.renderer;
  return "networkd";
}

std::vector<NicConfig> netplanNicConfigs(const NetplanConfig& config) {
  // Name each device first, so that members and VLAN links (written as IDs) resolve to names.
  std::map<std::string, std::string> name_of;
  for (const NetplanDevice& d : config.devices) {
    std::string name = d.id;
    if (isPhysical(d.type) && d.has_match) {
      // With match: rules the ID is opaque: the device keeps its own name unless set-name
      // renames it; a name glob is kept as the pattern it is.
      name = d.set_name ? *d.set_name : d.match_name.value_or("");
    }
    name_of[d.id] = name;
  }
  auto resolve = [&](const std::string& id) {
    auto it = name_of.find(id);
    return it == name_of.end() || it->second.empty() ? id : it->second;
  };
  std::map<std::string, std::string> master_of;
  for (const NetplanDevice& d : config.devices) {
    for (const std::string& m : d.interfaces) master_of[m] = name_of[d.id];
  }

  std::vector<NicConfig> out;
  for (const NetplanDevice& d : config.devices) {
    NicConfig c;
    c.name = name_of[d.id];
    c.stack = "netplan";
    c.source = d.source;
    // netplan(5): "If an interface is defined with an ID in a configuration file; it will be
    // brought up by the applicable renderer" (optional: only means boot does not wait for it).
    c.starts_at_boot = true;
    c.kind = std::string(kindOf(d.type));
    for (const std::string& m : d.interfaces) c.members.push_back(resolve(m));
    if (d.link) c.parent = resolve(*d.link);
    auto master = master_of.find(d.id);
    bool member = master != master_of.end();
    if (member) c.master = master->second;
    c.ipv4 = ipv4Method(d, member);
    c.ipv6 = ipv6Method(d, member, netplanRenderer(config, d));
    if (d.match_mac) {
      c.match_mac = *d.match_mac;
      c.match_line = d.match_mac_line;
    }
    if (d.macaddress) c.set_mac = *d.macaddress;
    if (d.set_name) c.set_name = *d.set_name;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace guestprep::os_linux
