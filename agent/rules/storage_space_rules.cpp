// disk.free (L-DISKFREE) and disk.inodes (X-INODES): statvfs of "/" and of every separate
// filesystem of the system disk, against thresholds from the policy.
#include <algorithm>

#include "rules/storage_rules.h"

namespace guestprep {

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

std::string mib(std::uint64_t bytes) { return std::to_string(bytes / kMiB) + " MiB"; }

// The filesystems to judge: "/" and the separate ones; others are on "/" already.
std::vector<const MountSpace*> judged(const StorageFacts& s, std::vector<Evidence>& notes) {
  std::vector<const MountSpace*> out;
  for (const MountSpace& m : s.space) {
    if (m.path == "/" || m.separate) {
      out.push_back(&m);
    } else if (m.stats.ok()) {
      notes.push_back(
          Evidence{"statvfs " + m.path, 0, "not a separate filesystem here (counted with /)"});
    }
  }
  return out;
}

Outcome notCollected(const std::vector<const MountSpace*>& failed) {
  Outcome out;
  out.status = Status::kError;
  std::string paths;
  for (const MountSpace* m : failed) {
    paths += (paths.empty() ? "" : ", ") + m->path;
    out.evidence.push_back(Evidence{"statvfs " + m->path, 0, m->stats.error});
  }
  out.message = "could not measure " + paths + ": " + failed.front()->stats.error;
  out.remediation = "Check with `df -h` and `df -i` by hand.";
  return out;
}

}  // namespace

std::vector<ParamSpec> diskFreeParams() {
  return {
      {"min_free_percent",
       ParamKind::kInt,
       ParamValue{std::int64_t{5}},
       "fail when a filesystem has less than this share of its space free",
       {}},
      {"min_free_mib",
       ParamKind::kInt,
       ParamValue{std::int64_t{200}},
       "fail when a filesystem has less than this many MiB free",
       {}},
      {"warn_free_percent",
       ParamKind::kInt,
       ParamValue{std::int64_t{15}},
       "warn when a filesystem has less than this share of its space free",
       {}},
  };
}

Outcome evaluateDiskFree(const Facts& facts, const Params& params) {
  const auto min_pct = params.getInt("min_free_percent");
  const auto min_mib = params.getInt("min_free_mib");
  const auto warn_pct = params.getInt("warn_free_percent");
  std::vector<Evidence> notes;
  std::vector<const MountSpace*> list = judged(facts.storage, notes);
  std::vector<const MountSpace*> failed;
  for (const MountSpace* m : list) {
    if (!m->stats.ok()) failed.push_back(m);
  }
  if (!failed.empty()) return notCollected(failed);
  if (list.empty()) {
    Outcome out;
    out.status = Status::kError;
    out.message = "free space was not measured";
    return out;
  }
  Outcome out;
  std::string low, tight;
  for (const MountSpace* m : list) {
    const SpaceStats& st = *m->stats.value;
    // Space an unprivileged process can use: the root-reserved blocks are not counted as free.
    std::uint64_t total = st.blocks * st.block_size;
    std::uint64_t avail = st.blocks_avail * st.block_size;
    std::int64_t pct = total == 0 ? 100 : static_cast<std::int64_t>(avail * 100 / total);
    out.evidence.push_back(
        Evidence{"statvfs " + m->path, 0,
                 mib(avail) + " of " + mib(total) + " free (" + std::to_string(pct) + "%)"});
    std::string item = m->path + " (" + mib(avail) + ", " + std::to_string(pct) + "% free)";
    if (pct < min_pct || static_cast<std::int64_t>(avail / kMiB) < min_mib) {
      low += (low.empty() ? "" : ", ") + item;
    } else if (pct < warn_pct) {
      tight += (tight.empty() ? "" : ", ") + item;
    }
  }
  out.evidence.insert(out.evidence.end(), notes.begin(), notes.end());
  if (!low.empty()) {
    out.status = Status::kFail;
    out.message = "the system disk is (nearly) full: " + low;
  } else if (!tight.empty()) {
    out.status = Status::kWarn;
    out.message = "little free space left: " + tight;
  } else {
    out.status = Status::kPass;
    out.message = "enough free space on " + std::to_string(list.size()) + " filesystem(s)";
  }
  return out;
}

std::vector<ParamSpec> diskInodesParams() {
  return {
      {"max_inode_use_percent",
       ParamKind::kInt,
       ParamValue{std::int64_t{98}},
       "fail when more than this share of a filesystem's inodes is in use",
       {}},
  };
}

Outcome evaluateDiskInodes(const Facts& facts, const Params& params) {
  const auto max_pct = params.getInt("max_inode_use_percent");
  std::vector<Evidence> notes;
  std::vector<const MountSpace*> list = judged(facts.storage, notes);
  std::vector<const MountSpace*> failed;
  for (const MountSpace* m : list) {
    if (!m->stats.ok()) failed.push_back(m);
  }
  if (!failed.empty()) return notCollected(failed);
  Outcome out;
  std::string full;
  int counted = 0;
  for (const MountSpace* m : list) {
    const SpaceStats& st = *m->stats.value;
    if (st.inodes == 0) {
      out.evidence.push_back(
          Evidence{"statvfs " + m->path, 0, "no fixed inode count (allocated on demand)"});
      continue;
    }
    ++counted;
    std::uint64_t used = st.inodes - std::min(st.inodes_free, st.inodes);
    auto pct = static_cast<std::int64_t>(used * 100 / st.inodes);
    out.evidence.push_back(Evidence{"statvfs " + m->path, 0,
                                    std::to_string(used) + " of " + std::to_string(st.inodes) +
                                        " inodes used (" + std::to_string(pct) + "%)"});
    if (pct > max_pct)
      full += (full.empty() ? "" : ", ") + m->path + " (" + std::to_string(pct) + "% used)";
  }
  out.evidence.insert(out.evidence.end(), notes.begin(), notes.end());
  if (list.empty()) {
    out.status = Status::kError;
    out.message = "inode use was not measured";
  } else if (!full.empty()) {
    out.status = Status::kFail;
    out.message = "almost no free inodes: " + full;
  } else if (counted == 0) {
    out.status = Status::kNotApplicable;
    out.message = "the filesystems allocate inodes on demand";
  } else {
    out.status = Status::kPass;
    out.message = "inode use is at most " + std::to_string(max_pct) + "% on every filesystem";
  }
  return out;
}

}  // namespace guestprep
