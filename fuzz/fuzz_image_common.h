// Shared body of the image reader fuzz targets: open the bytes as one format (and through
// detection), then read through the guest view and the partition/filesystem readers. Every
// failure must be an error value with a message; nothing may crash, hang or allocate in
// proportion to a header field.
#pragma once

#include <algorithm>
#include <memory>
#include <vector>

#include "fuzz_util.h"
#include "image/image.h"
#include "image/readers.h"

namespace guestprep::fuzz {

inline void exercise(image::OpenedImage& img) {
  const ImageFacts& f = img.facts;
  check(f.file == "fuzz.img", "facts name another file");
  check(f.error.empty() || !img.guest, "a guest view of an invalid container");
  if (f.allocated_size.ok()) {
    check(*f.allocated_size.value <= f.virtual_size || f.format == "raw",
          "more allocated than the virtual size");
  }
  if (img.guest) {
    const disk::BlockSource& g = *img.guest;
    std::vector<std::uint8_t> buf;
    for (std::uint64_t at : {std::uint64_t{0}, g.size() / 2, g.size() > 512 ? g.size() - 512 : 0}) {
      buf.assign(static_cast<std::size_t>(std::min<std::uint64_t>(g.size() - at, 70000)), 0);
      (void)g.readAt(at, buf);
    }
    std::vector<std::uint8_t> past(1);
    check(!g.readAt(g.size(), past), "a read past the end of the guest view succeeded");
  }
  image::inspectContents(img);
  check(img.facts.contents.ok() || !img.facts.contents.error.empty(),
        "contents missing without a reason");
}

/// Image inputs may be larger than text ones: a streamOptimized VMDK with one grain of data is
/// 128 KiB.
inline constexpr std::size_t kMaxImageInput = 1 << 20;

/// The file a sparse input describes: records of a little-endian u32 page number and up to 4 KiB
/// of that page's bytes; pages past 16 MiB are dropped. Formats whose structures sit megabytes
/// apart (VHDX) are fuzzed this way with seeds of a few pages.
inline std::vector<std::uint8_t> sparseFile(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kPage = 4096;
  constexpr std::size_t kMaxPages = (16u << 20) / kPage;
  std::vector<std::uint8_t> file;
  std::size_t at = 0;
  size = std::min(size, kMaxImageInput);
  while (at + 4 <= size) {
    std::size_t page = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) |
                       (static_cast<std::size_t>(data[at + 3]) << 24);
    at += 4;
    std::size_t n = std::min(kPage, size - at);
    if (page < kMaxPages) {
      if (file.size() < (page + 1) * kPage) file.resize((page + 1) * kPage, 0);
      std::copy(data + at, data + at + n, file.begin() + static_cast<std::ptrdiff_t>(page * kPage));
    }
    at += n;
  }
  return file;
}

template <class Open>
int fuzzBytes(std::vector<std::uint8_t> bytes, Open open) {
  auto src = std::make_shared<disk::MemorySource>(std::move(bytes), "fuzz.img");
  auto opened = open(src);
  if (opened) {
    exercise(*opened);
  } else {
    check(!opened.error().message.empty(), "an error without a message");
  }
  image::OpenedImage detected = image::openImage(src);
  exercise(detected);
  return 0;
}

template <class Open>
int fuzzImage(const std::uint8_t* data, std::size_t size, Open open) {
  return fuzzBytes(std::vector<std::uint8_t>(data, data + std::min(size, kMaxImageInput)), open);
}

}  // namespace guestprep::fuzz
