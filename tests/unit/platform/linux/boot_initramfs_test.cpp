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
