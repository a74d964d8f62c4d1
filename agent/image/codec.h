// Checksums and decompression the image formats need: CRC-32C (VHDX), deflate (qcow2 compressed
// clusters, streamOptimized VMDK grains) through the system zlib.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/result.h"

namespace guestprep::image {

/// CRC-32C (Castagnoli), as VHDX headers, region and metadata tables use it.
std::uint32_t crc32c(std::span<const std::uint8_t> data);

/// Inflates `in` into exactly `out_size` bytes. `raw`: headerless deflate (qcow2); otherwise
/// zlib-wrapped (VMDK). Data that ends early or is corrupt is kInvalidInput.
Result<std::vector<std::uint8_t>> inflateExact(std::span<const std::uint8_t> in,
                                               std::size_t out_size, bool raw);

}  // namespace guestprep::image
