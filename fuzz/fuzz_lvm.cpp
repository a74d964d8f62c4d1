// Fuzz target for the LVM2 reader: the input as a PV (label, PV header, metadata area, metadata
// text, extent runs, a filesystem probed through each readable logical volume) and as metadata
// text for the config parser alone.
#include <string_view>
#include <vector>

#include "disk/filesystems.h"
#include "disk/lvm.h"
#include "fuzz_util.h"

namespace gd = guestprep::disk;
namespace gf = guestprep::fuzz;

constexpr std::size_t kMaxPv = 1024 * 1024;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), std::min(size, kMaxPv));
  auto cfg = gd::parseLvmConfig(text);
  if (!cfg) gf::check(!cfg.error().message.empty(), "a config error without a message");

  gd::MemorySource pv(std::vector<std::uint8_t>(data, data + std::min(size, kMaxPv)), "fuzz");
  auto lvs = gd::readLvmVolumes(pv);
  if (!lvs) {
    gf::check(!lvs.error().message.empty(), "an error without a message");
    return 0;
  }
  for (const gd::LvmVolume& lv : *lvs) {
    if (!lv.unreadable.empty()) {
      gf::check(lv.runs.empty(), "runs kept for an unreadable volume");
      continue;
    }
    std::uint64_t covered = 0;
    for (const auto& r : lv.runs) {
      gf::check(r.lv_offset == covered, "runs do not follow each other");
      gf::check(r.pv_offset <= pv.size() && r.length <= pv.size() - r.pv_offset,
                "a run past the end of the PV");
      covered += r.length;
    }
    gf::check(covered == lv.size, "runs do not cover the volume");
    gd::LvmVolumeSource src(pv, lv);
    auto fs = gd::probeFilesystem(src);
    if (!fs) gf::check(!fs.error().message.empty(), "a probe error without a message");
  }
  return 0;
}
