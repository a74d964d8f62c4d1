// readPartitionTable on MBR, extended/logical, GPT (512 and 4096-byte sectors), hybrid and
// corrupt images built from literal bytes.
#include <gtest/gtest.h>

#include "disk/partitions.h"
#include "disk_test_images.h"

namespace guestprep::disk {
namespace {

using testing::disk_images::GptEntry;
using testing::disk_images::GptLayout;
using testing::disk_images::Image;
using testing::disk_images::mbrEntry;
using testing::disk_images::resealGptHeader;
using testing::disk_images::writeGpt;

constexpr std::size_t kMiB = 1024 * 1024;
const std::string kEsp = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
const std::string kBiosBoot = "21686148-6449-6E6F-744E-656564454649";
const std::string kLinuxFs = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";

Result<PartitionTable> read(const Image& img) {
  return readPartitionTable(MemorySource(img.bytes, "disk.raw"));
}

std::vector<GptEntry> threeEntries() {
  return {
      {kBiosBoot, "aaaaaaaa-0000-0000-0000-000000000001", 34, 2047, "bios", 0x4},
      {kEsp, "AAAAAAAA-0000-0000-0000-000000000002", 2048, 4095, "EFI System Partition", 0},
      {kLinuxFs, "aaaaaaaa-0000-0000-0000-000000000003", 4096, 8191, "root", 0},
  };
}

TEST(Crc32, MatchesTheStandardCheckValue) {
  std::string s = "123456789";
  std::vector<std::uint8_t> b(s.begin(), s.end());
  EXPECT_EQ(crc32(b), 0xCBF43926u);
}

TEST(Partitions, AllZeroDiskHasNoTable) {
  auto t = read(Image(kMiB));
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->scheme, PartitionScheme::kNone);
  EXPECT_TRUE(t->partitions.empty());
}

TEST(Partitions, DiskShorterThanASectorIsAnErrorNamingTheMbr) {
  auto t = read(Image(100));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(t.error().message.find("MBR at offset 0"), std::string::npos) << t.error().message;
}

TEST(Partitions, MbrPrimaries) {
  Image img(8 * kMiB);
  img.u8(0, 0xEB);  // boot code
  img.le32(0x1B8, 0xdeadbeef);
  mbrEntry(img, 0, 0, 0x83, 2048, 8192, true);
  mbrEntry(img, 0, 2, 0x82, 10240, 2048);
  auto t = read(img);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->scheme, PartitionScheme::kMbr);
  EXPECT_TRUE(t->mbr_boot_code);
  EXPECT_EQ(t->mbr_signature, 0xdeadbeefu);
  ASSERT_EQ(t->partitions.size(), 2u);
  EXPECT_EQ(t->partitions[0].number, 1);
  EXPECT_EQ(t->partitions[0].start, 2048u * 512);
  EXPECT_EQ(t->partitions[0].size, 8192u * 512);
  EXPECT_EQ(t->partitions[0].type, "0x83");
  EXPECT_EQ(t->partitions[0].type_name, "Linux");
  EXPECT_TRUE(t->partitions[0].bootable);
  // Linux numbers primaries by their slot: the third slot is partition 3 even with slot 2 empty.
  EXPECT_EQ(t->partitions[1].number, 3);
  EXPECT_EQ(t->partitions[1].type_name, "Linux swap / Solaris");
  EXPECT_FALSE(t->partitions[1].bootable);
  EXPECT_TRUE(t->problems.empty());
}

TEST(Partitions, MbrLogicalPartitionsFollowTheChain) {
  Image img(16 * kMiB);
  mbrEntry(img, 0, 0, 0x83, 2048, 2048);
  mbrEntry(img, 0, 1, 0x05, 8192, 16384);
  // EBR 1 at LBA 8192: logical at +2048, next EBR at extended+8192.
  mbrEntry(img, 8192 * 512, 0, 0x83, 2048, 2048);
  mbrEntry(img, 8192 * 512, 1, 0x05, 8192, 4096);
  // EBR 2 at LBA 16384: logical at +2048, end of chain.
  mbrEntry(img, 16384 * 512, 0, 0x8e, 2048, 2048);
  auto t = read(img);
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->partitions.size(), 4u);
  EXPECT_TRUE(t->partitions[1].extended);
  EXPECT_EQ(t->partitions[1].number, 2);
  EXPECT_EQ(t->partitions[2].number, 5);
  EXPECT_EQ(t->partitions[2].start, (8192u + 2048) * 512);
  EXPECT_EQ(t->partitions[3].number, 6);
  EXPECT_EQ(t->partitions[3].start, (16384u + 2048) * 512);
  EXPECT_EQ(t->partitions[3].type_name, "Linux LVM");
}

