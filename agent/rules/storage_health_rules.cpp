// fs.integrity (L-FSCHECK) and fs.ext4_features (X-EXT4FEAT): what the superblocks of the system
// disk's filesystems say about their health and about features the cloud cannot resize.
#include <fmt/format.h>
#include <chrono>
#include <cstdio>
#include <optional>

#include "rules/storage_rules.h"

namespace guestprep {

namespace {

constexpr std::int64_t kDay = 24 * 60 * 60;

std::string utcDate(std::int64_t t, bool with_time) {
  using namespace std::chrono;
  sys_seconds s{seconds{t}};
  auto days = floor<std::chrono::days>(s);
  year_month_day ymd{days};
  std::string d = fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                              static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  if (!with_time) return d;
  hh_mm_ss hms{s - days};
  return d + fmt::format(" {:02}:{:02}:{:02} UTC", hms.hours().count(), hms.minutes().count(),
                         hms.seconds().count());
}

// Facts::collected_at ("2026-11-24T21:30:00Z") as Unix seconds: rules stay pure by judging ages
// against the time the facts were collected, not the time they are evaluated.
std::optional<std::int64_t> collectedAt(const Facts& facts) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(facts.collected_at.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6)
    return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd}.time_since_epoch().count() * kDay + h * 3600 + mi * 60 + s;
}

std::string where(const FilesystemCheck& c) {
  return c.mount_point + (c.device.empty() ? "" : " (" + c.device + ")");
}

std::string joinList(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

bool hasFeature(const disk::ExtInfo& e, const std::string& name) {
  return std::find(e.features.begin(), e.features.end(), name) != e.features.end();
}

struct Judgement {
  std::vector<std::string> failing, stale, unread;
  std::vector<Evidence> evidence;
};

void judgeExt(const FilesystemCheck& c, const disk::FilesystemInfo& fs,
              std::optional<std::int64_t> now, std::int64_t warn_days, Judgement& j) {
  const disk::ExtInfo& e = *fs.ext;
  std::string src = "superblock of " + c.device;
  std::string state = std::string(e.clean ? "clean" : "not clean") +
                      (e.errors ? ", with errors" : "") +
                      fmt::format(", {} error(s) recorded", e.error_count);
  if (e.errors || e.error_count > 0) {
    std::string detail = fmt::format("{} error(s) recorded", e.error_count);
    if (e.last_error_time > 0) {
      detail += ", the last on " + utcDate(e.last_error_time, true);
      if (!e.last_error_func.empty())
        detail += fmt::format(" in {}:{}", e.last_error_func, e.last_error_line);
    }
    if (e.first_error_time > 0 && e.first_error_time != e.last_error_time)
      detail += ", the first on " + utcDate(e.first_error_time, true);
    j.failing.push_back(fs.type + " on " + where(c) + ": " + detail);
    j.evidence.push_back(Evidence{src, 0, "state " + state + "; " + detail});
  } else if (!c.mounted && (!e.clean || hasFeature(e, "needs_recovery"))) {
    std::string why = !e.clean ? "not cleanly unmounted" : "its journal needs recovery";
    j.failing.push_back(fs.type + " on " + where(c) + ": " + why);
    j.evidence.push_back(Evidence{src, 0, "state " + state + "; " + why});
  } else {
    // Mounted now: the kernel marks a filesystem in use in its superblock until unmount.
    j.evidence.push_back(Evidence{
        src, 0, "state " + state + (c.mounted && !e.clean ? " (mounted now, in use)" : "")});
  }
  if (warn_days <= 0) return;
  if (e.last_check == 0) {
    j.stale.push_back(where(c) + " never checked");
  } else if (now && *now - e.last_check > warn_days * kDay) {
    j.stale.push_back(fmt::format("{} last checked on {} ({} days ago)", where(c),
                                  utcDate(e.last_check, false), (*now - e.last_check) / kDay));
  }
  j.evidence.push_back(Evidence{
      src, 0,
      e.last_check == 0 ? "never checked" : "last checked on " + utcDate(e.last_check, false)});
}

void judgeXfs(const FilesystemCheck& c, const disk::FilesystemInfo& fs, Judgement& j) {
  const disk::XfsInfo& x = *fs.xfs;
  std::string src = "superblock of " + c.device;
  if (c.mounted) {
    // A mounted XFS has no unmount record at its log head until it is unmounted.
    j.evidence.push_back(Evidence{
        src, 0,
        "XFS v" + std::to_string(x.version) + ", mounted now: the log is in use and not judged"});
  } else if (!x.log_clean) {
    j.failing.push_back("xfs on " + where(c) + ": the log needs recovery");
    j.evidence.push_back(Evidence{src, 0, x.log_state});
  } else {
    j.evidence.push_back(Evidence{src, 0, "XFS log " + x.log_state});
  }
}

/// When a check is scheduled for the next boot, the finding stays (the damage is on disk until
/// the check runs) but says so, with the file as evidence.
void noteScheduledCheck(const StorageFacts& s, Outcome& out) {
  if (s.check_at_next_boot.empty()) return;
  out.message += "; a filesystem check is scheduled for the next boot (" + s.check_at_next_boot +
                 "): reboot, then audit again";
  out.evidence.push_back(Evidence{s.check_at_next_boot, 0,
                                  "exists: the next boot runs a forced check of the fstab "
                                  "filesystems with fs_passno > 0"});
}

const FilesystemCheck* rootCheck(const StorageFacts& s) {
  if (!s.filesystems.ok()) return nullptr;
  for (const FilesystemCheck& c : *s.filesystems.value) {
    if (c.mount_point == "/") return &c;
  }
  return nullptr;
}

}  // namespace

