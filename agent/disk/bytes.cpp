// Fixed-width integers, CRC32 and identifier formatting for the disk structure readers.
#include "disk/bytes.h"

#include <fmt/format.h>
#include <array>

namespace guestprep::disk {

namespace {

template <class T>
T readLe(std::span<const std::uint8_t> b, std::size_t offset) {
  T v = 0;
  for (std::size_t i = sizeof(T); i-- > 0;) v = static_cast<T>((v << 8) | b[offset + i]);
  return v;
}

template <class T>
T readBe(std::span<const std::uint8_t> b, std::size_t offset) {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | b[offset + i]);
  return v;
}

constexpr std::array<std::uint32_t, 256> makeCrcTable() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

constexpr auto kCrcTable = makeCrcTable();

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

std::uint16_t le16(std::span<const std::uint8_t> b, std::size_t o) {
  return readLe<std::uint16_t>(b, o);
}
std::uint32_t le32(std::span<const std::uint8_t> b, std::size_t o) {
  return readLe<std::uint32_t>(b, o);
}
std::uint64_t le64(std::span<const std::uint8_t> b, std::size_t o) {
  return readLe<std::uint64_t>(b, o);
}
std::uint16_t be16(std::span<const std::uint8_t> b, std::size_t o) {
  return readBe<std::uint16_t>(b, o);
}
std::uint32_t be32(std::span<const std::uint8_t> b, std::size_t o) {
  return readBe<std::uint32_t>(b, o);
}
std::uint64_t be64(std::span<const std::uint8_t> b, std::size_t o) {
  return readBe<std::uint64_t>(b, o);
}

std::uint32_t crc32Init() { return 0xFFFFFFFFu; }

std::uint32_t crc32Update(std::uint32_t c, std::span<const std::uint8_t> data) {
  for (std::uint8_t byte : data) c = kCrcTable[(c ^ byte) & 0xFF] ^ (c >> 8);
  return c;
}

std::uint32_t crc32Final(std::uint32_t c) { return c ^ 0xFFFFFFFFu; }

std::uint32_t crc32(std::span<const std::uint8_t> data) {
  return crc32Final(crc32Update(crc32Init(), data));
}

std::string formatUuid(std::span<const std::uint8_t> b) {
  std::string s;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s += fmt::format("{:02x}", b[i]);
  }
  return s;
}

std::string formatMixedEndianGuid(std::span<const std::uint8_t> b, bool upper) {
  std::string s = upper ? fmt::format("{:08X}-{:04X}-{:04X}-", le32(b, 0), le16(b, 4), le16(b, 6))
                        : fmt::format("{:08x}-{:04x}-{:04x}-", le32(b, 0), le16(b, 4), le16(b, 6));
  for (std::size_t i = 8; i < 16; ++i) {
    if (i == 10) s.push_back('-');
    s += upper ? fmt::format("{:02X}", b[i]) : fmt::format("{:02x}", b[i]);
  }
  return s;
}

std::string decodeUtf16Le(std::span<const std::uint8_t> b) {
  std::string out;
  for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
    std::uint32_t u = le16(b, i);
    if (u == 0) break;
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < b.size()) {
      std::uint32_t lo = le16(b, i + 2);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        appendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    appendUtf8(out, (u >= 0xD800 && u <= 0xDFFF) ? 0xFFFD : u);
  }
  return out;
}

std::string fixedString(std::span<const std::uint8_t> b) {
  std::string s;
  for (std::uint8_t c : b) {
    if (c == 0) break;
    s.push_back(static_cast<char>(c));
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace guestprep::disk
