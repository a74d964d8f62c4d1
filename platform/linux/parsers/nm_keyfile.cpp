// Parser for NetworkManager keyfile connection profiles.
#include "parsers/nm_keyfile.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <map>

#include "parsers/ini.h"
#include "parsers/shell_vars.h"
#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

// connection.type values (and the keyfile aliases of nm-keyfile-utils.c) to NicConfig kinds.
struct TypeInfo {
  std::string_view type;
  std::string_view kind;
  std::string_view setting;  ///< the setting group that carries mac-address / cloned-mac-address
  std::string_view alias;    ///< keyfile alias of that group ("ethernet", "wifi")
};

constexpr std::array<TypeInfo, 10> kTypes = {{
    {"802-3-ethernet", "ethernet", "802-3-ethernet", "ethernet"},
    {"ethernet", "ethernet", "802-3-ethernet", "ethernet"},
    {"802-11-wireless", "wireless", "802-11-wireless", "wifi"},
    {"wifi", "wireless", "802-11-wireless", "wifi"},
    {"bond", "bond", "802-3-ethernet", "ethernet"},
    {"bridge", "bridge", "802-3-ethernet", "ethernet"},
    {"team", "team", "802-3-ethernet", "ethernet"},
    {"vlan", "vlan", "802-3-ethernet", "ethernet"},
    {"infiniband", "infiniband", "infiniband", ""},
    {"loopback", "loopback", "", ""},
}};

const TypeInfo* typeInfo(std::string_view type) {
  for (const TypeInfo& t : kTypes) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

// GLib key-file string escapes (\s \n \t \r \\); other backslashes are kept as written.
std::string unescape(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\' || i + 1 == v.size()) {
      out += v[i];
      continue;
    }
    char n = v[++i];
    switch (n) {
      case 's':
        out += ' ';
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '\\':
        out += '\\';
        break;
      default:
        out += '\\';
        out += n;
    }
  }
  return out;
}

// NetworkManager reads a setting from its canonical group and falls back to the keyfile alias
// only when that group is absent (nm_keyfile_plugin_kf_get_* in nm-keyfile-utils.c).
const IniEntry* findSetting(const IniFile& ini, std::string_view setting, std::string_view alias,
                            std::string_view key) {
  if (ini.has(setting)) return ini.find(setting, key);
  if (!alias.empty()) return ini.find(alias, key);
  return nullptr;
}

// A MAC as keyfiles write it: "00:11:22:33:44:55", or the old list of decimal bytes
// "0;17;34;51;68;85;" written by NetworkManager 0.9.
std::string keyfileMac(std::string_view raw) {
  std::string norm = normaliseMac(raw);
  if (!norm.empty() || raw.find(';') == std::string_view::npos) return norm;
  std::string hex;
  for (const std::string& part : split(raw, ';')) {
    std::string_view p = trim(part);
    if (p.empty()) continue;
    if (p.size() > 3 || !std::all_of(p.begin(), p.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) != 0;
        })) {
      return "";
    }
    int byte = std::stoi(std::string(p));
    if (byte > 255) return "";
    constexpr std::string_view kDigits = "0123456789abcdef";
    hex += kDigits[static_cast<std::size_t>(byte / 16)];
    hex += kDigits[static_cast<std::size_t>(byte % 16)];
  }
  return normaliseMac(hex);
}

// Types whose profiles have no base-type group to infer from are left to the caller.
std::string inferType(const IniFile& ini) {
  for (std::string_view group : {"802-3-ethernet", "ethernet", "802-11-wireless", "wifi", "bond",
                                 "bridge", "team", "vlan", "infiniband", "loopback"}) {
    if (ini.has(group)) return std::string(group);
  }
  return "";
}

AddrMethod mapMethod(std::string_view method, bool v6) {
  // nm-settings(5) ipv4.method / ipv6.method. "auto" is DHCP for IPv4 and SLAAC (with DHCPv6
  // when the RA asks for it) for IPv6; "ignore" leaves IPv6 to the kernel, NetworkManager
  // configures nothing; "shared" gives the interface a fixed address (IPv4) or one from prefix
  // delegation (IPv6) and serves the network behind it.
  if (method == "auto") return v6 ? AddrMethod::kAuto : AddrMethod::kDhcp;
  if (method == "dhcp") return AddrMethod::kDhcp;
  if (method == "manual") return AddrMethod::kStatic;
  if (method == "disabled") return AddrMethod::kDisabled;
  if (method == "ignore") return AddrMethod::kNone;
  if (method == "link-local") return AddrMethod::kLinkLocal;
  if (method == "shared") return v6 ? AddrMethod::kDhcp : AddrMethod::kStatic;
  return AddrMethod::kUnknown;
}

AddrMethod readMethod(const IniFile& ini, std::string_view group, bool v6, bool port,
                      NmProfile& profile) {
  // A port (master/controller set) has no IP configuration: NetworkManager removes it when it
  // normalises the profile (_normalize_ip_config in libnm-core nm-connection.c).
  if (port) return AddrMethod::kNone;
  // A profile without the group gets one with method "auto" from the same normalisation.
  if (!ini.has(group)) return mapMethod("auto", v6);
  const IniEntry* m = ini.find(group, "method");
  if (!m) {
    const IniSection* s = ini.all(group).front();
    profile.problems.push_back(
        {profile.config.source.file, s->line,
         "[" + std::string(group) + "] has no method=; NetworkManager's reading of it is unknown"});
    return AddrMethod::kUnknown;
  }
  AddrMethod a = mapMethod(toLower(trim(m->value)), v6);
  if (a == AddrMethod::kUnknown) {
    profile.problems.push_back({profile.config.source.file, m->line,
                                "unknown " + std::string(group) + ".method: " + m->value});
  }
  return a;
}

}  // namespace

