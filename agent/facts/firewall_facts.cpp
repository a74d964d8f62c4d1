// JSON mapping of FirewallFacts.
#include "facts/firewall_facts.h"

namespace guestprep {

NLOHMANN_JSON_SERIALIZE_ENUM(PortAccess, {
                                             {PortAccess::kUnknown, "unknown"},
                                             {PortAccess::kAllowed, "allowed"},
                                             {PortAccess::kBlocked, "blocked"},
                                         })

std::string toString(PortAccess a) { return nlohmann::json(a).get<std::string>(); }

// Strict mapping: every field is required on input (the macros use j.at()).
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FirewallNote, source, text)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FirewallProduct, name, installed, enabled_at_boot, boot_evidence,
                                   boot_source, ssh_at_boot, notes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RuntimeRuleset, command, filtering, ssh, notes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ListenSocket, address, port, file)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SshListenSetting, source, address, port)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SshdFacts, installed, installed_evidence, enabled_at_boot,
                                   boot_evidence, boot_source, config_found, ports, listen,
                                   address_family, address_family_source, problems, listening)

void to_json(nlohmann::json& j, const FirewallFacts& f) {
  j = nlohmann::json{
      {"products", f.products}, {"runtime", f.runtime}, {"problems", f.problems}, {"sshd", f.sshd}};
}

void from_json(const nlohmann::json& j, FirewallFacts& f) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "firewall facts must be an object", &j);
  j.at("products").get_to(f.products);
  j.at("runtime").get_to(f.runtime);
  j.at("problems").get_to(f.problems);
  j.at("sshd").get_to(f.sshd);
}

}  // namespace guestprep
