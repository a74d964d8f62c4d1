// Network fixers: one NIC at boot (L-NIC), IPv6 off for the next boot (L-IPV6), the primary NIC
// on DHCP (L-DHCP) and no configuration pinned to this machine's NICs (X-NETPIN).
//
// Each fixer reads the boot network configuration again through the planning host, so it sees
// what the fixers before it planned, edits the files the probes named (SourceRef), and before
// returning runs the probes and its rule over the system as its actions would leave it: a plan
// that would not make the rule pass is refused with the reason instead of half-applied.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "fix/planned_host.h"
#include "fixers/edit.h"
#include "fixers/fixers.h"
#include "fixers/network_edit.h"
#include "parsers/eni.h"
#include "parsers/ini.h"
#include "parsers/netplan.h"
#include "parsers/shell_vars.h"
#include "parsers/sysctl.h"
#include "parsers/text.h"
#include "probes/network_probes.h"
#include "rules/network_rules.h"
#include "rules/network_view.h"

namespace guestprep::os_linux {

namespace {

using netfix::FileEdits;
using netfix::ifcfgComment;
using netfix::ifcfgSet;
using netfix::isIpv6Address;
using netfix::renamedInterface;

constexpr std::string_view kSysctlDropIn = "/etc/sysctl.d/90-guestprep-disable-ipv6.conf";

// ---- the network as the probes see the planned system -----------------------------------------

// netplan renders its YAML into /run at boot; on a running system those files are the old
// YAML's rendering until the next boot, so they are not configuration of their own.
bool renderedByNetplan(const NicConfig& c) {
  return c.source.file.starts_with("/run/") && c.source.file.find("netplan") != std::string::npos;
}

/// The boot network configuration read again through `host`; runtime facts are `original`'s.
NetworkFacts probeBootNetwork(const Host& host, const NetworkFacts& original) {
  NetworkFacts n;
  probeIfcfgRedHat(host, n);
  probeIfcfgSuse(host, n);
  probeEni(host, n);
  probeNetplan(host, n);
  probeNetworkManager(host, n);
  probeNetworkd(host, n);
  probePersistentNetRules(host, n);
  probeIpv6Boot(host, n);
  probeCloudInitNetwork(host, n);
  std::erase_if(n.configs, renderedByNetplan);
  n.runtime_nics = original.runtime_nics;
  n.runtime_ipv6 = original.runtime_ipv6;
  n.runtime_cmdline = original.runtime_cmdline;
  return n;
}

using Evaluate = Outcome (*)(const Facts&, const Params&);

/// The rule's outcome on the system as `actions` leave it, from the boot configuration alone
/// (what is present now is not the fixer's to change).
Outcome simulate(const FixContext& ctx, const std::vector<Action>& actions, Evaluate evaluate) {
  PlannedHost sim(ctx.host);
  for (const Action& a : actions) sim.apply(a);
  Facts facts;
  facts.network = probeBootNetwork(sim, ctx.facts.network);
  const std::string why = "not considered when checking a plan";
  facts.network.runtime_nics = Observed<std::vector<RuntimeNic>>::failed(why);
  facts.network.runtime_ipv6 = Observed<std::vector<Inet6Addr>>::failed(why);
  facts.network.runtime_cmdline = Observed<KernelCmdline>::failed(why);
  return evaluate(facts, ctx.params);
}

/// Refuses a plan whose result the rule would not accept.
Result<void> checkPlan(const FixContext& ctx, const std::vector<Action>& actions, Evaluate evaluate,
                       bool accept_warn, std::vector<std::string>& notes) {
  Outcome after = simulate(ctx, actions, evaluate);
  if (after.status == Status::kPass || after.status == Status::kNotApplicable) return {};
  if (after.status == Status::kWarn && accept_warn) {
    notes.push_back("left to do by hand: " + after.message);
    return {};
  }
  std::string why = toString(after.status) + ": " + after.message;
  for (const Evidence& e : after.evidence) {
    if (e.source.starts_with("/")) {
      why += fmt::format(" [{}{}]", e.source, e.line ? ":" + std::to_string(e.line) : "");
      break;
    }
  }
  return fail(ErrorCode::kUnsupported, "the changes this fixer can make would leave the rule at " +
                                           why + "; fix it by hand");
}

bool isPattern(const std::string& name) { return name.find_first_of("*?[") != std::string::npos; }

/// The physical NICs the rule counts (a name pattern next to named NICs adds none).
std::vector<std::string> countedNics(const BootNetwork& view) {
  bool any_named = std::any_of(view.physical.begin(), view.physical.end(),
                               [](const auto& p) { return !isPattern(p.first); });
  std::vector<std::string> out;
  for (const auto& [name, configs] : view.physical) {
    if (!(any_named && isPattern(name))) out.push_back(name);
  }
  return out;
}

bool isVirtualKind(const std::string& kind) {
  return kind == "bond" || kind == "bridge" || kind == "team";
}

// The configuration that decides `nic`'s IPv4 address: its own, or its master's (as nic.dhcp).
const NicConfig* addressConfig(const BootNetwork& view, const std::string& nic) {
  auto it = view.physical.find(nic);
  if (it == view.physical.end() || it->second.empty()) return nullptr;
  const NicConfig* best = nullptr;
  for (const NicConfig* c : it->second) {
    if (c->kind != "alias" && c->kind != "vlan") {
      best = c;
      break;
    }
  }
  if (!best) best = it->second.front();
  for (int depth = 0; depth < 4 && !best->master.empty(); ++depth) {
    const NicConfig* master = nullptr;
    for (const NicConfig* c : view.active) {
      if (c->name == best->master) master = c;
    }
    if (!master) break;
    best = master;
  }
  return best;
}

// The interface of the IPv4 default route now (/proc/net/route), or "".
std::string defaultRouteNic(const Host& host) {
  if (!host.hasRuntimeState()) return "";
  auto text = host.readFile("/proc/net/route");
  if (!text) return "";
  for (const std::string& line : split(*text, '\n')) {
    std::vector<std::string> f = splitWords(line);
    if (f.size() >= 8 && f[1] == "00000000" && f[7] == "00000000") return f[0];
  }
  return "";
}

// "eth12" -> ("eth", 12); names without a trailing number give -1.
std::pair<std::string, long> nameIndex(const std::string& name) {
  std::size_t d = name.size();
  while (d > 0 && std::isdigit(static_cast<unsigned char>(name[d - 1]))) --d;
  if (d == name.size() || d == 0) return {name, -1};
  bool alpha = std::all_of(name.begin(), name.begin() + static_cast<long>(d),
                           [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  if (!alpha) return {name, -1};
  return {name.substr(0, d), std::strtol(name.c_str() + d, nullptr, 10)};
}

struct Primary {
  std::string nic;
  std::string why;
};

/// Which NIC the image keeps: the one with the default route now on a running system; else
/// eth0, or the lowest index of one naming scheme (ens3 before ens4); else the only DHCP one.
Result<Primary> choosePrimary(const Host& host, const BootNetwork& view,
                              const std::vector<std::string>& nics) {
  if (nics.size() == 1) return Primary{nics.front(), "the only NIC configured"};
  std::string routed = defaultRouteNic(host);
  if (!routed.empty() && std::find(nics.begin(), nics.end(), routed) != nics.end()) {
    return Primary{routed, "it carries the default route now"};
  }
  if (std::find(nics.begin(), nics.end(), "eth0") != nics.end()) {
    return Primary{"eth0", "eth0 is the first kernel-named NIC"};
  }
  auto first = nameIndex(nics.front());
  bool one_scheme = first.second >= 0 && std::all_of(nics.begin(), nics.end(), [&](const auto& n) {
                      auto x = nameIndex(n);
                      return x.second >= 0 && x.first == first.first;
                    });
  if (one_scheme) {
    auto lowest = std::min_element(nics.begin(), nics.end(), [](const auto& a, const auto& b) {
      return nameIndex(a).second < nameIndex(b).second;
    });
    return Primary{*lowest, "the lowest index among " + first.first + "N names"};
  }
  std::vector<std::string> dhcp;
  for (const std::string& n : nics) {
    const NicConfig* c = addressConfig(view, n);
    if (c && c->ipv4 == AddrMethod::kDhcp) dhcp.push_back(n);
  }
  if (dhcp.size() == 1) return Primary{dhcp.front(), "the only NIC configured for DHCP"};
  return fail(ErrorCode::kUnsupported,
              fmt::format("cannot tell which NIC is the primary among {} (no default route now, "
                          "no eth0, names of different schemes, {} on DHCP): keep one by hand",
                          fmt::join(nics, ", "), dhcp.size()));
}

std::string withLine(const SourceRef& s) {
  return s.line ? fmt::format("{}:{}", s.file, s.line) : s.file;
}

// ---- ifupdown: the files of the configuration ---------------------------------------------

std::string dirOf(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

std::vector<std::string> expandGlob(const Host& host, const std::string& pattern) {
  std::vector<std::string> current = {""};
  for (const std::string& part : split(pattern, '/')) {
    if (part.empty()) continue;
    std::vector<std::string> next;
    for (const std::string& base : current) {
      if (part.find_first_of("*?[") == std::string::npos) {
        next.push_back(base + "/" + part);
        continue;
      }
      auto entries = host.listDir(base.empty() ? "/" : base);
      if (!entries) continue;
      for (const std::string& e : *entries) {
        if (e.front() == '.' && part.front() != '.') continue;
        if (globMatch(part, e)) next.push_back(base + "/" + e);
      }
    }
    current = std::move(next);
  }
  std::sort(current.begin(), current.end());
  return current;
}

/// /etc/network/interfaces and the files it sources, in reading order (as the eni probe).
std::vector<std::string> eniFiles(const Host& host) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::vector<std::pair<std::string, int>> todo = {{"/etc/network/interfaces", 0}};
  while (!todo.empty()) {
    auto [path, depth] = todo.front();
    todo.erase(todo.begin());
    if (depth > 8 || !seen.insert(path).second) continue;
    auto text = host.readFile(path);
    if (!text) continue;
    out.push_back(path);
    EniFile f = parseEni(*text, path);
    std::vector<std::pair<std::string, int>> found;
    for (const EniInclude& inc : f.includes) {
      std::string pattern =
          inc.pattern.front() == '/' ? inc.pattern : dirOf(path) + "/" + inc.pattern;
      for (const std::string& target : expandGlob(host, pattern)) {
        if (!inc.directory) {
          found.emplace_back(target, depth + 1);
          continue;
        }
        auto entries = host.listDir(target);
        if (!entries) continue;
        std::vector<std::string> names = *entries;
        std::sort(names.begin(), names.end());
        for (const std::string& n : names) {
          // source-directory reads run-parts names only (^[a-zA-Z0-9_-]+$).
          bool run_parts = std::all_of(n.begin(), n.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
          });
          if (run_parts) found.emplace_back(target + "/" + n, depth + 1);
        }
      }
    }
    todo.insert(todo.begin(), found.begin(), found.end());
  }
  return out;
}

// The line of the top-level item after `line` in a parsed file (0: none).
int nextItemLine(const EniFile& f, int line) {
  int next = 0;
  auto consider = [&](int l) {
    if (l > line && (next == 0 || l < next)) next = l;
  };
  for (const auto& i : f.ifaces) consider(i.line);
  for (const auto& l : f.name_lists) consider(l.line);
  for (const auto& m : f.mappings) consider(m.line);
  for (const auto& inc : f.includes) consider(inc.line);
  return next;
}

/// Applies `step` to each ENI file until it reports nothing more to do (each step edits one
/// place, and the file is parsed again before the next, so line numbers never go stale).
Result<void> eniEach(const FixContext& ctx, FileEdits& edits,
                     const std::function<bool(std::string& text, const EniFile& f)>& step) {
  for (const std::string& file : eniFiles(ctx.host)) {
    for (int guard = 0; guard < 1000; ++guard) {
      auto text = edits.text(file);
      if (!text) return std::unexpected(text.error());
      std::string t = *text;
      EniFile parsed = parseEni(t, file);
      if (!step(t, parsed)) break;
      edits.set(file, t, "ifupdown configuration");
    }
  }
  return {};
}

bool isAddressOption(std::string_view key) {
  std::string k = toLower(key);
  std::replace(k.begin(), k.end(), '_', '-');
  return k == "address" || k == "netmask" || k == "gateway" || k == "broadcast" || k == "network" ||
         k == "pointopoint";
}

// ---- netplan: the files and the definitions of one ID -----------------------------------------

std::map<std::string, std::string> netplanFiles(const Host& host) {
  std::map<std::string, std::string> files;
  for (std::string_view dir : {"/lib/netplan", "/etc/netplan", "/run/netplan"}) {
    auto names = host.listDir(dir);
    if (!names) continue;
    for (const std::string& name : *names) {
      if (name.ends_with(".yaml")) files[name] = std::string(dir) + "/" + name;
    }
  }
  return files;
}

/// The configuration ID of the netplan device whose definition is at `source`.
Result<std::string> netplanId(FileEdits& edits, const SourceRef& source) {
  auto text = edits.text(source.file);
  if (!text) return std::unexpected(text.error());
  NetplanFile f = parseNetplan(*text, source.file);
  for (const NetplanDevice& d : f.devices) {
    if (d.source.line == source.line) return d.id;
  }
  return fail(ErrorCode::kInvalidInput, "netplan: no device definition at " + withLine(source));
}

using NetplanEdit = std::function<Result<bool>(std::string& text, const std::string& id, int line)>;

/// Applies `edit` to every definition of `id` (a device may be defined in several files, which
/// netplan merges); files shipped under /lib/netplan get an override copy in /etc/netplan.
Result<bool> netplanEach(FileEdits& edits, const Host& host, const std::string& id,
                         const NetplanEdit& edit) {
  bool changed = false;
  for (const auto& [name, path] : netplanFiles(host)) {
    auto target = netfix::editTarget(path, "/etc/netplan");
    // Only files that define the device matter; one in /run that does not is left alone.
    auto probe = edits.text(path);
    if (!probe) continue;
    NetplanFile original = parseNetplan(*probe, path);
    bool defines = std::any_of(original.devices.begin(), original.devices.end(),
                               [&](const NetplanDevice& d) { return d.id == id; });
    if (!defines) continue;
    if (!target) return std::unexpected(target.error());
    auto text = edits.text(*target, path, netfix::overrideHeader(path));
    if (!text) return std::unexpected(text.error());
    std::string t = *text;
    NetplanFile f = parseNetplan(t, *target);
    for (const NetplanDevice& d : f.devices) {
      if (d.id != id) continue;
      auto r = edit(t, id, d.source.line);
      if (!r) return std::unexpected(r.error());
      changed = changed || *r;
      break;
    }
    edits.set(*target, t, "netplan configuration", 0600);
  }
  return changed;
}

// ---- per stack: what each fix changes in one configuration -------------------------------

bool ipv4AddressKey(std::string_view k) {
  for (std::string_view base : {"IPADDR", "NETMASK", "PREFIX", "GATEWAY", "NETWORK", "BROADCAST"}) {
    if (!k.starts_with(base)) continue;
    std::string_view rest = k.substr(base.size());
    if (std::all_of(rest.begin(), rest.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      return true;
    }
  }
  return false;
}

// SUSE: IPADDR_x / NETMASK_x / PREFIXLEN_x (any suffix).
bool suseIpv4AddressKey(std::string_view k) {
  return k.starts_with("IPADDR") || k.starts_with("NETMASK") || k.starts_with("PREFIXLEN") ||
         k.starts_with("BROADCAST") || k.starts_with("NETWORK");
}

bool pinKey(std::string_view k) { return k == "HWADDR" || k == "MACADDR"; }
bool suseMacKey(std::string_view k) { return k == "LLADDR"; }

bool nmAddressKey(std::string_view k) {
  return k.starts_with("address") || k == "gateway" || k.starts_with("routes") ||
         k.starts_with("route");
}
bool nmMacKey(std::string_view k) { return k == "mac-address" || k == "cloned-mac-address"; }
bool isAddressKey(std::string_view k) { return k == "Address"; }
bool isGatewayKey(std::string_view k) { return k == "Gateway"; }
bool isMacMatchKey(std::string_view k) { return k == "MACAddress" || k == "PermanentMACAddress"; }
bool isNameKey(std::string_view k) { return k == "Name"; }
bool ipv6Value(std::string_view v) { return netfix::isIpv6Address(v); }
bool ipv4Value(std::string_view v) { return !netfix::isIpv6Address(v); }
bool dropIpv6(std::string_view a) { return netfix::isIpv6Address(a); }
bool dropIpv4(std::string_view a) { return !netfix::isIpv6Address(a); }

const std::vector<std::string> kNmEthernet = {"ethernet", "802-3-ethernet"};

// The file a configuration of `stack` is edited in.
Result<std::string> stackTarget(const NicConfig& c) {
  if (c.stack == "networkmanager") {
    return netfix::editTarget(c.source.file, "/etc/NetworkManager/system-connections");
  }
  if (c.stack == "networkd") return netfix::editTarget(c.source.file, "/etc/systemd/network");
  return netfix::editTarget(c.source.file, "/etc");
}

/// Text of the file `c` is edited in (an override copy started when needed).
Result<std::pair<std::string, std::string>> openConfig(FileEdits& edits, const NicConfig& c) {
  auto target = stackTarget(c);
  if (!target) return std::unexpected(target.error());
  if (c.stack == "networkd") edits.ensureDir("/etc/systemd/network");
  auto text = *target == c.source.file
                  ? edits.text(*target)
                  : edits.text(*target, c.source.file, netfix::overrideHeader(c.source.file));
  if (!text) return std::unexpected(text.error());
  return std::make_pair(*target, *text);
}

/// Opens the file `c` is edited in (openConfig), lets `edit` change its text, and keeps the
/// result (`mode` for a new override copy).
Result<void> editConfig(
    FileEdits& edits, const NicConfig& c, const std::string& why, std::uint32_t mode,
    const std::function<Result<void>(const std::string& path, std::string& text)>& edit) {
  auto f = openConfig(edits, c);
  if (!f) return std::unexpected(f.error());
  auto& [path, text] = *f;
  if (auto r = edit(path, text); !r) return r;
  edits.set(path, text, why, mode);
  return {};
}

Result<void> disableConfig(const FixContext& ctx, FileEdits& edits, const NicConfig& c) {
  const std::string why = "L-NIC: only the primary NIC starts at boot";
  if (c.stack == "ifcfg" || c.stack == "suse-ifcfg") {
    return editConfig(
        edits, c, why, 0644, [&](const std::string& path, std::string& text) -> Result<void> {
          bool alias = c.kind == "alias";
          std::string key = c.stack == "ifcfg" ? (alias ? "ONPARENT" : "ONBOOT") : "STARTMODE";
          std::string value = c.stack == "ifcfg" ? "no" : "off";
          if (ifcfgSet(text, key, value)) edits.change(fmt::format("{}: {}={}", path, key, value));
          return {};
        });
  }
  if (c.stack == "eni") {
    return eniEach(ctx, edits, [&](std::string& text, const EniFile& f) {
      for (const EniNameList& l : f.name_lists) {
        if (l.keyword != "auto" && !l.keyword.starts_with("allow-")) continue;
        if (std::find(l.names.begin(), l.names.end(), c.name) == l.names.end()) continue;
        netfix::eniRemoveName(text, l.line, c.name, why);
        edits.change(fmt::format("{}:{}: {} {} commented out", l.file, l.line, l.keyword, c.name));
        return true;
      }
      for (const EniIface& i : f.ifaces) {
        if (i.name != c.name) continue;
        netfix::eniCommentStanza(text, i.line, nextItemLine(f, i.line), why);
        edits.change(
            fmt::format("{}:{}: iface {} {} commented out", i.file, i.line, i.name, i.family));
        return true;
      }
      return false;
    });
  }
  if (c.stack == "netplan") {
    auto id = netplanId(edits, c.source);
    if (!id) return std::unexpected(id.error());
    auto r = netplanEach(edits, ctx.host, *id, [&](std::string& t, const std::string& i, int l) {
      auto done = netfix::yamlCommentDevice(t, i, l, why);
      if (!done) return Result<bool>(std::unexpected(done.error()));
      return Result<bool>(true);
    });
    if (!r) return std::unexpected(r.error());
    edits.change(fmt::format("netplan: device {} commented out", *id));
    return {};
  }
  if (c.stack == "networkmanager" || c.stack == "networkd") {
    return editConfig(
        edits, c, why, 0600, [&](const std::string& path, std::string& text) -> Result<void> {
          // networkd: the file keeps matching the NIC, so no catch-all file (Name=*) picks it up.
          bool nm = c.stack == "networkmanager";
          if (netfix::iniSet(text, {nm ? "connection" : "Link"}, nm ? "autoconnect" : "Unmanaged",
                             nm ? "false" : "yes")) {
            edits.change(fmt::format(
                "{}: {}", path, nm ? "[connection] autoconnect=false" : "[Link] Unmanaged=yes"));
          }
          return {};
        });
  }
  return fail(ErrorCode::kUnsupported, "unknown network stack " + c.stack);
}

Result<void> dhcpConfig(const FixContext& ctx, FileEdits& edits, const NicConfig& c) {
  const std::string why = "L-DHCP: the cloud assigns the address by DHCP";
  if (c.stack == "ifcfg" || c.stack == "suse-ifcfg") {
    return editConfig(
        edits, c, why, 0644, [&](const std::string& path, std::string& text) -> Result<void> {
          bool suse = c.stack == "suse-ifcfg";
          std::string proto = suse ? "dhcp4" : "dhcp";
          if (ifcfgSet(text, "BOOTPROTO", proto)) {
            edits.change(fmt::format("{}: BOOTPROTO={}", path, proto));
          }
          if (suse) {
            // IPv6 addresses stay for L-IPV6 to judge; only the IPv4 ones give way to DHCP.
            ShellVarsFile vars = parseShellVars(text);
            TextLines lines(text);
            for (const ShellVar& v : vars.vars) {
              if (suseIpv4AddressKey(v.key) &&
                  !(v.key.starts_with("IPADDR") && isIpv6Address(v.value))) {
                lines.commentOut(v.line, why);
                edits.change(fmt::format("{}:{}: {} commented out", path, v.line, v.key));
              }
            }
            text = lines.str();
          } else {
            for (const std::string& k : ifcfgComment(text, ipv4AddressKey, why)) {
              edits.change(fmt::format("{}: {} commented out", path, k));
            }
          }
          return {};
        });
  }
  if (c.stack == "eni") {
    bool found = false;
    auto r = eniEach(ctx, edits, [&](std::string& text, const EniFile& f) {
      for (const EniIface& i : f.ifaces) {
        if (i.name != c.name || i.family != "inet") continue;
        if (found && i.method == "dhcp") continue;
        TextLines lines(text);
        if (i.method != "dhcp") {
          std::vector<std::string> words = splitWords(lines.at(i.line));
          if (words.size() < 4) return false;
          std::string line = lines.at(i.line);
          std::size_t at = line.find(words[3], line.find(words[2]) + words[2].size());
          line.replace(at, words[3].size(), "dhcp");
          lines.commentOut(i.line, why);
          lines.insert(i.line + 1, line);
          edits.change(
              fmt::format("{}:{}: iface {} inet {} -> dhcp", i.file, i.line, i.name, i.method));
        }
        bool any = false;
        for (const EniOption& o : i.options) {
          if (!isAddressOption(o.key)) continue;
          // The stanza's line moved one down when its new form was inserted above.
          int at = o.line + (i.method != "dhcp" ? 1 : 0);
          lines.commentOut(at, why);
          edits.change(fmt::format("{}:{}: {} commented out", i.file, o.line, o.key));
          any = true;
        }
        found = true;
        if (i.method == "dhcp" && !any) continue;
        text = lines.str();
        return true;
      }
      return false;
    });
    if (!r) return r;
    if (!found) {
      auto text = edits.text(c.source.file);
      if (!text) return std::unexpected(text.error());
      TextLines lines(*text);
      lines.append("# " + editMarker() + ": " + why);
      lines.append("iface " + c.name + " inet dhcp");
      edits.set(c.source.file, lines.str(), why);
      edits.change(fmt::format("{}: iface {} inet dhcp added", c.source.file, c.name));
    }
    return {};
  }
  if (c.stack == "netplan") {
    auto id = netplanId(edits, c.source);
    if (!id) return std::unexpected(id.error());
    auto r = netplanEach(edits, ctx.host, *id, [&](std::string& t, const std::string& i, int l) {
      auto a = netfix::yamlDropAddresses(t, i, l, dropIpv4, why);
      if (!a) return Result<bool>(std::unexpected(a.error()));
      // Line numbers of the device key do not move: edits only comment out or insert below it.
      auto g = netfix::yamlComment(t, i, l, "gateway4", why);
      if (!g) return g;
      return netfix::yamlSet(t, i, l, "dhcp4", "true");
    });
    if (!r) return std::unexpected(r.error());
    edits.change(
        fmt::format("netplan: {}: dhcp4: true, IPv4 addresses and gateway4 commented out", *id));
    return {};
  }
  if (c.stack == "networkmanager") {
    return editConfig(edits, c, why, 0600,
                      [&](const std::string& path, std::string& text) -> Result<void> {
                        netfix::iniComment(text, {"ipv4"}, nmAddressKey, why);
                        netfix::iniSet(text, {"ipv4"}, "method", "auto");
                        edits.change(path + ": [ipv4] method=auto, static addresses commented out");
                        return {};
                      });
  }
  if (c.stack == "networkd") {
    return editConfig(
        edits, c, why, 0644, [&](const std::string& path, std::string& text) -> Result<void> {
          netfix::iniComment(text, {"Network", "Address"}, isAddressKey, why, ipv4Value);
          netfix::iniComment(text, {"Network"}, isGatewayKey, why, ipv4Value);
          std::string dhcp = "ipv4";
          if (c.ipv6 == AddrMethod::kDhcp) dhcp = "yes";
          netfix::iniSet(text, {"Network"}, "DHCP", dhcp);
          edits.change(fmt::format("{}: [Network] DHCP={}, static IPv4 addresses commented out",
                                   path, dhcp));
          return {};
        });
  }
  return fail(ErrorCode::kUnsupported, "unknown network stack " + c.stack);
}

Result<void> noIpv6Config(const FixContext& ctx, FileEdits& edits, const NicConfig& c) {
  const std::string why = "L-IPV6: IPv6 is not supported by the target cloud";
  if (c.stack == "ifcfg") {
    return editConfig(edits, c, why, 0644,
                      [&](const std::string& path, std::string& text) -> Result<void> {
                        if (ifcfgSet(text, "IPV6INIT", "no")) edits.change(path + ": IPV6INIT=no");
                        return {};
                      });
  }
  if (c.stack == "suse-ifcfg") {
    return editConfig(
        edits, c, why, 0644, [&](const std::string& path, std::string& text) -> Result<void> {
          ShellVarsFile vars = parseShellVars(text);
          const ShellVar* proto = vars.find("BOOTPROTO");
          std::string p = proto ? toLower(trim(proto->value)) : "static";
          std::vector<std::string> kept;
          for (const std::string& token : split(p, '+')) {
            if (token == "dhcp") {
              kept.emplace_back("dhcp4");
            } else if (token != "dhcp6" && token != "auto6") {
              kept.push_back(token);
            }
          }
          std::string np = fmt::format("{}", fmt::join(kept, "+"));
          if (np.empty()) np = "static";
          TextLines lines(text);
          for (const ShellVar& v : vars.vars) {
            if (v.key.starts_with("IPADDR") && isIpv6Address(v.value)) {
              lines.commentOut(v.line, why);
              edits.change(fmt::format("{}:{}: {} commented out", path, v.line, v.key));
            }
          }
          text = lines.str();
          if (np != p && ifcfgSet(text, "BOOTPROTO", np)) {
            edits.change(fmt::format("{}: BOOTPROTO={}", path, np));
          }
          return {};
        });
  }
  if (c.stack == "eni") {
    return eniEach(ctx, edits, [&](std::string& text, const EniFile& f) {
      for (const EniIface& i : f.ifaces) {
        if (i.name != c.name || i.family != "inet6") continue;
        netfix::eniCommentStanza(text, i.line, nextItemLine(f, i.line), why);
        edits.change(fmt::format("{}:{}: iface {} inet6 {} commented out", i.file, i.line, i.name,
                                 i.method));
        return true;
      }
      return false;
    });
  }
  if (c.stack == "netplan") {
    auto id = netplanId(edits, c.source);
    if (!id) return std::unexpected(id.error());
    auto r = netplanEach(edits, ctx.host, *id, [&](std::string& t, const std::string& i, int l) {
      auto a = netfix::yamlDropAddresses(t, i, l, dropIpv6, why);
      if (!a) return Result<bool>(std::unexpected(a.error()));
      auto g = netfix::yamlComment(t, i, l, "gateway6", why);
      if (!g) return g;
      NetplanFile parsed = parseNetplan(t, "");
      for (const NetplanDevice& d : parsed.devices) {
        if (d.id != i) continue;
        if (d.dhcp6.value_or(false)) {
          if (auto s = netfix::yamlSet(t, i, l, "dhcp6", "false"); !s) return s;
        }
        if (d.accept_ra.value_or(false)) {
          if (auto s = netfix::yamlSet(t, i, l, "accept-ra", "false"); !s) return s;
        }
      }
      return Result<bool>(true);
    });
    if (!r) return std::unexpected(r.error());
    edits.change(
        fmt::format("netplan: {}: dhcp6/accept-ra off, IPv6 addresses commented out", *id));
    return {};
  }
  if (c.stack == "networkmanager") {
    return editConfig(edits, c, why, 0600,
                      [&](const std::string& path, std::string& text) -> Result<void> {
                        netfix::iniComment(text, {"ipv6"}, nmAddressKey, why);
                        // "ignore" (not "disabled", which NetworkManager before 1.20 refuses):
                        // NetworkManager leaves IPv6 to the kernel, which the sysctl setting turns
                        // off.
                        netfix::iniSet(text, {"ipv6"}, "method", "ignore");
                        edits.change(path + ": [ipv6] method=ignore");
                        return {};
                      });
  }
  if (c.stack == "networkd") {
    return editConfig(
        edits, c, why, 0644, [&](const std::string& path, std::string& text) -> Result<void> {
          netfix::iniComment(text, {"Network", "Address"}, isAddressKey, why, ipv6Value);
          netfix::iniComment(text, {"Network"}, isGatewayKey, why, ipv6Value);
          std::string dhcp = c.ipv4 == AddrMethod::kDhcp ? "ipv4" : "no";
          if (c.ipv6 == AddrMethod::kDhcp) netfix::iniSet(text, {"Network"}, "DHCP", dhcp);
          netfix::iniSet(text, {"Network"}, "IPv6AcceptRA", "no");
          // LinkLocalAddressing=no would also turn IPv4 link-local off where it was asked for.
          std::string ll = "no";
          {
            TextLines lines(text);
            for (int n = 1; n <= static_cast<int>(lines.size()); ++n) {
              std::string_view t = trim(lines.at(n));
              if (!t.starts_with("LinkLocalAddressing")) continue;
              std::size_t eq = t.find('=');
              if (eq == std::string_view::npos) continue;
              std::string v = toLower(trim(t.substr(eq + 1)));
              if (v == "yes" || v == "ipv4") ll = "ipv4";
              if (v == "fallback" || v == "ipv4-fallback") ll = "ipv4-fallback";
              if (v == "no") ll = "no";
            }
          }
          netfix::iniSet(text, {"Network"}, "LinkLocalAddressing", ll);
          edits.change(fmt::format("{}: [Network] IPv6AcceptRA=no, LinkLocalAddressing={}{}", path,
                                   ll, c.ipv6 == AddrMethod::kDhcp ? ", DHCP=" + dhcp : ""));
          return {};
        });
  }
  return fail(ErrorCode::kUnsupported, "unknown network stack " + c.stack);
}

/// Removes what ties `c` to this machine's NIC: the MAC it matches or sets, and the name it
/// gives the matched device.
Result<void> unpinConfig(const FixContext& ctx, FileEdits& edits, const NicConfig& c,
                         const std::string& requirement) {
  const std::string why = requirement + ": the new instance's NIC has another MAC";
  if (c.stack == "ifcfg" || c.stack == "suse-ifcfg") {
    return editConfig(edits, c, why, 0644,
                      [&](const std::string& path, std::string& text) -> Result<void> {
                        for (const std::string& k :
                             ifcfgComment(text, c.stack == "ifcfg" ? pinKey : suseMacKey, why)) {
                          edits.change(fmt::format("{}: {} commented out", path, k));
                        }
                        return {};
                      });
  }
  if (c.stack == "eni") {
    return eniEach(ctx, edits, [&](std::string& text, const EniFile& f) {
      for (const EniIface& i : f.ifaces) {
        if (i.name != c.name) continue;
        for (const EniOption& o : i.options) {
          if (toLower(o.key) != "hwaddress") continue;
          TextLines lines(text);
          lines.commentOut(o.line, why);
          text = lines.str();
          edits.change(fmt::format("{}:{}: hwaddress commented out", i.file, o.line));
          return true;
        }
      }
      return false;
    });
  }
  if (c.stack == "netplan") {
    auto id = netplanId(edits, c.source);
    if (!id) return std::unexpected(id.error());
    auto r = netplanEach(edits, ctx.host, *id, [&](std::string& t, const std::string& i, int l) {
      auto m = netfix::yamlCommentSub(t, i, l, "match", "macaddress", why);
      if (!m) return m;
      auto s = netfix::yamlComment(t, i, l, "set-name", why);
      if (!s) return s;
      return netfix::yamlComment(t, i, l, "macaddress", why);
    });
    if (!r) return std::unexpected(r.error());
    edits.change(
        fmt::format("netplan: {}: match: macaddress, set-name and macaddress commented out", *id));
    return {};
  }
  if (c.stack == "networkmanager") {
    return editConfig(edits, c, why, 0600,
                      [&](const std::string& path, std::string& text) -> Result<void> {
                        int n = netfix::iniComment(text, kNmEthernet, nmMacKey, why);
                        if (n) edits.change(path + ": mac-address commented out");
                        return {};
                      });
  }
  if (c.stack == "networkd") {
    return editConfig(
        edits, c, why, 0644, [&](const std::string& path, std::string& text) -> Result<void> {
          if (!c.match_mac.empty()) {
            bool has_name = false;
            for (const std::string& line : split(text, '\n')) {
              std::string_view t = trim(line);
              if (t.starts_with("Name=") || t.starts_with("Name ")) has_name = true;
            }
            if (!has_name) {
              return fail(ErrorCode::kUnsupported,
                          withLine(c.source) +
                              " matches the NIC by MAC only: without it the file would match every "
                              "interface; give it a [Match] Name= by hand");
            }
            netfix::iniComment(text, {"Match"}, isMacMatchKey, why);
            edits.change(path + ": [Match] MACAddress= commented out");
          }
          if (!c.set_mac.empty()) {
            netfix::iniComment(text, {"Link"}, isMacMatchKey, why);
            edits.change(path + ": [Link] MACAddress= commented out");
          }
          return {};
        });
  }
  return fail(ErrorCode::kUnsupported, "unknown network stack " + c.stack);
}

/// Comments out a udev rule that names a NIC by its MAC, or the Name= of a .link file.
Result<void> unpinRule(const FixContext& ctx, FileEdits& edits, const PersistentNetRule& r,
                       const std::string& requirement) {
  (void)ctx;
  const std::string why = requirement + ": the name was bound to the old NIC's MAC " + r.mac;
  bool link = r.source.file.ends_with(".link");
  auto target =
      netfix::editTarget(r.source.file, link ? "/etc/systemd/network" : "/etc/udev/rules.d");
  if (!target) return std::unexpected(target.error());
  if (*target != r.source.file) {
    edits.ensureDir(link ? "/etc/systemd/network" : "/etc/udev/rules.d");
  }
  auto text = *target == r.source.file
                  ? edits.text(*target)
                  : edits.text(*target, r.source.file, netfix::overrideHeader(r.source.file));
  if (!text) return std::unexpected(text.error());
  std::string t = *text;
  if (link) {
    netfix::iniComment(t, {"Link"}, isNameKey, why);
    edits.change(fmt::format("{}: [Link] Name={} commented out", *target, r.name));
  } else {
    // The override copy has its header above: the rule's line moved with it.
    int offset = *target == r.source.file ? 0 : 1;
    TextLines lines(t);
    int n = r.source.line + offset;
    if (n < 1 || n > static_cast<int>(lines.size())) {
      return fail(ErrorCode::kInvalidInput, withLine(r.source) + ": no such line");
    }
    for (; n <= static_cast<int>(lines.size()); ++n) {
      bool continued = !lines.at(n).empty() && lines.at(n).back() == '\\';
      if (!trim(lines.at(n)).starts_with('#')) lines.commentOut(n, why);
      if (!continued) break;
    }
    t = lines.str();
    edits.change(fmt::format("{}:{}: rule naming {} after MAC {} commented out", r.source.file,
                             r.source.line, r.name, r.mac));
  }
  edits.set(*target, t, why);
  return {};
}

std::string summaryOf(const FileEdits& edits, std::string_view what) {
  if (edits.changes().empty()) return std::string(what) + ": nothing to change";
  return fmt::format("{} ({})", what, fmt::join(edits.changes(), "; "));
}

// ---- L-NIC ------------------------------------------------------------------------------------

Result<FixItem> planNicCount(const FixContext& ctx) {
  NetworkFacts net = probeBootNetwork(ctx.host, ctx.facts.network);
  BootNetwork view = deriveBootNetwork(net, {});
  std::int64_t max = ctx.params.getInt("max");
  std::vector<std::string> nics = countedNics(view);
  FixItem item;
  if (static_cast<std::int64_t>(nics.size()) <= max) {
    item.summary =
        "the boot configuration already brings up " + std::to_string(nics.size()) + " NIC(s)";
    item.notes.push_back(
        "nothing in the boot configuration to change; capture the image from an instance "
        "with one NIC attached");
    return item;
  }
  if (max != 1) {
    return fail(ErrorCode::kUnsupported,
                "the policy allows " + std::to_string(max) +
                    " NICs: which ones to keep is a choice; disable the others by hand");
  }
  if (!view.unreadable.empty()) {
    return fail(ErrorCode::kUnsupported, "could not read " + view.unreadable.front().source + ": " +
                                             view.unreadable.front().text);
  }
  auto primary = choosePrimary(ctx.host, view, nics);
  if (!primary) return std::unexpected(primary.error());
  std::set<std::pair<std::string, int>> primary_sources;
  for (const NicConfig* c : view.physical[primary->nic]) {
    primary_sources.insert({c->source.file, c->source.line});
  }
  FileEdits edits(ctx.host);
  std::set<const NicConfig*> done;
  for (const std::string& nic : nics) {
    if (nic == primary->nic) continue;
    for (const NicConfig* c : view.physical[nic]) {
      if (isVirtualKind(c->kind) || !c->master.empty()) {
        return fail(ErrorCode::kUnsupported,
                    fmt::format("{} is part of {} ({}): taking a NIC out of a bond, bridge or "
                                "team is left to the operator",
                                nic, c->master.empty() ? c->name : c->master, withLine(c->source)));
      }
      if (primary_sources.contains({c->source.file, c->source.line}) &&
          (c->stack == "networkd" || c->stack == "netplan")) {
        return fail(ErrorCode::kUnsupported,
                    fmt::format("{} configures both {} and the primary {}: split it by hand",
                                withLine(c->source), nic, primary->nic));
      }
      if (!done.insert(c).second) continue;
      if (auto r = disableConfig(ctx, edits, *c); !r) return std::unexpected(r.error());
    }
  }
  item.actions = edits.actions();
  item.summary = summaryOf(edits, fmt::format("keep {} ({}), disable {} other NIC(s) at boot",
                                              primary->nic, primary->why, nics.size() - 1));
  if (auto ok = checkPlan(ctx, item.actions, evaluateNicCount, false, item.notes); !ok) {
    return std::unexpected(ok.error());
  }
  return item;
}

// ---- L-IPV6 -----------------------------------------------------------------------------------

bool disablesIpv6Key(const std::string& key) { return key.ends_with(".disable_ipv6"); }

// The client address of the SSH session that runs this fix, from sshd's environment.
std::string sshClient() {
  const char* v = std::getenv("SSH_CONNECTION");
  if (!v) return "";
  auto words = splitWords(v);
  return words.empty() ? "" : words.front();
}

Result<FixItem> planIpv6(const FixContext& ctx) {
  const std::string why = "L-IPV6: IPv6 is not supported by the target cloud";
  NetworkFacts net = probeBootNetwork(ctx.host, ctx.facts.network);
  FileEdits edits(ctx.host);
  FixItem item;

  // Settings that leave IPv6 on (disable_ipv6 = 0, for all, default or one interface) are
  // commented out wherever they are, so the order of the files no longer matters.
  bool all_on = false, default_on = false;
  for (const SysctlSetting& s : net.sysctl) {
    if (!disablesIpv6Key(s.key)) continue;
    if (trim(s.value) == "1") {
      all_on = all_on || s.key == "net.ipv6.conf.all.disable_ipv6";
      default_on = default_on || s.key == "net.ipv6.conf.default.disable_ipv6";
      continue;
    }
    auto canon = ctx.host.canonicalPath(s.source.file);
    std::string path = canon ? *canon : s.source.file;
    auto target = netfix::editTarget(path, "/etc/sysctl.d");
    if (!target) return std::unexpected(target.error());
    if (*target != path) edits.ensureDir("/etc/sysctl.d");
    auto text = *target == path ? edits.text(path)
                                : edits.text(*target, path, netfix::overrideHeader(path));
    if (!text) return std::unexpected(text.error());
    TextLines lines(*text);
    int line = s.source.line + (*target == path ? 0 : 1);
    if (line < 1 || line > static_cast<int>(lines.size())) continue;
    if (!trim(lines.at(line)).starts_with('#')) lines.commentOut(line, why);
    edits.set(*target, lines.str(), why);
    edits.change(
        fmt::format("{}:{}: {} = {} commented out", s.source.file, s.source.line, s.key, s.value));
  }
  if (!all_on || !default_on) {
    std::string block = "# " + editMarker() + ": " + why +
                        "\nnet.ipv6.conf.all.disable_ipv6 = 1\n"
                        "net.ipv6.conf.default.disable_ipv6 = 1\n";
    auto dir = ctx.host.stat("/etc/sysctl.d");
    if (dir && dir->type == FileStat::Type::kDirectory) {
      edits.set(std::string(kSysctlDropIn), block, why);
      edits.change(std::string(kSysctlDropIn) + " written");
    } else {
      // Without /etc/sysctl.d the boot may not read a drop-in (older procps, RHEL 6): the
      // settings go to /etc/sysctl.conf, which every boot reads.
      auto old = edits.text(std::string(kSysctlConf));
      std::string text = old ? *old : std::string();
      if (!text.empty() && text.back() != '\n') text += '\n';
      edits.set(std::string(kSysctlConf), text + block, why);
      edits.change(std::string(kSysctlConf) + ": disable_ipv6 = 1 added");
    }
  }

  BootNetwork view = deriveBootNetwork(net, {});
  for (const NicConfig* c : view.active) {
    if (c->ipv6 != AddrMethod::kStatic && c->ipv6 != AddrMethod::kDhcp &&
        c->ipv6 != AddrMethod::kAuto) {
      continue;
    }
    if (auto r = noIpv6Config(ctx, edits, *c); !r) return std::unexpected(r.error());
  }
  item.actions = edits.actions();

  bool has_runtime = net.runtime_ipv6.ok() &&
                     std::any_of(net.runtime_ipv6.value->begin(), net.runtime_ipv6.value->end(),
                                 [](const Inet6Addr& a) { return a.scope == "global"; });
  if (ctx.options.live && ctx.host.hasRuntimeState()) {
    std::string client = sshClient();
    if (client.find(':') != std::string::npos && !client.starts_with("::ffff:")) {
      item.notes.push_back("IPv6 is left on now: this SSH session comes from " + client +
                           " over IPv6 and would be cut; it is off from the next boot");
    } else {
      for (std::string_view scope : {"all", "default"}) {
        std::string key = fmt::format("net.ipv6.conf.{}.disable_ipv6", scope);
        auto now = ctx.host.readFile(fmt::format("/proc/sys/net/ipv6/conf/{}/disable_ipv6", scope));
        std::string before = now ? std::string(trim(*now)) : "0";
        if (before == "1") continue;
        Action a = runAction({"sysctl", "-w", key + "=1"}, {}, "--live: IPv6 off now");
        a.undo_argv = {"sysctl", "-w", key + "=" + before};
        item.actions.push_back(std::move(a));
      }
    }
  } else if (has_runtime) {
    item.notes.push_back(
        "the running system keeps its IPv6 addresses until the next boot (--live turns IPv6 off "
        "now)");
  }
  item.summary = summaryOf(edits, "IPv6 off from the next boot");
  if (auto ok = checkPlan(ctx, edits.actions(), evaluateIpv6Disabled, false, item.notes); !ok) {
    return std::unexpected(ok.error());
  }
  return item;
}

// ---- L-DHCP and X-NETPIN ----------------------------------------------------------------------

std::string pinName(const NicConfig& c) { return c.name.empty() ? "MAC " + c.match_mac : c.name; }

// With net.ifnames=0 on the next boot's command line the new NIC is eth0, so a configuration for
// a hardware-position name (ens3, enp0s3) never applies: the instance boots without network. The
// fix renames that configuration to eth0, in the stack's own terms, when which NIC becomes eth0
// is certain: one such name, no eth0 configured beside it, and no bond, bridge or VLAN of another
// stanza built on it.

/// Renames the configuration `c` of the interface `from` to `to`.
Result<void> renameConfig(const FixContext& ctx, FileEdits& edits, const NicConfig& c,
                          const std::string& from, const std::string& to,
                          const std::string& requirement) {
  const std::string why =
      requirement + ": the next boot uses kernel names (net.ifnames=0): " + from + " becomes " + to;
  if (c.stack == "ifcfg" || c.stack == "suse-ifcfg") {
    // ifcfg-NAME: SUSE's wicked takes the name from the file name only; initscripts and
    // NetworkManager take DEVICE= first, so on Red Hat both are renamed. The interface's route
    // and rule files (route-NAME, ifroute-NAME, ...) follow it.
    auto target = stackTarget(c);
    if (!target) return std::unexpected(target.error());
    if (*target != c.source.file) {
      return fail(ErrorCode::kUnsupported, c.source.file + " is not under /etc: rename it by hand");
    }
    const std::string dir = dirOf(c.source.file);
    const std::string base = c.source.file.substr(dir.size() + 1);
    if (base != "ifcfg-" + from) {
      return fail(ErrorCode::kUnsupported,
                  fmt::format("{} configures {} under another file name: rename it to ifcfg-{} "
                              "by hand",
                              c.source.file, from, to));
    }
    auto text = edits.text(c.source.file);
    if (!text) return std::unexpected(text.error());
    std::string t = *text;
    if (c.stack == "ifcfg") {
      ShellVarsFile vars = parseShellVars(t);
      for (const ShellVar& v : vars.vars) {
        if ((v.key == "DEVICE" || v.key == "NAME") && v.value == from && ifcfgSet(t, v.key, to)) {
          edits.change(fmt::format("{}: {}={}", c.source.file, v.key, to));
        }
      }
    }
    edits.set(c.source.file, t, why);
    std::vector<std::string> companions =
        c.stack == "ifcfg"
            ? std::vector<std::string>{"ifcfg-", "route-", "route6-", "rule-", "rule6-"}
            : std::vector<std::string>{"ifcfg-", "ifroute-"};
    for (const std::string& prefix : companions) {
      const std::string old_path = dir + "/" + prefix + from;
      if (!edits.exists(old_path)) continue;
      if (auto r = edits.move(old_path, dir + "/" + prefix + to, why); !r) return r;
      edits.change(fmt::format("{} renamed to {}{}", old_path, prefix, to));
    }
    return {};
  }
  if (c.stack == "eni") {
    // `auto`/`allow-*` lists and the iface lines of the name, its aliases and its VLANs.
    return eniEach(ctx, edits, [&](std::string& text, const EniFile& f) {
      for (const EniNameList& l : f.name_lists) {
        bool names = std::any_of(l.names.begin(), l.names.end(), [&](const std::string& n) {
          return renamedInterface(n, from, to).has_value();
        });
        if (!names || !netfix::eniRenameWords(text, l.line, from, to, false, why)) continue;
        edits.change(fmt::format("{}:{}: {} {} -> {}", l.file, l.line, l.keyword, from, to));
        return true;
      }
      for (const EniIface& i : f.ifaces) {
        if (!renamedInterface(i.name, from, to)) continue;
        if (!netfix::eniRenameWords(text, i.line, from, to, true, why)) continue;
        edits.change(fmt::format("{}:{}: iface {} -> {}", i.file, i.line, i.name,
                                 *renamedInterface(i.name, from, to)));
        return true;
      }
      return false;
    });
  }
  if (c.stack == "netplan") {
    auto id = netplanId(edits, c.source);
    if (!id) return std::unexpected(id.error());
    if (!c.set_name.empty()) {
      auto r = netplanEach(edits, ctx.host, *id, [&](std::string& t, const std::string& i, int l) {
        return netfix::yamlSet(t, i, l, "set-name", to);
      });
      if (!r) return std::unexpected(r.error());
      edits.change(fmt::format("netplan: {}: set-name: {}", *id, to));
      return {};
    }
    if (*id != from) {
      return fail(ErrorCode::kUnsupported,
                  fmt::format("{}: netplan device {} is matched to {} by its match: block: change "
                              "the match to name {} by hand",
                              withLine(c.source), *id, from, to));
    }
    auto r = netplanEach(edits, ctx.host, *id, [&](std::string& t, const std::string& i, int l) {
      auto done = netfix::yamlRenameDevice(t, i, l, to, why);
      if (!done) return Result<bool>(std::unexpected(done.error()));
      return Result<bool>(true);
    });
    if (!r) return std::unexpected(r.error());
    edits.change(fmt::format("netplan: device {} renamed to {}", from, to));
    return {};
  }
  if (c.stack == "networkmanager" || c.stack == "networkd") {
    const bool nm = c.stack == "networkmanager";
    return editConfig(
        edits, c, why, nm ? 0600 : 0644,
        [&](const std::string& path, std::string& text) -> Result<void> {
          if (!nm) {
            // [Match] Name= may list several names or globs; only the plain one-name form is
            // renamed.
            IniFile ini = parseIni(text, kSystemdSyntax);
            for (const IniEntry* e : ini.findAll("Match", "Name")) {
              if (trim(e->value) != from) {
                return fail(
                    ErrorCode::kUnsupported,
                    fmt::format("{}:{}: [Match] Name={} names more than {}: change it by hand",
                                path, e->line, e->value, from));
              }
            }
          }
          if (netfix::iniSet(text, {nm ? "connection" : "Match"}, nm ? "interface-name" : "Name",
                             to)) {
            edits.change(fmt::format("{}: {}={}", path,
                                     nm ? "[connection] interface-name" : "[Match] Name", to));
          }
          return {};
        });
  }
  return fail(ErrorCode::kUnsupported, "unknown network stack " + c.stack);
}

Result<void> renameToKernelName(const FixContext& ctx, FileEdits& edits, const BootNetwork& view,
                                const std::vector<const NicPin*>& dead,
                                const std::string& requirement) {
  std::set<std::string> names;
  for (const NicPin* p : dead) names.insert(p->nic);
  const std::string to = "eth0";
  if (names.size() > 1) {
    return fail(ErrorCode::kUnsupported,
                fmt::format("{} are configured by hardware-position names, and the next boot uses "
                            "kernel names (net.ifnames=0): which of them becomes {} is not "
                            "known; keep one NIC first (guestprep fix --only L-NIC,{})",
                            fmt::join(names, ", "), to, requirement));
  }
  const std::string from = *names.begin();
  if (auto it = view.physical.find(to); it != view.physical.end() && !it->second.empty()) {
    return fail(ErrorCode::kUnsupported,
                fmt::format("{} is configured too ({}), and the configuration of {} will never "
                            "apply (net.ifnames=0): remove one of them by hand",
                            to, withLine(it->second.front()->source), from));
  }
  std::vector<const NicConfig*> configs;
  for (const NicConfig* c : view.active) {
    bool member = std::find(c->members.begin(), c->members.end(), from) != c->members.end();
    // ifupdown's aliases (ens3:1) and VLANs (ens3.100) carry the name and are renamed with it; a
    // VLAN named otherwise (vlan-raw-device ens3) is not.
    bool renamed_with_it = c->stack == "eni" && renamedInterface(c->name, from, "").has_value();
    if (member || (c->parent == from && !renamed_with_it)) {
      return fail(ErrorCode::kUnsupported,
                  fmt::format("{}: {} is built on {}: rename {} there and in its own "
                              "configuration by hand",
                              withLine(c->source), c->name, from, from));
    }
    std::string name = c->set_name.empty() ? c->name : c->set_name;
    if (name == from) configs.push_back(c);
  }
  for (const NicConfig* c : configs) {
    if (auto r = renameConfig(ctx, edits, *c, from, to, requirement); !r) return r;
  }
  return {};
}

/// Removes the certain pins of the NICs `nics` names (all NICs when empty); says in `left` what
/// it cannot remove.
Result<void> unpin(const FixContext& ctx, FileEdits& edits, const NetworkFacts& net,
                   const BootNetwork& view, const std::set<std::string>& nics,
                   const std::string& requirement) {
  auto wanted = [&](const std::string& n) {
    return nics.empty() || nics.contains(n) || n.starts_with("MAC ");
  };
  for (const PersistentNetRule& r : net.persistent_net_rules) {
    if (!wanted(r.name)) continue;
    if (auto x = unpinRule(ctx, edits, r, requirement); !x) return x;
  }
  for (const NicConfig* c : view.active) {
    if ((c->match_mac.empty() && c->set_mac.empty() && c->set_name.empty()) ||
        !wanted(pinName(*c))) {
      continue;
    }
    if (auto x = unpinConfig(ctx, edits, *c, requirement); !x) return x;
  }
  if (view.eth_names) {
    std::vector<const NicPin*> dead;
    for (const NicPin& p : view.pins) {
      if (!p.certain || p.nic.starts_with("MAC ") || !wanted(p.nic)) continue;
      bool hardware = std::none_of(net.persistent_net_rules.begin(), net.persistent_net_rules.end(),
                                   [&](const PersistentNetRule& r) { return r.name == p.nic; });
      if (hardware && p.evidence.text.find("net.ifnames=0") != std::string::npos) {
        dead.push_back(&p);
      }
    }
    if (!dead.empty()) return renameToKernelName(ctx, edits, view, dead, requirement);
  }
  return {};
}

Result<FixItem> planDhcp(const FixContext& ctx) {
  NetworkFacts net = probeBootNetwork(ctx.host, ctx.facts.network);
  BootNetwork view = deriveBootNetwork(net, ctx.params.getList("hardware_name_patterns"));
  if (view.physical.empty()) {
    return fail(ErrorCode::kUnsupported,
                "no NIC is configured to start at boot: write a DHCP configuration for the "
                "primary NIC in the network stack this system uses by hand, or install "
                "cloud-init");
  }
  // The NIC the rule judges: eth0, else the first by name.
  std::string nic = view.physical.contains("eth0") ? "eth0" : view.physical.begin()->first;
  std::vector<std::string> nics = countedNics(view);
  if (nics.size() > 1) {
    auto primary = choosePrimary(ctx.host, view, nics);
    if (primary && primary->nic != nic) {
      return fail(ErrorCode::kUnsupported,
                  fmt::format("the rule judges {}, but the primary NIC is {} ({}): fix L-NIC "
                              "first (guestprep fix --only L-NIC,L-DHCP)",
                              nic, primary->nic, primary->why));
    }
  }
  const NicConfig* c = addressConfig(view, nic);
  if (!c) return fail(ErrorCode::kInvalidInput, "no configuration found for " + nic);
  FileEdits edits(ctx.host);
  FixItem item;
  if (c->ipv4 != AddrMethod::kDhcp) {
    if (c->ipv4 == AddrMethod::kUnknown) {
      return fail(ErrorCode::kUnsupported, withLine(c->source) + ": how " + c->name +
                                               " gets its address is not understood; edit it "
                                               "by hand");
    }
    if (auto r = dhcpConfig(ctx, edits, *c); !r) return std::unexpected(r.error());
  }
  std::set<std::string> names = {nic, c->name};
  if (auto r = unpin(ctx, edits, net, view, names, "L-DHCP"); !r) {
    return std::unexpected(r.error());
  }
  item.actions = edits.actions();
  item.summary = summaryOf(edits, nic + " on DHCP, not pinned to this machine");
  if (auto ok = checkPlan(ctx, item.actions, evaluateNicDhcp, true, item.notes); !ok) {
    return std::unexpected(ok.error());
  }
  return item;
}

Result<FixItem> planPinning(const FixContext& ctx) {
  NetworkFacts net = probeBootNetwork(ctx.host, ctx.facts.network);
  BootNetwork view = deriveBootNetwork(net, ctx.params.getList("hardware_name_patterns"));
  FileEdits edits(ctx.host);
  FixItem item;
  if (auto r = unpin(ctx, edits, net, view, {}, "X-NETPIN"); !r) {
    return std::unexpected(r.error());
  }
  item.actions = edits.actions();
  item.summary = summaryOf(edits, "network configuration not pinned to this machine's NICs");
  if (auto ok = checkPlan(ctx, item.actions, evaluateNicPinning, true, item.notes); !ok) {
    return std::unexpected(ok.error());
  }
  return item;
}

}  // namespace

std::vector<Fixer> networkFixers() {
  return {
      {"nic.count", "disable the boot configuration of every NIC but the primary", planNicCount,
       false},
      {"ipv6.disabled", "turn IPv6 off for the next boot (sysctl drop-in, interface settings)",
       planIpv6, false},
      {"nic.dhcp", "configure the primary NIC for DHCP and remove its MAC bindings", planDhcp,
       false},
      {"nic.pinning", "remove MAC bindings (udev rules, HWADDR, netplan match, mac-address)",
       planPinning, false},
  };
}

}  // namespace guestprep::os_linux
