// JSON mapping of SoftwareFacts.
#include "facts/software_facts.h"

namespace guestprep {

void to_json(nlohmann::json& j, const SoftwareFacts& /*f*/) { j = nlohmann::json::object(); }

void from_json(const nlohmann::json& j, SoftwareFacts& /*f*/) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "software facts must be an object", &j);
}

}  // namespace guestprep
