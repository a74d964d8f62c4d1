// Fuzz target for readPartitionTable (MBR with extended/logical chains, GPT with CRCs and its
// backup, hybrid): a MemorySource over the input, which is the whole disk.
#include <set>
#include <vector>

#include "disk/partitions.h"
#include "fuzz_util.h"

namespace gd = guestprep::disk;
namespace gf = guestprep::fuzz;

// Disks are larger than configuration files: room for a GPT entry array and an EBR chain.
constexpr std::size_t kMaxDisk = 1024 * 1024;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gd::MemorySource disk(std::vector<std::uint8_t>(data, data + std::min(size, kMaxDisk)), "fuzz");
  auto t = gd::readPartitionTable(disk);
  if (!t) {
    gf::check(!t.error().message.empty(), "an error without a message");
    return 0;
  }
  gf::check(t->sector_size == 512 || t->sector_size == 4096, "sector size not 512 or 4096");
  gf::check(t->partitions.size() <= 1024 + 4 + 257, "more partitions than the caps allow");
  std::set<int> numbers;
  for (const gd::Partition& p : t->partitions) {
    gf::check(p.number >= 1, "partition number below 1");
    gf::check(numbers.insert(p.number).second, "partition number repeated");
    gf::check(!p.type.empty() && !p.type_name.empty(), "partition without a type");
    if (t->scheme == gd::PartitionScheme::kMbr) gf::check(p.guid.empty(), "MBR partition GUID");
  }
  if (t->scheme == gd::PartitionScheme::kNone) {
    gf::check(t->partitions.empty(), "partitions without a table");
  }
  gf::check(!gd::toString(t->scheme).empty(), "scheme without a name");
  return 0;
}
