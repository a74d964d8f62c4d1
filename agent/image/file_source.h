// FileSource: an image file read with standard C++ streams (portable: Linux and mingw builds),
// presented as a disk::BlockSource so the readers work the same on files and in-memory bytes.
#pragma once

#include <fstream>
#include <memory>
#include <mutex>
#include <string>

#include "core/result.h"
#include "disk/block_source.h"

namespace guestprep::image {

class FileSource final : public disk::BlockSource {
 public:
  /// Opens `path` for reading; kNotFound / kIo naming the path when it cannot.
  static Result<std::shared_ptr<FileSource>> open(const std::string& path);

  [[nodiscard]] std::uint64_t size() const override { return size_; }
  [[nodiscard]] Result<void> readAt(std::uint64_t offset,
                                    std::span<std::uint8_t> buf) const override;
  [[nodiscard]] std::string describe() const override { return path_; }

  FileSource(std::string path, std::ifstream in, std::uint64_t size)
      : path_(std::move(path)), in_(std::move(in)), size_(size) {}

 private:
  std::string path_;
  mutable std::mutex mutex_;  // one stream position shared by const readers
  mutable std::ifstream in_;
  std::uint64_t size_;
};

}  // namespace guestprep::image
