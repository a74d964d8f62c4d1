// fstab.resolves (L-FSTAB), fstab.device_names (X-DEVNAMES) and fstab.external
// (X-FSTABRESOLVE): what /etc/fstab, /etc/crypttab and the boot command line name.
#include <algorithm>

#include "rules/storage_rules.h"
#include "rules/storage_spec.h"

namespace guestprep {

namespace {

std::string joinOptions(const std::vector<std::string>& options) {
  std::string s;
  for (const auto& o : options) s += (s.empty() ? "" : ",") + o;
  return s;
}

std::string listNames(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

Outcome unreadable(const ConfigProblem& p) {
  Outcome out;
  out.status = Status::kError;
  out.message = "could not read " + p.file + ": " + p.message;
  out.evidence.push_back(Evidence{p.file, 0, p.message});
  out.remediation = "Check the file's permissions and run again as root.";
  return out;
}

}  // namespace

Evidence fstabEvidence(const FstabEntry& e, const std::string& note) {
  std::string text = e.spec + " " + e.file + " " + e.vfstype + " " + joinOptions(e.options);
  if (!note.empty()) text += " -- " + note;
  return Evidence{e.source.file, e.source.line, text};
}

const ConfigProblem* fstabUnreadable(const StorageFacts& s) {
  for (const auto& p : s.fstab_problems) {
    if (p.line == 0) return &p;
  }
  return nullptr;
}

std::vector<ParamSpec> fstabResolvesParams() {
  return {
      {"require_root_entry",
       ParamKind::kBool,
       ParamValue{true},
       "warn when fstab has no entry for /: systemd-remount-fs then leaves the root filesystem "
       "as the kernel mounted it (read-only with `ro`)",
       {}},
  };
}

Outcome evaluateFstabResolves(const Facts& facts, const Params& params) {
  const StorageFacts& s = facts.storage;
  if (const ConfigProblem* p = fstabUnreadable(s)) return unreadable(*p);
  Outcome out;
  std::vector<std::string> failing, tolerated, unchecked;
  std::vector<Evidence> bad;
  for (const auto& p : s.fstab_problems) {
    bad.push_back(Evidence{p.file, p.line, p.message + " (mount skips this line)"});
    failing.push_back("line " + std::to_string(p.line) + " malformed");
  }
  bool has_root = false;
  for (const FstabEntry& e : s.fstab) {
    if (e.file == "/") has_root = true;
    switch (e.state) {
      case DeviceState::kMissing:
        if (bootToleratesFailure(e)) {
          tolerated.push_back(e.spec);
          out.evidence.push_back(fstabEvidence(e, "no such device now; nofail/noauto set"));
        } else {
          failing.push_back(e.spec + " (" + e.file + ")");
          bad.push_back(fstabEvidence(e, "no such device on this system: boot stops here"));
        }
        break;
      case DeviceState::kUnchecked:
        unchecked.push_back(e.spec);
        out.evidence.push_back(fstabEvidence(e, "device not looked up"));
        break;
      case DeviceState::kFound:
        out.evidence.push_back(fstabEvidence(e, "found: " + e.device));
        break;
      case DeviceState::kNotDevice:
        break;
    }
  }
  if (!failing.empty()) {
    out.status = Status::kFail;
    out.message = std::to_string(failing.size()) + " fstab entr" +
                  (failing.size() == 1 ? "y" : "ies") +
                  " would not mount at boot: " + listNames(failing);
    bad.insert(bad.end(), out.evidence.begin(), out.evidence.end());
    out.evidence = std::move(bad);
    return out;
  }
  if (!s.fstab_present || (!has_root && params.getBool("require_root_entry"))) {
    out.status = Status::kWarn;
    out.message = !s.fstab_present ? s.fstab_path +
                                         " does not exist: no filesystem is mounted at boot "
                                         "besides the root, which may stay read-only"
                                   : s.fstab_path +
                                         " has no entry for /: the root filesystem stays as the "
                                         "kernel mounted it (read-only with `ro`)";
    out.evidence.push_back(
        Evidence{s.fstab_path, 0, std::to_string(s.fstab.size()) + " entries, none for /"});
    out.remediation = "Add an entry for / (by UUID=) to " + s.fstab_path + ".";
    return out;
  }
  if (!unchecked.empty()) {
    out.status = Status::kWarn;
    out.message = std::to_string(unchecked.size()) + " fstab device(s) could not be checked (" +
                  s.device_lookup_error + "): make sure " + listNames(unchecked) +
                  " are on the captured disk";
    out.remediation =
        "Run the audit on the running system to check every device, or confirm by hand with "
        "`blkid`.";
    return out;
  }
  out.status = Status::kPass;
  out.message = std::to_string(s.fstab.size()) + " fstab entries are well formed" +
                (tolerated.empty() ? "" : " (absent but nofail: " + listNames(tolerated) + ")") +
                " and every device they name exists";
  return out;
}

std::vector<ParamSpec> fstabDeviceNamesParams() {
  return {
      {"kernel_name_prefixes",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"/dev/sd", "/dev/hd", "/dev/xvd", "/dev/vd", "/dev/nvme",
                                           "/dev/mmcblk"}},
       "device paths that are kernel names, which change when the disk moves to another "
       "hypervisor",
       {}},
  };
}

