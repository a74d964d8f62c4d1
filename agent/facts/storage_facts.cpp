// JSON mapping of StorageFacts.
#include "facts/storage_facts.h"

namespace guestprep {

NLOHMANN_JSON_SERIALIZE_ENUM(DeviceState, {
                                              {DeviceState::kNotDevice, "not-device"},
                                              {DeviceState::kUnchecked, "unchecked"},
                                              {DeviceState::kFound, "found"},
                                              {DeviceState::kMissing, "missing"},
                                          })

std::string toString(DeviceState s) { return nlohmann::json(s).get<std::string>(); }

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FstabEntry, source, spec, file, vfstype, options, freq, passno,
                                   state, device, uuid)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CrypttabEntry, source, name, device, uuid)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(BootDeviceArg, source, key, value, uuid)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MountEntry, device, mount_point, fstype)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SpaceStats, block_size, blocks, blocks_free, blocks_avail,
                                   inodes, inodes_free)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MountSpace, path, separate, stats)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(BootModeInfo, mode, source, evidence)

void to_json(nlohmann::json& j, const StorageFacts& f) {
  j = nlohmann::json{{"fstab_path", f.fstab_path},
                     {"fstab_present", f.fstab_present},
                     {"fstab", f.fstab},
                     {"fstab_problems", f.fstab_problems},
                     {"crypttab", f.crypttab},
                     {"crypttab_problems", f.crypttab_problems},
                     {"boot_device_args", f.boot_device_args},
                     {"boot_problems", f.boot_problems},
                     {"device_lookup_error", f.device_lookup_error},
                     {"mounts", f.mounts},
                     {"space", f.space},
                     {"boot_mode", f.boot_mode}};
}

void from_json(const nlohmann::json& j, StorageFacts& f) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "storage facts must be an object", &j);
  j.at("fstab_path").get_to(f.fstab_path);
  j.at("fstab_present").get_to(f.fstab_present);
  j.at("fstab").get_to(f.fstab);
  j.at("fstab_problems").get_to(f.fstab_problems);
  j.at("crypttab").get_to(f.crypttab);
  j.at("crypttab_problems").get_to(f.crypttab_problems);
  j.at("boot_device_args").get_to(f.boot_device_args);
  j.at("boot_problems").get_to(f.boot_problems);
  j.at("device_lookup_error").get_to(f.device_lookup_error);
  j.at("mounts").get_to(f.mounts);
  j.at("space").get_to(f.space);
  j.at("boot_mode").get_to(f.boot_mode);
}

}  // namespace guestprep
