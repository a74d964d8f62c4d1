// L-FSCHECK: a filesystem check scheduled for the next boot. The mechanism every boot path of the
// supported systems reads is an empty /forcefsck on the root filesystem: SysV rc.sysinit and
// checkroot.sh/checkfs.sh, upstart's mountall, dracut's non-systemd mount-root, and systemd-fsck
// when built with SysV compatibility (it logs that fsck.mode=force is preferred). A one-boot
// kernel argument would need a GRUB entry of its own for one boot (grub-reboot), which differs per
// boot loader and layout; tune2fs -C writes the superblock, which the journal cannot restore byte
// for byte. Both are left out.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "fixers/fixers.h"
#include "probes/boot_services.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kForceFsck = "/forcefsck";
constexpr std::int64_t kDay = 24 * 60 * 60;

/// Where systemd's tmpfiles.d legacy.conf may be; it lists `r! /forcefsck` (removed at boot)
/// exactly when systemd was built with SysV compatibility, which is also when systemd-fsck reads
/// /forcefsck.
constexpr std::string_view kLegacyTmpfiles[] = {"/etc/tmpfiles.d/legacy.conf",
                                                "/usr/lib/tmpfiles.d/legacy.conf",
                                                "/lib/tmpfiles.d/legacy.conf"};

std::optional<std::int64_t> collectedAt(const Facts& facts) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(facts.collected_at.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6)
    return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd}.time_since_epoch().count() * kDay + h * 3600 + mi * 60 + s;
}

/// One filesystem the finding is about, and why a check is wanted.
struct Wanted {
  const FilesystemCheck* fs = nullptr;
  std::string why;
};

/// The filesystems fs.integrity fails or warns about: recorded errors, an unclean state when not
/// mounted, or (ext) no check for longer than the policy allows.
std::vector<Wanted> wantedChecks(const Facts& facts, const Params& params) {
  std::vector<Wanted> out;
  const std::int64_t warn_days = params.getInt("warn_days_since_check");
  const auto now = collectedAt(facts);
  for (const FilesystemCheck& c : *facts.storage.filesystems.value) {
    if (!c.fs.ok()) continue;
    const disk::FilesystemInfo& fs = *c.fs.value;
    if (fs.ext) {
      const disk::ExtInfo& e = *fs.ext;
      bool recovery =
          std::find(e.features.begin(), e.features.end(), "needs_recovery") != e.features.end();
      if (e.errors || e.error_count > 0) {
        out.push_back({&c, fmt::format("{} error(s) recorded", e.error_count)});
      } else if (!c.mounted && (!e.clean || recovery)) {
        out.push_back({&c, "not cleanly unmounted"});
      } else if (warn_days > 0 && e.last_check == 0) {
        out.push_back({&c, "never checked"});
      } else if (warn_days > 0 && now && *now - e.last_check > warn_days * kDay) {
        out.push_back({&c, fmt::format("last checked {} days ago", (*now - e.last_check) / kDay)});
      }
    } else if (fs.xfs && !c.mounted && !fs.xfs->log_clean) {
      out.push_back({&c, "the XFS log needs recovery"});
    }
  }
  return out;
}

const FstabEntry* fstabEntry(const StorageFacts& s, const std::string& mount_point) {
  for (const auto& e : s.fstab) {
    if (e.file == mount_point) return &e;
  }
  return nullptr;
}

/// Whether systemd on this system reads /forcefsck, and removes it at boot.
bool systemdHonoursForceFsck(const Host& host) {
  return std::any_of(std::begin(kLegacyTmpfiles), std::end(kLegacyTmpfiles),
                     [&](std::string_view path) {
                       auto text = host.readFile(path);
                       return text && text->find("/forcefsck") != std::string::npos;
                     });
}

/// After applying: the check the next boot runs, as the probes see it.
std::string scheduledCheck(const Facts& after) {
  const std::string& path = after.storage.check_at_next_boot;
  return path.empty() ? "" : "a check is scheduled for the next boot (" + path + " exists)";
}