std::vector<ParamSpec> fsIntegrityParams() {
  return {
      {"warn_days_since_check",
       ParamKind::kInt,
       ParamValue{std::int64_t{180}},
       "warn when an ext2/3/4 filesystem was last checked (e2fsck) longer ago than this many "
       "days, or never; 0 turns the warning off",
       {}},
  };
}

Outcome evaluateFsIntegrity(const Facts& facts, const Params& params) {
  const auto& fsl = facts.storage.filesystems;
  Outcome out;
  if (!fsl.ok()) {
    out.status = Status::kError;
    out.message = "the filesystems' superblocks were not read: " + fsl.error;
    out.remediation =
        "Check each filesystem of the system disk by hand before capturing it: `dumpe2fs -h "
        "DEVICE` (state, error count, last checked) for ext2/3/4, `xfs_repair -n DEVICE` for "
        "XFS (unmounted).";
    noteScheduledCheck(facts.storage, out);
    return out;
  }
  Judgement j;
  auto now = collectedAt(facts);
  const std::int64_t warn_days = params.getInt("warn_days_since_check");
  int judged = 0;
  for (const FilesystemCheck& c : *fsl.value) {
    if (!c.fs.ok()) {
      j.unread.push_back(where(c));
      j.evidence.push_back(Evidence{c.device.empty() ? c.mount_point : c.device, 0, c.fs.error});
      continue;
    }
    const disk::FilesystemInfo& fs = *c.fs.value;
    if (fs.ext) {
      ++judged;
      judgeExt(c, fs, now, warn_days, j);
    } else if (fs.xfs) {
      ++judged;
      judgeXfs(c, fs, j);
    } else {
      j.evidence.push_back(Evidence{"superblock of " + c.device, 0,
                                    (fs.type.empty() ? "no known filesystem" : fs.type) +
                                        ": no health fields are read for this type"});
    }
  }
  out.evidence = std::move(j.evidence);
  if (!j.failing.empty()) {
    out.status = Status::kFail;
    out.message = "filesystem damage recorded: " + joinList(j.failing, "; ");
    out.remediation =
        "Unmount the filesystems named (or boot a rescue system) and run `e2fsck -f DEVICE` / "
        "`xfs_repair DEVICE`, or schedule a check at next boot (`touch /forcefsck`, or "
        "`fsck.mode=force` on the kernel command line), then capture the disk.";
    if (!j.unread.empty()) out.message += "; not read: " + joinList(j.unread, ", ");
  } else if (!j.unread.empty()) {
    out.status = Status::kError;
    out.message = "could not read the superblock of " + joinList(j.unread, ", ");
    out.remediation = "Run the audit as root, or check those filesystems by hand (`dumpe2fs -h`).";
  } else if (!j.stale.empty()) {
    out.status = Status::kWarn;
    out.message = "no errors recorded, but " + joinList(j.stale, "; ") +
                  ": confirm integrity with a filesystem check before import";
    out.remediation =
        "Schedule a check at next boot (`touch /forcefsck`, or `fsck.mode=force` on the kernel "
        "command line), reboot, then capture the disk.";
  } else if (judged == 0) {
    out.status = Status::kNotApplicable;
    out.message = "no ext2/3/4 or XFS filesystem on the system disk";
  } else {
    out.status = Status::kPass;
    out.message = fmt::format("{} filesystem(s) clean, with no errors recorded", judged);
  }
  if (out.status == Status::kFail || out.status == Status::kWarn) {
    noteScheduledCheck(facts.storage, out);
  }
  return out;
}

