// Reads through a format's mapping: zeros for unallocated blocks, file bytes or decoded buffers.
#include "image/guest_source.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace guestprep::image {

Result<void> GuestSource::readAt(std::uint64_t offset, std::span<std::uint8_t> buf) const {
  if (offset > size_ || buf.size() > size_ - offset) {
    return fail(ErrorCode::kInvalidInput,
                fmt::format("{}: read of {} bytes at offset {} goes past the end ({} bytes)", name_,
                            buf.size(), offset, size_));
  }
  std::size_t done = 0;
  while (done < buf.size()) {
    std::uint64_t want = buf.size() - done;
    auto run = locate(offset + done, want);
    if (!run) return std::unexpected(run.error());
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(run->length, want));
    if (n == 0) {
      return fail(ErrorCode::kInvalidInput,
                  fmt::format("{}: no mapping for guest offset {}", name_, offset + done));
    }
    std::span<std::uint8_t> part = buf.subspan(done, n);
    switch (run->kind) {
      case Run::Kind::kZero:
        std::fill(part.begin(), part.end(), std::uint8_t{0});
        break;
      case Run::Kind::kFile:
        if (auto r = run->file->readAt(run->offset, part); !r) {
          return fail(r.error().code, fmt::format("{}: guest offset {}: {}", name_, offset + done,
                                                  r.error().message));
        }
        break;
      case Run::Kind::kBuffer:
        if (!run->buffer || run->offset > run->buffer->size() ||
            n > run->buffer->size() - run->offset) {
          return fail(
              ErrorCode::kInvalidInput,
              fmt::format("{}: decoded block too short at guest offset {}", name_, offset + done));
        }
        std::memcpy(part.data(), run->buffer->data() + run->offset, n);
        break;
    }
    done += n;
  }
  return {};
}

Result<Run> OwnedSlice::locate(std::uint64_t offset, std::uint64_t max) const {
  Run r;
  r.kind = Run::Kind::kFile;
  r.file = file_.get();
  r.offset = offset_ + offset;
  r.length = max;
  return r;
}

Result<Run> ConcatSource::locate(std::uint64_t offset, std::uint64_t max) const {
  std::uint64_t start = 0;
  for (const Part& p : parts_) {
    if (offset < start + p.length) {
      Run r;
      r.length = std::min(max, start + p.length - offset);
      if (p.source) {
        r.kind = Run::Kind::kFile;
        r.file = p.source.get();
        r.offset = offset - start;
      }
      return r;
    }
    start += p.length;
  }
  return fail(ErrorCode::kInvalidInput,
              fmt::format("{}: guest offset {} is in no extent", describe(), offset));
}

}  // namespace guestprep::image
