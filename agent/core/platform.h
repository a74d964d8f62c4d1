// What this build's platform layer audits; defined by platform/<os>, so the portable core
// (the CLI) needs no #ifdef to know it.
#pragma once

#include <string_view>

namespace guestprep {

struct PlatformInfo {
  std::string_view name;            ///< "linux" or "windows", as a policy's `platform:` says
  std::string_view default_policy;  ///< the built-in policy `audit` uses without --policy
};

/// The platform this build was made for (platform/<os>).
const PlatformInfo& thisPlatform();

}  // namespace guestprep
