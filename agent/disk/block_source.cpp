#include "disk/block_source.h"

#include <fmt/format.h>
#include <algorithm>

namespace guestprep::disk {

namespace {

Result<void> checkRange(const std::string& name, std::uint64_t size, std::uint64_t offset,
                        std::size_t len) {
  if (offset > size || len > size - offset) {
    return fail(ErrorCode::kInvalidInput,
                fmt::format("{}: read of {} bytes at offset {} goes past the end ({} bytes)", name,
                            len, offset, size));
  }
  return {};
}

}  // namespace

Result<void> MemorySource::readAt(std::uint64_t offset, std::span<std::uint8_t> buf) const {
  if (auto r = checkRange(name_, bytes_.size(), offset, buf.size()); !r) return r;
  std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(offset), buf.size(), buf.begin());
  return {};
}

Result<void> SliceSource::readAt(std::uint64_t offset, std::span<std::uint8_t> buf) const {
  if (auto r = checkRange(name_, length_, offset, buf.size()); !r) return r;
  return parent_.readAt(offset_ + offset, buf);
}

}  // namespace guestprep::disk
