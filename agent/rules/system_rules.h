// The system family's rule types: platform.standard (L-PLATFORM), accounts.root (X-ROOTACCT),
// links.relative (X-LIBLINKS), selinux.not_enforcing (L-SELINUX), machine_id.generalised
// (X-MACHINEID), resolv.managed (X-RESOLV). Each is a parameter declaration plus a pure
// evaluation over Facts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"
#include "policy/params.h"
#include "rules/finding.h"

namespace guestprep {

/// One entry of the standard-platform table: "<id>:<versions>[:<name at import>]", versions
/// a comma list of "*" (any), "7" / "13.1" (that version and its point releases) or "681.2+"
/// (that version or later, compared number by number).
struct StandardPlatform {
  std::string id;
  std::vector<std::string> versions;
  std::string display;  ///< the name the import form uses; the id capitalised when not given
};

/// Parses a table entry; the error says what is wrong with it.
std::optional<StandardPlatform> parseStandardPlatform(std::string_view entry, std::string* error);
/// Whether `version` ("7.2.1511", "14.04", "") is one `spec` ("7", "13.1", "681.2+", "*") names.
bool versionMatches(std::string_view spec, std::string_view version);

std::vector<ParamSpec> platformStandardParams();
Outcome evaluatePlatformStandard(const Facts& facts, const Params& params);

std::vector<ParamSpec> rootAccountParams();
Outcome evaluateRootAccount(const Facts& facts, const Params& params);

std::vector<ParamSpec> relativeLinksParams();
Outcome evaluateRelativeLinks(const Facts& facts, const Params& params);

std::vector<ParamSpec> selinuxNotEnforcingParams();
Outcome evaluateSelinuxNotEnforcing(const Facts& facts, const Params& params);

std::vector<ParamSpec> machineIdParams();
Outcome evaluateMachineId(const Facts& facts, const Params& params);

std::vector<ParamSpec> resolvManagedParams();
Outcome evaluateResolvManaged(const Facts& facts, const Params& params);

/// Problems of the system facts about `file` (or, when `prefix`, any file under it).
std::vector<Evidence> systemProblemsFor(const SystemFacts& sys, std::string_view file,
                                        bool prefix = false);

}  // namespace guestprep
