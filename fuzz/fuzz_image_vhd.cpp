// Fuzz target for the VHD reader: footer and its copy, dynamic header, BAT, guest view.
#include "fuzz_image_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return guestprep::fuzz::fuzzImage(data, size, &guestprep::image::openVhd);
}
