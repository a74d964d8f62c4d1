// Whether an XFS internal log is clean: finds the log head the way xfs_repair and the kernel's
// log recovery do (the cycle number stamped in every 512-byte block, binary search), then reads
// the last record header before the head and checks that it is an unmount record.
#pragma once

#include <cstdint>
#include <string>

#include "disk/block_source.h"

namespace guestprep::disk {

/// The superblock fields that place the internal log.
struct XfsLogGeometry {
  std::uint64_t log_start = 0;    ///< sb_logstart: a filesystem block number, 0 for an external log
  std::uint32_t log_blocks = 0;   ///< sb_logblocks
  std::uint32_t block_size = 0;   ///< sb_blocksize
  std::uint32_t ag_blocks = 0;    ///< sb_agblocks
  std::uint8_t ag_block_log = 0;  ///< sb_agblklog
};

struct XfsLogState {
  bool clean = true;  ///< false only when the head record is read and is not an unmount record
  std::string state;  ///< "clean", "dirty", or why the log could not be judged
};

/// Never fails: a log that cannot be read is reported in `state` with `clean` left true, since
/// the audit cannot claim damage it did not see.
XfsLogState readXfsLogState(const BlockSource& fs, const XfsLogGeometry& g);

}  // namespace guestprep::disk