Outcome evaluateFstabDeviceNames(const Facts& facts, const Params& params) {
  const StorageFacts& s = facts.storage;
  if (const ConfigProblem* p = fstabUnreadable(s)) return unreadable(*p);
  const auto& prefixes = params.getList("kernel_name_prefixes");
  Outcome out;
  std::vector<std::string> names;
  auto advice = [](const std::string& uuid) {
    return uuid.empty() ? std::string("use its UUID= (see blkid)") : "use UUID=" + uuid;
  };
  for (const FstabEntry& e : s.fstab) {
    if (!isKernelDeviceName(e.spec, prefixes)) continue;
    names.push_back(e.spec);
    out.evidence.push_back(fstabEvidence(e, "kernel device name; " + advice(e.uuid)));
  }
  for (const CrypttabEntry& c : s.crypttab) {
    if (!isKernelDeviceName(c.device, prefixes)) continue;
    names.push_back(c.device);
    out.evidence.push_back(
        Evidence{c.source.file, c.source.line,
                 c.name + " " + c.device + " -- kernel device name; " + advice(c.uuid)});
  }
  for (const BootDeviceArg& a : s.boot_device_args) {
    if (!isKernelDeviceName(a.value, prefixes)) continue;
    names.push_back(a.key + "=" + a.value);
    out.evidence.push_back(
        Evidence{a.source.file, a.source.line,
                 a.key + "=" + a.value + " -- kernel device name; " + advice(a.uuid)});
  }
  for (const auto& p : s.crypttab_problems) {
    if (p.line == 0) out.evidence.push_back(Evidence{p.file, 0, "not checked: " + p.message});
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (!names.empty()) {
    out.status = Status::kFail;
    out.message =
        "kernel device names change on the new hypervisor and boot stops in emergency "
        "mode: " +
        listNames(names);
    return out;
  }
  if (!s.boot_problems.empty()) {
    out.status = Status::kError;
    out.message =
        "fstab and crypttab use stable names, but root=/resume= of the next boot "
        "could not be checked: " +
        s.boot_problems.front().message;
    for (const auto& p : s.boot_problems)
      out.evidence.push_back(Evidence{p.file, p.line, p.message});
    out.remediation = "Check the boot loader configuration by hand for root=/dev/sdX.";
    return out;
  }
  out.status = Status::kPass;
  out.message = "fstab, crypttab and root=/resume= use no kernel device names";
  return out;
}

std::vector<ParamSpec> fstabExternalParams() {
  return {
      {"removable_prefixes",
       ParamKind::kStringList,
       ParamValue{
           std::vector<std::string>{"/dev/sr", "/dev/cdrom", "/dev/dvd", "/dev/fd", "/dev/scd"}},
       "device paths of removable media, which the imported instance does not have",
       {}},
  };
}

Outcome evaluateFstabExternal(const Facts& facts, const Params& params) {
  const StorageFacts& s = facts.storage;
  if (const ConfigProblem* p = fstabUnreadable(s)) return unreadable(*p);
  const auto& removable = params.getList("removable_prefixes");
  Outcome out;
  std::vector<std::string> names;
  for (const FstabEntry& e : s.fstab) {
    SpecKind k = specKind(e);
    bool network = k == SpecKind::kNetwork;
    bool media = k == SpecKind::kDevicePath && isKernelDeviceName(e.spec, removable);
    if (!network && !media) continue;
    if (bootToleratesFailure(e)) {
      out.evidence.push_back(fstabEvidence(e, "not on the system disk; nofail/noauto set"));
      continue;
    }
    names.push_back(e.spec + " (" + e.file + ")");
    out.evidence.push_back(fstabEvidence(
        e, std::string(network ? "network filesystem" : "removable medium") + " without nofail" +
               (hasOption(e, "_netdev") ? " (_netdev only orders it)" : "")));
  }
  if (!names.empty()) {
    out.status = Status::kFail;
    out.message = std::to_string(names.size()) + " fstab entr" +
                  (names.size() == 1 ? "y is" : "ies are") +
                  " not on the system disk and lack nofail, so boot waits or stops if they are "
                  "unreachable: " +
                  listNames(names);
    return out;
  }
  out.status = Status::kPass;
  out.message = "every fstab entry off the system disk has nofail or noauto (or there is none)";
  return out;
}

}  // namespace guestprep
