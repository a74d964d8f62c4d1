// Fuzz target for the VMDK reader: sparse header and footer, grain directory and tables,
// compressed grains, and descriptors (whose extents are served from the same bytes).
#include "fuzz_image_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return guestprep::fuzz::fuzzImage(
      data, size, [](std::shared_ptr<const guestprep::disk::BlockSource> src) {
        // An extent named by the descriptor reads as the input itself: descriptors that point at
        // sparse or flat data get exercised without files.
        guestprep::image::SiblingOpener same = [src](const std::string&)
            -> guestprep::Result<std::shared_ptr<const guestprep::disk::BlockSource>> {
          return src;
        };
        return guestprep::image::openVmdk(src, same);
      });
}
