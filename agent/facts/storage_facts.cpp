// JSON mapping of StorageFacts.
#include "facts/storage_facts.h"

namespace guestprep::disk {

NLOHMANN_JSON_SERIALIZE_ENUM(PartitionScheme, {
                                                  {PartitionScheme::kNone, "none"},
                                                  {PartitionScheme::kMbr, "mbr"},
                                                  {PartitionScheme::kGpt, "gpt"},
                                                  {PartitionScheme::kHybrid, "hybrid"},
                                              })

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Partition, number, start, size, type, type_name, guid, name,
                                   bootable, extended)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PartitionTable, scheme, sector_size, partitions, mbr_boot_code,
                                   mbr_signature, disk_guid, problems)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ExtInfo, features, clean, errors, error_count, first_error_time,
                                   last_error_time, last_error_func, last_error_line, last_check,
                                   check_interval, mount_count, max_mount_count, last_mount,
                                   block_count, block_size)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(XfsInfo, version, features, log_clean, log_state, block_count,
                                   block_size)

// std::optional members are written as null when absent and must be present when read.
void to_json(nlohmann::json& j, const FilesystemInfo& f) {
  j = nlohmann::json{{"type", f.type},       {"uuid", f.uuid}, {"label", f.label},
                     {"version", f.version}, {"ext", nullptr}, {"xfs", nullptr}};
  if (f.ext) j["ext"] = *f.ext;
  if (f.xfs) j["xfs"] = *f.xfs;
}

void from_json(const nlohmann::json& j, FilesystemInfo& f) {
  j.at("type").get_to(f.type);
  j.at("uuid").get_to(f.uuid);
  j.at("label").get_to(f.label);
  j.at("version").get_to(f.version);
  const auto& ext = j.at("ext");
  if (ext.is_null()) {
    f.ext.reset();
  } else {
    f.ext = ext.get<ExtInfo>();
  }
  const auto& xfs = j.at("xfs");
  if (xfs.is_null()) {
    f.xfs.reset();
  } else {
    f.xfs = xfs.get<XfsInfo>();
  }
}

}  // namespace guestprep::disk

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
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SystemDisk, root_device, disk, size, layers, root_on_lvm,
                                   evidence)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FilesystemCheck, mount_point, device, mounted, fs)

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
                     {"boot_mode", f.boot_mode},
                     {"system_disk", f.system_disk},
                     {"partition_table", f.partition_table},
                     {"filesystems", f.filesystems},
                     {"check_at_next_boot", f.check_at_next_boot}};
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
  j.at("system_disk").get_to(f.system_disk);
  j.at("partition_table").get_to(f.partition_table);
  j.at("filesystems").get_to(f.filesystems);
  j.at("check_at_next_boot").get_to(f.check_at_next_boot);
}

}  // namespace guestprep
