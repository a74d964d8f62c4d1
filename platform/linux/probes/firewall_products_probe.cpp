// Firewall products: which are installed and enabled at boot, and what their persisted rules
// do to new inbound TCP 22. Runtime rules come from iptables-save and nft on a live host.
#include <string>
#include <vector>

#include "parsers/firewall_firewalld.h"
#include "parsers/firewall_iptables.h"
#include "parsers/firewall_nft.h"
#include "parsers/shell_vars.h"
#include "parsers/text.h"
#include "probes/boot_services.h"
#include "probes/firewall_probes.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

constexpr int kSsh = 22;

FirewallProduct product(std::string name, const BootServiceState& st) {
  FirewallProduct p;
  p.name = std::move(name);
  p.installed = st.installed;
  p.enabled_at_boot = st.enabled;
  p.boot_evidence = st.evidence;
  p.boot_source = st.source;
  return p;
}

// Moves a parser's problems (file left empty) to the facts, naming the file.
void record(std::vector<ConfigProblem>& from, const std::string& file, FirewallFacts& facts) {
  for (ConfigProblem& p : from) facts.problems.push_back({file, p.line, std::move(p.message)});
}

// An iptables-save file loaded at boot by a service: what INPUT does to TCP 22.
void iptablesFile(const Host& host, const std::string& path, FirewallProduct& p,
                  FirewallFacts& facts) {
  auto text = readIfPresent(host, path, facts.problems);
  if (!text) {
    if (host.entryExists(path)) return;  // unreadable: recorded, access stays unknown
    p.ssh_at_boot = PortAccess::kAllowed;
    p.notes.push_back({{path, 0}, "no saved rules: the service loads nothing"});
    return;
  }
  IptablesSave rules = parseIptablesSave(*text);
  record(rules.problems, path, facts);
  PortDecision d = tcpPortAccess(rules, "INPUT", kSsh, PortAccess::kAllowed);
  p.ssh_at_boot = d.access;
  p.notes.push_back({{path, d.line}, d.text});
}

void probeIptablesService(const Host& host, FirewallFacts& facts) {
  BootServiceState st = serviceState(host, "iptables.service", "iptables");
  if (!st.installed) return;
  FirewallProduct p = product("iptables", st);
  iptablesFile(host, "/etc/sysconfig/iptables", p, facts);
  facts.products.push_back(std::move(p));
}

void probeNetfilterPersistent(const Host& host, FirewallFacts& facts) {
  BootServiceState st = serviceState(host, "netfilter-persistent.service", "netfilter-persistent");
  if (!st.installed) st = sysvServiceState(host, "iptables-persistent");  // before Debian 8
  if (!st.installed) return;
  FirewallProduct p = product("netfilter-persistent", st);
  iptablesFile(host, "/etc/iptables/rules.v4", p, facts);
  facts.products.push_back(std::move(p));
}

// Container Linux and Flatcar: iptables-restore.service loads /var/lib/iptables/rules-save
// (ConditionPathExists), and is off unless Ignition or the admin enables it.
void probeIptablesRestore(const Host& host, FirewallFacts& facts) {
  BootServiceState st = systemdUnitState(host, "iptables-restore.service");
  if (!st.installed) return;
  FirewallProduct p = product("iptables-restore", st);
  iptablesFile(host, "/var/lib/iptables/rules-save", p, facts);
  facts.products.push_back(std::move(p));
}

// nftables files with their includes, depth first in file order, as nft -f reads them.
void readNft(const Host& host, const std::string& path, int depth, std::vector<NftChain>& chains,
             FirewallFacts& facts, std::vector<std::string>& files) {
  if (depth > 16) {
    facts.problems.push_back({path, 0, "includes nested too deeply"});
    return;
  }
  auto text = readIfPresent(host, path, facts.problems);
  if (!text) return;
  files.push_back(path);
  NftRuleset rs = parseNftRuleset(*text);
  record(rs.problems, path, facts);
  for (NftChain& c : rs.chains) chains.push_back(std::move(c));
  std::string dir = path.substr(0, path.rfind('/'));
  for (const NftInclude& inc : rs.includes) {
    // nft(8) INCLUDE FILES: a relative name is looked up in the include directories; we use the
    // including file's directory, where distributions put their fragments.
    std::string full = inc.path.starts_with('/') ? inc.path : dir + "/" + inc.path;
    std::string idir = full.substr(0, full.rfind('/'));
    std::string pattern = full.substr(full.rfind('/') + 1);
    if (pattern.find_first_of("*?[") == std::string::npos) {
      if (!host.entryExists(full)) {
        facts.problems.push_back({path, inc.line, "included file " + full + " does not exist"});
        continue;
      }
      readNft(host, full, depth + 1, chains, facts, files);
      continue;
    }
    for (const std::string& name : listIfPresent(host, idir, facts.problems)) {
      if (globMatch(pattern, name))
        readNft(host, idir + "/" + name, depth + 1, chains, facts, files);
    }
  }
}

