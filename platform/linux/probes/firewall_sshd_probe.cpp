// sshd: installed, enabled at boot (systemd units, SysV links, upstart jobs), the ports and
// addresses sshd_config (with its Includes) sets, and the TCP sockets listening now.
#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "parsers/firewall_proc_tcp.h"
#include "parsers/firewall_sshd_config.h"
#include "parsers/text.h"
#include "probes/boot_services.h"
#include "probes/firewall_probes.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kSshdConfig = "/etc/ssh/sshd_config";

void sshdInstalled(const Host& host, SshdFacts& sshd) {
  std::string binary;
  for (const char* b : {"/usr/sbin/sshd", "/usr/local/sbin/sshd"}) {
    if (host.exists(b)) {
      binary = b;
      break;
    }
  }
  std::vector<std::string> services;
  for (const char* unit : {"sshd.service", "ssh.service", "ssh.socket", "sshd.socket"}) {
    BootServiceState st = systemdUnitState(host, unit);
    if (st.installed) services.push_back(unit);
  }
  for (const char* script : {"sshd", "ssh"}) {
    if (sysvServiceState(host, script).installed)
      services.push_back("init script " + std::string(script));
  }
  if (upstartJobState(host, "ssh").installed) services.push_back("upstart job ssh");
  sshd.installed = !binary.empty() && !services.empty();
  std::string list;
  for (const auto& s : services) list += (list.empty() ? "" : ", ") + s;
  sshd.installed_evidence = (binary.empty() ? "no sshd binary" : binary) + "; " +
                            (list.empty() ? "no sshd service" : list);
}

void sshdEnabled(const Host& host, SshdFacts& sshd) {
  std::vector<BootServiceState> states;
  if (bootsWithSystemd(host)) {
    // Debian names the unit ssh.service (alias sshd.service), RHEL and SUSE sshd.service; newer
    // Ubuntu starts sshd from ssh.socket.
    for (const char* unit : {"sshd.service", "ssh.service", "ssh.socket", "sshd.socket"}) {
      states.push_back(systemdUnitState(host, unit));
    }
    bool any_unit = std::any_of(states.begin(), states.end(),
                                [](const BootServiceState& s) { return s.installed; });
    if (!any_unit) {
      // systemd-sysv-generator starts SysV scripts that have no unit.
      states.push_back(sysvServiceState(host, "sshd"));
      states.push_back(sysvServiceState(host, "ssh"));
    }
  } else {
    UpstartJobState job = upstartJobState(host, "ssh");
    if (job.installed) {
      states.push_back({true, job.enabled, job.evidence, job.source});
    } else {
      states.push_back(sysvServiceState(host, "sshd"));
      states.push_back(sysvServiceState(host, "ssh"));
    }
  }
  for (const auto& st : states) {
    if (st.enabled) {
      sshd.enabled_at_boot = true;
      sshd.boot_evidence = st.evidence;
      sshd.boot_source = st.source;
      return;
    }
  }
  std::string why;
  int installed = 0;
  for (const auto& st : states) {
    if (!st.installed) continue;
    // The file and line are the evidence's only when one service decided.
    sshd.boot_source = ++installed == 1 ? st.source : SourceRef{};
    why += (why.empty() ? "" : "; ") + st.evidence;
  }
  sshd.boot_evidence = why.empty() ? "no sshd unit, init script or upstart job" : why;
}

struct ConfigWalk {
  const Host& host;
  SshdFacts& sshd;
  bool af_set = false;

  void file(const std::string& path, bool in_match, int depth) {
    if (depth > 16) {
      sshd.problems.push_back({path, 0, "Include nested too deeply"});
      return;
    }
    auto text = readIfPresent(host, path, sshd.problems);
    if (!text) return;
    if (depth == 0) sshd.config_found = true;
    SshdConfigFile cfg = parseSshdConfig(*text, in_match);
    for (ConfigProblem& p : cfg.problems) sshd.problems.push_back({path, p.line, p.message});
    for (const SshdDirective& d : cfg.directives) directive(path, d, depth);
  }

  void include(const SshdDirective& d, int depth) {
    for (const std::string& arg : d.args) {
      // sshd_config(5) Include: relative names are in /etc/ssh; glob(3) wildcards, sorted.
      std::string full = arg.starts_with('/') ? arg : "/etc/ssh/" + arg;
      std::string dir = full.substr(0, full.rfind('/'));
      std::string pattern = full.substr(full.rfind('/') + 1);
      if (pattern.find_first_of("*?[") == std::string::npos) {
        // A missing Include file is not an error to sshd (glob finds nothing).
        if (host.entryExists(full)) file(full, d.in_match, depth + 1);
        continue;
      }
      for (const std::string& name : listIfPresent(host, dir, sshd.problems)) {
        if (globMatch(pattern, name)) file(dir + "/" + name, d.in_match, depth + 1);
      }
    }
  }

