// JSON mapping of BootFacts.
#include "facts/boot_facts.h"

namespace guestprep {

void to_json(nlohmann::json& j, const BootFacts& /*f*/) { j = nlohmann::json::object(); }

void from_json(const nlohmann::json& j, BootFacts& /*f*/) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "boot facts must be an object", &j);
}

}  // namespace guestprep
