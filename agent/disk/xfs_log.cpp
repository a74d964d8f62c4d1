// XFS log head and unmount-record check (the logic of the kernel's xlog_find_head and
// xlog_check_unmount_rec, without recovery): O(log n) reads to find the head, then at most
// kMaxBackScan block reads back to the last record header.
#include "disk/xfs_log.h"

#include <fmt/format.h>
#include <array>
#include <optional>

#include "disk/bytes.h"

namespace guestprep::disk {

namespace {

constexpr std::uint32_t kHeaderMagic = 0xFEEDBABE;
constexpr std::uint64_t kBasicBlock = 512;
// A log record is at most 256 KiB of data plus 8 header blocks of 32 KiB cycle data (v2 logs):
// no record header lies further back from the head than this many 512-byte blocks.
constexpr std::uint64_t kMaxBackScan = 2 * (256 * 1024 / kBasicBlock) + 64;
constexpr std::uint32_t kVersion2 = 0x2;
constexpr std::uint32_t kHeaderCycleSize = 32 * 1024;
constexpr std::uint8_t kUnmountTrans = 0x20;

class Log {
 public:
  Log(const BlockSource& fs, std::uint64_t start, std::uint64_t blocks)
      : fs_(fs), start_(start), blocks_(blocks) {}

  [[nodiscard]] std::uint64_t blocks() const { return blocks_; }

  // The cycle number of a basic block: stamped in its first word, or in h_cycle of a header.
  std::optional<std::uint32_t> cycle(std::uint64_t bb) const {
    std::array<std::uint8_t, 8> w{};
    if (!fs_.readAt(start_ + bb * kBasicBlock, w)) return std::nullopt;
    std::uint32_t first = be32(w, 0);
    return first == kHeaderMagic ? be32(w, 4) : first;
  }

  bool read(std::uint64_t bb, std::span<std::uint8_t> out) const {
    return fs_.readAt(start_ + (bb % blocks_) * kBasicBlock, out).has_value();
  }

 private:
  const BlockSource& fs_;
  std::uint64_t start_;
  std::uint64_t blocks_;
};

XfsLogState unknown(std::string why) { return XfsLogState{true, "not judged: " + std::move(why)}; }

}  // namespace

XfsLogState readXfsLogState(const BlockSource& fs, const XfsLogGeometry& g) {
  if (g.log_start == 0) return unknown("external log device (not read)");
  if (g.ag_block_log >= 32 || g.ag_blocks == 0 || g.block_size == 0)
    return unknown("the superblock's allocation-group geometry is invalid");
  std::uint64_t agno = g.log_start >> g.ag_block_log;
  std::uint64_t agbno = g.log_start & ((std::uint64_t{1} << g.ag_block_log) - 1);
  if (agbno >= g.ag_blocks || agno > (1u << 24))
    return unknown(fmt::format("sb_logstart {} lies outside the allocation groups", g.log_start));
  std::uint64_t start = (agno * g.ag_blocks + agbno) * g.block_size;
  std::uint64_t len = std::uint64_t{g.log_blocks} * g.block_size;
  if (start > fs.size() || len > fs.size() - start)
    return unknown(fmt::format("the log (bytes {}-{}) lies past the end ({} bytes)", start,
                               start + len, fs.size()));
  Log log(fs, start, len / kBasicBlock);
  std::uint64_t n = log.blocks();
  if (n < 2) return unknown("the log is smaller than two blocks");

  auto first = log.cycle(0);
  auto last = log.cycle(n - 1);
  if (!first || !last) return unknown("the log could not be read");
  if (*first == 0) return XfsLogState{true, "clean"};  // a zeroed log has nothing to replay
  std::uint64_t head = n;
  if (*first != *last) {
    // Blocks [0, head) carry the current cycle, [head, n) the previous one.
    std::uint64_t lo = 0;
    std::uint64_t hi = n - 1;
    while (hi - lo > 1) {
      std::uint64_t mid = lo + (hi - lo) / 2;
      auto c = log.cycle(mid);
      if (!c) return unknown("the log could not be read");
      (*c == *first ? lo : hi) = mid;
    }
    head = hi;
  }
  // The last record header before the head (wrapping to the end of the log).
  std::array<std::uint8_t, kBasicBlock> hdr{};
  std::optional<std::uint64_t> header_bb;
  for (std::uint64_t back = 1; back <= std::min(n, kMaxBackScan); ++back) {
    std::uint64_t bb = (head + n - back) % n;
    if (!log.read(bb, std::span(hdr).first(4))) return unknown("the log could not be read");
    if (be32(hdr, 0) == kHeaderMagic) {
      header_bb = bb;
      break;
    }
  }
  if (!header_bb) return unknown("no log record header found before the log head");
  if (!log.read(*header_bb, hdr)) return unknown("the log could not be read");
  std::uint32_t version = be32(hdr, 8);
  std::uint32_t rec_len = be32(hdr, 12);
  std::uint32_t ops = be32(hdr, 40);
  std::uint32_t h_size = be32(hdr, 320);
  std::uint64_t hblks = 1;
  if ((version & kVersion2) && h_size > kHeaderCycleSize)
    hblks = (h_size + kHeaderCycleSize - 1) / kHeaderCycleSize;
  if (hblks > 8) return unknown(fmt::format("log record header h_size {} is invalid", h_size));
  std::uint64_t after = (*header_bb + hblks + (rec_len + kBasicBlock - 1) / kBasicBlock) % n;
  std::array<std::uint8_t, 16> op{};
  if (!log.read(*header_bb + hblks, op)) return unknown("the log could not be read");
  if (ops == 1 && after == head % n && (op[9] & kUnmountTrans)) return XfsLogState{true, "clean"};
  return XfsLogState{false, fmt::format("dirty: the last log record (log block {}) is not an "
                                        "unmount record, so the log needs recovery",
                                        *header_bb)};
}

}  // namespace guestprep::disk
