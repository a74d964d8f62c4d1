// JSON mapping of WindowsFacts (strict: every field must be present when read back).
#include "facts/windows_facts.h"

namespace guestprep {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RegistryFact, key, name, present, type, text, number, error)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsServiceFact, name, installed, start_type,
                                   delayed_auto_start, state, display_name, image_path, source,
                                   error)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsVersion, major, minor, build, service_pack, csd_version,
                                   product_type, product_name, edition_id, installation_type,
                                   source)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsListener, address, port, pid)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsRdpFacts, deny_connections, policy_deny_connections, port,
                                   term_service, listeners)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsFirewallProfile, profile, policy_enabled, local_enabled,
                                   api_enabled)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsFirewallAllowRule, id, name, profiles, local_ports)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsFirewallFacts, profiles, service, inbound_allow_rules,
                                   rules_error)

void to_json(nlohmann::json& j, const WindowsFacts& f) {
  j = nlohmann::json{{"collected", f.collected},
                     {"version", f.version},
                     {"rdp", f.rdp},
                     {"firewall", f.firewall},
                     {"problems", f.problems}};
}

void from_json(const nlohmann::json& j, WindowsFacts& f) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "windows facts must be an object", &j);
  j.at("collected").get_to(f.collected);
  j.at("version").get_to(f.version);
  j.at("rdp").get_to(f.rdp);
  j.at("firewall").get_to(f.firewall);
  j.at("problems").get_to(f.problems);
}

}  // namespace guestprep
