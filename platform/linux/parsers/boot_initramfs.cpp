// Initramfs listing: uncompressed cpio newc walked here, compressed archives read by libarchive.
#include "parsers/boot_initramfs.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace guestprep::os_linux {

namespace {

constexpr std::size_t kNewcHeader = 110;

std::size_t align4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

bool parseHex8(std::string_view s, std::size_t& out) {
  out = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return false;
    out = out * 16 + static_cast<std::size_t>(d);
  }
  return true;
}

std::string normalise(std::string_view name) {
  // "./", "/" and mixes of them ("/./", ".//") before the path.
  while (true) {
    if (name.starts_with("./")) {
      name.remove_prefix(2);
    } else if (name.starts_with("/")) {
      name.remove_prefix(1);
    } else {
      return std::string(name);
    }
  }
}

void addFile(InitramfsListing& out, std::string_view name) {
  std::string n = normalise(name);
  if (n.empty() || n == ".") return;
  if (out.files.size() >= kMaxInitramfsEntries) {
    if (out.error.empty())
      out.error = "more than " + std::to_string(kMaxInitramfsEntries) + " entries";
    return;
  }
  out.files.push_back(std::move(n));
}

// Walks one uncompressed newc archive at `pos`; returns the offset just past its trailer, or
// npos with `out.error` set.
std::size_t walkNewc(std::string_view img, std::size_t pos, InitramfsListing& out) {
  while (true) {
    // The previous entry's padding may run past the end of an image cut there.
    if (pos > img.size() || img.size() - pos < kNewcHeader) {
      out.error = "cpio header cut short at offset " + std::to_string(pos);
      return std::string_view::npos;
    }
    std::string_view h = img.substr(pos, kNewcHeader);
    if (!h.starts_with("070701") && !h.starts_with("070702")) {
      out.error = "bad cpio magic at offset " + std::to_string(pos);
      return std::string_view::npos;
    }
    std::size_t filesize = 0, namesize = 0;
    // Fields of 8 hex digits after the 6-byte magic: filesize is the 7th, namesize the 12th.
    if (!parseHex8(h.substr(6 + 6 * 8, 8), filesize) ||
        !parseHex8(h.substr(6 + 11 * 8, 8), namesize) || namesize == 0) {
      out.error = "bad cpio header at offset " + std::to_string(pos);
      return std::string_view::npos;
    }
    std::size_t name_at = pos + kNewcHeader;
    if (namesize > img.size() - name_at) {
      out.error = "cpio name runs past the end at offset " + std::to_string(pos);
      return std::string_view::npos;
    }
    std::string_view name = img.substr(name_at, namesize - 1);
    std::size_t data_at = align4(name_at + namesize);
    if (data_at > img.size() || filesize > img.size() - data_at) {
      out.error = "cpio entry '" + std::string(name) + "' runs past the end of the image";
      return std::string_view::npos;
    }
    std::size_t next = align4(data_at + filesize);
    if (name == "TRAILER!!!") return std::min(next, img.size());
    addFile(out, name);
    if (!out.error.empty()) return std::string_view::npos;
    pos = next;
  }
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

// Reads a compressed archive (the rest of the image) with libarchive.
void readCompressed(std::string_view img, InitramfsListing& out) {
  std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_cpio(a.get());
  if (archive_read_open_memory(a.get(), img.data(), img.size()) != ARCHIVE_OK) {
    const char* why = archive_error_string(a.get());
    out.error =
        std::string("cannot read the compressed archive: ") + (why ? why : "unknown format");
    return;
  }
  std::string kind;
  archive_entry* entry = nullptr;
  while (true) {
    int r = archive_read_next_header(a.get(), &entry);
    if (kind.empty() && archive_filter_count(a.get()) > 0) {
      const char* f = archive_filter_name(a.get(), 0);
      kind = std::string(f ? f : "?") + "+cpio";
      if (kind == "none+cpio") kind = "cpio";
    }
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      const char* why = archive_error_string(a.get());
      out.error = std::string("cannot read the compressed archive: ") + (why ? why : "error");
      break;
    }
    const char* name = archive_entry_pathname(entry);
    if (name) addFile(out, name);
    if (!out.error.empty()) break;
    if (archive_read_data_skip(a.get()) < ARCHIVE_WARN) {
      const char* why = archive_error_string(a.get());
      out.error = std::string("cannot read the compressed archive: ") + (why ? why : "error");
      break;
    }
  }
  out.segments.push_back(kind.empty() ? "cpio" : kind);
}

}  // namespace

InitramfsListing listInitramfs(std::string_view image) {
  InitramfsListing out;
  std::size_t pos = 0;
  while (pos < image.size()) {
    // The kernel skips NUL padding between archives (4-byte units before a cpio header).
    while (pos < image.size() && image[pos] == '\0') ++pos;
    if (pos >= image.size()) break;
    if (image.substr(pos).starts_with("0707")) {
      if (pos % 4 != 0) {
        out.error = "cpio archive at unaligned offset " + std::to_string(pos);
        break;
      }
      std::size_t end = walkNewc(image, pos, out);
      if (end == std::string_view::npos) break;
      out.segments.push_back("cpio");
      pos = end;
      continue;
    }
    // A compressed archive runs to the end of the image as far as we read it.
    readCompressed(image.substr(pos), out);
    break;
  }
  if (out.segments.empty() && out.error.empty()) out.error = "empty image";
  return out;
}

}  // namespace guestprep::os_linux
