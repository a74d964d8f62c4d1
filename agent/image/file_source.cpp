// FileSource: positioned reads of an image file through std::ifstream.
#include "image/file_source.h"

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

namespace guestprep::image {

Result<std::shared_ptr<FileSource>> FileSource::open(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return fail(ErrorCode::kNotFound, fmt::format("cannot read '{}': no such file", path));
  }
  if (std::filesystem::is_directory(status)) {
    return fail(ErrorCode::kInvalidInput, fmt::format("'{}' is a directory, not an image", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kPermission, fmt::format("cannot open '{}'", path));
  // Seeking to the end works for regular files and block devices alike (file_size does not).
  in.seekg(0, std::ios::end);
  std::streamoff end = in.tellg();
  if (end < 0) return fail(ErrorCode::kIo, fmt::format("cannot tell the size of '{}'", path));
  in.seekg(0);
  return std::make_shared<FileSource>(path, std::move(in), static_cast<std::uint64_t>(end));
}

Result<void> FileSource::readAt(std::uint64_t offset, std::span<std::uint8_t> buf) const {
  if (offset > size_ || buf.size() > size_ - offset) {
    return fail(ErrorCode::kInvalidInput,
                fmt::format("{}: read of {} bytes at offset {} goes past the end ({} bytes)", path_,
                            buf.size(), offset, size_));
  }
  if (buf.empty()) return {};
  std::lock_guard lock(mutex_);
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(offset));
  in_.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(buf.size()));
  if (static_cast<std::size_t>(in_.gcount()) != buf.size()) {
    return fail(ErrorCode::kIo,
                fmt::format("{}: short read of {} bytes at offset {}", path_, buf.size(), offset));
  }
  return {};
}

}  // namespace guestprep::image
