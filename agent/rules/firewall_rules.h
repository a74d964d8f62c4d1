// The firewall family's rule types: firewall.off (L-FIREWALL) and sshd.reachable (L-SSH). Each
// is a parameter declaration plus a pure evaluation over Facts.
#pragma once

#include <vector>

#include "facts/facts.h"
#include "policy/params.h"
#include "rules/finding.h"

namespace guestprep {

std::vector<ParamSpec> firewallOffParams();
Outcome evaluateFirewallOff(const Facts& facts, const Params& params);

std::vector<ParamSpec> sshdReachableParams();
Outcome evaluateSshdReachable(const Facts& facts, const Params& params);

/// The evidence of what decides a start at boot: the file and line when one line decided
/// (`source`, with `what` saying what it reads: "ENABLED=no"), else the link or script `what`
/// names.
Evidence bootEvidence(const SourceRef& source, const std::string& what, const std::string& text);

}  // namespace guestprep