void probeNftables(const Host& host, FirewallFacts& facts) {
  BootServiceState st = serviceState(host, "nftables.service", "nftables");
  if (!st.installed) return;
  FirewallProduct p = product("nftables", st);
  // Debian's unit loads /etc/nftables.conf; RHEL 8's /etc/sysconfig/nftables.conf.
  std::string conf = host.exists("/etc/sysconfig/nftables.conf") ? "/etc/sysconfig/nftables.conf"
                                                                 : "/etc/nftables.conf";
  std::vector<NftChain> chains;
  std::vector<std::string> files;
  readNft(host, conf, 0, chains, facts, files);
  if (files.empty()) {
    p.notes.push_back({{conf, 0}, "no ruleset file"});
  } else {
    NftDecision d = nftTcpPortAccess(chains, kSsh);
    p.ssh_at_boot = d.has_input_chain ? d.access : PortAccess::kAllowed;
    p.notes.push_back({{conf, d.line}, d.has_input_chain ? d.text : "no input chain"});
  }
  facts.products.push_back(std::move(p));
}

void probeFirewalld(const Host& host, FirewallFacts& facts) {
  BootServiceState st = serviceState(host, "firewalld.service", "firewalld");
  if (!st.installed) return;
  FirewallProduct p = product("firewalld", st);
  const std::string conf = "/etc/firewalld/firewalld.conf";
  // firewalld.conf(5): DefaultZone, "public" when not set.
  std::string zone_name = "public";
  int zone_line = 0;
  if (auto text = readIfPresent(host, conf, facts.problems)) {
    ShellVarsFile vars = parseShellVars(*text);
    if (const ShellVar* v = vars.find("DefaultZone"); v && !v->value.empty()) {
      zone_name = v->value;
      zone_line = v->line;
    }
  }
  p.notes.push_back({{conf, zone_line}, "default zone " + zone_name});
  // A zone in /etc/firewalld/zones replaces the shipped one of the same name.
  std::string zone_file;
  for (const char* dir : {"/etc/firewalld/zones/", "/usr/lib/firewalld/zones/"}) {
    if (host.exists(dir + zone_name + ".xml")) {
      zone_file = dir + zone_name + ".xml";
      break;
    }
  }
  if (zone_file.empty()) {
    facts.problems.push_back({conf, zone_line, "zone file of " + zone_name + " not found"});
  } else if (auto text = readIfPresent(host, zone_file, facts.problems)) {
    FirewalldZone zone = parseFirewalldZone(*text);
    record(zone.problems, zone_file, facts);
    int line = 0;
    std::string why;
    if (zoneAllowsTcp(zone, kSsh, line, why)) {
      p.ssh_at_boot = PortAccess::kAllowed;
      p.notes.push_back({{zone_file, line}, why});
    } else if (zone.problems.empty()) {
      p.ssh_at_boot = PortAccess::kBlocked;
      p.notes.push_back({{zone_file, 0},
                         "zone " + zone_name + " (target " + zone.target +
                             ") allows neither service ssh nor port 22/tcp"});
    }
  }
  facts.products.push_back(std::move(p));
}

void probeUfw(const Host& host, FirewallFacts& facts) {
  const std::string conf = "/etc/ufw/ufw.conf";
  auto text = readIfPresent(host, conf, facts.problems);
  if (!text) return;
  FirewallProduct p;
  p.name = "ufw";
  p.installed = true;
  // ufw.conf: "ENABLED: Set to yes to start on boot"; the ufw service/job reads it.
  ShellVarsFile vars = parseShellVars(*text);
  record(vars.problems, conf, facts);
  const ShellVar* enabled = vars.find("ENABLED");
  p.enabled_at_boot = enabled && isYes(enabled->value);
  p.boot_evidence = "ENABLED=" + (enabled ? enabled->value : "(not set: no)");
  p.boot_source = {conf, enabled ? enabled->line : 0};
  // DEFAULT_INPUT_POLICY in /etc/default/ufw applies to what no user rule matches.
  PortAccess fallback = PortAccess::kBlocked;
  std::string policy_note = "/etc/default/ufw: DEFAULT_INPUT_POLICY not set (DROP)";
  int policy_line = 0;
  if (auto def = readIfPresent(host, "/etc/default/ufw", facts.problems)) {
    ShellVarsFile dv = parseShellVars(*def);
    if (const ShellVar* v = dv.find("DEFAULT_INPUT_POLICY")) {
      fallback = v->value == "ACCEPT" ? PortAccess::kAllowed : PortAccess::kBlocked;
      policy_note = "DEFAULT_INPUT_POLICY=" + v->value;
      policy_line = v->line;
    }
  }
  std::string rules_path =
      host.exists("/etc/ufw/user.rules") ? "/etc/ufw/user.rules" : "/lib/ufw/user.rules";
  if (auto rules_text = readIfPresent(host, rules_path, facts.problems)) {
    IptablesSave rules = parseIptablesSave(*rules_text);
    record(rules.problems, rules_path, facts);
    PortDecision d = tcpPortAccess(rules, "ufw-user-input", kSsh, fallback);
    p.ssh_at_boot = d.access;
    if (d.line)
      p.notes.push_back({{rules_path, d.line}, d.text});
    else
      p.notes.push_back(
          {{"/etc/default/ufw", policy_line}, "no user rule for 22/tcp; " + policy_note});
  } else {
    p.ssh_at_boot = fallback;
    p.notes.push_back({{"/etc/default/ufw", policy_line}, "no user.rules; " + policy_note});
  }
  facts.products.push_back(std::move(p));
}

