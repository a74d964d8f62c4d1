// The Windows probes (version, RDP, firewall) and the collection that runs them.
#include "probes/windows_probes.h"

#include <chrono>
#include <exception>
#include <functional>

#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "core/version.h"
#include "parsers/firewall_rule.h"
#include "parsers/win_text.h"

namespace guestprep::os_windows {

namespace {

// "6.3" -> 6, 3
void parseDotted(const std::string& s, std::uint32_t& major, std::uint32_t& minor) {
  std::size_t dot = s.find('.');
  try {
    major = static_cast<std::uint32_t>(std::stoul(s.substr(0, dot)));
    if (dot != std::string::npos) minor = static_cast<std::uint32_t>(std::stoul(s.substr(dot + 1)));
  } catch (const std::exception&) {
    major = minor = 0;
  }
}

std::string productTypeName(std::uint32_t t) {
  switch (t) {
    case 1:
      return "workstation";
    case 2:
      return "domain-controller";
    case 3:
      return "server";
    default:
      return "";
  }
}

}  // namespace

RegistryFact readRegistry(const WindowsApi& api, std::string_view key, std::string_view name) {
  RegistryFact f;
  f.key = normaliseRegKey(key);
  f.name = std::string(name);
  auto v = api.regValue(f.key, name);
  if (!v) {
    if (v.error().code != ErrorCode::kNotFound) f.error = v.error().message;
    return f;
  }
  f.present = true;
  f.type = std::string(toString(v->type));
  switch (v->type) {
    case RegType::kSz:
    case RegType::kExpandSz:
      f.text = v->text;
      break;
    case RegType::kMultiSz:
      for (const auto& s : v->strings) f.text += (f.text.empty() ? "" : "\n") + s;
      break;
    case RegType::kDword:
    case RegType::kQword:
      f.number = v->number;
      f.text = std::to_string(v->number);
      break;
    default:
      f.text = describeRegValue(*v);
      break;
  }
  return f;
}

WindowsServiceFact readService(const WindowsApi& api, std::string_view name) {
  WindowsServiceFact f;
  f.name = std::string(name);
  auto s = api.service(name);
  if (!s) {
    if (s.error().code != ErrorCode::kNotFound) f.error = s.error().message;
    return f;
  }
  f.installed = true;
  f.start_type = std::string(toString(s->start_type));
  f.delayed_auto_start = s->delayed_auto_start;
  f.state = s->state;
  f.display_name = s->display_name;
  f.image_path = s->image_path;
  f.source =
      s->state.empty() ? std::string(kServicesKey) + "\\" + f.name : "service control manager";
  return f;
}

void probeWindowsVersion(const WindowsApi& api, WindowsFacts& facts) {
  WindowsVersion v;
  auto text = [&](std::string_view name) {
    auto r = api.regValue(kCurrentVersionKey, name);
    return r && (r->type == RegType::kSz || r->type == RegType::kExpandSz) ? r->text
                                                                           : std::string();
  };
  v.product_name = text("ProductName");
  v.edition_id = text("EditionID");
  v.installation_type = text("InstallationType");
  auto os = api.osVersion();
  if (os) {
    v.major = os->major;
    v.minor = os->minor;
    v.build = os->build;
    v.service_pack = os->service_pack_major;
    v.csd_version = os->csd_version;
    v.product_type = productTypeName(os->product_type);
    v.source = "RtlGetVersion and " + std::string(kCurrentVersionKey);
  } else {
    // Offline: Windows 10 and later keep the numbers in CurrentMajor/MinorVersionNumber (their
    // CurrentVersion says "6.3" for compatibility); older ones in CurrentVersion.
    auto major = api.regValue(kCurrentVersionKey, "CurrentMajorVersionNumber");
    auto minor = api.regValue(kCurrentVersionKey, "CurrentMinorVersionNumber");
    if (major && minor && major->type == RegType::kDword) {
      v.major = static_cast<std::uint32_t>(major->number);
      v.minor = static_cast<std::uint32_t>(minor->number);
    } else {
      parseDotted(text("CurrentVersion"), v.major, v.minor);
    }
    std::string build = text("CurrentBuildNumber");
    if (build.empty()) build = text("CurrentBuild");
    try {
      v.build = build.empty() ? 0 : static_cast<std::uint32_t>(std::stoul(build));
    } catch (const std::exception&) {
      v.build = 0;
    }
    v.csd_version = text("CSDVersion");
    if (v.csd_version.starts_with("Service Pack ")) {
      try {
        v.service_pack = static_cast<std::uint32_t>(std::stoul(v.csd_version.substr(13)));
      } catch (const std::exception&) {
        v.service_pack = 0;
      }
    }
    auto pt =
        api.regValue("HKLM\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions", "ProductType");
    if (pt && pt->type == RegType::kSz) {
      v.product_type = equalsNoCase(pt->text, "WinNT")      ? "workstation"
                       : equalsNoCase(pt->text, "LanmanNT") ? "domain-controller"
                       : equalsNoCase(pt->text, "ServerNT") ? "server"
                                                            : "";
    }
    v.source = std::string(kCurrentVersionKey);
    if (v.major == 0) {
      facts.version = Observed<WindowsVersion>::failed("RtlGetVersion: " + os.error().message +
                                                       "; and the registry has no CurrentVersion");
      return;
    }
  }
  facts.version = Observed<WindowsVersion>::of(std::move(v));
}

void probeRdp(const WindowsApi& api, bool runtime, WindowsFacts& facts) {
  WindowsRdpFacts& rdp = facts.rdp;
  rdp.deny_connections = readRegistry(api, kTerminalServerKey, "fDenyTSConnections");
  rdp.policy_deny_connections = readRegistry(api, kTerminalServicesPolicyKey, "fDenyTSConnections");
  rdp.port = readRegistry(api, kRdpTcpKey, "PortNumber");
  rdp.term_service = readService(api, "TermService");
  if (!runtime) {
    rdp.listeners = Observed<std::vector<WindowsListener>>::failed(
        "not a running system: listening sockets are not known");
    return;
  }
  auto listeners = api.tcpListeners();
  if (!listeners) {
    rdp.listeners = Observed<std::vector<WindowsListener>>::failed(listeners.error().message);
    return;
  }
  std::vector<WindowsListener> out;
  for (const TcpListener& l : *listeners) out.push_back({l.address, l.port, l.pid});
  rdp.listeners = Observed<std::vector<WindowsListener>>::of(std::move(out));
}

void probeFirewall(const WindowsApi& api, bool runtime, WindowsFacts& facts) {
  WindowsFirewallFacts& fw = facts.firewall;
  struct ProfileKeys {
    FirewallProfile profile;
    std::string_view local;   // under FirewallPolicy
    std::string_view policy;  // under Policies\Microsoft\WindowsFirewall
  };
  // The local settings call the private profile "StandardProfile"; Group Policy does not.
  static constexpr ProfileKeys kProfiles[] = {
      {FirewallProfile::kDomain, "DomainProfile", "DomainProfile"},
      {FirewallProfile::kPrivate, "StandardProfile", "PrivateProfile"},
      {FirewallProfile::kPublic, "PublicProfile", "PublicProfile"},
  };
  fw.profiles.clear();
  for (const ProfileKeys& k : kProfiles) {
    WindowsFirewallProfile p;
    p.profile = std::string(toString(k.profile));
    p.policy_enabled = readRegistry(
        api, std::string(kFirewallGroupPolicyKey) + "\\" + std::string(k.policy), "EnableFirewall");
    p.local_enabled = readRegistry(
        api, std::string(kFirewallPolicyKey) + "\\" + std::string(k.local), "EnableFirewall");
    if (runtime) {
      auto on = api.firewallEnabled(k.profile);
      p.api_enabled = on ? Observed<bool>::of(*on) : Observed<bool>::failed(on.error().message);
    } else {
      p.api_enabled = Observed<bool>::failed("not a running system");
    }
    fw.profiles.push_back(std::move(p));
  }
  fw.service = readService(api, "MpsSvc");
  fw.inbound_allow_rules.clear();
  fw.rules_error.clear();
  std::string rules_key = std::string(kFirewallPolicyKey) + "\\FirewallRules";
  auto names = api.regValueNames(rules_key);
  if (!names) {
    if (names.error().code != ErrorCode::kNotFound) fw.rules_error = names.error().message;
    return;
  }
  for (const std::string& name : *names) {
    auto v = api.regValue(rules_key, name);
    if (!v || v->type != RegType::kSz) continue;
    FirewallRule rule;
    std::string why;
    if (!parseFirewallRule(v->text, rule, why)) {
      facts.problems.push_back({rules_key + "\\" + name, 0, why});
      continue;
    }
    if (!rule.active || !rule.allow || !rule.inbound) continue;
    if (rule.protocol != -1 && rule.protocol != 6) continue;
    fw.inbound_allow_rules.push_back({name, rule.name, rule.profiles, rule.local_ports});
  }
}

void collectWindowsFacts(const Host& host, const WindowsApi& api, Facts& facts,
                         const CollectOptions& options) {
  facts.tool_version = kVersion;
  facts.collected_at = utcNow();
  facts.host = host.describe();
  facts.runtime = host.hasRuntimeState();
  WindowsFacts& win = facts.windows;
  win.collected = true;
  win.version = Observed<WindowsVersion>::failed("not collected: the version probe did not run");
  auto guarded = [&](const char* name, const std::function<void()>& probe) {
    auto start = std::chrono::steady_clock::now();
    try {
      probe();
      spdlog::debug("probe {} took {} us", name,
                    std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count());
    } catch (const std::exception& e) {
      spdlog::warn("probe {} failed: {}; ignoring", name, e.what());
      win.problems.push_back(
          ConfigProblem{std::string("probe ") + name, 0, std::string("probe failed: ") + e.what()});
    }
  };
  guarded("windows-version", [&] { probeWindowsVersion(api, win); });
  // RDP and firewall facts are replaced only when their probe completes; until then they say
  // they were not collected, so the rules report an error rather than a pass.
  const std::string not_run = "not collected: the probe did not run";
  win.rdp.deny_connections.error = not_run;
  win.rdp.term_service.error = not_run;
  win.rdp.listeners.error = not_run;
  guarded("rdp", [&] {
    WindowsFacts probed;
    probeRdp(api, facts.runtime, probed);
    win.rdp = std::move(probed.rdp);
  });
  win.firewall.rules_error = not_run;
  for (std::string_view p : {"domain", "private", "public"}) {
    WindowsFirewallProfile prof;
    prof.profile = std::string(p);
    prof.local_enabled.error = not_run;
    prof.api_enabled.error = not_run;
    win.firewall.profiles.push_back(std::move(prof));
  }
  guarded("firewall", [&] {
    WindowsFacts probed;
    probeFirewall(api, facts.runtime, probed);
    win.firewall = std::move(probed.firewall);
    for (auto& p : probed.problems) win.problems.push_back(std::move(p));
  });
  // The probes below replace what they fill as a whole; a probe that throws leaves "not
  // collected" behind, which its rule reports as an error.
  win.password.minimum_length = Observed<int>::failed(not_run);
  win.password.complexity = Observed<bool>::failed(not_run);
  win.password.history = Observed<int>::failed(not_run);
  win.password.full_name = Observed<std::string>::failed(not_run);
  guarded("password", [&] {
    WindowsFacts probed;
    probePassword(api, probed);
    win.password = std::move(probed.password);
  });
  win.services = Observed<std::vector<WindowsServiceEntry>>::failed(not_run);
  guarded("services", [&] { probeServices(api, win); });
  win.programs = Observed<std::vector<WindowsProgram>>::failed(not_run);
  guarded("programs", [&] { probePrograms(api, win); });
  guarded("driver-files", [&] {
    WindowsFacts probed;
    probeDriverFiles(host, api, probed);
    win.driver_files = std::move(probed.driver_files);
  });
  win.critical_devices = Observed<std::vector<WindowsCriticalDevice>>::failed(not_run);
  guarded("critical-devices", [&] { probeCriticalDevices(api, win); });
  win.updates = Observed<std::vector<WindowsUpdate>>::failed(not_run);
  guarded("updates", [&] { probeUpdates(host, api, win); });
  win.pending = {WindowsPendingMarker{"pending-reboot", "", false, "", not_run}};
  guarded("pending-reboot", [&] {
    WindowsFacts probed;
    probePending(api, probed);
    win.pending = std::move(probed.pending);
  });
  win.hibernate.hibernate_enabled.error = not_run;
  win.hibernate.hiberfil = Observed<bool>::failed(not_run);
  guarded("hibernate", [&] {
    WindowsFacts probed;
    probeHibernate(host, api, probed);
    win.hibernate = std::move(probed.hibernate);
  });
  win.volume.filesystem = Observed<std::string>::failed(not_run);
  win.volume.total_bytes = win.volume.free_bytes = Observed<std::uint64_t>::failed(not_run);
  win.volume.dirty = Observed<bool>::failed(not_run);
  win.volume.partition_style = Observed<std::string>::failed(not_run);
  win.volume.boot_execute.error = not_run;
  guarded("volume", [&] {
    WindowsFacts probed;
    probeVolume(api, probed);
    win.volume = std::move(probed.volume);
  });
  win.sfc = Observed<WindowsSfcFacts>::failed(not_run);
  guarded("sfc-log", [&] { probeSfcLog(host, api, win, options.run_sfc); });
  OsInfo& os = facts.os;
  os.id = "windows";
  if (win.version.ok()) {
    const WindowsVersion& v = *win.version.value;
    os.name = v.product_name;
    os.version_id =
        std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.build);
    os.pretty_name = v.product_name + (v.csd_version.empty() ? "" : " " + v.csd_version);
    os.source = v.source;
  }
}

}  // namespace guestprep::os_windows
