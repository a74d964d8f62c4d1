// listInitramfs on images built at test time: cpio newc written here, compressed with
// libarchive's writers, with and without an early-microcode archive in front.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "boot_test_images.h"
#include "parsers/boot_initramfs.h"
#include "parsers/boot_modules.h"

namespace guestprep::os_linux {
namespace {

const std::vector<std::pair<std::string, std::string>> kMain = {
    {"usr/", ""},
    {"usr/lib/modules/5.10.0-28-amd64/kernel/drivers/block/virtio_blk.ko", "ELF..."},
    {"usr/lib/modules/5.10.0-28-amd64/kernel/drivers/virtio/virtio_pci.ko.xz", "xz"},
    {"usr/lib/modules/5.10.0-28-amd64/kernel/drivers/net/xen-netfront.ko.zst", "zst"},
    {"init", "#!/bin/sh\n"},
};

std::vector<std::string> modulesOf(const InitramfsListing& l) {
  std::vector<std::string> out;
  for (const auto& f : l.files) {
    if (std::string m = moduleNameFromPath(f); !m.empty()) out.push_back(m);
  }
  return out;
}

TEST(BootInitramfs, PlainCpio) {
  InitramfsListing l = listInitramfs(newc(kMain));
  EXPECT_EQ(l.error, "");
  EXPECT_EQ(l.segments, std::vector<std::string>{"cpio"});
  EXPECT_EQ(l.files.size(), 5u);
  EXPECT_EQ(modulesOf(l), (std::vector<std::string>{"virtio_blk", "virtio_pci", "xen_netfront"}));
}

TEST(BootInitramfs, EveryCompressionWithAndWithoutMicrocode) {
  std::string ucode = newc({{"kernel/", ""},
                            {"kernel/x86/microcode/GenuineIntel.bin", std::string(1001, 'u')},
                            {"early_cpio", "1\n"}});
  for (const std::string filter : {"gzip", "xz", "lzma", "zstd", "lz4", "bzip2"}) {
    std::string body = compress(newc(kMain), filter);
    for (bool with_ucode : {false, true}) {
      // The kernel accepts NUL padding between archives.
      std::string image = with_ucode ? ucode + std::string(512, '\0') + body : body;
      InitramfsListing l = listInitramfs(image);
      std::string name = filter + (with_ucode ? " after microcode" : "");
      EXPECT_EQ(l.error, "") << name;
      ASSERT_EQ(l.segments.size(), with_ucode ? 2u : 1u) << name;
      EXPECT_EQ(l.segments.back(), filter + "+cpio") << name;
      EXPECT_EQ(modulesOf(l),
                (std::vector<std::string>{"virtio_blk", "virtio_pci", "xen_netfront"}))
          << name;
      EXPECT_EQ(l.files.size(), with_ucode ? 8u : 5u) << name;
    }
  }
}

TEST(BootInitramfs, WithoutVirtio) {
  InitramfsListing l = listInitramfs(compress(
      newc({{"init", "x"}, {"lib/modules/x/kernel/drivers/scsi/sd_mod.ko", "x"}}), "gzip"));
  EXPECT_EQ(l.error, "");
  EXPECT_EQ(modulesOf(l), std::vector<std::string>{"sd_mod"});
}

TEST(BootInitramfs, DamagedImagesAreErrorsNotCrashes) {
  std::string good = newc(kMain);
  struct Case {
    std::string name, image, error_part;
  } cases[] = {
      {"empty", "", "empty image"},
      {"cut in a header", good.substr(0, 60), "cut short"},
      {"cut in a file", good.substr(0, 300), "runs past the end"},
      // The last entry's data ends the image, without its padding to 4 bytes (found by
      // fuzz_initramfs: the walk went past the end and threw std::out_of_range).
      {"cut after an unpadded entry", newc({{"a", "xyz"}}).substr(0, 110 + 2 + 3), "cut short"},
      {"huge file size",
       "070701" + std::string(6 * 8, '0') + "ffffffff" + std::string(4 * 8, '0') + "00000002" +
           std::string(8, '0') + "a" + std::string(3, '\0'),
       "runs past the end"},
      {"garbage after microcode", newc({{"a", "b"}}) + "not compressed at all", "cannot read"},
      {"cut compressed stream", compress(good, "gzip").substr(0, 40), "cannot read"},
  };
  for (const Case& c : cases) {
    InitramfsListing l = listInitramfs(c.image);
    EXPECT_NE(l.error.find(c.error_part), std::string::npos) << c.name << ": [" << l.error << "]";
  }
}

}  // namespace
}  // namespace guestprep::os_linux

namespace guestprep::os_linux {
namespace {

// A newc archive of `count` files of pseudo-random sizes up to `max_size` (several MB in all, so
// that the zstd reader's 1 MB pieces end inside headers, names and data alike).
std::string manyFiles(std::size_t count, std::size_t max_size) {
  std::vector<std::pair<std::string, std::string>> files;
  std::uint32_t x = 12345;
  for (std::size_t i = 0; i < count; ++i) {
    x = x * 1103515245 + 12345;
    std::string name = "usr/lib/modules/6.1.0/kernel/drivers/m" + std::to_string(i) +
                       std::string(x % 7, 'n') + ".ko";
    files.emplace_back(name, std::string((x >> 8) % max_size, static_cast<char>('a' + i % 26)));
  }
  return newc(files);
}

TEST(BootInitramfsZstd, PiecesCutAnywhereListAsTheWholeArchive) {
  const std::string plain = manyFiles(900, 20000);
  ASSERT_GT(plain.size(), 4U << 20);
  InitramfsListing whole = listInitramfs(plain);
  ASSERT_EQ(whole.error, "");
  ASSERT_EQ(whole.files.size(), 900U);
  InitramfsListing z = listInitramfs(compress(plain, "zstd"));
  EXPECT_EQ(z.error, "");
  EXPECT_EQ(z.segments, std::vector<std::string>{"zstd+cpio"});
  EXPECT_EQ(z.files, whole.files);
  // Two frames, the first ending in the middle of an entry's name.
  const std::size_t cut = plain.find("m451") + 2;
  InitramfsListing two =
      listInitramfs(compress(plain.substr(0, cut), "zstd") + compress(plain.substr(cut), "zstd"));
  EXPECT_EQ(two.error, "");
  EXPECT_EQ(two.files, whole.files);
}

TEST(BootInitramfsZstd, DamagedStreamsAreErrors) {
  const std::string z = compress(manyFiles(300, 20000), "zstd");
  std::string flipped = z;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x55);
  for (const std::string& bad : {z.substr(0, z.size() / 2), flipped}) {
    InitramfsListing l = listInitramfs(bad);
    EXPECT_NE(l.error.find("cannot read the compressed archive"), std::string::npos) << l.error;
  }
}

TEST(BootInitramfs, NamesLoseEveryLeadingDotSlashAndSlash) {
  InitramfsListing l = listInitramfs(newc({{"/./lib/a.ko", "x"}, {".//./b", "y"}, {"./", ""}}));
  EXPECT_EQ(l.error, "");
  EXPECT_EQ(l.files, (std::vector<std::string>{"lib/a.ko", "b"}));
}

}  // namespace
}  // namespace guestprep::os_linux
