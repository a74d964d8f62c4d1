// CRC-32C and zlib inflation for the image readers.
#include "image/codec.h"

#include <array>
#include <limits>
#include <string>

#include <zlib.h>

namespace guestprep::image {

namespace {

constexpr std::array<std::uint32_t, 256> kCrc32cTable = [] {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}();

}  // namespace

std::uint32_t crc32c(std::span<const std::uint8_t> data) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::uint8_t b : data) c = kCrc32cTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

Result<std::vector<std::uint8_t>> inflateExact(std::span<const std::uint8_t> in,
                                               std::size_t out_size, bool raw) {
  if (in.size() > std::numeric_limits<uInt>::max() || out_size > std::numeric_limits<uInt>::max()) {
    return fail(ErrorCode::kTooLarge, "compressed block too large");
  }
  std::vector<std::uint8_t> out(out_size);
  z_stream zs{};
  // qcow2 writes headerless deflate with a 4 KiB window (-12); -15 accepts every window size.
  if (inflateInit2(&zs, raw ? -15 : 15) != Z_OK) {
    return fail(ErrorCode::kIo, "zlib: inflateInit2 failed");
  }
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&zs, Z_FINISH);
  std::size_t produced = out.size() - zs.avail_out;
  inflateEnd(&zs);
  // Z_BUF_ERROR with a full output is fine: qcow2 pads compressed clusters to a sector.
  if ((rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && produced == out_size) &&
       !(rc == Z_OK && produced == out_size)) ||
      produced != out_size) {
    return fail(ErrorCode::kInvalidInput, "compressed data is corrupt or short (" +
                                              std::to_string(produced) + " of " +
                                              std::to_string(out_size) + " bytes inflated)");
  }
  return out;
}

}  // namespace guestprep::image
