// Fuzz target for the qcow2 reader: header, extensions, backing file, L1/L2 tables, compressed
// clusters.
#include "fuzz_image_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return guestprep::fuzz::fuzzImage(data, size, &guestprep::image::openQcow2);
}
