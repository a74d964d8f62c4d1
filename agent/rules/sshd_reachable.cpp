// sshd.reachable (L-SSH): sshd installed, enabled at boot, listening on the SSH port everywhere.
#include <algorithm>
#include <string>

#include "rules/firewall_rules.h"

namespace guestprep {

std::vector<ParamSpec> sshdReachableParams() {
  return {
      {"port",
       ParamKind::kInt,
       ParamValue{std::int64_t{22}},
       "the TCP port the cloud connects to",
       {}},
  };
}

namespace {

Evidence ev(const SourceRef& s, std::string text) { return {s.file, s.line, std::move(text)}; }

}  // namespace

Outcome evaluateSshdReachable(const Facts& facts, const Params& params) {
  const SshdFacts& sshd = facts.firewall.sshd;
  const int port = static_cast<int>(params.getInt("port"));
  const std::string port_s = std::to_string(port);
  Outcome out;
  out.evidence.push_back({"sshd", 0, sshd.installed_evidence});
  if (!sshd.installed) {
    out.status = Status::kFail;
    out.message = "the OpenSSH server is not installed";
    return out;
  }
  out.evidence.push_back(bootEvidence(sshd.boot_source, sshd.boot_evidence, "start at boot"));
  if (!sshd.enabled_at_boot) {
    out.status = Status::kFail;
    out.message = "sshd is installed but does not start at boot";
    return out;
  }
  std::vector<Evidence> unreadable, refused;
  for (const ConfigProblem& p : sshd.problems) {
    Evidence e{p.file, p.line, p.message};
    out.evidence.push_back(e);
    if (p.line == 0) unreadable.push_back(e);
    // A bad line in sshd_config is fatal to sshd (servconf.c: "bad configuration options").
    else if (!p.file.starts_with("/proc/"))
      refused.push_back(e);
  }
  if (!unreadable.empty()) {
    out.status = Status::kError;
    out.message = "could not read every sshd configuration file";
    out.remediation = "Check the files named in the evidence (permissions) and run again.";
    return out;
  }
  if (!sshd.config_found) {
    out.status = Status::kFail;
    out.message = "/etc/ssh/sshd_config is missing: sshd does not start without it";
    return out;
  }
  if (!refused.empty()) {
    out.status = Status::kFail;
    out.message = "sshd would refuse its configuration (" + refused.front().source + ":" +
                  std::to_string(refused.front().line) + ": " + refused.front().text + ")";
    return out;
  }
  // sshd_config(5): Port defaults to 22; several Port lines are all used.
  std::vector<int> ports;
  for (const auto& p : sshd.ports) {
    ports.push_back(p.port);
    out.evidence.push_back(ev(p.source, "Port " + std::to_string(p.port)));
  }
  if (ports.empty()) ports.push_back(22);
  bool port_listed = std::find(ports.begin(), ports.end(), port) != ports.end();
  if (sshd.address_family == "inet6") {
    out.status = Status::kFail;
    out.message = "sshd is configured for IPv6 only (AddressFamily inet6)";
    out.evidence.push_back(ev(sshd.address_family_source, "AddressFamily inet6"));
    return out;
  }
  bool everywhere = false;
  if (sshd.listen.empty()) {
    everywhere = port_listed;  // no ListenAddress: every local address, on every Port
  } else {
    for (const auto& l : sshd.listen) {
      out.evidence.push_back(ev(
          l.source, "ListenAddress " + l.address + (l.port ? ":" + std::to_string(l.port) : "")));
      // sshd binds "::" with IPV6_V6ONLY, so only 0.0.0.0 covers every IPv4 address.
      bool any_v4 = l.address == "0.0.0.0";
      bool on_port = l.port ? l.port == port : port_listed;
      if (any_v4 && on_port) everywhere = true;
    }
  }
  if (!everywhere) {
    out.status = Status::kFail;
    out.message = sshd.listen.empty() || !port_listed
                      ? "sshd is not configured to listen on port " + port_s
                      : "sshd listens on port " + port_s + " only on specific addresses";
    return out;
  }
  const auto& now = sshd.listening;
  if (!now.ok()) {
    out.evidence.push_back({"/proc/net/tcp", 0, now.error});
  } else {
    bool listening = std::any_of(now.value->begin(), now.value->end(),
                                 [&](const ListenSocket& s) { return s.port == port; });
    if (!listening) {
      out.status = Status::kWarn;
      out.message = "sshd is set up for port " + port_s + " at boot, but nothing listens on it now";
      out.evidence.push_back({"/proc/net/tcp", 0, "no socket listens on port " + port_s});
      out.remediation = "Start sshd (systemctl start sshd / service ssh start) and check its log.";
      return out;
    }
    out.evidence.push_back({"/proc/net/tcp", 0, "a socket listens on port " + port_s + " now"});
  }
  out.status = Status::kPass;
  out.message = "sshd starts at boot and listens on port " + port_s + " on all addresses";
  return out;
}

}  // namespace guestprep
