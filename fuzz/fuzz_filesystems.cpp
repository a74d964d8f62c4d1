// Fuzz target for probeFilesystem (ext2/3/4, XFS with its log, FAT, NTFS, swap, LVM2, Btrfs):
// a MemorySource over the input, which is one partition.
#include <vector>

#include "disk/filesystems.h"
#include "fuzz_util.h"

namespace gd = guestprep::disk;
namespace gf = guestprep::fuzz;

// Room for the Btrfs superblock at 64 KiB and a small XFS log.
constexpr std::size_t kMaxPartition = 1024 * 1024;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gd::MemorySource part(std::vector<std::uint8_t>(data, data + std::min(size, kMaxPartition)),
                        "fuzz");
  auto fs = gd::probeFilesystem(part);
  if (!fs) {
    gf::check(!fs.error().message.empty(), "an error without a message");
    return 0;
  }
  if (fs->ext) {
    gf::check(fs->type.starts_with("ext") || fs->type == "jbd", "ext info on another type");
    std::uint32_t bs = fs->ext->block_size;
    gf::check(bs >= 1024 && bs <= 65536 && (bs & (bs - 1)) == 0, "ext block size out of range");
  }
  if (fs->xfs) {
    gf::check(fs->type == "xfs", "XFS info on another type");
    gf::check(fs->xfs->version >= 1 && fs->xfs->version <= 5, "XFS version out of range");
    gf::check(!fs->xfs->log_state.empty(), "XFS log state not explained");
    gf::check(fs->xfs->log_clean || fs->xfs->log_state.starts_with("dirty"),
              "XFS log not clean without saying why");
  }
  if (fs->type.empty()) gf::check(!fs->ext && !fs->xfs, "details without a type");
  return 0;
}
