// MBR and GPT readers. Every read is bounded by a constant (one sector, or the capped GPT entry
// array read in fixed chunks), so a lying header cannot make the reader allocate or loop
// without limit.
#include "disk/partitions.h"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <optional>
#include <set>

#include "disk/bytes.h"

namespace guestprep::disk {

namespace {

constexpr std::size_t kMbrSize = 512;
constexpr std::size_t kMbrTable = 446;
constexpr std::uint8_t kGptProtective = 0xEE;
// The largest GPT entry array accepted: 1024 entries of 128 bytes, eight times what every
// partitioning tool writes (128 entries); a header asking for more is corrupt or hostile.
constexpr std::uint64_t kMaxGptArrayBytes = 128 * 1024;
// Linux stops at 256 partitions per disk (DISK_MAX_PARTS); more logical partitions than that
// is a broken chain.
constexpr int kMaxLogical = 256;

struct NamedType {
  std::string_view key;
  std::string_view name;
};

// fdisk's names for the MBR types seen on Linux and Windows system disks.
constexpr NamedType kMbrTypes[] = {
    {"0x01", "FAT12"},
    {"0x04", "FAT16 <32M"},
    {"0x05", "Extended"},
    {"0x06", "FAT16"},
    {"0x07", "HPFS/NTFS/exFAT"},
    {"0x0b", "W95 FAT32"},
    {"0x0c", "W95 FAT32 (LBA)"},
    {"0x0e", "W95 FAT16 (LBA)"},
    {"0x0f", "W95 Ext'd (LBA)"},
    {"0x27", "Hidden NTFS WinRE"},
    {"0x82", "Linux swap / Solaris"},
    {"0x83", "Linux"},
    {"0x85", "Linux extended"},
    {"0x8e", "Linux LVM"},
    {"0xa5", "FreeBSD"},
    {"0xee", "GPT"},
    {"0xef", "EFI (FAT-12/16/32)"},
    {"0xfd", "Linux raid autodetect"},
};

// GPT partition type GUIDs (UEFI spec, the Discoverable Partitions Specification).
constexpr NamedType kGptTypes[] = {
    {"C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI System"},
    {"21686148-6449-6E6F-744E-656564454649", "BIOS boot"},
    {"0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem"},
    {"E6D6D379-F507-44C2-A23C-238F2A3DF928", "Linux LVM"},
    {"0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "Linux swap"},
    {"A19D880F-05FC-4D3B-A006-743F0F84911E", "Linux RAID"},
    {"4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "Linux root (x86-64)"},
    {"44479540-F297-41B2-9AF7-D131D5F0458A", "Linux root (x86)"},
    {"B921B045-1DF0-41C3-AF44-4C6F280D3FAE", "Linux root (ARM-64)"},
    {"BC13C2FF-59E6-4262-A352-B275FD6F7172", "Linux extended boot (XBOOTLDR)"},
    {"933AC7E1-2EB4-4F13-B844-0E14E2AEF915", "Linux home"},
    {"8DA63339-0007-60C0-C436-083AC8230908", "Linux reserved"},
    {"EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "Microsoft basic data"},
    {"E3C9E316-0B5C-4DB8-817D-F92DF00215AE", "Microsoft reserved"},
    {"DE94BBA4-06D1-4D40-A16A-BFD50179D6AC", "Windows recovery environment"},
};

std::string lookUpName(std::span<const NamedType> table, std::string_view key) {
  for (const NamedType& t : table) {
    if (t.key == key) return std::string(t.name);
  }
  return "unknown";
}

bool isExtendedType(std::uint8_t t) { return t == 0x05 || t == 0x0F || t == 0x85; }

struct MbrEntry {
  std::uint8_t boot = 0;
  std::uint8_t type = 0;
  std::uint32_t lba = 0;
  std::uint32_t sectors = 0;
};

std::array<MbrEntry, 4> mbrEntries(std::span<const std::uint8_t> sector) {
  std::array<MbrEntry, 4> out{};
  for (std::size_t i = 0; i < 4; ++i) {
    std::size_t at = kMbrTable + i * 16;
    out[i] = {sector[at], sector[at + 4], le32(sector, at + 8), le32(sector, at + 12)};
  }
  return out;
}

bool hasBootSignature(std::span<const std::uint8_t> sector) {
  return sector[510] == 0x55 && sector[511] == 0xAA;
}

// A FAT or NTFS boot sector also ends in 55 AA; libblkid does not take it for a partition table.
bool looksLikeVolumeBootRecord(std::span<const std::uint8_t> s) {
  auto at = [&](std::size_t off, std::string_view text) {
    return std::equal(text.begin(), text.end(), s.begin() + static_cast<std::ptrdiff_t>(off));
  };
  bool jump = s[0] == 0xEB || s[0] == 0xE9;
  return at(3, "NTFS    ") || at(3, "EXFAT   ") ||
         (jump && (at(0x36, "FAT12   ") || at(0x36, "FAT16   ") || at(0x52, "FAT32   ")));
}

Partition mbrPartition(int number, const MbrEntry& e, std::uint64_t base_lba) {
  Partition p;
  p.number = number;
  p.start = (base_lba + e.lba) * 512;
  p.size = std::uint64_t{e.sectors} * 512;
  p.type = fmt::format("0x{:02x}", e.type);
  p.type_name = lookUpName(kMbrTypes, p.type);
  p.bootable = e.boot == 0x80;
  p.extended = isExtendedType(e.type);
  return p;
}

void noteBeyondEnd(const Partition& p, std::uint64_t disk_size, PartitionTable& t) {
  if (p.start > disk_size || p.size > disk_size - p.start) {
    t.problems.push_back(
        fmt::format("partition {} (bytes {}-{}) extends past the end of the disk "
                    "({} bytes)",
                    p.number, p.start, p.start + p.size, disk_size));
  }
}

// Follows the chain of extended boot records inside one extended partition.
Result<void> readLogical(const BlockSource& disk, std::uint64_t ext_lba, int& next_number,
                         PartitionTable& t) {
  std::set<std::uint64_t> seen;
  std::uint64_t ebr_lba = ext_lba;
  std::array<std::uint8_t, kMbrSize> sector{};
  while (true) {
    std::uint64_t offset = ebr_lba * 512;
    if (!seen.insert(ebr_lba).second) {
      return fail(ErrorCode::kInvalidInput,
                  fmt::format("{}: extended boot record at offset {} links back to an earlier "
                              "one (a loop in the logical-partition chain)",
                              disk.describe(), offset));
    }
    if (next_number - 4 > kMaxLogical) {
      return fail(ErrorCode::kInvalidInput,
                  fmt::format("{}: more than {} logical partitions; the extended boot record "
                              "chain at offset {} is corrupt",
                              disk.describe(), kMaxLogical, offset));
    }
    if (auto r = disk.readAt(offset, sector); !r) {
      return fail(r.error().code, fmt::format("{}: extended boot record at offset {}: {}",
                                              disk.describe(), offset, r.error().message));
    }
    if (!hasBootSignature(sector)) {
      // The kernel stops the chain here as well; what came before stays valid.
      t.problems.push_back(
          fmt::format("extended boot record at offset {} has no 55 AA signature; the logical "
                      "partitions after it are ignored",
                      offset));
      return {};
    }
    auto entries = mbrEntries(sector);
    const MbrEntry& logical = entries[0];
    if (logical.type != 0 && logical.sectors != 0) {
      Partition p = mbrPartition(next_number++, logical, ebr_lba);
      noteBeyondEnd(p, disk.size(), t);
      t.partitions.push_back(std::move(p));
    }
    const MbrEntry& link = entries[1];
    if (!isExtendedType(link.type) || link.sectors == 0) return {};
    // The link is relative to the start of the outermost extended partition.
    ebr_lba = ext_lba + link.lba;
  }
}

Result<PartitionTable> readMbr(const BlockSource& disk, std::span<const std::uint8_t> sector) {
  PartitionTable t;
  t.scheme = PartitionScheme::kMbr;
  t.mbr_signature = le32(sector, 0x1B8);
  t.mbr_boot_code = std::any_of(sector.begin(), sector.begin() + 440, [](auto b) { return b; });
  auto entries = mbrEntries(sector);
  int next_logical = 5;
  for (std::size_t i = 0; i < 4; ++i) {
    const MbrEntry& e = entries[i];
    if (e.type == 0 || e.sectors == 0) continue;
    Partition p = mbrPartition(static_cast<int>(i) + 1, e, 0);
    noteBeyondEnd(p, disk.size(), t);
    bool extended = p.extended;
    t.partitions.push_back(std::move(p));
    if (extended) {
      if (auto r = readLogical(disk, e.lba, next_logical, t); !r) return std::unexpected(r.error());
    }
  }
  return t;
}

// --- GPT ---

struct GptHeader {
  std::uint64_t offset = 0;  ///< byte offset of the header on the disk
  std::uint64_t my_lba = 0;
  std::uint64_t alternate_lba = 0;
  std::uint64_t first_usable = 0;
  std::uint64_t last_usable = 0;
  std::string disk_guid;
  std::uint64_t entries_lba = 0;
  std::uint32_t entry_count = 0;
  std::uint32_t entry_size = 0;
  std::uint32_t entries_crc = 0;
};

// Reads and checks a GPT header at `lba`. An absent signature is nullopt (not a GPT header);
// a header that is present but wrong is an Error saying what is wrong.
Result<std::optional<GptHeader>> readGptHeader(const BlockSource& disk, std::uint32_t ss,
                                               std::uint64_t lba) {
  std::uint64_t offset = lba * ss;
  std::vector<std::uint8_t> buf(ss);
  if (offset > disk.size() || ss > disk.size() - offset) return std::optional<GptHeader>{};
  if (auto r = disk.readAt(offset, buf); !r) return std::unexpected(r.error());
  if (!std::equal(buf.begin(), buf.begin() + 8, "EFI PART")) return std::optional<GptHeader>{};
  auto bad = [&](std::string what) {
    return fail(ErrorCode::kInvalidInput,
                fmt::format("{}: GPT header at offset {}: {}", disk.describe(), offset, what));
  };
  std::uint32_t header_size = le32(buf, 12);
  if (header_size < 92 || header_size > ss)
    return bad(fmt::format("header size {} (byte {}) is not between 92 and {}", header_size,
                           offset + 12, ss));
  std::uint32_t stored = le32(buf, 16);
  std::fill_n(buf.begin() + 16, 4, 0);
  std::uint32_t computed = crc32(std::span(buf).first(header_size));
  if (stored != computed)
    return bad(fmt::format("header CRC32 {:08x} (byte {}) does not match the computed {:08x}",
                           stored, offset + 16, computed));
  GptHeader h;
  h.offset = offset;
  h.my_lba = le64(buf, 24);
  h.alternate_lba = le64(buf, 32);
  h.first_usable = le64(buf, 40);
  h.last_usable = le64(buf, 48);
  h.disk_guid = formatMixedEndianGuid(std::span(buf).subspan(56, 16), false);
  h.entries_lba = le64(buf, 72);
  h.entry_count = le32(buf, 80);
  h.entry_size = le32(buf, 84);
  h.entries_crc = le32(buf, 88);
  if (h.my_lba != lba)
    return bad(
        fmt::format("it says it lies at LBA {} (byte {}), not {}", h.my_lba, offset + 24, lba));
  if (h.entry_size < 128 || h.entry_size % 128 != 0 || h.entry_size > kMaxGptArrayBytes)
    return bad(
        fmt::format("partition entry size {} (byte {}) is not a multiple of 128 "
                    "between 128 and {}",
                    h.entry_size, offset + 84, kMaxGptArrayBytes));
  std::uint64_t array = std::uint64_t{h.entry_count} * h.entry_size;
  if (array > kMaxGptArrayBytes)
    return bad(
        fmt::format("partition entry array of {} entries of {} bytes (bytes {}-{}) "
                    "exceeds the {}-byte limit",
                    h.entry_count, h.entry_size, offset + 80, offset + 87, kMaxGptArrayBytes));
  if (h.entries_lba > disk.size() / ss || array > disk.size() - h.entries_lba * ss)
    return bad(
        fmt::format("partition entry array at LBA {} (byte {}) lies past the end of the "
                    "disk ({} bytes)",
                    h.entries_lba, offset + 72, disk.size()));
  return std::optional<GptHeader>{std::move(h)};
}

// Reads the entry array of a header whose CRC checked out; checks the array's CRC.
Result<std::vector<Partition>> readGptEntries(const BlockSource& disk, std::uint32_t ss,
                                              const GptHeader& h, PartitionTable& t) {
  std::uint64_t base = h.entries_lba * ss;
  std::vector<std::uint8_t> entry(h.entry_size);
  std::uint32_t crc = crc32Init();
  std::vector<Partition> out;
  for (std::uint32_t i = 0; i < h.entry_count; ++i) {
    std::uint64_t at = base + std::uint64_t{i} * h.entry_size;
    if (auto r = disk.readAt(at, entry); !r) return std::unexpected(r.error());
    crc = crc32Update(crc, entry);
    auto type = std::span<const std::uint8_t>(entry).first(16);
    if (std::all_of(type.begin(), type.end(), [](auto b) { return b == 0; })) continue;
    std::uint64_t first = le64(entry, 32);
    std::uint64_t last = le64(entry, 40);
    Partition p;
    p.number = static_cast<int>(i) + 1;
    p.type = formatMixedEndianGuid(type, true);
    p.type_name = lookUpName(kGptTypes, p.type);
    p.guid = formatMixedEndianGuid(std::span<const std::uint8_t>(entry).subspan(16, 16), false);
    p.bootable = (le64(entry, 48) & 0x4) != 0;
    p.name = decodeUtf16Le(std::span<const std::uint8_t>(entry).subspan(56, 72));
    if (last < first || first > disk.size() / ss) {
      t.problems.push_back(
          fmt::format("GPT entry {} (byte {}) has first LBA {} and last LBA {}; "
                      "ignored",
                      p.number, at, first, last));
      continue;
    }
    p.start = first * ss;
    p.size = (last - first + 1) * ss;
    noteBeyondEnd(p, disk.size(), t);
    out.push_back(std::move(p));
  }
  crc = crc32Final(crc);
  if (crc != h.entries_crc) {
    return fail(ErrorCode::kInvalidInput,
                fmt::format("{}: GPT partition entry array at offset {}: CRC32 {:08x} does not "
                            "match the header's {:08x} (byte {})",
                            disk.describe(), base, crc, h.entries_crc, h.offset + 88));
  }
  return out;
}

// One copy of the GPT (a header and its entries), read and checked.
struct GptCopy {
  GptHeader header;
  std::vector<Partition> partitions;
};

Result<std::optional<GptCopy>> readGptCopy(const BlockSource& disk, std::uint32_t ss,
                                           std::uint64_t lba, PartitionTable& t) {
  auto h = readGptHeader(disk, ss, lba);
  if (!h) return std::unexpected(h.error());
  if (!*h) return std::optional<GptCopy>{};
  auto parts = readGptEntries(disk, ss, **h, t);
  if (!parts) return std::unexpected(parts.error());
  return std::optional<GptCopy>{GptCopy{**h, std::move(*parts)}};
}

Result<PartitionTable> readGpt(const BlockSource& disk, std::span<const std::uint8_t> mbr,
                               bool hybrid) {
  PartitionTable t;
  t.scheme = hybrid ? PartitionScheme::kHybrid : PartitionScheme::kGpt;
  t.mbr_signature = le32(mbr, 0x1B8);
  t.mbr_boot_code = std::any_of(mbr.begin(), mbr.begin() + 440, [](auto b) { return b; });
  std::optional<Error> primary_error;
  for (std::uint32_t ss : {512u, 4096u}) {
    PartitionTable attempt = t;
    auto primary = readGptCopy(disk, ss, 1, attempt);
    if (!primary) {
      if (!primary_error) primary_error = primary.error();
      continue;
    }
    if (!*primary) continue;
    attempt.sector_size = ss;
    attempt.disk_guid = (*primary)->header.disk_guid;
    attempt.partitions = std::move((*primary)->partitions);
    // The backup copy: a missing or stale one is what a grown disk or a truncated image shows.
    std::uint64_t last_lba = disk.size() / ss - 1;
    const GptHeader& ph = (*primary)->header;
    if (ph.alternate_lba != last_lba) {
      attempt.problems.push_back(fmt::format(
          "the backup GPT header is at LBA {}, not at the disk's last LBA {} (the disk was "
          "resized or the image truncated)",
          ph.alternate_lba, last_lba));
    } else {
      PartitionTable scratch;
      auto backup = readGptCopy(disk, ss, last_lba, scratch);
      if (!backup || !*backup) {
        attempt.problems.push_back(
            fmt::format("the backup GPT header at offset {} is {}", last_lba * ss,
                        backup ? "missing" : "invalid: " + backup.error().message));
      }
    }
    return attempt;
  }
  // No valid primary copy: try the backup at the last LBA of each sector size.
  for (std::uint32_t ss : {512u, 4096u}) {
    if (disk.size() / ss < 2) continue;
    PartitionTable attempt = t;
    std::uint64_t last_lba = disk.size() / ss - 1;
    auto backup = readGptCopy(disk, ss, last_lba, attempt);
    if (!backup || !*backup) continue;
    attempt.sector_size = ss;
    attempt.disk_guid = (*backup)->header.disk_guid;
    attempt.partitions = std::move((*backup)->partitions);
    attempt.problems.insert(
        attempt.problems.begin(),
        "the primary GPT is unusable (" +
            (primary_error ? primary_error->message : std::string("no header at LBA 1")) +
            "); the backup GPT at the end of the disk was used");
    return attempt;
  }
  if (primary_error) return std::unexpected(*primary_error);
  return fail(ErrorCode::kInvalidInput,
              fmt::format("{}: the MBR at offset 0 holds a GPT protective entry (0xEE), but there "
                          "is no GPT header at offset 512 or 4096, nor a backup at the end",
                          disk.describe()));
}

}  // namespace

std::string toString(PartitionScheme s) {
  switch (s) {
    case PartitionScheme::kNone:
      return "none";
    case PartitionScheme::kMbr:
      return "mbr";
    case PartitionScheme::kGpt:
      return "gpt";
    case PartitionScheme::kHybrid:
      return "hybrid";
  }
  return "none";
}

Result<PartitionTable> readPartitionTable(const BlockSource& disk) {
  if (disk.size() < kMbrSize) {
    return fail(ErrorCode::kInvalidInput,
                fmt::format("{}: MBR at offset 0: the disk is {} bytes, shorter than one sector",
                            disk.describe(), disk.size()));
  }
  std::array<std::uint8_t, kMbrSize> mbr{};
  if (auto r = disk.readAt(0, mbr); !r) return std::unexpected(r.error());
  if (!hasBootSignature(mbr) || looksLikeVolumeBootRecord(mbr)) return PartitionTable{};
  auto entries = mbrEntries(mbr);
  // Boot flags other than 0x00 and 0x80 mean the sector is not a partition table (libblkid).
  for (const MbrEntry& e : entries) {
    if (e.boot != 0x00 && e.boot != 0x80) return PartitionTable{};
  }
  bool protective = false;
  bool others = false;
  for (const MbrEntry& e : entries) {
    if (e.type == kGptProtective) {
      protective = true;
    } else if (e.type != 0) {
      others = true;
    }
  }
  if (protective) return readGpt(disk, mbr, others);
  return readMbr(disk, mbr);
}

}  // namespace guestprep::disk
