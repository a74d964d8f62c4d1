// The auth rule types: password.accepts_cloud_rule (L-PASSWD) and shadow.writable (L-SHADOW).
#pragma once

#include <vector>

#include "facts/facts.h"
#include "policy/params.h"
#include "rules/finding.h"

namespace guestprep {

std::vector<ParamSpec> passwordAcceptsCloudRuleParams();
/// Fails with a concrete password the cloud allows and the guest rejects.
Outcome evaluatePasswordAcceptsCloudRule(const Facts& facts, const Params& params);

std::vector<ParamSpec> shadowWritableParams();
/// Fails when /etc/shadow is missing, immutable, append-only or on a read-only mount.
Outcome evaluateShadowWritable(const Facts& facts, const Params& params);

}  // namespace guestprep
