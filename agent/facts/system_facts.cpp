// JSON mapping of SystemFacts.
#include "facts/system_facts.h"

namespace guestprep {

void to_json(nlohmann::json& j, const SystemFacts& /*f*/) { j = nlohmann::json::object(); }

void from_json(const nlohmann::json& j, SystemFacts& /*f*/) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "system facts must be an object", &j);
}

}  // namespace guestprep
