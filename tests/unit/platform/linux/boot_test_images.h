// Initramfs images for the boot tests, built at test time: a cpio newc writer and
// compression through libarchive's writers.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace guestprep::os_linux {

inline std::string hex8(std::size_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08zx", v);
  return buf;
}

inline void pad4(std::string& s) {
  while (s.size() % 4 != 0) s += '\0';
}

// A cpio newc archive of (name, content) pairs, as the kernel and cpio -H newc write it.
inline std::string newc(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out;
  std::size_t ino = 1;
  auto entry = [&](const std::string& name, const std::string& data, unsigned mode) {
    out += "070701" + hex8(ino++) + hex8(mode) + hex8(0) + hex8(0) + hex8(1) + hex8(0) +
           hex8(data.size()) + hex8(0) + hex8(0) + hex8(0) + hex8(0) + hex8(name.size() + 1) +
           hex8(0);
    out += name;
    out += '\0';
    pad4(out);
    out += data;
    pad4(out);
  };
  for (const auto& [name, data] : files) {
    entry(name, data, name.ends_with("/") ? 040755 : 0100644);
  }
  entry("TRAILER!!!", "", 0);
  return out;
}

// `data` compressed with libarchive's `filter` ("gzip", "xz", "zstd", ...).
inline std::string compress(const std::string& data, const std::string& filter) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(),
                                                            &archive_write_free);
  archive_write_set_format_raw(a.get());
  EXPECT_EQ(archive_write_add_filter_by_name(a.get(), filter.c_str()), ARCHIVE_OK) << filter;
  std::string buf(data.size() + 65536, '\0');
  std::size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a.get(), buf.data(), buf.size(), &used), ARCHIVE_OK);
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(),
                                                                  &archive_entry_free);
  archive_entry_set_pathname(e.get(), "initramfs");
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(data.size()));
  EXPECT_EQ(archive_write_header(a.get(), e.get()), ARCHIVE_OK);
  EXPECT_EQ(archive_write_data(a.get(), data.data(), data.size()),
            static_cast<la_ssize_t>(data.size()));
  EXPECT_EQ(archive_write_close(a.get()), ARCHIVE_OK);
  buf.resize(used);
  return buf;
}

}  // namespace guestprep::os_linux
