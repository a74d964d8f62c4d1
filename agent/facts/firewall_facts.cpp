// JSON mapping of FirewallFacts.
#include "facts/firewall_facts.h"

namespace guestprep {

void to_json(nlohmann::json& j, const FirewallFacts& /*f*/) { j = nlohmann::json::object(); }

void from_json(const nlohmann::json& j, FirewallFacts& /*f*/) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "firewall facts must be an object", &j);
}

}  // namespace guestprep
