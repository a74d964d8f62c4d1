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

/// The built-in policy for a platform's systems: an offline root may hold another platform's
/// system than this build's (a Windows disk mounted on Linux).
constexpr std::string_view defaultPolicyFor(std::string_view platform) {
  return platform == "windows" ? "aliyun-ecs-windows" : "aliyun-ecs-linux";
}

}  // namespace guestprep
