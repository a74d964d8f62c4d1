// Little helpers shared by the on-disk structure readers (partitions, filesystems): fixed-width
// integers at an offset, CRC32, GUID/UUID text as blkid prints it, UTF-16LE names.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace guestprep::disk {

// Callers check that offset + width lies inside `b`; these never read past it because every
// structure is read into a buffer of its full size first.
std::uint16_t le16(std::span<const std::uint8_t> b, std::size_t offset);
std::uint32_t le32(std::span<const std::uint8_t> b, std::size_t offset);
std::uint64_t le64(std::span<const std::uint8_t> b, std::size_t offset);
std::uint16_t be16(std::span<const std::uint8_t> b, std::size_t offset);
std::uint32_t be32(std::span<const std::uint8_t> b, std::size_t offset);
std::uint64_t be64(std::span<const std::uint8_t> b, std::size_t offset);

/// CRC-32 (IEEE 802.3, as zlib and the UEFI spec), usable incrementally.
std::uint32_t crc32Init();
std::uint32_t crc32Update(std::uint32_t state, std::span<const std::uint8_t> data);
std::uint32_t crc32Final(std::uint32_t state);
std::uint32_t crc32(std::span<const std::uint8_t> data);

/// 16 bytes as a UUID in byte order, lower case: "6b2d6f3c-...". (ext, XFS, Btrfs, swap)
std::string formatUuid(std::span<const std::uint8_t> b);
/// A GPT GUID: the first three fields little-endian. Upper case when `upper`.
std::string formatMixedEndianGuid(std::span<const std::uint8_t> b, bool upper);
/// UTF-16LE up to the first NUL, as UTF-8; unpaired surrogates become U+FFFD.
std::string decodeUtf16Le(std::span<const std::uint8_t> b);
/// Bytes up to the first NUL (or all), trailing spaces removed.
std::string fixedString(std::span<const std::uint8_t> b);

}  // namespace guestprep::disk