// SuSEfirewall2's FW_SERVICES_EXT_TCP: ports, ranges (a:b) and service names.
bool suseListOpensSsh(std::string_view list) {
  for (const std::string& w : splitWords(list)) {
    if (w == "ssh" || portListCovers(w, kSsh)) return true;
  }
  return false;
}

void probeSuseFirewall2(const Host& host, FirewallFacts& facts) {
  BootServiceState st = serviceState(host, "SuSEfirewall2.service", "SuSEfirewall2_setup");
  const std::string conf = "/etc/sysconfig/SuSEfirewall2";
  if (!st.installed && !host.exists(conf)) return;
  FirewallProduct p = product("SuSEfirewall2", st);
  p.installed = true;
  if (auto text = readIfPresent(host, conf, facts.problems)) {
    ShellVarsFile vars = parseShellVars(*text);
    record(vars.problems, conf, facts);
    const ShellVar* tcp = vars.find("FW_SERVICES_EXT_TCP");
    const ShellVar* cfg = vars.find("FW_CONFIGURATIONS_EXT");
    if (tcp && suseListOpensSsh(tcp->value)) {
      p.ssh_at_boot = PortAccess::kAllowed;
      p.notes.push_back({{conf, tcp->line}, "FW_SERVICES_EXT_TCP=\"" + tcp->value + "\""});
    } else if (cfg && std::string(" " + cfg->value + " ").find(" sshd ") != std::string::npos) {
      p.ssh_at_boot = PortAccess::kAllowed;
      p.notes.push_back({{conf, cfg->line}, "FW_CONFIGURATIONS_EXT=\"" + cfg->value + "\""});
    } else {
      // The external zone drops what these lists do not open (SuSEfirewall2 sysconfig docs).
      p.ssh_at_boot = PortAccess::kBlocked;
      p.notes.push_back({{conf, tcp ? tcp->line : 0},
                         "FW_SERVICES_EXT_TCP and FW_CONFIGURATIONS_EXT do not open ssh"});
    }
  }
  facts.products.push_back(std::move(p));
}

}  // namespace

void probeFirewallProducts(const Host& host, FirewallFacts& facts) {
  probeIptablesService(host, facts);
  probeNetfilterPersistent(host, facts);
  probeIptablesRestore(host, facts);
  probeNftables(host, facts);
  probeFirewalld(host, facts);
  probeUfw(host, facts);
  probeSuseFirewall2(host, facts);
}

void probeFirewallRuntime(const Host& host, FirewallFacts& facts) {
  if (!host.hasRuntimeState()) {
    facts.runtime = Observed<std::vector<RuntimeRuleset>>::failed(
        "not checked: " + host.describe() + " has no running state");
    return;
  }
  std::vector<RuntimeRuleset> sets;
  auto ipt = host.run({"iptables-save"});
  if (ipt && ipt->exit_code == 0) {
    IptablesSave rules = parseIptablesSave(ipt->out);
    PortDecision d = tcpPortAccess(rules, "INPUT", kSsh, PortAccess::kAllowed);
    sets.push_back(
        {"iptables-save", filtersInput(rules), d.access, {{{"iptables-save", 0}, d.text}}});
  } else if (ipt) {
    sets.push_back(
        {"iptables-save",
         false,
         PortAccess::kUnknown,
         {{{"iptables-save", 0},
           "exit " + std::to_string(ipt->exit_code) + ": " + std::string(trim(ipt->err))}}});
  } else if (ipt.error().code != ErrorCode::kNotFound) {
    facts.problems.push_back({"iptables-save", 0, ipt.error().message});
  }
  auto nft = host.run({"nft", "list", "ruleset"});
  if (nft && nft->exit_code == 0) {
    NftRuleset rs = parseNftRuleset(nft->out);
    NftDecision d = nftTcpPortAccess(rs.chains, kSsh);
    sets.push_back({"nft list ruleset",
                    d.filtering,
                    d.has_input_chain ? d.access : PortAccess::kAllowed,
                    {{{"nft list ruleset", 0}, d.has_input_chain ? d.text : "no input chain"}}});
  } else if (nft) {
    sets.push_back(
        {"nft list ruleset",
         false,
         PortAccess::kUnknown,
         {{{"nft list ruleset", 0},
           "exit " + std::to_string(nft->exit_code) + ": " + std::string(trim(nft->err))}}});
  } else if (nft.error().code != ErrorCode::kNotFound) {
    facts.problems.push_back({"nft", 0, nft.error().message});
  }
  facts.runtime = Observed<std::vector<RuntimeRuleset>>::of(std::move(sets));
}

}  // namespace guestprep::os_linux
