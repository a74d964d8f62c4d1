// Password policy in force (PAM stack, pwquality, cracklib, passwdqc, login.defs) and the
// shadow file's attributes (L-PASSWD, L-SHADOW).
#pragma once

#include <string>
#include <vector>

#include "facts/common.h"

namespace guestprep {

/// Filled by the auth probes; every field documents where it comes from.
struct AuthFacts {
  bool operator==(const AuthFacts&) const = default;
};

void to_json(nlohmann::json& j, const AuthFacts& f);
void from_json(const nlohmann::json& j, AuthFacts& f);

}  // namespace guestprep
