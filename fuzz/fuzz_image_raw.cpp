// Fuzz target for RAW images (detection and the partition/filesystem readers over the bytes).
#include "fuzz_image_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return guestprep::fuzz::fuzzImage(data, size, &guestprep::image::openRaw);
}
