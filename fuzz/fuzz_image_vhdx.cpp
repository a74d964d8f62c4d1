// Fuzz target for the VHDX reader: headers, region tables, metadata, BAT, guest view. VHDX keeps
// its structures megabytes apart, so the input is a sparse file (fuzz_image_common.h sparseFile);
// the seeds are qemu-img images cut into their non-zero 4 KiB pages.
#include "fuzz_image_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return guestprep::fuzz::fuzzBytes(guestprep::fuzz::sparseFile(data, size),
                                    &guestprep::image::openVhdx);
}
