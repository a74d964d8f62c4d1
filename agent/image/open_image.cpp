// Format detection by content, RAW images, and the file-level entry points of agent/image.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "image/bytes.h"
#include "image/file_source.h"
#include "image/guest_source.h"
#include "image/readers.h"

namespace guestprep::image {

namespace {

bool startsWith(std::span<const std::uint8_t> b, std::size_t at, std::string_view magic) {
  return b.size() >= at + magic.size() && text(b, at, magic.size()) == magic;
}

/// Containers and archives that are not disk images the readers handle, by their magic.
std::string otherFormat(std::span<const std::uint8_t> b) {
  if (startsWith(b, 0, "\x1f\x8b")) return "gzip";
  if (startsWith(b, 0,
                 "\xfd"
                 "7zXZ"))
    return "xz";
  if (startsWith(b, 0, "BZh")) return "bzip2";
  if (startsWith(b, 0, "\x28\xb5\x2f\xfd")) return "zstd";
  if (startsWith(b, 0, "PK\x03\x04")) return "zip";
  if (startsWith(b, 257, "ustar")) return "tar";
  if (startsWith(b, 0, "QED\0")) return "qed";
  if (startsWith(b, 0, "COWD")) return "vmdk3";
  return "";
}

/// A VMDK text descriptor: small, and saying so near the top.
bool isVmdkDescriptor(std::span<const std::uint8_t> head, std::uint64_t size) {
  if (size > (1u << 20)) return false;
  std::string_view t = text(head, 0, head.size());
  return t.find("# Disk DescriptorFile") != std::string_view::npos ||
         (t.find("createType=") != std::string_view::npos &&
          t.find("version=") != std::string_view::npos);
}

}  // namespace

ImageFacts baseFacts(const disk::BlockSource& file, std::string format) {
  ImageFacts f;
  f.file = file.describe();
  f.file_size = file.size();
  f.format = std::move(format);
  f.allocated_size = Observed<std::uint64_t>::failed("not read");
  f.contents = Observed<ImageContents>::failed("not read");
  return f;
}

Result<OpenedImage> openRaw(std::shared_ptr<const disk::BlockSource> file) {
  OpenedImage img;
  img.facts = baseFacts(*file, "raw");
  ImageFacts& f = img.facts;
  f.virtual_size = file->size();
  f.allocated_size = Observed<std::uint64_t>::of(file->size());
  if (file->size() % 512 != 0) {
    f.problems.push_back(
        fmt::format("{}: the size {} is not a multiple of 512 bytes: the image "
                    "is truncated, or not a disk",
                    file->describe(), file->size()));
  }
  img.guest = file;
  return img;
}

OpenedImage openImage(std::shared_ptr<const disk::BlockSource> file,
                      const SiblingOpener& siblings) {
  auto fallback = [&](std::string format, std::string error) {
    OpenedImage img;
    img.facts = baseFacts(*file, std::move(format));
    img.facts.error = std::move(error);
    img.guest_error = img.facts.error;
    img.facts.contents = Observed<ImageContents>::failed(img.facts.error);
    return img;
  };
  const std::uint64_t size = file->size();
  if (size == 0) return fallback("", file->describe() + ": the file is empty (0 bytes)");
  auto head = readStruct(*file, 0, static_cast<std::size_t>(std::min<std::uint64_t>(size, 4096)),
                         "first 4 KiB");
  if (!head) return fallback("", head.error().message);

  std::string format;
  Result<OpenedImage> opened = fail(ErrorCode::kInvalidInput, "not read");
  if (startsWith(*head, 0, "QFI\xfb")) {
    format = "qcow2";
    opened = openQcow2(file);
  } else if (startsWith(*head, 0, "vhdxfile")) {
    format = "vhdx";
    opened = openVhdx(file);
  } else if (head->size() >= 68 && le32(*head, 64) == 0xBEDA107F) {
    format = "vdi";
    opened = openVdi(file);
  } else if (startsWith(*head, 0, "KDMV") || isVmdkDescriptor(*head, size)) {
    format = "vmdk";
    opened = openVmdk(file, siblings);
  } else {
    bool vhd = startsWith(*head, 0, "conectix");
    if (!vhd && size >= 512) {
      auto tail = readStruct(*file, size - 512, 512, "last sector");
      if (!tail) return fallback("", tail.error().message);
      vhd = startsWith(*tail, 0, "conectix");
    }
    if (vhd) {
      format = "vhd";
      opened = openVhd(file);
    } else if (std::string other = otherFormat(*head); !other.empty()) {
      return fallback(other, fmt::format("{}: a {} file, not a disk image the cloud imports",
                                         file->describe(), other));
    } else {
      format = "raw";
      opened = openRaw(file);
    }
  }
  if (!opened) return fallback(format, opened.error().message);
  if (!opened->guest && opened->guest_error.empty()) {
    opened->guest_error = "the content is not readable";
  }
  opened->facts.contents = Observed<ImageContents>::failed(opened->guest ? std::string("not read")
                                                                         : opened->guest_error);
  return std::move(*opened);
}

Result<OpenedImage> openImageFile(const std::string& path) {
  auto file = FileSource::open(path);
  if (!file) return std::unexpected(file.error());
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  SiblingOpener siblings =
      [dir](const std::string& name) -> Result<std::shared_ptr<const disk::BlockSource>> {
    // Extents are named by an untrusted descriptor: only plain names beside it are opened.
    if (name.empty() || name == "." || name == ".." ||
        name.find_first_of("/\\") != std::string::npos || name.find(':') != std::string::npos) {
      return fail(ErrorCode::kInvalidInput,
                  "only files in the same directory are opened (not '" + name + "')");
    }
    auto f = FileSource::open((dir / name).string());
    if (!f) return std::unexpected(f.error());
    return std::shared_ptr<const disk::BlockSource>(std::move(*f));
  };
  return openImage(std::move(*file), siblings);
}

std::string formatDisplayName(const ImageFacts& f) {
  std::string name = f.format == "vhd"    ? "VHD"
                     : f.format == "vhdx" ? "VHDX"
                     : f.format == "vmdk" ? "VMDK"
                     : f.format == "vdi"  ? "VDI"
                     : f.format == "raw"  ? "RAW"
                     : f.format.empty()   ? "unknown"
                                          : f.format;
  if (!f.subformat.empty()) name += " (" + f.subformat + ")";
  return name;
}

std::string convertCommand(const ImageFacts& f, std::string_view target) {
  std::string in_fmt = f.format == "vhd" ? "vpc" : f.format == "vmdk3" ? "vmdk" : f.format;
  std::filesystem::path out(f.file);
  std::string ext = target == "vpc" ? ".vhd" : target == "raw" ? ".raw" : "." + std::string(target);
  std::string out_name = out.replace_extension(ext).string();
  if (out_name == f.file) out_name += ext;
  auto quote = [](const std::string& s) {
    if (s.find_first_of(" '\"$`\\!*?&;|<>()") == std::string::npos) return s;
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  // A fixed-size VHD needs no rewriting on import; dynamic is what qemu-img writes by default
  // and keeps the upload small.
  std::string opts = target == "vpc" ? " -o subformat=dynamic" : "";
  return fmt::format("qemu-img convert -p -f {} -O {}{} {} {}", in_fmt.empty() ? "raw" : in_fmt,
                     target, opts, quote(f.file), quote(out_name));
}

}  // namespace guestprep::image
