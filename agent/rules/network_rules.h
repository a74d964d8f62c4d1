// The network rule types: nic.count (L-NIC), nic.dhcp (L-DHCP), ipv6.disabled (L-IPV6) and
// nic.pinning (X-NETPIN). Each is a parameter declaration plus a pure evaluation over Facts.
#pragma once

#include <vector>

#include "facts/facts.h"
#include "policy/params.h"
#include "rules/finding.h"

namespace guestprep {

std::vector<ParamSpec> nicCountParams();
Outcome evaluateNicCount(const Facts& facts, const Params& params);

std::vector<ParamSpec> nicDhcpParams();
Outcome evaluateNicDhcp(const Facts& facts, const Params& params);

std::vector<ParamSpec> ipv6DisabledParams();
Outcome evaluateIpv6Disabled(const Facts& facts, const Params& params);

std::vector<ParamSpec> nicPinningParams();
Outcome evaluateNicPinning(const Facts& facts, const Params& params);

/// The default globs of interface names that depend on the NIC's hardware position.
std::vector<std::string> defaultHardwareNamePatterns();

}  // namespace guestprep
