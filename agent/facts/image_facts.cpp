// JSON mapping of ImageFacts.
#include "facts/image_facts.h"

namespace guestprep {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ImageVolume, name, size, filesystem, uuid, label, features,
                                   error)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ImagePartition, number, start, size, type, type_name, bootable,
                                   extended, filesystem, uuid, label, features, error, volumes,
                                   volumes_error)

void to_json(nlohmann::json& j, const ImageContents& c) {
  j = nlohmann::json{{"scheme", c.scheme},
                     {"mbr_boot_code", c.mbr_boot_code},
                     {"partitions", c.partitions},
                     {"problems", c.problems}};
}

void from_json(const nlohmann::json& j, ImageContents& c) {
  j.at("scheme").get_to(c.scheme);
  j.at("mbr_boot_code").get_to(c.mbr_boot_code);
  j.at("partitions").get_to(c.partitions);
  j.at("problems").get_to(c.problems);
}

void to_json(nlohmann::json& j, const ImageFacts& f) {
  j = nlohmann::json{{"file", f.file},
                     {"file_size", f.file_size},
                     {"format", f.format},
                     {"subformat", f.subformat},
                     {"virtual_size", f.virtual_size},
                     {"allocated_size", f.allocated_size},
                     {"block_size", f.block_size},
                     {"logical_sector_size", f.logical_sector_size},
                     {"backing_file", f.backing_file},
                     {"encrypted", f.encrypted},
                     {"compressed", f.compressed},
                     {"problems", f.problems},
                     {"error", f.error},
                     {"contents", f.contents}};
}

void from_json(const nlohmann::json& j, ImageFacts& f) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "image facts must be an object", &j);
  j.at("file").get_to(f.file);
  j.at("file_size").get_to(f.file_size);
  j.at("format").get_to(f.format);
  j.at("subformat").get_to(f.subformat);
  j.at("virtual_size").get_to(f.virtual_size);
  j.at("allocated_size").get_to(f.allocated_size);
  j.at("block_size").get_to(f.block_size);
  j.at("logical_sector_size").get_to(f.logical_sector_size);
  j.at("backing_file").get_to(f.backing_file);
  j.at("encrypted").get_to(f.encrypted);
  j.at("compressed").get_to(f.compressed);
  j.at("problems").get_to(f.problems);
  j.at("error").get_to(f.error);
  j.at("contents").get_to(f.contents);
}

}  // namespace guestprep
