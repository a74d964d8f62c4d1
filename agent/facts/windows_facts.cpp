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

// With defaults: facts saved before complexity_source existed still load.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(WindowsPasswordFacts, minimum_length,
                                                minimum_length_source, complexity,
                                                complexity_source, history, account, account_source,
                                                full_name, secedit_error)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsServiceEntry, name, type, start_type, display_name,
                                   image_path)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsProgram, key, display_name, publisher, version)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsDriverFile, name, path, present, read_only, staged, error)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsCriticalDevice, id, service)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsUpdate, kb, package, state, source)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsPendingMarker, name, where, present, detail, error)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsHibernateFacts, hibernate_enabled, hibernate_default,
                                   hiberboot, hiberfil)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WindowsVolumeFacts, drive, filesystem, total_bytes, free_bytes,
                                   dirty, partition_style, partitions, boot_execute)
// With defaults: facts saved before the run fields existed still load.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(WindowsSfcFacts, log, verify_batches, corrupt,
                                                not_repaired, last_run, last_line, run_asked, ran,
                                                run_exit_code, run_error)

void to_json(nlohmann::json& j, const WindowsFacts& f) {
  j = nlohmann::json{{"collected", f.collected},
                     {"version", f.version},
                     {"rdp", f.rdp},
                     {"firewall", f.firewall},
                     {"password", f.password},
                     {"services", f.services},
                     {"programs", f.programs},
                     {"driver_files", f.driver_files},
                     {"critical_devices", f.critical_devices},
                     {"updates", f.updates},
                     {"pending", f.pending},
                     {"hibernate", f.hibernate},
                     {"volume", f.volume},
                     {"sfc", f.sfc},
                     {"problems", f.problems}};
}

void from_json(const nlohmann::json& j, WindowsFacts& f) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "windows facts must be an object", &j);
  j.at("collected").get_to(f.collected);
  j.at("version").get_to(f.version);
  j.at("rdp").get_to(f.rdp);
  j.at("firewall").get_to(f.firewall);
  j.at("password").get_to(f.password);
  j.at("services").get_to(f.services);
  j.at("programs").get_to(f.programs);
  j.at("driver_files").get_to(f.driver_files);
  j.at("critical_devices").get_to(f.critical_devices);
  j.at("updates").get_to(f.updates);
  j.at("pending").get_to(f.pending);
  j.at("hibernate").get_to(f.hibernate);
  j.at("volume").get_to(f.volume);
  j.at("sfc").get_to(f.sfc);
  j.at("problems").get_to(f.problems);
}

}  // namespace guestprep
