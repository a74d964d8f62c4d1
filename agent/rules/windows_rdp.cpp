// windows.rdp (W-RDP): Remote Desktop allowed at next boot (fDenyTSConnections, Group Policy's
// value first), on the policy's port (PortNumber), TermService not disabled, and — on a running
// system — something listening on that port now (GetExtendedTcpTable).
#include <algorithm>

#include "rules/windows_rules.h"

namespace guestprep {

namespace {

std::string describeService(const WindowsServiceFact& s) {
  std::string start = s.start_type + (s.delayed_auto_start ? " (delayed)" : "");
  return "start type " + start + (s.state.empty() ? "" : ", " + s.state + " now");
}

}  // namespace

std::vector<ParamSpec> windowsRdpParams() {
  return {
      {"port", ParamKind::kInt, ParamValue{std::int64_t{3389}}, "the port RDP must use", {}},
      {"start_types",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"auto", "demand"}},
       "TermService start types that let RDP start (auto, demand, ...)",
       {}},
      {"check_listening",
       ParamKind::kBool,
       ParamValue{true},
       "on a running system, something must listen on the port now",
       {}},
  };
}

Outcome evaluateWindowsRdp(const Facts& facts, const Params& params) {
  Outcome out;
  if (notWindows(facts, out)) return out;
  const WindowsRdpFacts& rdp = facts.windows.rdp;
  const int port = static_cast<int>(params.getInt("port"));
  std::vector<std::string> fails, errors;

  // Group Policy's fDenyTSConnections overrides the local one when it is set.
  const RegistryFact& deny =
      rdp.policy_deny_connections.present ? rdp.policy_deny_connections : rdp.deny_connections;
  for (const RegistryFact* r : {&rdp.policy_deny_connections, &rdp.deny_connections}) {
    out.evidence.push_back(registryEvidence(*r));
    if (!r->error.empty()) errors.push_back("could not read " + r->key + "\\" + r->name);
  }
  if (errors.empty()) {
    if (!deny.present) {
      fails.push_back("fDenyTSConnections is not set, and Windows denies Remote Desktop then");
    } else if (deny.number != 0) {
      fails.push_back("Remote Desktop connections are denied (fDenyTSConnections=" +
                      std::to_string(deny.number) +
                      (&deny == &rdp.policy_deny_connections ? ", by Group Policy)" : ")"));
    }
  }

  out.evidence.push_back(registryEvidence(rdp.port));
  if (!rdp.port.error.empty()) {
    errors.push_back("could not read the RDP port (" + rdp.port.error + ")");
  } else if (rdp.port.present && static_cast<int>(rdp.port.number) != port) {
    fails.push_back("RDP listens on port " + std::to_string(rdp.port.number) + ", not " +
                    std::to_string(port));
  }

  const WindowsServiceFact& svc = rdp.term_service;
  if (!svc.error.empty()) {
    errors.push_back("could not query TermService: " + svc.error);
  } else if (!svc.installed) {
    fails.push_back("the Remote Desktop service (TermService) is not installed");
  } else {
    out.evidence.push_back(Evidence{svc.source, 0, "TermService " + describeService(svc)});
    const auto& allowed = params.getList("start_types");
    if (std::find(allowed.begin(), allowed.end(), svc.start_type) == allowed.end()) {
      fails.push_back("TermService's start type is " + svc.start_type);
    }
  }

  if (facts.runtime && params.getBool("check_listening")) {
    if (!rdp.listeners.ok()) {
      errors.push_back("could not list listening sockets: " + rdp.listeners.error);
    } else {
      bool listening = false;
      for (const WindowsListener& l : *rdp.listeners.value) {
        if (l.port != port) continue;
        listening = true;
        out.evidence.push_back(Evidence{"GetExtendedTcpTable", 0,
                                        "listening on " + l.address + ":" + std::to_string(port) +
                                            " (pid " + std::to_string(l.pid) + ")"});
      }
      if (!listening) {
        out.evidence.push_back(
            Evidence{"GetExtendedTcpTable", 0, "nothing listens on TCP " + std::to_string(port)});
        fails.push_back("nothing listens on TCP " + std::to_string(port) + " now");
      }
    }
  }

  auto joinAll = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
    return s;
  };
  if (!fails.empty()) {
    out.status = Status::kFail;
    out.message = joinAll(fails);
    out.remediation =
        "Allow Remote Desktop (System Properties > Remote, or fDenyTSConnections=0), keep it on "
        "port " +
        std::to_string(port) + " and set TermService to start automatically.";
  } else if (!errors.empty()) {
    out.status = Status::kError;
    out.message = joinAll(errors);
    out.remediation = "Run guestprep as an administrator.";
  } else {
    out.status = Status::kPass;
    out.message = "Remote Desktop is allowed on port " + std::to_string(port);
  }
  return out;
}

}  // namespace guestprep
