// probeFilesystem on superblocks built from literal bytes: ext2/3/4 (features, state, errors,
// times), XFS (features, log clean/dirty), FAT, NTFS, swap, LVM2, Btrfs, and corrupt ones.
#include <gtest/gtest.h>

#include <algorithm>

#include "disk/filesystems.h"
#include "disk_test_images.h"

namespace guestprep::disk {
namespace {

using testing::disk_images::ExtFields;
using testing::disk_images::Image;
using testing::disk_images::uuidBytes;
using testing::disk_images::writeExt;

Result<FilesystemInfo> probe(const Image& img) {
  return probeFilesystem(MemorySource(img.bytes, "part1"));
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(Filesystems, NothingKnownIsAnEmptyType) {
  for (std::size_t size : {std::size_t{0}, std::size_t{100}, std::size_t{1 << 20}}) {
    auto fs = probe(Image(size));
    ASSERT_TRUE(fs) << fs.error().message;
    EXPECT_EQ(fs->type, "") << size;
    EXPECT_FALSE(fs->ext);
  }
}

struct ExtCase {
  const char* name;
  std::uint32_t compat, incompat, ro_compat;
  const char* type;
};

TEST(Filesystems, ExtTypeDecidedLikeBlkid) {
  const ExtCase cases[] = {
      {"ext2: no journal", 0x38, 0x2, 0x3, "ext2"},
      {"ext3: journal, no extents", 0x3C, 0x2, 0x3, "ext3"},
      {"ext3 needing recovery", 0x3C, 0x6, 0x3, "ext3"},
      {"ext4: extents", 0x3C, 0x242, 0x7B, "ext4"},
      {"ext4 without a journal", 0x38, 0x242, 0x3, "ext4"},
      {"journal device", 0x0, 0x8, 0x0, "jbd"},
  };
  for (const ExtCase& c : cases) {
    Image img(64 * 1024);
    ExtFields f;
    f.compat = c.compat;
    f.incompat = c.incompat;
    f.ro_compat = c.ro_compat;
    writeExt(img, 0, f);
    auto fs = probe(img);
    ASSERT_TRUE(fs) << c.name << ": " << fs.error().message;
    EXPECT_EQ(fs->type, c.type) << c.name;
  }
}

TEST(Filesystems, Ext4FeaturesIdentityAndSize) {
  Image img(64 * 1024);
  ExtFields f;
  f.compat = 0x3C;       // has_journal ext_attr resize_inode dir_index
  f.incompat = 0x2C2;    // filetype extent 64bit flex_bg
  f.ro_compat = 0x2100;  // quota project
  f.blocks_lo = 0x10;
  f.blocks_hi = 0x1;
  f.label = "rootfs";
  writeExt(img, 0, f);
  auto fs = probe(img);
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_EQ(fs->type, "ext4");
  EXPECT_EQ(fs->uuid, "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
  EXPECT_EQ(fs->label, "rootfs");
  EXPECT_EQ(fs->version, "1.0");
  ASSERT_TRUE(fs->ext);
  // dumpe2fs order: compat, incompat, ro_compat, each by bit.
  EXPECT_EQ(fs->ext->features, (std::vector<std::string>{"has_journal", "ext_attr", "resize_inode",
                                                         "dir_index", "filetype", "extent", "64bit",
                                                         "flex_bg", "quota", "project"}));
  EXPECT_EQ(fs->ext->block_size, 4096u);
  EXPECT_EQ(fs->ext->block_count, 0x100000010u);
  EXPECT_TRUE(fs->ext->clean);
  EXPECT_FALSE(fs->ext->errors);
  EXPECT_EQ(fs->ext->max_mount_count, -1);
}

TEST(Filesystems, ExtBlockCountHighWordOnlyWith64bit) {
  Image img(64 * 1024);
  ExtFields f;
  f.incompat = 0x242;
  f.blocks_hi = 0x1;  // stale bytes in a non-64bit filesystem are ignored
  writeExt(img, 0, f);
  auto fs = probe(img);
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_EQ(fs->ext->block_count, 4096u);
}

TEST(Filesystems, UnknownExtFeatureBitsAreNamedLikeE2p) {
  Image img(64 * 1024);
  ExtFields f;
  f.compat = 0x80000000;
  f.ro_compat = 0x4 | 0x40000000;
  writeExt(img, 0, f);
  auto fs = probe(img);
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_TRUE(has(fs->ext->features, "FEATURE_C31"));
  EXPECT_TRUE(has(fs->ext->features, "FEATURE_R2"));
  EXPECT_TRUE(has(fs->ext->features, "FEATURE_R30"));
}

TEST(Filesystems, ExtErrorStateCountsAndTimes) {
  Image img(64 * 1024);
  ExtFields f;
  f.incompat = 0x242;
  f.state = 0x3;  // valid, with errors
  f.error_count = 3;
  f.first_error_time = 1600000000;
  f.last_error_time = 0x10;
  f.last_error_time_hi = 1;  // after 2106: the kernel's 64-bit time
  f.last_error_func = "ext4_lookup";
  f.last_error_line = 1855;
  f.last_check = 1500000000;
  f.check_interval = 15552000;
  f.mount_count = 7;
  f.max_mount_count = 20;
  writeExt(img, 0, f);
  auto fs = probe(img);
  ASSERT_TRUE(fs) << fs.error().message;
  const ExtInfo& e = *fs->ext;
  EXPECT_TRUE(e.clean);
  EXPECT_TRUE(e.errors);
  EXPECT_EQ(e.error_count, 3u);
  EXPECT_EQ(e.first_error_time, 1600000000);
  EXPECT_EQ(e.last_error_time, 0x100000010);
  EXPECT_EQ(e.last_error_func, "ext4_lookup");
  EXPECT_EQ(e.last_error_line, 1855u);
  EXPECT_EQ(e.last_check, 1500000000);
  EXPECT_EQ(e.check_interval, 15552000u);
  EXPECT_EQ(e.mount_count, 7);
  EXPECT_EQ(e.max_mount_count, 20);
}

TEST(Filesystems, ExtNotCleanlyUnmounted) {
  Image img(64 * 1024);
  ExtFields f;
  f.state = 0;
  writeExt(img, 0, f);
  auto fs = probe(img);
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_FALSE(fs->ext->clean);
}

TEST(Filesystems, ExtLogBlockSize40IsAnErrorNamingFieldAndOffset) {
  Image img(64 * 1024);
  ExtFields f;
  f.log_block_size = 40;
  writeExt(img, 0, f);
  auto fs = probe(img);
  ASSERT_FALSE(fs);
  EXPECT_EQ(fs.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(fs.error().message.find("ext superblock at offset 1024"), std::string::npos)
      << fs.error().message;
  EXPECT_NE(fs.error().message.find("s_log_block_size at byte 1048"), std::string::npos)
      << fs.error().message;
}

TEST(Filesystems, TruncatedExtSuperblockIsAnError) {
  Image img(64 * 1024);
  writeExt(img, 0, ExtFields{});
  img.bytes.resize(1500);
  auto fs = probe(img);
  ASSERT_FALSE(fs);
  EXPECT_NE(fs.error().message.find("cut off"), std::string::npos) << fs.error().message;
}

// A 64 KiB XFS v5 image: 4 KiB blocks, one AG of 16 blocks, the log at block 8 (4 blocks).
Image xfsImage(std::uint32_t num_logops, std::uint8_t op_flags, std::uint64_t logstart = 8) {
  Image img(64 * 1024);
  img.text(0, "XFSB");
  img.be32(4, 4096);
  img.be64(8, 16);
  img.raw(32, uuidBytes("11223344-5566-7788-99aa-bbccddeeff00"));
  img.be64(48, logstart);
  img.be32(84, 16);       // agblocks
  img.be32(88, 1);        // agcount
  img.be32(96, 4);        // logblocks
  img.be16(100, 0xB4A5);  // v5 with the v4 bits mkfs sets
  img.be16(102, 512);
  img.text(108, "data");
  img.u8(124, 4);      // agblklog
  img.be32(212, 0x5);  // finobt reflink
  img.be32(216, 0xB);  // ftype sparse bigtime
  // The log: a record header at basic block 0 and one data block, cycle 1; the rest zero.
  std::size_t log = 8 * 4096;
  img.be32(log, 0xFEEDBABE);
  img.be32(log + 4, 1);
  img.be32(log + 8, 2);
  img.be32(log + 12, 512);
  img.be32(log + 40, num_logops);
  img.be32(log + 320, 32768);
  img.be32(log + 512, 1);
  img.u8(log + 512 + 9, op_flags);
  return img;
}

TEST(Filesystems, XfsV5FeaturesAndCleanLog) {
  auto fs = probe(xfsImage(1, 0x20));
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_EQ(fs->type, "xfs");
  EXPECT_EQ(fs->uuid, "11223344-5566-7788-99aa-bbccddeeff00");
  EXPECT_EQ(fs->label, "data");
  ASSERT_TRUE(fs->xfs);
  EXPECT_EQ(fs->xfs->version, 5);
  EXPECT_EQ(fs->xfs->block_size, 4096u);
  EXPECT_EQ(fs->xfs->block_count, 16u);
  EXPECT_EQ(fs->xfs->features,
            (std::vector<std::string>{"crc", "ftype", "sparse", "bigtime", "finobt", "reflink"}));
  EXPECT_TRUE(fs->xfs->log_clean);
  EXPECT_EQ(fs->xfs->log_state, "clean");
}

TEST(Filesystems, XfsDirtyLog) {
  for (auto [ops, flags] : {std::pair{3u, std::uint8_t{0x20}}, std::pair{1u, std::uint8_t{0}}}) {
    auto fs = probe(xfsImage(ops, flags));
    ASSERT_TRUE(fs) << fs.error().message;
    EXPECT_FALSE(fs->xfs->log_clean) << ops;
    EXPECT_NE(fs->xfs->log_state.find("dirty"), std::string::npos) << fs->xfs->log_state;
  }
}

TEST(Filesystems, XfsLogThatCannotBeJudgedSaysWhy) {
  auto external = probe(xfsImage(1, 0x20, 0));
  ASSERT_TRUE(external) << external.error().message;
  EXPECT_TRUE(external->xfs->log_clean);
  EXPECT_NE(external->xfs->log_state.find("external log"), std::string::npos);
  auto outside = probe(xfsImage(1, 0x20, 15));  // 4 log blocks from block 15 pass the end
  ASSERT_TRUE(outside) << outside.error().message;
  EXPECT_NE(outside->xfs->log_state.find("past the end"), std::string::npos)
      << outside->xfs->log_state;
}

TEST(Filesystems, XfsV4Features) {
  Image img = xfsImage(1, 0x20);
  img.be16(100, 0xB4A4);  // v4: attr nlink align dirv2 logv2 extflg moreBits
  img.be32(200, 0x8A);    // lazycount attr2 projid32bit
  auto fs = probe(img);
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_EQ(fs->xfs->version, 4);
  EXPECT_TRUE(has(fs->xfs->features, "attr2"));
  EXPECT_TRUE(has(fs->xfs->features, "lazycount"));
  EXPECT_FALSE(has(fs->xfs->features, "crc"));
}

TEST(Filesystems, XfsImpossibleBlockSizeIsAnError) {
  Image img = xfsImage(1, 0x20);
  img.be32(4, 3000);
  auto fs = probe(img);
  ASSERT_FALSE(fs);
  EXPECT_NE(fs.error().message.find("sb_blocksize at byte 4 is 3000"), std::string::npos)
      << fs.error().message;
}

Image fatBoot(bool fat32) {
  Image img(1024 * 1024);
  img.u8(0, 0xEB);
  img.u8(1, 0x58);
  img.u8(2, 0x90);
  img.text(3, "mkfs.fat");
  img.le16(0x0B, 512);
  img.u8(0x0D, fat32 ? 1 : 4);
  img.le16(0x0E, fat32 ? 32 : 4);
  img.u8(0x10, 2);
  img.u8(0x15, 0xF8);
  img.le16(0x13, 2048);
  if (fat32) {
    img.le32(0x24, 16);
    img.u8(0x42, 0x29);
    img.raw(0x43, {0x78, 0x56, 0x34, 0x12});
    img.text(0x47, "EFI        ");
    img.text(0x52, "FAT32   ");
  } else {
    img.le16(0x11, 512);
    img.le16(0x16, 2);
    img.u8(0x26, 0x29);
    img.raw(0x27, {0xEF, 0xBE, 0xAD, 0xDE});
    img.text(0x2B, "NO NAME    ");
    img.text(0x36, "FAT12   ");
  }
  img.u8(510, 0x55);
  img.u8(511, 0xAA);
  return img;
}

TEST(Filesystems, Fat32LabelAndVolumeId) {
  auto fs = probe(fatBoot(true));
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_EQ(fs->type, "vfat");
  EXPECT_EQ(fs->version, "FAT32");
  EXPECT_EQ(fs->uuid, "1234-5678");
  EXPECT_EQ(fs->label, "EFI");
}

TEST(Filesystems, Fat12WithoutLabel) {
  auto fs = probe(fatBoot(false));
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_EQ(fs->type, "vfat");
  EXPECT_EQ(fs->version, "FAT12");
  EXPECT_EQ(fs->uuid, "DEAD-BEEF");
  EXPECT_EQ(fs->label, "");
}

TEST(Filesystems, FatStringsWithoutASaneBpbAreNotFat) {
  Image img = fatBoot(true);
  img.le16(0x0B, 0);
  auto fs = probe(img);
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_EQ(fs->type, "");
}

TEST(Filesystems, NtfsSerialAsUuid) {
  Image img(64 * 1024);
  img.u8(0, 0xEB);
  img.text(3, "NTFS    ");
  img.le16(0x0B, 512);
  img.le64(0x48, 0x0123456789ABCDEFull);
  auto fs = probe(img);
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_EQ(fs->type, "ntfs");
  EXPECT_EQ(fs->uuid, "0123456789ABCDEF");
}

TEST(Filesystems, SwapUuidAndLabel) {
  Image img(64 * 1024);
  img.le32(1024, 1);
  img.raw(1024 + 12, uuidBytes("99887766-5544-3322-1100-ffeeddccbbaa"));
  img.text(1024 + 28, "swap0");
  img.text(4096 - 10, "SWAPSPACE2");
  auto fs = probe(img);
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_EQ(fs->type, "swap");
  EXPECT_EQ(fs->uuid, "99887766-5544-3322-1100-ffeeddccbbaa");
  EXPECT_EQ(fs->label, "swap0");
  EXPECT_EQ(fs->version, "1");
}

TEST(Filesystems, Lvm2PvUuidGroupedLikeBlkid) {
  Image img(64 * 1024);
  img.text(512, "LABELONE");
  img.le64(512 + 8, 1);
  img.le32(512 + 20, 32);
  img.text(512 + 24, "LVM2 001");
  img.text(512 + 32, "abcdefghijklmnopqrstuvwxyz012345");
  auto fs = probe(img);
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_EQ(fs->type, "LVM2_member");
  EXPECT_EQ(fs->uuid, "abcdef-ghij-klmn-opqr-stuv-wxyz-012345");
}

TEST(Filesystems, Lvm2LabelPointingOutsideItsSectorIsAnError) {
  Image img(64 * 1024);
  img.text(0, "LABELONE");
  img.le32(20, 4000);
  img.text(24, "LVM2 001");
  auto fs = probe(img);
  ASSERT_FALSE(fs);
  EXPECT_NE(fs.error().message.find("LVM2 label at offset 0"), std::string::npos)
      << fs.error().message;
}

TEST(Filesystems, BtrfsUuidAndLabel) {
  Image img(128 * 1024);
  img.raw(0x10020, uuidBytes("01020304-0506-0708-090a-0b0c0d0e0f10"));
  img.text(0x10040, "_BHRfS_M");
  img.text(0x10000 + 0x12B, "pool");
  auto fs = probe(img);
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_EQ(fs->type, "btrfs");
  EXPECT_EQ(fs->uuid, "01020304-0506-0708-090a-0b0c0d0e0f10");
  EXPECT_EQ(fs->label, "pool");
}

TEST(Filesystems, ExtWinsOverAStaleFatBootSector) {
  Image img = fatBoot(true);
  writeExt(img, 0, ExtFields{});
  auto fs = probe(img);
  ASSERT_TRUE(fs) << fs.error().message;
  EXPECT_EQ(fs->type, "ext2");
}

}  // namespace
}  // namespace guestprep::disk