std::vector<ParamSpec> fsExt4FeaturesParams() {
  return {
      {"forbidden",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"64bit", "project+quota"}},
       "ext4 features the cloud cannot handle on the root filesystem; `a+b` means a and b "
       "together",
       {}},
  };
}

Outcome evaluateFsExt4Features(const Facts& facts, const Params& params) {
  const StorageFacts& s = facts.storage;
  Outcome out;
  const FilesystemCheck* root = rootCheck(s);
  if (!root || !root->fs.ok()) {
    out.status = Status::kError;
    out.message = "the root filesystem's superblock was not read: " +
                  (!s.filesystems.ok() ? s.filesystems.error
                   : root              ? root->fs.error
                                       : std::string("/ was not among the filesystems read"));
    out.remediation = "Check by hand: `dumpe2fs -h $(findmnt -no SOURCE /) | grep features`.";
    return out;
  }
  const disk::FilesystemInfo& fs = *root->fs.value;
  if (!fs.ext) {
    out.status = Status::kNotApplicable;
    out.message = "the root filesystem is " + (fs.type.empty() ? "not ext2/3/4" : fs.type);
    return out;
  }
  out.evidence.push_back(Evidence{"superblock of " + root->device, 0,
                                  fs.type + " features: " + joinList(fs.ext->features, " ")});
  std::vector<std::string> found;
  for (const std::string& rule : params.getList("forbidden")) {
    std::vector<std::string> parts;
    std::size_t i = 0;
    while (i <= rule.size()) {
      std::size_t k = rule.find('+', i);
      if (k == std::string::npos) k = rule.size();
      if (k > i) parts.push_back(rule.substr(i, k - i));
      i = k + 1;
    }
    bool all = !parts.empty() && std::all_of(parts.begin(), parts.end(),
                                             [&](const auto& p) { return hasFeature(*fs.ext, p); });
    if (all) found.push_back(joinList(parts, " and "));
  }
  if (!found.empty()) {
    out.status = Status::kFail;
    out.message = "the root filesystem (" + fs.type + " on " + root->device + ") has " +
                  joinList(found, "; ") + ", which the cloud cannot resize";
    out.remediation =
        "With the filesystem unmounted (rescue system): `resize2fs -s DEVICE` turns 64bit off "
        "(below 16 TiB); `tune2fs -O ^quota DEVICE` keeps project without quota. Otherwise keep "
        "the system disk size unchanged at import.";
    return out;
  }
  out.status = Status::kPass;
  out.message = "the root filesystem (" + fs.type +
                ") has none of: " + joinList(params.getList("forbidden"), ", ");
  return out;
}

}  // namespace guestprep
