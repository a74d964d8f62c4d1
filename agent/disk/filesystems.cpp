// Superblock readers: which filesystem a partition holds (as blkid names it) and, for ext2/3/4
// and XFS, the health fields an import check needs. Probes run in blkid's order of trust: the
// signatures that overwrite a stale older one (LVM, swap, ext, XFS, Btrfs) before the boot-sector
// ones (NTFS, FAT) that mkfs of another filesystem may leave behind.
#include "disk/filesystems.h"

#include <fmt/format.h>
#include <algorithm>
#include <array>

#include "disk/bytes.h"
#include "disk/xfs_log.h"

namespace guestprep::disk {

namespace {

using Bytes = std::vector<std::uint8_t>;

// Reads `len` bytes at `offset` when they lie inside the source; nullopt when the source is
// too small for this signature (not an error: the filesystem is just not this one).
Result<std::optional<Bytes>> readIfInside(const BlockSource& src, std::uint64_t offset,
                                          std::size_t len) {
  if (offset > src.size() || len > src.size() - offset) return std::optional<Bytes>{};
  Bytes b(len);
  if (auto r = src.readAt(offset, b); !r) return std::unexpected(r.error());
  return std::optional<Bytes>{std::move(b)};
}

bool textAt(std::span<const std::uint8_t> b, std::size_t off, std::string_view text) {
  return off + text.size() <= b.size() &&
         std::equal(text.begin(), text.end(), b.begin() + static_cast<std::ptrdiff_t>(off));
}

Error invalid(const BlockSource& src, std::string what) {
  return Error{ErrorCode::kInvalidInput, src.describe() + ": " + std::move(what)};
}

// --- ext2/3/4 (fs/ext4/ext4.h; feature names of e2fsprogs lib/e2p/feature.c) ---

constexpr std::uint64_t kExtSuper = 1024;

struct FeatureBit {
  std::uint32_t mask;
  std::string_view name;
};

constexpr FeatureBit kExtCompat[] = {
    {0x1, "dir_prealloc"},  {0x2, "imagic_inodes"},    {0x4, "has_journal"},
    {0x8, "ext_attr"},      {0x10, "resize_inode"},    {0x20, "dir_index"},
    {0x40, "lazy_bg"},      {0x80, "snapshot_bitmap"}, {0x100, "sparse_super2"},
    {0x200, "fast_commit"}, {0x400, "stable_inodes"},  {0x800, "orphan_file"},
};
constexpr FeatureBit kExtIncompat[] = {
    {0x1, "compression"},  {0x2, "filetype"},       {0x4, "needs_recovery"},
    {0x8, "journal_dev"},  {0x10, "meta_bg"},       {0x40, "extent"},
    {0x80, "64bit"},       {0x100, "mmp"},          {0x200, "flex_bg"},
    {0x400, "ea_inode"},   {0x1000, "dirdata"},     {0x2000, "metadata_csum_seed"},
    {0x4000, "large_dir"}, {0x8000, "inline_data"}, {0x10000, "encrypt"},
    {0x20000, "casefold"},
};
constexpr FeatureBit kExtRoCompat[] = {
    {0x1, "sparse_super"},       {0x2, "large_file"},       {0x8, "huge_file"},
    {0x10, "uninit_bg"},         {0x20, "dir_nlink"},       {0x40, "extra_isize"},
    {0x80, "snapshot"},          {0x100, "quota"},          {0x200, "bigalloc"},
    {0x400, "metadata_csum"},    {0x800, "replica"},        {0x1000, "read-only"},
    {0x2000, "project"},         {0x4000, "shared_blocks"}, {0x8000, "verity"},
    {0x10000, "orphan_present"},
};

// e2p prints bits it has no name for as FEATURE_<C|I|R><bit>.
void addFeatures(std::uint32_t bits, std::span<const FeatureBit> table, char kind,
                 std::vector<std::string>& out) {
  for (int bit = 0; bit < 32; ++bit) {
    std::uint32_t mask = 1u << bit;
    if (!(bits & mask)) continue;
    auto it = std::find_if(table.begin(), table.end(),
                           [&](const FeatureBit& f) { return f.mask == mask; });
    out.push_back(it != table.end() ? std::string(it->name)
                                    : fmt::format("FEATURE_{}{}", kind, bit));
  }
}

constexpr std::uint32_t kCompatHasJournal = 0x4;
constexpr std::uint32_t kIncompatRecover = 0x4;
constexpr std::uint32_t kIncompatJournalDev = 0x8;
constexpr std::uint32_t kIncompat64bit = 0x80;
// What the ext2 and ext3 drivers accept (libblkid's EXT2/EXT3_FEATURE_*_SUPP).
constexpr std::uint32_t kExt2RoSupp = 0x1 | 0x2 | 0x4;
constexpr std::uint32_t kExt2IncompatSupp = 0x2 | 0x10;
constexpr std::uint32_t kExt3IncompatSupp = 0x2 | kIncompatRecover | 0x10;
constexpr std::uint32_t kFlagsTestFs = 0x4;

std::int64_t time64(std::span<const std::uint8_t> sb, std::size_t lo, std::size_t hi) {
  return static_cast<std::int64_t>((std::uint64_t{sb[hi]} << 32) | le32(sb, lo));
}

Result<FilesystemInfo> readExt(const BlockSource& src, std::span<const std::uint8_t> sb) {
  auto field = [&](std::size_t off, std::string_view name, std::string why) {
    return invalid(src, fmt::format("ext superblock at offset {}: {} at byte {} {}", kExtSuper,
                                    name, kExtSuper + off, why));
  };
  std::uint32_t log_block = le32(sb, 0x18);
  // 1 KiB << 6 = 64 KiB, the largest block size the kernel mounts.
  if (log_block > 6)
    return std::unexpected(field(0x18, "s_log_block_size",
                                 fmt::format("is {} (block size must be 1-64 KiB)", log_block)));
  if (le32(sb, 0x20) == 0) return std::unexpected(field(0x20, "s_blocks_per_group", "is 0"));
  if (le32(sb, 0x28) == 0) return std::unexpected(field(0x28, "s_inodes_per_group", "is 0"));
  std::uint32_t compat = le32(sb, 0x5C);
  std::uint32_t incompat = le32(sb, 0x60);
  std::uint32_t ro = le32(sb, 0x64);

  FilesystemInfo fs;
  if (incompat & kIncompatJournalDev) {
    fs.type = "jbd";
  } else if (!(compat & kCompatHasJournal) && !(ro & ~kExt2RoSupp) &&
             !(incompat & ~kExt2IncompatSupp)) {
    fs.type = "ext2";
  } else if ((compat & kCompatHasJournal) && !(ro & ~kExt2RoSupp) &&
             !(incompat & ~kExt3IncompatSupp)) {
    fs.type = "ext3";
  } else {
    fs.type = (le32(sb, 0x160) & kFlagsTestFs) ? "ext4dev" : "ext4";
  }
  fs.uuid = formatUuid(sb.subspan(0x68, 16));
  fs.label = fixedString(sb.subspan(0x78, 16));
  fs.version = fmt::format("{}.{}", le32(sb, 0x4C), le16(sb, 0x3E));

  ExtInfo e;
  addFeatures(compat, kExtCompat, 'C', e.features);
  addFeatures(incompat, kExtIncompat, 'I', e.features);
  addFeatures(ro, kExtRoCompat, 'R', e.features);
  std::uint16_t state = le16(sb, 0x3A);
  e.clean = (state & 0x1) != 0;
  e.errors = (state & 0x2) != 0;
  e.error_count = le32(sb, 0x194);
  e.first_error_time = time64(sb, 0x198, 0x278);
  e.last_error_time = time64(sb, 0x1CC, 0x279);
  e.last_error_func = fixedString(sb.subspan(0x1E0, 32));
  e.last_error_line = le32(sb, 0x1D4);
  e.last_check = time64(sb, 0x40, 0x277);
  e.check_interval = le32(sb, 0x44);
  e.mount_count = le16(sb, 0x34);
  e.max_mount_count = static_cast<std::int16_t>(le16(sb, 0x36));
  e.last_mount = time64(sb, 0x2C, 0x275);
  e.block_size = 1024u << log_block;
  e.block_count = le32(sb, 0x04);
  if (incompat & kIncompat64bit) e.block_count |= std::uint64_t{le32(sb, 0x150)} << 32;
  fs.ext = std::move(e);
  return fs;
}

// --- XFS (fs/xfs/libxfs/xfs_format.h, big-endian) ---

constexpr FeatureBit kXfsV4[] = {
    {0x10, "attr"},     {0x20, "nlink"},   {0x40, "quota"},     {0x80, "align"},
    {0x100, "dalign"},  {0x200, "shared"}, {0x400, "logv2"},    {0x800, "sector"},
    {0x1000, "extflg"}, {0x2000, "dirv2"}, {0x4000, "asciici"},
};
constexpr FeatureBit kXfsFeatures2[] = {
    {0x2, "lazycount"},    {0x8, "attr2"}, {0x10, "parent"},
    {0x80, "projid32bit"}, {0x100, "crc"}, {0x200, "ftype"},
};
constexpr FeatureBit kXfsRoCompat[] = {
    {0x1, "finobt"},
    {0x2, "rmapbt"},
    {0x4, "reflink"},
    {0x8, "inobtcount"},
};
constexpr FeatureBit kXfsIncompat[] = {
    {0x1, "ftype"},     {0x2, "sparse"},       {0x4, "meta_uuid"},
    {0x8, "bigtime"},   {0x10, "needsrepair"}, {0x20, "nrext64"},
    {0x40, "exchange"}, {0x80, "parent"},      {0x100, "metadir"},
};

void addNamed(std::uint32_t bits, std::span<const FeatureBit> table,
              std::vector<std::string>& out) {
  for (const FeatureBit& f : table) {
    if ((bits & f.mask) && std::find(out.begin(), out.end(), f.name) == out.end())
      out.emplace_back(f.name);
  }
}

bool powerOfTwoIn(std::uint64_t v, std::uint64_t lo, std::uint64_t hi) {
  return v >= lo && v <= hi && (v & (v - 1)) == 0;
}

Result<FilesystemInfo> readXfs(const BlockSource& src, std::span<const std::uint8_t> sb) {
  auto field = [&](std::size_t off, std::string_view name, std::uint64_t v) {
    return invalid(src,
                   fmt::format("XFS superblock at offset 0: {} at byte {} is {}", name, off, v));
  };
  std::uint32_t block_size = be32(sb, 4);
  if (!powerOfTwoIn(block_size, 512, 65536))
    return std::unexpected(field(4, "sb_blocksize", block_size));
  std::uint16_t sect_size = be16(sb, 102);
  if (!powerOfTwoIn(sect_size, 512, 32768))
    return std::unexpected(field(102, "sb_sectsize", sect_size));
  std::uint16_t versionnum = be16(sb, 100);
  int version = versionnum & 0xF;
  if (version < 1 || version > 5) return std::unexpected(field(100, "sb_versionnum", versionnum));
  if (be32(sb, 84) == 0) return std::unexpected(field(84, "sb_agblocks", 0));

  FilesystemInfo fs;
  fs.type = "xfs";
  fs.uuid = formatUuid(sb.subspan(32, 16));
  fs.label = fixedString(sb.subspan(108, 12));
  fs.version = std::to_string(version);
  XfsInfo x;
  x.version = version;
  x.block_size = block_size;
  x.block_count = be64(sb, 8);
  if (version == 5) {
    x.features.emplace_back("crc");
    addNamed(be32(sb, 216), kXfsIncompat, x.features);
    addNamed(be32(sb, 212), kXfsRoCompat, x.features);
  } else {
    addNamed(versionnum, kXfsV4, x.features);
    if (versionnum & 0x8000) addNamed(be32(sb, 200), kXfsFeatures2, x.features);
  }
  XfsLogGeometry g;
  g.log_start = be64(sb, 48);
  g.log_blocks = be32(sb, 96);
  g.block_size = block_size;
  g.ag_blocks = be32(sb, 84);
  g.ag_block_log = sb[124];
  XfsLogState log = readXfsLogState(src, g);
  x.log_clean = log.clean;
  x.log_state = std::move(log.state);
  fs.xfs = std::move(x);
  return fs;
}

// --- the others: identity only ---

// Linux swap: "SWAPSPACE2" in the last 10 bytes of the first page (mm/swapfile.c), for each
// page size Linux uses.
Result<std::optional<FilesystemInfo>> probeSwap(const BlockSource& src) {
  for (std::uint64_t page : {4096u, 8192u, 16384u, 65536u}) {
    auto tail = readIfInside(src, page - 10, 10);
    if (!tail) return std::unexpected(tail.error());
    if (!*tail) break;
    bool v2 = textAt(**tail, 0, "SWAPSPACE2");
    if (!v2 && !textAt(**tail, 0, "SWAP-SPACE")) continue;
    FilesystemInfo fs;
    fs.type = "swap";
    if (v2) {
      auto hdr = readIfInside(src, 1024, 44);
      if (!hdr) return std::unexpected(hdr.error());
      if (*hdr) {
        fs.version = std::to_string(le32(**hdr, 0));
        fs.uuid = formatUuid(std::span<const std::uint8_t>(**hdr).subspan(12, 16));
        fs.label = fixedString(std::span<const std::uint8_t>(**hdr).subspan(28, 16));
      }
    } else {
      fs.version = "0";
    }
    return std::optional<FilesystemInfo>{std::move(fs)};
  }
  return std::optional<FilesystemInfo>{};
}

// LVM2 physical volume: a "LABELONE" label in one of the first four sectors, of type
// "LVM2 001", pointing at the PV header whose first 32 bytes are the PV UUID.
Result<std::optional<FilesystemInfo>> probeLvm2(const BlockSource& src) {
  auto head = readIfInside(src, 0, 4 * 512);
  if (!head) return std::unexpected(head.error());
  if (!*head) return std::optional<FilesystemInfo>{};
  std::span<const std::uint8_t> b = **head;
  for (std::size_t sector = 0; sector < 4; ++sector) {
    std::size_t at = sector * 512;
    if (!textAt(b, at, "LABELONE") || !textAt(b, at + 24, "LVM2 001")) continue;
    std::uint32_t pv_offset = le32(b, at + 20);
    if (pv_offset < 32 || pv_offset + 32 > 512) {
      return std::unexpected(invalid(
          src, fmt::format("LVM2 label at offset {}: PV header offset {} (byte {}) is outside "
                           "the label sector",
                           at, pv_offset, at + 20)));
    }
    std::string id(b.begin() + static_cast<std::ptrdiff_t>(at + pv_offset),
                   b.begin() + static_cast<std::ptrdiff_t>(at + pv_offset + 32));
    FilesystemInfo fs;
    fs.type = "LVM2_member";
    fs.version = "LVM2 001";
    // blkid groups the 32 characters 6-4-4-4-4-4-6.
    std::size_t pos = 0;
    for (std::size_t len : {6, 4, 4, 4, 4, 4, 6}) {
      if (!fs.uuid.empty()) fs.uuid.push_back('-');
      fs.uuid += id.substr(pos, len);
      pos += len;
    }
    return std::optional<FilesystemInfo>{std::move(fs)};
  }
  return std::optional<FilesystemInfo>{};
}

Result<std::optional<FilesystemInfo>> probeBtrfs(const BlockSource& src) {
  auto sb = readIfInside(src, 0x10000, 0x12B + 256);
  if (!sb) return std::unexpected(sb.error());
  if (!*sb || !textAt(**sb, 0x40, "_BHRfS_M")) return std::optional<FilesystemInfo>{};
  FilesystemInfo fs;
  fs.type = "btrfs";
  fs.uuid = formatUuid(std::span<const std::uint8_t>(**sb).subspan(0x20, 16));
  fs.label = fixedString(std::span<const std::uint8_t>(**sb).subspan(0x12B, 256));
  return std::optional<FilesystemInfo>{std::move(fs)};
}

Result<std::optional<FilesystemInfo>> probeNtfs(const BlockSource& src,
                                                std::span<const std::uint8_t> boot) {
  if (!textAt(boot, 3, "NTFS    ")) return std::optional<FilesystemInfo>{};
  std::uint16_t bps = le16(boot, 0x0B);
  if (!powerOfTwoIn(bps, 256, 4096)) {
    return std::unexpected(invalid(
        src, fmt::format("NTFS boot sector at offset 0: bytes per sector at byte 11 is {}", bps)));
  }
  FilesystemInfo fs;
  fs.type = "ntfs";
  // The volume serial number; the label lives in the MFT's $Volume record, which is not read.
  fs.uuid = fmt::format("{:016X}", le64(boot, 0x48));
  return std::optional<FilesystemInfo>{std::move(fs)};
}

// FAT12/16/32: the BPB must be sane as well (libblkid's vfat checks), since "FAT" strings and a
// jump instruction alone turn up in other boot sectors.
std::optional<FilesystemInfo> probeFat(std::span<const std::uint8_t> boot) {
  bool jump = boot[0] == 0xEB || boot[0] == 0xE9;
  bool fat32 = textAt(boot, 0x52, "FAT32   ");
  bool fat1x = textAt(boot, 0x36, "FAT12   ") || textAt(boot, 0x36, "FAT16   ") ||
               textAt(boot, 0x36, "FAT     ");
  bool msdos = textAt(boot, 3, "MSDOS") || textAt(boot, 3, "MSWIN") || textAt(boot, 3, "mkfs.fat");
  if (!jump || !(fat32 || fat1x || msdos)) return std::nullopt;
  std::uint16_t bps = le16(boot, 0x0B);
  std::uint8_t spc = boot[0x0D];
  std::uint16_t reserved = le16(boot, 0x0E);
  std::uint8_t fats = boot[0x10];
  std::uint8_t media = boot[0x15];
  if (!powerOfTwoIn(bps, 512, 4096) || !powerOfTwoIn(spc, 1, 128) || reserved == 0 || fats == 0 ||
      (media < 0xF8 && media != 0xF0))
    return std::nullopt;
  std::uint16_t dir_entries = le16(boot, 0x11);
  std::uint32_t sectors = le16(boot, 0x13);
  if (sectors == 0) sectors = le32(boot, 0x20);
  std::uint32_t fat_size = le16(boot, 0x16);
  bool is32 = fat_size == 0;
  if (is32) fat_size = le32(boot, 0x24);
  FilesystemInfo fs;
  fs.type = "vfat";
  std::size_t id_at = is32 ? 0x43 : 0x27;
  std::size_t label_at = is32 ? 0x47 : 0x2B;
  if (is32) {
    fs.version = "FAT32";
  } else {
    // FAT12 or FAT16 by cluster count, as the FAT specification decides it.
    std::uint64_t dir_sectors = (std::uint64_t{dir_entries} * 32 + bps - 1) / bps;
    std::uint64_t meta = reserved + std::uint64_t{fats} * fat_size + dir_sectors;
    std::uint64_t clusters = sectors > meta ? (sectors - meta) / spc : 0;
    fs.version = clusters < 4085 ? "FAT12" : "FAT16";
  }
  // Only when the extended boot signature says the ID and label fields are there.
  std::uint8_t ext_sig = boot[is32 ? 0x42 : 0x26];
  if (ext_sig == 0x29 || ext_sig == 0x28) {
    fs.uuid = fmt::format("{:02X}{:02X}-{:02X}{:02X}", boot[id_at + 3], boot[id_at + 2],
                          boot[id_at + 1], boot[id_at]);
  }
  if (ext_sig == 0x29) {
    std::string label = fixedString(boot.subspan(label_at, 11));
    if (label != "NO NAME") fs.label = std::move(label);
  }
  return fs;
}

}  // namespace

Result<FilesystemInfo> probeFilesystem(const BlockSource& part) {
  if (auto lvm = probeLvm2(part); !lvm || *lvm) {
    if (!lvm) return std::unexpected(lvm.error());
    return std::move(**lvm);
  }
  if (auto swap = probeSwap(part); !swap || *swap) {
    if (!swap) return std::unexpected(swap.error());
    return std::move(**swap);
  }
  auto ext = readIfInside(part, kExtSuper, 1024);
  if (!ext) return std::unexpected(ext.error());
  if (*ext && le16(**ext, 0x38) == 0xEF53) return readExt(part, **ext);
  if (!*ext) {
    // The magic present but the superblock cut off: a truncated image, not "no filesystem".
    auto magic = readIfInside(part, kExtSuper + 0x38, 2);
    if (!magic) return std::unexpected(magic.error());
    if (*magic && le16(**magic, 0) == 0xEF53) {
      return std::unexpected(invalid(
          part, fmt::format("ext superblock at offset {} is cut off: the source ends at byte {}",
                            kExtSuper, part.size())));
    }
  }

  auto first = readIfInside(part, 0, 512);
  if (!first) return std::unexpected(first.error());
  if (*first && textAt(**first, 0, "XFSB")) return readXfs(part, **first);
  if (!*first) {
    auto magic = readIfInside(part, 0, 4);
    if (!magic) return std::unexpected(magic.error());
    if (*magic && textAt(**magic, 0, "XFSB")) {
      return std::unexpected(invalid(
          part, fmt::format("XFS superblock at offset 0 is cut off: the source ends at byte {}",
                            part.size())));
    }
  }
  if (auto btrfs = probeBtrfs(part); !btrfs || *btrfs) {
    if (!btrfs) return std::unexpected(btrfs.error());
    return std::move(**btrfs);
  }
  if (*first) {
    auto ntfs = probeNtfs(part, **first);
    if (!ntfs) return std::unexpected(ntfs.error());
    if (*ntfs) return std::move(**ntfs);
    if (auto fat = probeFat(**first)) return std::move(*fat);
  }
  return FilesystemInfo{};
}

}  // namespace guestprep::disk
