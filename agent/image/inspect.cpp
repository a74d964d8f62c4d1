// What is inside an image: the partition table and each partition's filesystem, read through the
// guest view with the same disk/ readers the live audit uses.
#include "disk/filesystems.h"
#include "disk/lvm.h"
#include "disk/partitions.h"
#include "image/image.h"

namespace guestprep::image {

namespace {

/// Fills the filesystem fields of `p` from the superblock at the start of `part`.
void probeInto(const disk::BlockSource& part, ImagePartition& p) {
  auto fs = disk::probeFilesystem(part);
  if (!fs) {
    p.error = fs.error().message;
    return;
  }
  p.filesystem = fs->type;
  p.uuid = fs->uuid;
  p.label = fs->label;
  if (fs->ext) p.features = fs->ext->features;
  if (fs->xfs) p.features = fs->xfs->features;
  if (fs->type != "LVM2_member") return;
  // A PV: the filesystems are inside its logical volumes (the root of most RHEL/CentOS disks).
  auto lvs = disk::readLvmVolumes(part);
  if (!lvs) {
    p.volumes_error = lvs.error().message;
    return;
  }
  for (disk::LvmVolume& lv : *lvs) {
    ImageVolume v;
    v.name = lv.vg + "/" + lv.name;
    v.size = lv.size;
    if (!lv.unreadable.empty()) {
      v.error = "not read: " + lv.unreadable;
    } else {
      disk::LvmVolumeSource src(part, std::move(lv));
      auto vfs = disk::probeFilesystem(src);
      if (!vfs) {
        v.error = vfs.error().message;
      } else {
        v.filesystem = vfs->type;
        v.uuid = vfs->uuid;
        v.label = vfs->label;
        if (vfs->ext) v.features = vfs->ext->features;
        if (vfs->xfs) v.features = vfs->xfs->features;
      }
    }
    p.volumes.push_back(std::move(v));
  }
}

}  // namespace

void inspectContents(OpenedImage& image) {
  if (!image.guest) {
    image.facts.contents = Observed<ImageContents>::failed(image.guest_error);
    return;
  }
  const disk::BlockSource& guest = *image.guest;
  auto table = disk::readPartitionTable(guest);
  if (!table) {
    image.facts.contents = Observed<ImageContents>::failed(table.error().message);
    return;
  }
  ImageContents c;
  c.scheme = disk::toString(table->scheme);
  c.mbr_boot_code = table->mbr_boot_code;
  c.problems = table->problems;
  if (table->scheme == disk::PartitionScheme::kNone) {
    // No partition table: the filesystem, if any, starts at the first byte.
    ImagePartition whole;
    whole.size = guest.size();
    probeInto(guest, whole);
    if (!whole.filesystem.empty() || !whole.error.empty()) c.partitions.push_back(whole);
  }
  for (const disk::Partition& part : table->partitions) {
    ImagePartition p;
    p.number = part.number;
    p.start = part.start;
    p.size = part.size;
    p.type = part.type;
    p.type_name = part.type_name;
    p.bootable = part.bootable;
    p.extended = part.extended;
    if (!part.extended) {
      if (part.start >= guest.size() || part.size > guest.size() - part.start) {
        p.error = "the partition extends past the end of the disk";
      } else {
        disk::SliceSource slice(guest, part.start, part.size,
                                guest.describe() + " partition " + std::to_string(part.number));
        probeInto(slice, p);
      }
    }
    c.partitions.push_back(std::move(p));
  }
  image.facts.contents = Observed<ImageContents>::of(std::move(c));
}

}  // namespace guestprep::image
