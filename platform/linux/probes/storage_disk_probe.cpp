// The system disk, its partition table and the superblocks of its filesystems (L-PARTITION,
// L-FSTYPE, X-EXT4FEAT, L-FSCHECK, X-BOOTMODE): / found in /proc/self/mountinfo, followed through
// /sys/class/block (device-mapper and RAID slaves, partition to parent disk), then read with the
// disk/ readers through Host::openBlockDevice. Live only: an offline root holds no disk.
#include <algorithm>

#include "disk/filesystems.h"
#include "disk/partitions.h"
#include "parsers/fstab.h"
#include "probes/storage_probes.h"
#include "rules/storage_spec.h"

namespace guestprep::os_linux {

namespace {

// Device-mapper and RAID stacks deeper than this are not real system disks.
constexpr int kMaxLayers = 8;

std::string baseName(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dirName(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The kernel name of the block device of a mount ("vda1"), from its major:minor, else from its
// source path; empty when it is not a block device (overlay, tmpfs, NFS).
std::string blockName(const Host& host, const MountInfo& m) {
  if (auto sys = host.canonicalPath("/sys/dev/block/" + m.major_minor);
      sys && host.exists(*sys) && sys->find("/block/") != std::string::npos)
    return baseName(*sys);
  if (m.source.starts_with("/dev/")) {
    auto dev = host.canonicalPath(m.source);
    std::string name = baseName(dev ? *dev : m.source);
    if (host.exists("/sys/class/block/" + name)) return name;
  }
  return "";
}

std::string layerKind(const Host& host, const std::string& name) {
  if (auto uuid = host.readFile("/sys/class/block/" + name + "/dm/uuid")) {
    if (uuid->starts_with("LVM-")) return "LVM";
    if (uuid->starts_with("CRYPT-")) return "dm-crypt";
    if (uuid->starts_with("mpath-")) return "multipath";
    return "device-mapper";
  }
  if (name.starts_with("md")) return "RAID";
  return "stacked device";
}

// Follows / down to the whole disk. Returns an error message, or "" with `sd` filled.
std::string followToDisk(const Host& host, const std::string& root_name, SystemDisk& sd) {
  std::string cur = root_name;
  sd.root_device = "/dev/" + root_name;
  for (int depth = 0;; ++depth) {
    if (depth > kMaxLayers) return "more than 8 stacked devices under " + sd.root_device;
    auto slaves = host.listDir("/sys/class/block/" + cur + "/slaves");
    if (slaves && !slaves->empty()) {
      std::string kind = layerKind(host, cur);
      if (kind == "LVM") sd.root_on_lvm = true;
      sd.layers.push_back(cur + " (" + kind + ")");
      std::string list;
      for (const auto& s : *slaves) list += (list.empty() ? "" : ", ") + s;
      sd.evidence += cur + " is " + kind + " on " + list + "; ";
      cur = slaves->front();
      continue;
    }
    if (host.exists("/sys/class/block/" + cur + "/partition")) {
      auto sys = host.canonicalPath("/sys/class/block/" + cur);
      if (!sys) return "/sys/class/block/" + cur + ": " + sys.error().message;
      std::string parent = baseName(dirName(*sys));
      sd.evidence += cur + " is a partition of " + parent + "; ";
      cur = parent;
    }
    break;
  }
  sd.disk = "/dev/" + cur;
  if (auto size = host.readFile("/sys/class/block/" + cur + "/size")) {
    try {
      sd.size = std::stoull(trim(*size)) * 512;  // sysfs counts 512-byte sectors
    } catch (const std::exception&) {
      sd.size = 0;
    }
  }
  sd.evidence += "the system disk is " + sd.disk;
  return "";
}

const MountInfo* lastMountAt(const std::vector<MountInfo>& mounts, const std::string& path) {
  const MountInfo* found = nullptr;
  for (const MountInfo& m : mounts) {
    if (m.mount_point == path) found = &m;
  }
  return found;
}

template <class T>
Observed<T> fromResult(Result<T> r) {
  if (r) return Observed<T>::of(std::move(*r));
  return Observed<T>::failed(r.error().message);
}

Observed<disk::FilesystemInfo> readSuperblock(const Host& host, const std::string& device) {
  auto src = host.openBlockDevice(device);
  if (!src) return Observed<disk::FilesystemInfo>::failed(src.error().message);
  return fromResult(disk::probeFilesystem(**src));
}

// "/", then each local fstab mount point (what probeSpace measures).
std::vector<std::string> mountPoints(const StorageFacts& facts) {
  std::vector<std::string> paths = {"/"};
  for (const FstabEntry& e : facts.fstab) {
    SpecKind k = specKind(e);
    if ((k != SpecKind::kTag && k != SpecKind::kDevicePath) || isSwap(e)) continue;
    if (!e.file.starts_with("/") || hasOption(e, "noauto")) continue;
    if (std::find(paths.begin(), paths.end(), e.file) == paths.end()) paths.push_back(e.file);
  }
  return paths;
}

std::vector<FilesystemCheck> readFilesystems(const Host& host, const StorageFacts& facts,
                                             const std::vector<MountInfo>& mounts) {
  std::vector<FilesystemCheck> out;
  for (const std::string& path : mountPoints(facts)) {
    FilesystemCheck c;
    c.mount_point = path;
    if (const MountInfo* m = lastMountAt(mounts, path)) {
      std::string name = blockName(host, *m);
      if (name.empty()) {
        c.fs = Observed<disk::FilesystemInfo>::failed(path + " is mounted from " + m->source +
                                                      " (" + m->fstype + "), not a block device");
        out.push_back(std::move(c));
        continue;
      }
      c.device = "/dev/" + name;
      c.mounted = true;
    } else {
      auto e = std::find_if(facts.fstab.rbegin(), facts.fstab.rend(),
                            [&](const FstabEntry& f) { return f.file == path; });
      if (e == facts.fstab.rend() || e->state != DeviceState::kFound) {
        // "/" always has a mount; the others may be absent from both.
        if (e == facts.fstab.rend()) continue;
        c.fs = Observed<disk::FilesystemInfo>::failed(
            path + " is not mounted and its fstab device " + e->spec + " was not found");
        out.push_back(std::move(c));
        continue;
      }
      c.device = e->device;
    }
    // Bind mounts and btrfs subvolumes: one superblock, read once.
    if (std::any_of(out.begin(), out.end(),
                    [&](const FilesystemCheck& o) { return o.device == c.device; }))
      continue;
    c.fs = readSuperblock(host, c.device);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

std::vector<MountInfo> parseMountinfo(std::string_view text) {
  std::vector<MountInfo> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    std::vector<std::string_view> f;
    std::size_t i = 0;
    while (i < line.size()) {
      std::size_t j = line.find(' ', i);
      if (j == std::string_view::npos) j = line.size();
      if (j > i) f.push_back(line.substr(i, j - i));
      i = j + 1;
    }
    // id parent major:minor root mount-point options [optional...] - fstype source super-options
    auto dash = std::find(f.begin(), f.end(), "-");
    if (f.size() < 6 || dash == f.end() || dash - f.begin() < 6 || f.end() - dash < 3) continue;
    MountInfo m;
    m.major_minor = std::string(f[2]);
    m.mount_point = unmangleFstabField(f[4]);
    m.fstype = std::string(*(dash + 1));
    m.source = unmangleFstabField(*(dash + 2));
    out.push_back(std::move(m));
  }
  return out;
}

void probeDisks(const Host& host, StorageFacts& facts) {
  auto missing = [&](const std::string& why) {
    facts.system_disk = Observed<SystemDisk>::failed(why);
    facts.partition_table = Observed<disk::PartitionTable>::failed(why);
    facts.filesystems = Observed<std::vector<FilesystemCheck>>::failed(why);
  };
  if (!host.hasRuntimeState()) {
    missing(
        "not checked: an offline root holds files, not the disk (audit the running system, "
        "or check the disk image)");
    return;
  }
  auto text = host.readFile("/proc/self/mountinfo");
  if (!text) {
    missing("/proc/self/mountinfo: " + text.error().message);
    return;
  }
  std::vector<MountInfo> mounts = parseMountinfo(*text);
  facts.filesystems =
      Observed<std::vector<FilesystemCheck>>::of(readFilesystems(host, facts, mounts));

  const MountInfo* root = lastMountAt(mounts, "/");
  std::string name = root ? blockName(host, *root) : "";
  if (name.empty()) {
    std::string why = root ? "/ is mounted from " + root->source + " (" + root->fstype +
                                 "), which is not a block device of this system"
                           : "/ is not in /proc/self/mountinfo";
    facts.system_disk = Observed<SystemDisk>::failed(why);
    facts.partition_table = Observed<disk::PartitionTable>::failed(why);
    return;
  }
  SystemDisk sd;
  if (std::string why = followToDisk(host, name, sd); !why.empty()) {
    facts.system_disk = Observed<SystemDisk>::failed(why);
    facts.partition_table = Observed<disk::PartitionTable>::failed(why);
    return;
  }
  auto src = host.openBlockDevice(sd.disk);
  facts.partition_table = src ? fromResult(disk::readPartitionTable(**src))
                              : Observed<disk::PartitionTable>::failed(src.error().message);
  facts.system_disk = Observed<SystemDisk>::of(std::move(sd));
}

}  // namespace guestprep::os_linux
