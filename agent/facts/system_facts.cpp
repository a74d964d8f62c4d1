// JSON mapping of SystemFacts (strict: every field must be present when read back).
#include "facts/system_facts.h"

namespace guestprep {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ReleaseInfo, source, id, raw_id, id_like, version, pretty_name)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PlatformFacts, releases, arch, arch_source, root_fs_bytes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RootAccountFacts, passwd_read, passwd_line, uid, shell,
                                   shell_exists, shadow_read, shadow_line, passwd_commands)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TopLevelLink, path, kind, target)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SelinuxSetting, source, text)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SelinuxFacts, config_present, mode, mode_source, invalid,
                                   boot_entries, boot_args)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MachineIdFacts, machine_id_state, machine_id, dbus_state,
                                   ssh_host_keys)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Nameserver, source, address)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ResolvFacts, kind, link_target, generated_by, nameservers,
                                   inode_flags, managers)

void to_json(nlohmann::json& j, const SystemFacts& f) {
  j = nlohmann::json{{"platform", f.platform},     {"root", f.root},
                     {"top_links", f.top_links},   {"selinux", f.selinux},
                     {"machine_id", f.machine_id}, {"resolv", f.resolv},
                     {"problems", f.problems}};
}

void from_json(const nlohmann::json& j, SystemFacts& f) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "system facts must be an object", &j);
  j.at("platform").get_to(f.platform);
  j.at("root").get_to(f.root);
  j.at("top_links").get_to(f.top_links);
  j.at("selinux").get_to(f.selinux);
  j.at("machine_id").get_to(f.machine_id);
  j.at("resolv").get_to(f.resolv);
  j.at("problems").get_to(f.problems);
}

}  // namespace guestprep