TEST(Partitions, ExtendedChainLoopIsAnErrorNamingTheRecord) {
  Image img(16 * kMiB);
  mbrEntry(img, 0, 1, 0x05, 8192, 16384);
  mbrEntry(img, 8192 * 512, 0, 0x83, 2048, 2048);
  mbrEntry(img, 8192 * 512, 1, 0x05, 0, 4096);  // links back to itself
  auto t = read(img);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(t.error().message.find("offset 4194304"), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("loop"), std::string::npos) << t.error().message;
}

TEST(Partitions, ExtendedRecordPastTheEndOfATruncatedImageIsAnError) {
  Image img(1 * kMiB);
  mbrEntry(img, 0, 0, 0x0f, 8192, 16384);
  auto t = read(img);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("extended boot record at offset 4194304"), std::string::npos)
      << t.error().message;
}

TEST(Partitions, PartitionPastTheEndIsAProblemNotAnError) {
  Image img(1 * kMiB);
  mbrEntry(img, 0, 0, 0x83, 2048, 8192);
  auto t = read(img);
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->problems.size(), 1u);
  EXPECT_NE(t->problems[0].find("partition 1"), std::string::npos) << t->problems[0];
}

TEST(Partitions, FatBootSectorIsNotAPartitionTable) {
  Image img(kMiB);
  img.u8(0, 0xEB);
  img.u8(1, 0x3C);
  img.u8(2, 0x90);
  img.text(0x36, "FAT16   ");
  img.u8(510, 0x55);
  img.u8(511, 0xAA);
  auto t = read(img);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->scheme, PartitionScheme::kNone);
}

TEST(Partitions, InvalidBootFlagMeansNoTable) {
  Image img(kMiB);
  mbrEntry(img, 0, 0, 0x83, 2048, 100);
  img.u8(446, 0x12);
  auto t = read(img);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->scheme, PartitionScheme::kNone);
}

TEST(Partitions, GptWith512ByteSectors) {
  Image img(8 * kMiB);
  writeGpt(img, threeEntries());
  auto t = read(img);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->scheme, PartitionScheme::kGpt);
  EXPECT_EQ(t->sector_size, 512u);
  EXPECT_EQ(t->disk_guid, "11111111-2222-3333-4444-555555555555");
  EXPECT_TRUE(t->problems.empty()) << t->problems.front();
  ASSERT_EQ(t->partitions.size(), 3u);
  EXPECT_EQ(t->partitions[0].type, kBiosBoot);
  EXPECT_EQ(t->partitions[0].type_name, "BIOS boot");
  EXPECT_TRUE(t->partitions[0].bootable);  // legacy BIOS bootable attribute (bit 2)
  EXPECT_EQ(t->partitions[1].type_name, "EFI System");
  EXPECT_EQ(t->partitions[1].guid, "aaaaaaaa-0000-0000-0000-000000000002");
  EXPECT_EQ(t->partitions[1].name, "EFI System Partition");
  EXPECT_EQ(t->partitions[2].type_name, "Linux filesystem");
  EXPECT_EQ(t->partitions[2].number, 3);
  EXPECT_EQ(t->partitions[2].start, 4096u * 512);
  EXPECT_EQ(t->partitions[2].size, 4096u * 512);
}

TEST(Partitions, GptWith4096ByteSectorsIsFoundByProbing) {
  Image img(32 * kMiB);
  GptLayout l;
  l.sector_size = 4096;
  writeGpt(img, {{kLinuxFs, "aaaaaaaa-0000-0000-0000-000000000009", 256, 1023, "data", 0}}, l);
  auto t = read(img);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->scheme, PartitionScheme::kGpt);
  EXPECT_EQ(t->sector_size, 4096u);
  ASSERT_EQ(t->partitions.size(), 1u);
  EXPECT_EQ(t->partitions[0].start, 256u * 4096);
  EXPECT_EQ(t->partitions[0].size, 768u * 4096);
  EXPECT_TRUE(t->problems.empty());
}

