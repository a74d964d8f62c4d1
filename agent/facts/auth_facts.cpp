// JSON mapping of AuthFacts.
#include "facts/auth_facts.h"

namespace guestprep {

void to_json(nlohmann::json& j, const AuthFacts& /*f*/) { j = nlohmann::json::object(); }

void from_json(const nlohmann::json& j, AuthFacts& /*f*/) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "auth facts must be an object", &j);
}

}  // namespace guestprep
