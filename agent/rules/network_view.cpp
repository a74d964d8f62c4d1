// What the boot network configuration means, shared by the network rules.
#include "rules/network_view.h"

#include <algorithm>
#include <set>

namespace guestprep {

bool nameMatches(std::string_view p, std::string_view t) {
  std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

Evidence configEvidence(const NicConfig& c) {
  std::string text = c.stack + ": " + (c.name.empty() ? "(no name)" : c.name);
  text += " (" + (c.kind.empty() ? std::string("ethernet") : c.kind);
  text += ", IPv4 " + toString(c.ipv4) + ", IPv6 " + toString(c.ipv6);
  text += c.starts_at_boot ? ", starts at boot)" : ", does not start at boot)";
  if (!c.master.empty()) text += ", member of " + c.master;
  return Evidence{c.source.file, c.source.line, text};
}

namespace {

bool isVirtualKind(const std::string& kind) {
  return kind == "bond" || kind == "bridge" || kind == "team" || kind == "vlan";
}

bool looksVirtualName(const std::string& name) {
  for (const char* prefix :
       {"bond", "br", "team", "virbr", "docker", "veth", "tun", "tap", "vlan", "lo"}) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

// "eth0.100" -> "eth0"; "eth0:1" -> "eth0".
std::string baseName(const std::string& name) {
  std::size_t p = name.find_first_of(".:");
  return p == std::string::npos ? name : name.substr(0, p);
}

const NetworkStack* findStack(const NetworkFacts& net, const std::string& name) {
  for (const auto& s : net.stacks) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

bool bootCmdlineHas(const NetworkFacts& net, std::string_view arg) {
  for (const auto& cl : net.boot_cmdlines) {
    if (std::find(cl.args.begin(), cl.args.end(), arg) != cl.args.end()) return true;
  }
  return false;
}

}  // namespace

BootNetwork deriveBootNetwork(const NetworkFacts& net,
                              const std::vector<std::string>& hardware_name_patterns) {
  BootNetwork view;
  for (const auto& p : net.problems) {
    if (p.line == 0) view.unreadable.push_back(Evidence{p.file, 0, p.message});
  }
  for (const auto& c : net.configs) {
    if (c.kind == "loopback" || c.name == "lo") continue;
    const NetworkStack* stack = findStack(net, c.stack);
    if (stack && !stack->in_use) {
      view.ignored.push_back(&c);
      view.ignored_why.push_back(c.stack + " is not used at boot: " + stack->evidence);
      continue;
    }
    if (!c.starts_at_boot) {
      view.ignored.push_back(&c);
      view.ignored_why.push_back("not started at boot");
      continue;
    }
    view.active.push_back(&c);
  }

  // Names of virtual devices configured at boot: they are not NICs themselves.
  std::set<std::string> virtual_names;
  for (const NicConfig* c : view.active) {
    if (isVirtualKind(c->kind) && !c->name.empty()) virtual_names.insert(c->name);
  }
  auto addPhysical = [&](const std::string& name, const NicConfig* c) {
    if (name.empty() || virtual_names.contains(name)) return;
    if (name != baseName(name) && virtual_names.contains(baseName(name))) return;
    auto& list = view.physical[name];
    if (std::find(list.begin(), list.end(), c) == list.end()) list.push_back(c);
  };
  for (const NicConfig* c : view.active) {
    if (c->kind == "alias" || c->kind == "vlan") {
      std::string parent = c->parent.empty() ? baseName(c->name) : c->parent;
      if (!looksVirtualName(parent) || !virtual_names.contains(parent)) addPhysical(parent, c);
      continue;
    }
    if (isVirtualKind(c->kind)) {
      for (const auto& m : c->members) {
        if (!looksVirtualName(m) || !virtual_names.contains(m)) addPhysical(m, c);
      }
      continue;
    }
    std::string name = c->name;
    if (name.empty() && !c->match_mac.empty()) name = "MAC " + c->match_mac;
    if (!c->set_name.empty()) name = c->set_name;
    addPhysical(name, c);
  }

  view.eth_names = bootCmdlineHas(net, "net.ifnames=0");

  for (const auto& r : net.persistent_net_rules) {
    view.pins.push_back(
        NicPin{r.name, true,
               Evidence{r.source.file, r.source.line,
                        "udev names " + r.name + " only the NIC with MAC " + r.mac +
                            "; the new NIC has another MAC and gets another name"}});
  }
  for (const NicConfig* c : view.active) {
    std::string nic = c->name.empty() ? "MAC " + c->match_mac : c->name;
    if (!c->match_mac.empty()) {
      view.pins.push_back(
          NicPin{nic, true,
                 Evidence{c->source.file, c->match_line ? c->match_line : c->source.line,
                          c->stack + ": configuration of " + nic + " applies only to MAC " +
                              c->match_mac + "; the new NIC has another MAC"}});
    }
    std::string name = c->set_name.empty() ? c->name : c->set_name;
    for (const auto& pat : hardware_name_patterns) {
      if (name.empty() || c->kind == "vlan" || c->kind == "alias" || isVirtualKind(c->kind) ||
          !nameMatches(pat, name)) {
        continue;
      }
      bool certain = view.eth_names;
      std::string why = certain ? "the next boot uses kernel names (net.ifnames=0), so the new "
                                  "NIC is eth0 and " +
                                      name + " will not exist"
                                : name +
                                      " is derived from the NIC's hardware position; on the "
                                      "new hypervisor the NIC may get another name";
      view.pins.push_back(NicPin{name, certain,
                                 Evidence{c->source.file, c->source.line,
                                          c->stack + ": configuration for " + name + ": " + why}});
      break;
    }
  }
  return view;
}

}  // namespace guestprep