TEST(Partitions, HybridMbr) {
  Image img(8 * kMiB);
  writeGpt(img, threeEntries());
  mbrEntry(img, 0, 1, 0x83, 4096, 4096);
  auto t = read(img);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->scheme, PartitionScheme::kHybrid);
  EXPECT_EQ(t->partitions.size(), 3u);  // the GPT is what Linux uses
}

TEST(Partitions, CorruptPrimaryHeaderFallsBackToTheBackup) {
  Image img(8 * kMiB);
  writeGpt(img, threeEntries());
  img.u8(512 + 60, 0x77);  // a disk GUID byte: the header CRC no longer matches
  auto t = read(img);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->partitions.size(), 3u);
  ASSERT_FALSE(t->problems.empty());
  EXPECT_NE(t->problems[0].find("backup GPT"), std::string::npos) << t->problems[0];
  EXPECT_NE(t->problems[0].find("CRC32"), std::string::npos) << t->problems[0];
}

TEST(Partitions, CorruptPrimaryEntriesFallBackToTheBackup) {
  Image img(8 * kMiB);
  writeGpt(img, threeEntries());
  img.u8(1024 + 128 + 56, 'X');  // a name character of the primary's entry 2
  auto t = read(img);
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->partitions.size(), 3u);
  EXPECT_EQ(t->partitions[1].name, "EFI System Partition");
  ASSERT_FALSE(t->problems.empty());
  EXPECT_NE(t->problems[0].find("entry array at offset 1024"), std::string::npos) << t->problems[0];
}

TEST(Partitions, MissingBackupIsAProblem) {
  Image img(8 * kMiB);
  GptLayout l;
  l.backup = false;
  writeGpt(img, threeEntries(), l);
  auto t = read(img);
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->problems.size(), 1u);
  EXPECT_NE(t->problems[0].find("backup GPT header at offset"), std::string::npos)
      << t->problems[0];
}

TEST(Partitions, GrownDiskLeavesTheBackupBehind) {
  Image img(8 * kMiB);
  writeGpt(img, threeEntries());
  img.bytes.resize(16 * kMiB, 0);
  auto t = read(img);
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->problems.size(), 1u);
  EXPECT_NE(t->problems[0].find("not at the disk's last LBA"), std::string::npos) << t->problems[0];
}

// A header field changed and the header's CRC recomputed, with no backup to fall back on.
Result<PartitionTable> withPrimaryField(std::size_t field, std::uint32_t value) {
  Image img(8 * kMiB);
  GptLayout l;
  l.backup = false;
  writeGpt(img, threeEntries(), l);
  img.le32(512 + field, value);
  resealGptHeader(img, 512);
  return read(img);
}

TEST(Partitions, MillionEntriesIsAnErrorNotAnAllocation) {
  auto t = withPrimaryField(80, 1000000);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(t.error().message.find("GPT header at offset 512"), std::string::npos)
      << t.error().message;
  EXPECT_NE(t.error().message.find("1000000 entries"), std::string::npos) << t.error().message;
}

TEST(Partitions, EntrySizeZeroOrHugeIsAnError) {
  for (std::uint32_t size : {0u, 1u << 20, 0xFFFFFFFFu, 200u}) {
    auto t = withPrimaryField(84, size);
    ASSERT_FALSE(t) << size;
    EXPECT_NE(t.error().message.find("entry size"), std::string::npos) << t.error().message;
  }
}

TEST(Partitions, EntryArrayPastTheEndIsAnError) {
  auto t = withPrimaryField(72, 1u << 30);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("past the end"), std::string::npos) << t.error().message;
}

TEST(Partitions, TruncatedGptImageIsAnError) {
  Image img(8 * kMiB);
  writeGpt(img, threeEntries());
  img.bytes.resize(3 * 512);  // the MBR, the header and one sector of entries
  auto t = read(img);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("offset 512"), std::string::npos) << t.error().message;
}

TEST(Partitions, ProtectiveMbrWithoutGptIsAnError) {
  Image img(kMiB);
  mbrEntry(img, 0, 0, 0xEE, 1, 2047);
  auto t = read(img);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("no GPT header"), std::string::npos) << t.error().message;
}

TEST(Partitions, SchemeNames) {
  EXPECT_EQ(toString(PartitionScheme::kNone), "none");
  EXPECT_EQ(toString(PartitionScheme::kMbr), "mbr");
  EXPECT_EQ(toString(PartitionScheme::kGpt), "gpt");
  EXPECT_EQ(toString(PartitionScheme::kHybrid), "hybrid");
}

}  // namespace
}  // namespace guestprep::disk