Result<FixItem> planFsCheck(const FixContext& ctx) {
  const auto& fsl = ctx.facts.storage.filesystems;
  if (!fsl.ok()) {
    return fail(ErrorCode::kUnsupported, "the superblocks were not read: " + fsl.error);
  }
  FixItem item;
  std::vector<std::string> scheduled;
  for (const Wanted& w : wantedChecks(ctx.facts, ctx.params)) {
    const FilesystemCheck& c = *w.fs;
    std::string name = c.mount_point + " (" + c.device + ", " + w.why + ")";
    if (c.fs.value->xfs) {
      // fsck.xfs does nothing at boot; only a forced run of a recent fsck.xfs calls xfs_repair.
      item.notes.push_back(name + ": a boot-time check does not repair XFS; run `xfs_repair " +
                           c.device + "` from a rescue system with the filesystem unmounted");
      continue;
    }
    const FstabEntry* e = fstabEntry(ctx.facts.storage, c.mount_point);
    if (e && e->passno == 0) {
      item.notes.push_back(fmt::format(
          "{}: its fs_passno is 0 at {}:{}, so the boot never checks it; run `e2fsck -f {}` "
          "with it unmounted",
          name, e->source.file, e->source.line, c.device));
      continue;
    }
    scheduled.push_back(name);
  }
  if (scheduled.empty()) {
    item.summary = "no filesystem that a check at boot would repair";
    return item;
  }
  const bool systemd = bootsWithSystemd(ctx.host);
  if (systemd && !systemdHonoursForceFsck(ctx.host)) {
    return fail(ErrorCode::kUnsupported,
                "systemd here shows no SysV compatibility (no tmpfiles.d legacy.conf removing "
                "/forcefsck), so systemd-fsck may ignore /forcefsck and nothing would remove it; "
                "boot once with fsck.mode=force on the kernel command line (press e at the GRUB "
                "menu), then audit again");
  }
  if (ctx.host.entryExists(kForceFsck)) {
    item.in_place_until_reboot = scheduledCheck;
    item.summary = "a check at next boot is already scheduled (/forcefsck exists)";
    item.notes.push_back("reboot to run it, then audit again");
    return item;
  }
  item.actions.push_back(writeFileAction(std::string(kForceFsck), "",
                                         "force a filesystem check of every fstab filesystem "
                                         "with fs_passno > 0 at the next boot"));
  item.summary = fmt::format("filesystem check at next boot scheduled (/forcefsck) for {}",
                             fmt::join(scheduled, "; "));
  if (systemd) {
    item.notes.push_back(
        "systemd-fsck reads /forcefsck (and logs that fsck.mode=force on the kernel command line "
        "is preferred); systemd-tmpfiles removes it during that boot. Where the initramfs checks "
        "the root filesystem (dracut with systemd), add fsck.mode=force at the GRUB menu for that "
        "boot to have / checked too");
  } else {
    item.notes.push_back(
        "the boot scripts (rc.sysinit, checkroot.sh/checkfs.sh, mountall) read /forcefsck and "
        "remove it after the check; if it is still there after the reboot, remove it, or every "
        "boot checks again");
  }
  item.notes.push_back(
      "the check runs in preen mode: damage it cannot repair alone stops the boot at a "
      "maintenance shell, so have the console (VNC or serial) at hand when rebooting");
  item.notes.push_back(
      "the finding passes only once the check has run: reboot, then audit again before capturing "
      "the disk");
  item.in_place_until_reboot = scheduledCheck;
  return item;
}

}  // namespace

std::vector<Fixer> fscheckFixers() {
  return {
      // A forced check can take long and may stop the boot at a maintenance shell: only when
      // named with --only L-FSCHECK.
      {"fs.integrity", "schedule a filesystem check at the next boot (/forcefsck)", planFsCheck,
       true},
  };
}

}  // namespace guestprep::os_linux
