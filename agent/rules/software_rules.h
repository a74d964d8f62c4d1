// The software rule types: cloudinit.present (L-CLOUDINIT), cloudinit.datasource
// (X-CLOUDINIT-DS), agent.absent (L-QEMUGA, X-AGENTS) and files.unmodified (L-ISSUE, L-GRUB,
// L-SYSDIRS). Each is a parameter declaration plus a pure evaluation over Facts.
#pragma once

#include <vector>

#include "facts/facts.h"
#include "policy/params.h"
#include "rules/finding.h"

namespace guestprep {

std::vector<ParamSpec> cloudInitPresentParams();
Outcome evaluateCloudInitPresent(const Facts& facts, const Params& params);

std::vector<ParamSpec> cloudInitDatasourceParams();
Outcome evaluateCloudInitDatasource(const Facts& facts, const Params& params);

std::vector<ParamSpec> agentAbsentParams();
Outcome evaluateAgentAbsent(const Facts& facts, const Params& params);

std::vector<ParamSpec> filesUnmodifiedParams();
Outcome evaluateFilesUnmodified(const Facts& facts, const Params& params);

}  // namespace guestprep
