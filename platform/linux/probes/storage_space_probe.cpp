// What is mounted now, free space and inodes of the system disk's filesystems, and boot mode.
#include <algorithm>

#include "parsers/fstab.h"
#include "probes/probe_io.h"
#include "probes/storage_probes.h"
#include "rules/storage_spec.h"

namespace guestprep::os_linux {

namespace {

SpaceStats toSpace(const FsStats& s) {
  return SpaceStats{s.block_size, s.blocks, s.blocks_free, s.blocks_avail, s.inodes, s.inodes_free};
}

}  // namespace

void probeSpace(const Host& host, StorageFacts& facts) {
  if (host.hasRuntimeState()) {
    auto text = host.readFile("/proc/mounts");
    if (text) {
      std::vector<MountEntry> mounts;
      for (const FstabEntry& e : parseFstab(*text).entries)
        mounts.push_back({e.spec, e.file, e.vfstype});
      facts.mounts = Observed<std::vector<MountEntry>>::of(std::move(mounts));
    } else {
      facts.mounts =
          Observed<std::vector<MountEntry>>::failed("/proc/mounts: " + text.error().message);
    }
  } else {
    facts.mounts = Observed<std::vector<MountEntry>>::failed("not checked: offline root");
  }

  std::vector<std::string> paths = {"/"};
  for (const FstabEntry& e : facts.fstab) {
    SpecKind k = specKind(e);
    if ((k != SpecKind::kTag && k != SpecKind::kDevicePath) || isSwap(e)) continue;
    if (!e.file.starts_with("/") || hasOption(e, "noauto")) continue;
    if (std::find(paths.begin(), paths.end(), e.file) == paths.end()) paths.push_back(e.file);
  }
  std::optional<FsStats> root;
  for (const std::string& path : paths) {
    MountSpace m;
    m.path = path;
    auto stats = host.fsStats(path);
    if (!stats) {
      m.stats = Observed<SpaceStats>::failed(stats.error().message);
    } else {
      m.stats = Observed<SpaceStats>::of(toSpace(*stats));
      if (path == "/") {
        root = *stats;
      } else if (facts.mounts.ok()) {
        const auto& ms = *facts.mounts.value;
        m.separate = std::any_of(ms.begin(), ms.end(),
                                 [&](const MountEntry& me) { return me.mount_point == path; });
      } else {
        // Offline: a filesystem of its own only when it is mounted under the root (statvfs then
        // differs from the root's); otherwise the directory lies on the root filesystem.
        m.separate = !root || !(*root == *stats);
      }
    }
    facts.space.push_back(std::move(m));
  }
}

void probeBootMode(const Host& host, StorageFacts& facts) {
  if (host.hasRuntimeState()) {
    // The kernel creates /sys/firmware/efi only when the firmware booted it through UEFI.
    bool efi = host.exists("/sys/firmware/efi");
    facts.boot_mode = Observed<BootModeInfo>::of(
        {efi ? "uefi" : "bios",
         {"/sys/firmware/efi", 0},
         efi ? "/sys/firmware/efi exists" : "/sys/firmware/efi is absent (booted by BIOS)"});
    return;
  }
  for (const FstabEntry& e : facts.fstab) {
    bool esp_path = e.file == "/boot/efi" || e.file == "/efi";
    bool vfat_boot = e.file == "/boot" && (e.vfstype == "vfat" || e.vfstype == "msdos");
    if (esp_path || vfat_boot) {
      facts.boot_mode = Observed<BootModeInfo>::of(
          {"uefi", e.source, "an EFI system partition is mounted at " + e.file});
      return;
    }
  }
  // BIOS GRUB 2 keeps its modules in i386-pc; GRUB legacy boots by BIOS only.
  for (const char* path : {"/boot/grub2/i386-pc", "/boot/grub/i386-pc", "/boot/grub/grub.conf",
                           "/boot/grub/menu.lst", "/boot/grub/stage2"}) {
    if (host.exists(path)) {
      facts.boot_mode = Observed<BootModeInfo>::of({"bios", {path, 0}, "BIOS GRUB files exist"});
      return;
    }
  }
  facts.boot_mode = Observed<BootModeInfo>::failed(
      "no EFI system partition in /etc/fstab and no BIOS GRUB files under /boot");
}

}  // namespace guestprep::os_linux
