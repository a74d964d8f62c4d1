// JSON mapping of StorageFacts.
#include "facts/storage_facts.h"

namespace guestprep {

void to_json(nlohmann::json& j, const StorageFacts& /*f*/) { j = nlohmann::json::object(); }

void from_json(const nlohmann::json& j, StorageFacts& /*f*/) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "storage facts must be an object", &j);
}

}  // namespace guestprep
