// The boot family's rule types: drivers.present (L-DRIVERS), nvme.present (X-NVME) and
// bootkernel.ready (X-BOOTKERNEL), each a parameter declaration plus a pure evaluation of
// BootFacts.
#pragma once

#include <vector>

#include "facts/facts.h"
#include "policy/params.h"
#include "rules/finding.h"

namespace guestprep {

std::vector<ParamSpec> driversPresentParams();
Outcome evaluateDriversPresent(const Facts& facts, const Params& params);

std::vector<ParamSpec> nvmePresentParams();
Outcome evaluateNvmePresent(const Facts& facts, const Params& params);

std::vector<ParamSpec> bootKernelReadyParams();
Outcome evaluateBootKernelReady(const Facts& facts, const Params& params);

}  // namespace guestprep