NmProfile parseNmKeyfile(std::string_view text, std::string_view file) {
  NmProfile p;
  NicConfig& c = p.config;
  c.stack = "networkmanager";
  c.source = {std::string(file), 0};
  IniFile ini = parseIni(text, kGKeyFileSyntax);
  for (ConfigProblem& pr : ini.problems) {
    pr.file = std::string(file);
    pr.message += " (GLib refuses the whole file, so NetworkManager does not load this profile)";
    p.problems.push_back(std::move(pr));
  }
  bool syntax_ok = ini.problems.empty();

  if (auto sections = ini.all("connection"); !sections.empty()) c.source.line = sections[0]->line;
  auto value = [&](std::string_view group, std::string_view key) {
    const IniEntry* e = ini.find(group, key);
    return e ? unescape(e->value) : std::string();
  };
  p.id = value("connection", "id");
  p.uuid = value("connection", "uuid");
  p.type = value("connection", "type");
  if (p.type.empty()) p.type = inferType(ini);
  if (p.type.empty()) {
    p.problems.push_back({std::string(file), c.source.line,
                          "no connection.type and no setting group to infer it from"});
  }
  p.loadable = syntax_ok && !p.type.empty();

  const TypeInfo* info = typeInfo(p.type);
  c.kind = info ? std::string(info->kind) : "other";

  c.name = value("connection", "interface-name");
  if (c.name.empty() && info && ini.has(info->type)) {
    // Old profiles kept interface-name in the type group; NetworkManager still reads it there.
    c.name = value(info->type, "interface-name");
  }

  c.starts_at_boot = true;  // nm-settings(5): connection.autoconnect defaults to yes
  if (const IniEntry* a = ini.find("connection", "autoconnect")) {
    if (isNo(trim(a->value))) {
      c.starts_at_boot = false;
    } else if (!isYes(trim(a->value))) {
      p.problems.push_back(
          {std::string(file), a->line,
           "autoconnect is not a boolean (NetworkManager keeps the default yes): " + a->value});
    }
  }

  // "controller" and "port-type" are the 1.46 names of "master" and "slave-type".
  std::string master = value("connection", "controller");
  if (master.empty()) master = value("connection", "master");
  c.master = master;
  bool port = !master.empty();

  if (info && !info->setting.empty()) {
    if (const IniEntry* m = findSetting(ini, info->setting, info->alias, "mac-address")) {
      std::string mac = keyfileMac(unescape(m->value));
      c.match_mac = mac.empty() ? toLower(trim(m->value)) : mac;
      c.match_line = m->line;
    }
    if (const IniEntry* m = findSetting(ini, info->setting, info->alias, "cloned-mac-address")) {
      // Besides a MAC, the value may be "preserve", "permanent", "random" or "stable".
      c.set_mac = keyfileMac(unescape(m->value));
    }
  }
  if (p.type == "vlan") c.parent = value("vlan", "parent");

  c.ipv4 = readMethod(ini, "ipv4", false, port, p);
  c.ipv6 = readMethod(ini, "ipv6", true, port, p);
  return p;
}

void linkNmProfiles(std::vector<NmProfile>& profiles) {
  std::map<std::string, std::string> name_by_uuid;
  for (const NmProfile& p : profiles) {
    if (!p.uuid.empty() && !p.config.name.empty()) name_by_uuid[p.uuid] = p.config.name;
  }
  auto resolve = [&](std::string& ref) {
    auto it = name_by_uuid.find(ref);
    if (it != name_by_uuid.end()) ref = it->second;
  };
  for (NmProfile& p : profiles) {
    if (!p.config.master.empty()) resolve(p.config.master);
    if (!p.config.parent.empty()) resolve(p.config.parent);
  }
  for (NmProfile& master : profiles) {
    if (master.config.name.empty()) continue;
    for (const NmProfile& port : profiles) {
      if (&port == &master || port.config.master != master.config.name) continue;
      std::string member = port.config.name;
      // A port matched by MAC only has no name; its profile id still identifies it.
      if (member.empty()) member = port.config.match_mac.empty() ? port.id : port.config.match_mac;
      auto& members = master.config.members;
      if (std::find(members.begin(), members.end(), member) == members.end()) {
        members.push_back(member);
      }
    }
  }
}

bool nmIgnoresFilename(std::string_view name, bool require_extension) {
  // Mirrors nms_keyfile_utils_should_ignore_file() of NetworkManager's keyfile plugin.
  if (name.empty() || name.front() == '.' || name.back() == '~') return true;
  if (std::size_t dot = name.rfind('.'); dot != std::string_view::npos) {
    std::string_view suffix = name.substr(dot + 1);
    if (suffix.size() == 6 && std::all_of(suffix.begin(), suffix.end(), [](char ch) {
          return std::isalnum(static_cast<unsigned char>(ch)) != 0;
        })) {
      return true;
    }
  }
  std::string lower = toLower(name);
  auto endsWith = [&](std::string_view s) { return lower.size() > s.size() && lower.ends_with(s); };
  if (endsWith(".pem") || endsWith(".der")) return true;
  if (require_extension && !(name.size() > 13 && name.ends_with(".nmconnection"))) return true;
  return false;
}

}  // namespace guestprep::os_linux
