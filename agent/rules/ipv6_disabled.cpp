// ipv6.disabled (L-IPV6): no IPv6 addresses now or at the next boot.
#include <algorithm>

#include "rules/network_rules.h"
#include "rules/network_view.h"

namespace guestprep {

std::vector<ParamSpec> ipv6DisabledParams() {
  return {
      {"require_disabled_at_boot",
       ParamKind::kBool,
       ParamValue{false},
       "fail (not only warn) when the kernel still enables IPv6 at the next boot",
       {}},
      {"runtime_addresses",
       ParamKind::kString,
       ParamValue{std::string("warn")},
       "what global IPv6 addresses present now count as",
       {"fail", "warn"}},
  };
}

namespace {

bool isBootLoaderConfig(const std::string& file) {
  return file.find("grub.cfg") != std::string::npos || file.find("menu.lst") != std::string::npos ||
         file.find("grub.conf") != std::string::npos ||
         file.find("/loader/entries/") != std::string::npos;
}

// Whether the kernel command line of the next boot carries ipv6.disable=1: every boot entry of
// the boot loader's configuration must have it; without one, /etc/default/grub decides.
bool cmdlineDisables(const NetworkFacts& net, std::vector<Evidence>& evidence) {
  std::vector<const KernelCmdline*> entries, defaults;
  for (const auto& cl : net.boot_cmdlines) {
    (isBootLoaderConfig(cl.source.file) ? entries : defaults).push_back(&cl);
  }
  const auto& use = entries.empty() ? defaults : entries;
  if (use.empty()) return false;
  for (const KernelCmdline* cl : use) {
    bool has = std::find(cl->args.begin(), cl->args.end(), "ipv6.disable=1") != cl->args.end();
    if (!has) return false;
  }
  evidence.push_back(Evidence{use.front()->source.file, use.front()->source.line,
                              "kernel command line has ipv6.disable=1"});
  return true;
}

// The value sysctl leaves for `key` at boot (the last setting wins), or nullptr.
const SysctlSetting* lastSetting(const NetworkFacts& net, std::string_view key) {
  const SysctlSetting* last = nullptr;
  for (const auto& s : net.sysctl) {
    if (s.key == key) last = &s;
  }
  return last;
}

}  // namespace

Outcome evaluateIpv6Disabled(const Facts& facts, const Params& params) {
  const auto& net = facts.network;
  Outcome out;
  std::vector<Evidence> disabled_by;
  bool kernel_off = cmdlineDisables(net, disabled_by);
  const SysctlSetting* all = lastSetting(net, "net.ipv6.conf.all.disable_ipv6");
  const SysctlSetting* def = lastSetting(net, "net.ipv6.conf.default.disable_ipv6");
  bool sysctl_off = all && all->value == "1";
  if (all) {
    disabled_by.push_back(
        Evidence{all->source.file, all->source.line, all->key + " = " + all->value});
  }
  if (def) {
    disabled_by.push_back(
        Evidence{def->source.file, def->source.line, def->key + " = " + def->value});
  }
  bool off_at_boot = kernel_off || sysctl_off;

  // Interfaces whose boot configuration asks for IPv6 addresses.
  BootNetwork view = deriveBootNetwork(net, {});
  std::vector<Evidence> configured;
  std::string configured_names;
  for (const NicConfig* c : view.active) {
    if (c->ipv6 == AddrMethod::kStatic || c->ipv6 == AddrMethod::kDhcp ||
        c->ipv6 == AddrMethod::kAuto) {
      configured_names +=
          (configured_names.empty() ? "" : ", ") + c->name + " (" + toString(c->ipv6) + ")";
      Evidence e = configEvidence(*c);
      e.text = c->stack + ": " + c->name + " is configured for IPv6 (" + toString(c->ipv6) + ")";
      configured.push_back(e);
    }
  }

  // Global addresses present now.
  std::vector<Evidence> runtime;
  std::string runtime_note;
  if (net.runtime_ipv6.ok()) {
    for (const auto& a : *net.runtime_ipv6.value) {
      if (a.scope == "global" && a.ifname != "lo") {
        runtime.push_back(
            Evidence{"/proc/net/if_inet6", 0,
                     a.ifname + " has " + a.address + "/" + std::to_string(a.prefix_len)});
      }
    }
  } else {
    runtime_note = "IPv6 addresses now: not checked (" + net.runtime_ipv6.error + ")";
  }

  out.evidence = disabled_by;
  out.remediation =
      "Disable IPv6 for the next boot: net.ipv6.conf.all.disable_ipv6 = 1 and "
      "net.ipv6.conf.default.disable_ipv6 = 1 in /etc/sysctl.d/, and remove IPv6 settings from "
      "the interface configuration (IPV6INIT=no, no inet6 stanza, dhcp6: false).";
  if (!configured.empty() && !off_at_boot) {
    out.status = Status::kFail;
    out.message = "IPv6 addresses are requested at boot for " + configured_names;
    out.evidence.insert(out.evidence.end(), configured.begin(), configured.end());
    out.evidence.insert(out.evidence.end(), runtime.begin(), runtime.end());
    return out;
  }
  if (!runtime.empty()) {
    out.status = params.getString("runtime_addresses") == "fail" ? Status::kFail : Status::kWarn;
    out.message = std::to_string(runtime.size()) + " global IPv6 address(es) are assigned now" +
                  (off_at_boot ? " (IPv6 is disabled for the next boot)"
                               : ", and IPv6 is not disabled for the next boot");
    out.evidence.insert(out.evidence.end(), runtime.begin(), runtime.end());
    return out;
  }
  if (!off_at_boot) {
    out.status = params.getBool("require_disabled_at_boot") ? Status::kFail : Status::kWarn;
    out.message =
        "IPv6 is not disabled for the next boot; no interface is configured for it, "
        "but the kernel will autoconfigure addresses if the network advertises them";
    if (!runtime_note.empty())
      out.evidence.push_back(Evidence{"/proc/net/if_inet6", 0, runtime_note});
    return out;
  }
  out.status = Status::kPass;
  out.message = std::string("IPv6 is disabled for the next boot") +
                (net.runtime_ipv6.ok() ? " and no global IPv6 address is assigned now" : "");
  if (!runtime_note.empty())
    out.evidence.push_back(Evidence{"/proc/net/if_inet6", 0, runtime_note});
  return out;
}

}  // namespace guestprep
