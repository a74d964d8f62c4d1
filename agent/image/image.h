// `guestprep image check`'s reader: recognises a disk image file by its content (RAW, VHD, VHDX,
// qcow2, VMDK, VDI), reads the container's headers and tables into ImageFacts, and presents the
// guest disk as a disk::BlockSource mapped through the format's block tables, so the partition
// table and filesystems inside are read without mounting and without root.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "disk/block_source.h"
#include "facts/image_facts.h"

namespace guestprep::image {

/// Opens a file named by an image (a VMDK descriptor's extents), relative to the image.
using SiblingOpener =
    std::function<Result<std::shared_ptr<const disk::BlockSource>>(const std::string& name)>;

/// An image opened: the container's facts and, when its content is readable, the guest view.
struct OpenedImage {
  ImageFacts facts;  ///< file, sizes, format, problems; `error` when the container is invalid
  std::shared_ptr<const disk::BlockSource> guest;  ///< null when the content cannot be read
  std::string guest_error;  ///< why not (a backing file, encryption, an invalid container)
};

/// Reads the container in `file`. Never fails: an unreadable or invalid container is reported
/// in facts.error (naming the file, the structure and the offset) with the format it claimed.
OpenedImage openImage(std::shared_ptr<const disk::BlockSource> file,
                      const SiblingOpener& siblings = {});

/// Opens the file at `path` (std::ifstream) and reads it; siblings are looked up in the same
/// directory. Fails only when the file itself cannot be opened.
Result<OpenedImage> openImageFile(const std::string& path);

/// Reads the partition table and each partition's superblock through the guest view into
/// facts.contents (an error value there when the guest view is unavailable).
void inspectContents(OpenedImage& image);

/// "VHD (dynamic)", "qcow2 (v3)", "VMDK (streamOptimized)": the format as reports name it.
std::string formatDisplayName(const ImageFacts& f);

/// The `qemu-img convert` command that turns this image into `target` ("vpc" for VHD, "raw").
std::string convertCommand(const ImageFacts& f, std::string_view target);

}  // namespace guestprep::image
