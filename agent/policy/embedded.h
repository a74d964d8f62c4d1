// The shipped policies compiled into the binary (generated from policies/*.yaml).
#pragma once

#include <string_view>
#include <vector>

namespace guestprep {

/// One shipped policy: its name (file name without .yaml) and its YAML text.
struct EmbeddedPolicy {
  std::string_view name;
  std::string_view yaml;
};

/// All shipped policies, in file-name order.
const std::vector<EmbeddedPolicy>& embeddedPolicies();

}  // namespace guestprep
