// The per-format readers behind openImage (internal to agent/image).
#pragma once

#include <memory>

#include "image/image.h"

namespace guestprep::image {

/// Each reader is called once detection has seen the format's signature. An error names the
/// file, the structure and the offset; openImage turns it into facts.error.
Result<OpenedImage> openRaw(std::shared_ptr<const disk::BlockSource> file);
Result<OpenedImage> openVhd(std::shared_ptr<const disk::BlockSource> file);
Result<OpenedImage> openVhdx(std::shared_ptr<const disk::BlockSource> file);
Result<OpenedImage> openQcow2(std::shared_ptr<const disk::BlockSource> file);
Result<OpenedImage> openVmdk(std::shared_ptr<const disk::BlockSource> file,
                             const SiblingOpener& siblings);
Result<OpenedImage> openVdi(std::shared_ptr<const disk::BlockSource> file);

/// Facts common to every reader: file name, file size, format.
ImageFacts baseFacts(const disk::BlockSource& file, std::string format);

}  // namespace guestprep::image
