// fstab, crypttab and boot command-line devices, with live device lookups.
#include <algorithm>
#include <cctype>
#include <string>

#include "parsers/fstab.h"
#include "probes/boot_cmdlines.h"
#include "probes/probe_io.h"
#include "probes/storage_probes.h"
#include "rules/storage_spec.h"

namespace guestprep::os_linux {

namespace {

constexpr std::pair<const char*, const char*> kTagDirs[] = {
    {"UUID=", "/dev/disk/by-uuid"},
    {"LABEL=", "/dev/disk/by-label"},
    {"PARTUUID=", "/dev/disk/by-partuuid"},
    {"PARTLABEL=", "/dev/disk/by-partlabel"},
};

// Fills the index from udev's /dev/disk/by-* links; false when there are none to read.
bool indexFromLinks(const Host& host, DeviceIndex& index) {
  bool any = false;
  for (const auto& [tag, dir] : kTagDirs) {
    auto names = host.listDir(dir);
    if (!names) continue;
    any = true;
    for (const std::string& name : *names) {
      auto target = host.canonicalPath(std::string(dir) + "/" + name);
      if (!target) continue;
      std::string value = decodeUdevName(name);
      index.by_tag[std::string(tag) + value] = *target;
      if (std::string_view(tag) == "UUID=") index.uuid_of[*target] = value;
    }
  }
  return any;
}

// Fills the index from `blkid` (when udev links are absent, e.g. in a container).
std::string indexFromBlkid(const Host& host, DeviceIndex& index) {
  auto r = host.run({"blkid"});
  if (!r) return "blkid could not run: " + r.error().message;
  // blkid exits 2 when it finds nothing to report.
  if (r->exit_code != 0 && r->exit_code != 2)
    return "blkid exited with " + std::to_string(r->exit_code);
  for (const BlkidDevice& d : parseBlkid(r->out).devices) {
    auto canonical = host.canonicalPath(d.device);
    std::string dev = canonical ? *canonical : d.device;
    for (const auto& [key, value] : d.tags) {
      if (key == "UUID" || key == "LABEL" || key == "PARTUUID" || key == "PARTLABEL")
        index.by_tag[key + "=" + value] = dev;
    }
    if (auto it = d.tags.find("UUID"); it != d.tags.end()) index.uuid_of[dev] = it->second;
  }
  return "";
}

// Looks up the device a spec names; fills state, device and uuid.
void lookUp(const Host& host, const DeviceIndex& index, const std::string& spec, DeviceState& state,
            std::string& device, std::string& uuid) {
  std::string dev;
  if (spec.starts_with("/dev/")) {
    auto canonical = host.canonicalPath(spec);
    if (host.exists(spec) && canonical) dev = *canonical;
  } else if (auto it = index.by_tag.find(spec); it != index.by_tag.end()) {
    dev = it->second;
  }
  if (dev.empty()) {
    state = DeviceState::kMissing;
    return;
  }
  state = DeviceState::kFound;
  device = dev;
  if (auto it = index.uuid_of.find(dev); it != index.uuid_of.end()) uuid = it->second;
}

void readBootDeviceArgs(const Host& host, StorageFacts& facts) {
  NextBootCmdlines boot = readNextBootCmdlines(host);
  for (ConfigProblem& p : boot.problems) facts.boot_problems.push_back(std::move(p));
  for (const KernelCmdline& cl : boot.lines) {
    for (const std::string& arg : cl.args) {
      for (const char* key : {"root", "resume"}) {
        std::string prefix = std::string(key) + "=";
        if (!arg.starts_with(prefix)) continue;
        BootDeviceArg a{cl.source, key, arg.substr(prefix.size()), ""};
        if (std::find(facts.boot_device_args.begin(), facts.boot_device_args.end(), a) ==
            facts.boot_device_args.end())
          facts.boot_device_args.push_back(std::move(a));
      }
    }
  }
}

}  // namespace

std::string decodeUdevName(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\' && i + 3 < name.size() && name[i + 1] == 'x' &&
        std::isxdigit(static_cast<unsigned char>(name[i + 2])) &&
        std::isxdigit(static_cast<unsigned char>(name[i + 3]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(name.substr(i + 2, 2)), nullptr, 16)));
      i += 3;
    } else {
      out.push_back(name[i]);
    }
  }
  return out;
}

void probeFstab(const Host& host, StorageFacts& facts) {
  // The boot scripts and systemd-fsck (with SysV compatibility) force a check when it exists.
  if (host.entryExists("/forcefsck")) facts.check_at_next_boot = "/forcefsck";
  if (auto text = readIfPresent(host, facts.fstab_path, facts.fstab_problems)) {
    facts.fstab_present = true;
    FstabFile parsed = parseFstab(*text);
    for (FstabEntry& e : parsed.entries) {
      e.source.file = facts.fstab_path;
      facts.fstab.push_back(std::move(e));
    }
    for (ConfigProblem& p : parsed.problems) {
      p.file = facts.fstab_path;
      facts.fstab_problems.push_back(std::move(p));
    }
  }
  const std::string crypttab = "/etc/crypttab";
  if (auto text = readIfPresent(host, crypttab, facts.crypttab_problems)) {
    CrypttabFile parsed = parseCrypttab(*text);
    for (CrypttabEntry& e : parsed.entries) {
      e.source.file = crypttab;
      facts.crypttab.push_back(std::move(e));
    }
    for (ConfigProblem& p : parsed.problems) {
      p.file = crypttab;
      facts.crypttab_problems.push_back(std::move(p));
    }
  }
  readBootDeviceArgs(host, facts);

  auto isDevice = [](const FstabEntry& e) {
    SpecKind k = specKind(e);
    return k == SpecKind::kTag || k == SpecKind::kDevicePath;
  };
  if (!host.hasRuntimeState()) {
    facts.device_lookup_error = "devices cannot be looked up on an offline root";
    for (FstabEntry& e : facts.fstab) {
      e.state = isDevice(e) ? DeviceState::kUnchecked : DeviceState::kNotDevice;
    }
    return;
  }
  DeviceIndex index;
  if (!indexFromLinks(host, index)) {
    std::string why = indexFromBlkid(host, index);
    if (!why.empty()) facts.device_lookup_error = "no /dev/disk/by-* links, and " + why;
  }
  for (FstabEntry& e : facts.fstab) {
    if (!isDevice(e)) {
      e.state = DeviceState::kNotDevice;
    } else if (!facts.device_lookup_error.empty() && !e.spec.starts_with("/dev/")) {
      e.state = DeviceState::kUnchecked;
    } else {
      lookUp(host, index, e.spec, e.state, e.device, e.uuid);
    }
  }
  // UUIDs for kernel names elsewhere, so the advice can name the UUID to use.
  auto uuidOf = [&](const std::string& spec) -> std::string {
    if (!spec.starts_with("/dev/")) return "";
    auto canonical = host.canonicalPath(spec);
    auto it = index.uuid_of.find(canonical ? *canonical : spec);
    return it == index.uuid_of.end() ? "" : it->second;
  };
  for (CrypttabEntry& c : facts.crypttab) c.uuid = uuidOf(c.device);
  for (BootDeviceArg& a : facts.boot_device_args) a.uuid = uuidOf(a.value);
}

}  // namespace guestprep::os_linux
