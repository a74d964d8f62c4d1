// The image readers on images built here byte by byte: a dynamic VHD and a qcow2 wrapped around a
// guest disk (so the block mapping is checked without any tool), and the lying, truncated and
// empty files of issue 7: each is an error naming the file, the structure and the offset, or a
// problem, and none allocates in proportion to a header field.
#include <gtest/gtest.h>

#include <map>

#include "disk_test_images.h"
#include "image/image.h"

namespace guestprep::image {
namespace {

using testing::disk_images::Image;

constexpr std::uint64_t kMiB = 1ull << 20;

std::shared_ptr<const disk::BlockSource> memory(std::vector<std::uint8_t> bytes,
                                                std::string name = "test.img") {
  return std::make_shared<disk::MemorySource>(std::move(bytes), std::move(name));
}

std::uint32_t vhdChecksum(const std::vector<std::uint8_t>& b, std::size_t from, std::size_t n,
                          std::size_t skip) {
  std::uint32_t sum = 0;
  for (std::size_t i = from; i < from + n; ++i) {
    if (i >= from + skip && i < from + skip + 4) continue;
    sum += b[i];
  }
  return ~sum;
}

/// A footer for a VHD of `size` bytes at `at` in `img`.
void vhdFooter(Image& img, std::size_t at, std::uint32_t type, std::uint64_t size,
               std::uint64_t data_offset) {
  img.text(at, "conectix");
  img.be32(at + 8, 2);
  img.be32(at + 12, 0x00010000);
  img.be64(at + 16, data_offset);
  img.text(at + 28, "qem2");
  img.be64(at + 40, size);
  img.be64(at + 48, size);
  img.be32(at + 60, type);
  img.be32(at + 64, vhdChecksum(img.bytes, at, 512, 64));
}

/// Wraps `guest` in a dynamic VHD with 64 KiB blocks; all-zero blocks stay unallocated.
std::vector<std::uint8_t> dynamicVhd(const std::vector<std::uint8_t>& guest) {
  constexpr std::size_t kBlock = 64 * 1024;
  const std::size_t blocks = (guest.size() + kBlock - 1) / kBlock;
  const std::size_t bat_at = 1536;
  const std::size_t data_at = (bat_at + blocks * 4 + 511) / 512 * 512;
  std::vector<std::size_t> allocated;
  for (std::size_t b = 0; b < blocks; ++b) {
    bool zero =
        std::all_of(guest.begin() + static_cast<long>(b * kBlock),
                    guest.begin() + static_cast<long>(std::min(guest.size(), (b + 1) * kBlock)),
                    [](std::uint8_t c) { return c == 0; });
    if (!zero) allocated.push_back(b);
  }
  const std::size_t per = 512 + kBlock;  // sector bitmap, then data
  Image img(data_at + allocated.size() * per + 512);
  img.text(512, "cxsparse");
  img.be64(512 + 8, ~0ull);
  img.be64(512 + 16, bat_at);
  img.be32(512 + 24, 0x00010000);
  img.be32(512 + 28, static_cast<std::uint32_t>(blocks));
  img.be32(512 + 32, kBlock);
  img.be32(512 + 36, vhdChecksum(img.bytes, 512, 1024, 36));
  for (std::size_t b = 0; b < blocks; ++b) img.be32(bat_at + b * 4, 0xFFFFFFFF);
  for (std::size_t i = 0; i < allocated.size(); ++i) {
    std::size_t at = data_at + i * per;
    img.be32(bat_at + allocated[i] * 4, static_cast<std::uint32_t>(at / 512));
    for (std::size_t k = 0; k < kBlock && allocated[i] * kBlock + k < guest.size(); ++k) {
      img.u8(at + 512 + k, guest[allocated[i] * kBlock + k]);
    }
  }
  vhdFooter(img, 0, 3, guest.size(), 512);
  vhdFooter(img, img.bytes.size() - 512, 3, guest.size(), 512);
  return img.bytes;
}

/// A qcow2 v2 header with 64 KiB clusters for `size` bytes; L1 at 64 KiB, `l1_size` entries.
Image qcow2Header(std::uint64_t size, std::uint32_t l1_size, std::size_t file_size) {
  Image img(file_size);
  img.text(0, "QFI\xfb");
  img.be32(4, 2);
  img.be32(20, 16);
  img.be64(24, size);
  img.be32(36, l1_size);
  img.be64(40, 65536);
  return img;
}

std::vector<std::uint8_t> guestDisk() {
  Image g(4 * kMiB);
  testing::disk_images::mbrEntry(g, 0, 0, 0x83, 2048, 4096, true);
  testing::disk_images::ExtFields ext;
  ext.incompat = 0x2C2;  // filetype extent 64bit flex_bg
  ext.label = "root";
  testing::disk_images::writeExt(g, 2048 * 512, ext);
  g.text(3 * kMiB - 3, "PATTERN-ACROSS-BLOCKS");
  return g.bytes;
}

TEST(ImageReaders, DynamicVhdMapsGuestOffsetsThroughTheBat) {
  auto guest = guestDisk();
  OpenedImage img = openImage(memory(dynamicVhd(guest), "disk.vhd"));
  ASSERT_EQ(img.facts.error, "");
  EXPECT_EQ(img.facts.format, "vhd");
  EXPECT_EQ(img.facts.subformat, "dynamic");
  EXPECT_EQ(img.facts.virtual_size, guest.size());
  EXPECT_TRUE(img.facts.problems.empty()) << img.facts.problems.front();
  ASSERT_TRUE(img.guest);
  std::vector<std::uint8_t> all(guest.size());
  ASSERT_TRUE(img.guest->readAt(0, all));
  EXPECT_EQ(all, guest) << "every byte of the guest view equals the disk that was wrapped";
  inspectContents(img);
  ASSERT_TRUE(img.facts.contents.ok()) << img.facts.contents.error;
  EXPECT_EQ(img.facts.contents.value->scheme, "mbr");
  ASSERT_EQ(img.facts.contents.value->partitions.size(), 1u);
  EXPECT_EQ(img.facts.contents.value->partitions[0].filesystem, "ext4");
  EXPECT_EQ(img.facts.contents.value->partitions[0].label, "root");
}

TEST(ImageReaders, VhdFootersNotIdenticalAndChecksumsAreProblems) {
  auto bytes = dynamicVhd(guestDisk());
  Image img{0};
  img.bytes = bytes;
  img.text(0 + 68, "x");  // the copy's unique id differs (its checksum is now wrong too)
  OpenedImage a = openImage(memory(img.bytes, "a.vhd"));
  EXPECT_EQ(a.facts.error, "");
  std::string all;
  for (const auto& p : a.facts.problems) all += p + "\n";
  EXPECT_NE(all.find("footers not identical"), std::string::npos) << all;

  // A damaged footer at the end is recovered from the copy at the start.
  img.bytes = bytes;
  img.u8(img.bytes.size() - 512 + 40, 0x7F);
  OpenedImage b = openImage(memory(img.bytes, "b.vhd"));
  EXPECT_EQ(b.facts.error, "");
  ASSERT_FALSE(b.facts.problems.empty());
  EXPECT_NE(b.facts.problems[0].find("checksum mismatch; the copy at offset 0 is used"),
            std::string::npos)
      << b.facts.problems[0];
  EXPECT_TRUE(b.guest);
}

TEST(ImageReaders, DifferencingVhdNamesItsParentAndRefusesTheContent) {
  Image img{0};
  img.bytes = dynamicVhd(guestDisk());
  for (std::size_t at : {std::size_t{0}, img.bytes.size() - 512}) {
    img.be32(at + 60, 4);
    img.be32(at + 64, vhdChecksum(img.bytes, at, 512, 64));
  }
  std::string parent = "base.vhd";
  for (std::size_t i = 0; i < parent.size(); ++i) img.be16(512 + 64 + i * 2, parent[i]);
  img.be32(512 + 36, vhdChecksum(img.bytes, 512, 1024, 36));
  OpenedImage o = openImage(memory(img.bytes, "child.vhd"));
  EXPECT_EQ(o.facts.error, "");
  EXPECT_EQ(o.facts.subformat, "differencing");
  EXPECT_EQ(o.facts.backing_file, "base.vhd");
  EXPECT_FALSE(o.guest);
  EXPECT_NE(o.guest_error.find("not readable without the parent 'base.vhd'"), std::string::npos)
      << o.guest_error;
}

TEST(ImageReaders, VhdBatEntryPastTheEndIsAnErrorNamingTheEntry) {
  auto bytes = dynamicVhd(guestDisk());
  Image img{0};
  img.bytes = bytes;
  img.be32(1536 + 4 * 2, 0x00FFFFFF);  // block 2 at ~8 GiB
  OpenedImage o = openImage(memory(img.bytes, "lying.vhd"));
  EXPECT_EQ(o.facts.format, "vhd");
  EXPECT_NE(o.facts.error.find("lying.vhd: VHD BAT at offset 1544: entry 2 points to offset"),
            std::string::npos)
      << o.facts.error;
  EXPECT_FALSE(o.guest);
}

TEST(ImageReaders, VhdOfTwoToTheSixtyThreeBytesIsRefused) {
  auto bytes = dynamicVhd(guestDisk());
  Image img{0};
  img.bytes = bytes;
  for (std::size_t at : {std::size_t{0}, img.bytes.size() - 512}) {
    img.be64(at + 48, 1ull << 63);
    img.be32(at + 64, vhdChecksum(img.bytes, at, 512, 64));
  }
  OpenedImage o = openImage(memory(img.bytes, "huge.vhd"));
  EXPECT_NE(o.facts.error.find("the BAT has 64 entries, the disk size 9223372036854775808 needs"),
            std::string::npos)
      << o.facts.error;
}

TEST(ImageReaders, TruncatedDynamicVhdUsesTheCopyOrFails) {
  auto bytes = dynamicVhd(guestDisk());
  bytes.resize(bytes.size() - 700);  // the footer at the end is gone
  OpenedImage o = openImage(memory(bytes, "cut.vhd"));
  EXPECT_EQ(o.facts.format, "vhd");
  std::string all = o.facts.error;
  for (const auto& p : o.facts.problems) all += p + "\n";
  EXPECT_NE(all.find("cut.vhd: VHD footer at offset"), std::string::npos) << all;
}

TEST(ImageReaders, EmptyAndTinyFiles) {
  OpenedImage empty = openImage(memory({}, "empty.img"));
  EXPECT_EQ(empty.facts.error, "empty.img: the file is empty (0 bytes)");
  EXPECT_FALSE(empty.guest);
  inspectContents(empty);
  EXPECT_FALSE(empty.facts.contents.ok());

  OpenedImage tiny = openImage(memory({1, 2, 3}, "tiny.img"));
  EXPECT_EQ(tiny.facts.format, "raw");
  EXPECT_FALSE(tiny.facts.problems.empty()) << "3 bytes are not a whole sector";
  inspectContents(tiny);
  EXPECT_FALSE(tiny.facts.contents.ok()) << "no sector to read a partition table from";
}

TEST(ImageReaders, ArchivesAreNamed) {
  OpenedImage gz = openImage(memory({0x1f, 0x8b, 8, 0, 0, 0, 0, 0}, "disk.raw.gz"));
  EXPECT_EQ(gz.facts.format, "gzip");
  EXPECT_NE(gz.facts.error.find("a gzip file"), std::string::npos) << gz.facts.error;
}

TEST(ImageReaders, Qcow2HeaderLies) {
  struct Case {
    const char* name;
    std::uint64_t size;
    std::uint32_t l1_size;
    std::uint32_t cluster_bits;
    const char* expected;
  };
  for (const Case& c : {
           Case{"truncated", 0, 0, 16, "qcow2 header at offset 0: truncated"},
           Case{"2^63 bytes", 1ull << 63, 1, 16, "more than qemu allows"},
           Case{"cluster bits 40", kMiB, 1, 40, "qcow2 header at offset 20: cluster_bits 40"},
           Case{"L1 too small", 4ull << 30, 1, 16, "l1_size 1 is too small"},
       }) {
    Image img =
        qcow2Header(c.size, c.l1_size, std::string_view(c.name) == "truncated" ? 60 : 131072);
    if (std::string_view(c.name) != "truncated") img.be32(20, c.cluster_bits);
    OpenedImage o = openImage(memory(img.bytes, "lie.qcow2"));
    EXPECT_EQ(o.facts.format, "qcow2") << c.name;
    EXPECT_NE(o.facts.error.find(c.expected), std::string::npos) << c.name << ": " << o.facts.error;
    EXPECT_FALSE(o.guest) << c.name;
  }
}

TEST(ImageReaders, Qcow2HugeL1SizeReadsOnlyWhatTheDiskNeeds) {
  // l1_size says 4 billion entries (32 GiB of table); the disk needs one.
  Image img = qcow2Header(64 * kMiB, 0xFFFFFFFF, 3 * 65536);
  img.be64(65536, 2 * 65536);  // L1[0] -> L2 at 128 KiB (all zero: nothing allocated)
  OpenedImage o = openImage(memory(img.bytes, "big-l1.qcow2"));
  ASSERT_EQ(o.facts.error, "");
  ASSERT_TRUE(o.facts.allocated_size.ok()) << o.facts.allocated_size.error;
  EXPECT_EQ(*o.facts.allocated_size.value, 0u);
  ASSERT_TRUE(o.guest);
  std::vector<std::uint8_t> buf(512, 0xAA);
  ASSERT_TRUE(o.guest->readAt(0, buf));
  EXPECT_EQ(buf, std::vector<std::uint8_t>(512, 0));
}

TEST(ImageReaders, Qcow2SharedAndOutsideL2TablesAreReportedNotFollowedForever) {
  // 40 GiB: 80 L1 entries, all pointing at the same L2 table (a "loop" in the tables).
  Image img = qcow2Header(40ull << 30, 80, 4 * 65536);
  for (std::size_t i = 0; i < 80; ++i) img.be64(65536 + i * 8, 2 * 65536);
  img.be64(2 * 65536, 3 * 65536);  // L2[0] -> cluster at 192 KiB
  img.text(3 * 65536, "DATA");
  OpenedImage shared = openImage(memory(img.bytes, "shared.qcow2"));
  ASSERT_EQ(shared.facts.error, "");
  EXPECT_EQ(shared.facts.problems.size(), 79u);
  EXPECT_EQ(*shared.facts.allocated_size.value, 65536u) << "the shared table counted once";
  std::vector<std::uint8_t> buf(4);
  ASSERT_TRUE(shared.guest->readAt(0, buf));
  EXPECT_EQ(std::string(buf.begin(), buf.end()), "DATA");

  img.be64(65536 + 8, 1ull << 40);  // L1[1] -> far past the end
  OpenedImage outside = openImage(memory(img.bytes, "outside.qcow2"));
  EXPECT_FALSE(outside.facts.allocated_size.ok());
  EXPECT_NE(outside.facts.allocated_size.error.find(
                "outside.qcow2: qcow2 L1 table at offset 65544: entry 1 points to an L2 table"),
            std::string::npos)
      << outside.facts.allocated_size.error;
  EXPECT_FALSE(outside.guest);
}

TEST(ImageReaders, VdiBlockMapEntryBeyondTheBlocks) {
  Image img(4096);
  img.text(0, "<<< Oracle VM VirtualBox Disk Image >>>\n");
  img.le32(64, 0xBEDA107F);
  img.le32(68, 0x00010001);
  img.le32(72, 400);
  img.le32(76, 1);
  img.le32(340, 1024);
  img.le32(344, 2048);
  img.le32(360, 512);
  img.le64(368, 2 * kMiB);
  img.le32(376, static_cast<std::uint32_t>(kMiB));
  img.le32(384, 2);
  img.le32(1024, 0xFFFFFFFF);
  img.le32(1028, 7);
  OpenedImage o = openImage(memory(img.bytes, "bad.vdi"));
  EXPECT_EQ(o.facts.format, "vdi");
  EXPECT_NE(o.facts.error.find("bad.vdi: VDI block map at offset 1028: entry 1 names block 7"),
            std::string::npos)
      << o.facts.error;
}

TEST(ImageReaders, GptWithAMillionEntriesInsideAnImageIsAContentError) {
  Image g(4 * kMiB);
  testing::disk_images::writeGpt(g, {});
  // Both headers then claim a million entries (128 MB of array), CRCs kept valid.
  for (std::size_t at : {std::size_t{512}, g.bytes.size() - 512}) {
    g.le32(at + 80, 1000000);
    testing::disk_images::resealGptHeader(g, at);
  }
  OpenedImage img = openImage(memory(dynamicVhd(g.bytes), "gpt.vhd"));
  ASSERT_EQ(img.facts.error, "");
  inspectContents(img);
  // Both copies lie, so the partition reader refuses the table, naming it, without reading
  // 128 MB through the VHD.
  ASSERT_FALSE(img.facts.contents.ok());
  EXPECT_NE(img.facts.contents.error.find("partition entry array of 1000000 entries"),
            std::string::npos)
      << img.facts.contents.error;
}

TEST(ImageReaders, VmdkDescriptorExtentsOnlyBesideIt) {
  std::string desc =
      "# Disk DescriptorFile\nversion=1\nCID=12345678\nparentCID=ffffffff\n"
      "createType=\"monolithicFlat\"\n\nRW 2048 FLAT \"../../etc/passwd\" 0\n";
  OpenedImage o =
      openImage(memory({desc.begin(), desc.end()}, "d.vmdk"),
                [](const std::string& name) -> Result<std::shared_ptr<const disk::BlockSource>> {
                  return fail(ErrorCode::kInvalidInput, "refused " + name);
                });
  EXPECT_EQ(o.facts.format, "vmdk");
  EXPECT_EQ(o.facts.subformat, "monolithicFlat");
  EXPECT_EQ(o.facts.virtual_size, 2048u * 512);
  EXPECT_FALSE(o.guest);
  EXPECT_NE(o.guest_error.find("d.vmdk:7: extent '../../etc/passwd': refused"), std::string::npos)
      << o.guest_error;
}

TEST(ImageReaders, ConvertCommandAndDisplayName) {
  ImageFacts f;
  f.file = "/srv/images/web 01.vmdk";
  f.format = "vmdk";
  f.subformat = "streamOptimized";
  EXPECT_EQ(formatDisplayName(f), "VMDK (streamOptimized)");
  EXPECT_EQ(convertCommand(f, "vpc"),
            "qemu-img convert -p -f vmdk -O vpc -o subformat=dynamic '/srv/images/web 01.vmdk' "
            "'/srv/images/web 01.vhd'");
  f.file = "disk.qcow2";
  f.format = "qcow2";
  EXPECT_EQ(convertCommand(f, "raw"), "qemu-img convert -p -f qcow2 -O raw disk.qcow2 disk.raw");
}

}  // namespace
}  // namespace guestprep::image