  void directive(const std::string& path, const SshdDirective& d, int depth) {
    if (d.keyword == "include") {
      include(d, depth);
      return;
    }
    bool listen_kw =
        d.keyword == "port" || d.keyword == "listenaddress" || d.keyword == "addressfamily";
    if (!listen_kw) return;
    if (d.in_match) {
      // servconf.c: these keywords are not allowed in a Match block; sshd refuses to start.
      sshd.problems.push_back(
          {path, d.line, d.keyword + " inside a Match block: sshd refuses this configuration"});
      return;
    }
    if (d.keyword == "port") {
      for (const std::string& a : d.args) {
        int v = 0;
        auto [p, ec] = std::from_chars(a.data(), a.data() + a.size(), v);
        if (ec != std::errc() || p != a.data() + a.size() || v < 1 || v > 65535) {
          sshd.problems.push_back({path, d.line, "bad Port " + a});
          continue;
        }
        sshd.ports.push_back({{path, d.line}, "", v});
      }
    } else if (d.keyword == "listenaddress") {
      auto la = parseListenAddress(d.args[0]);
      if (!la) {
        sshd.problems.push_back({path, d.line, "bad ListenAddress " + d.args[0]});
        return;
      }
      sshd.listen.push_back({{path, d.line}, la->host, la->port});
    } else if (!af_set) {
      // For most keywords the first value obtained is used (sshd_config(5)).
      af_set = true;
      sshd.address_family = toLower(d.args[0]);
      sshd.address_family_source = {path, d.line};
    }
  }
};

void listening(const Host& host, SshdFacts& sshd) {
  if (!host.hasRuntimeState()) {
    sshd.listening = Observed<std::vector<ListenSocket>>::failed("not checked: " + host.describe() +
                                                                 " has no running state");
    return;
  }
  std::vector<ListenSocket> all;
  for (const auto& [file, v6] : {std::pair{"/proc/net/tcp", false}, {"/proc/net/tcp6", true}}) {
    auto text = host.readFile(file);
    if (!text) {
      // tcp6 is absent when IPv6 is disabled; tcp must be there.
      if (v6 && text.error().code == ErrorCode::kNotFound) continue;
      sshd.listening = Observed<std::vector<ListenSocket>>::failed(text.error().message);
      return;
    }
    ProcTcpFile parsed = parseProcNetTcp(*text, v6);
    for (ConfigProblem& p : parsed.problems) sshd.problems.push_back({file, p.line, p.message});
    for (ListenSocket& s : parsed.listening) {
      s.file = file;
      all.push_back(std::move(s));
    }
  }
  sshd.listening = Observed<std::vector<ListenSocket>>::of(std::move(all));
}

}  // namespace

UpstartJobState upstartJobState(const Host& host, std::string_view job) {
  UpstartJobState st;
  std::string conf = "/etc/init/" + std::string(job) + ".conf";
  auto text = host.readFile(conf);
  if (!text) return st;
  st.installed = true;
  bool start_on = false, manual = false;
  int start_line = 0;
  for (const LogicalLine& ll : splitLogicalLines(*text, false)) {
    auto words = splitWords(ll.text);
    if (words.empty() || words[0].starts_with('#')) continue;
    if (words[0] == "start" && words.size() > 1 && words[1] == "on") {
      start_on = true;
      start_line = ll.number;
    }
    if (words[0] == "manual") manual = true;
  }
  // init(5): a `manual` stanza in the job's .override file disables automatic start.
  std::string override_path = "/etc/init/" + std::string(job) + ".override";
  if (auto ov = host.readFile(override_path)) {
    for (const LogicalLine& ll : splitLogicalLines(*ov, false)) {
      if (trim(ll.text) == "manual") {
        st.evidence = "manual";
        st.source = {override_path, ll.number};
        return st;
      }
    }
  }
  st.enabled = start_on && !manual;
  st.evidence = st.enabled ? "start on" : manual ? "has a manual stanza" : "has no start on stanza";
  st.source = {conf, st.enabled ? start_line : 0};
  return st;
}

void probeSshd(const Host& host, FirewallFacts& facts) {
  SshdFacts& sshd = facts.sshd;
  sshdInstalled(host, sshd);
  sshdEnabled(host, sshd);
  ConfigWalk{host, sshd}.file(std::string(kSshdConfig), false, 0);
  listening(host, sshd);
}

}  // namespace guestprep::os_linux
