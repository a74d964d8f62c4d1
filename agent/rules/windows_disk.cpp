// windows.disk_free (W-DISK), windows.filesystem (W-FSTYPE) and windows.filesystem_clean
// (W-FSCHECK) over the system volume: its space, file system, its disk's partition style, the
// dirty bit and a check already scheduled at the next boot (BootExecute).
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "rules/windows_rules.h"

namespace guestprep {

namespace {

std::string gib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
  return buf;
}

bool listedNoCase(const std::vector<std::string>& list, const std::string& v) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& x) {
    return x.size() == v.size() && std::equal(x.begin(), x.end(), v.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  });
}

}  // namespace

std::vector<ParamSpec> windowsDiskFreeParams() {
  return {
      {"min_free_percent",
       ParamKind::kInt,
       ParamValue{std::int64_t{5}},
       "fail below this share of the system volume free",
       {}},
      {"min_free_mib",
       ParamKind::kInt,
       ParamValue{std::int64_t{1024}},
       "fail below this many MiB free",
       {}},
      {"warn_free_percent",
       ParamKind::kInt,
       ParamValue{std::int64_t{15}},
       "warn below this share free",
       {}},
  };
}

Outcome evaluateWindowsDiskFree(const Facts& facts, const Params& params) {
  Outcome out;
  if (notWindows(facts, out)) return out;
  const WindowsVolumeFacts& v = facts.windows.volume;
  if (!v.total_bytes.ok() || !v.free_bytes.ok() || *v.total_bytes.value == 0) {
    out.status = Status::kError;
    out.message = "could not read the system volume's space: " +
                  (v.free_bytes.ok() ? std::string("its size is 0") : v.free_bytes.error);
    out.remediation =
        "Check the free space of the system drive by hand (Explorer, `fsutil "
        "volume diskfree C:`).";
    return out;
  }
  std::uint64_t total = *v.total_bytes.value, free_bytes = *v.free_bytes.value;
  double percent = 100.0 * static_cast<double>(free_bytes) / static_cast<double>(total);
  char pct[16];
  std::snprintf(pct, sizeof pct, "%.1f%%", percent);
  out.evidence.push_back(Evidence{"GetDiskFreeSpaceEx(" + v.drive + ")", 0,
                                  gib(free_bytes) + " free of " + gib(total) + " (" + pct + ")"});
  if (v.partition_style.ok()) {
    out.evidence.push_back(
        Evidence{"IOCTL_DISK_GET_DRIVE_LAYOUT_EX", 0,
                 std::to_string(v.partitions) + " partition(s) on the system disk: supported"});
  }
  const auto min_mib = static_cast<std::uint64_t>(params.getInt("min_free_mib"));
  if (percent < static_cast<double>(params.getInt("min_free_percent")) ||
      free_bytes < min_mib * 1024 * 1024) {
    out.status = Status::kFail;
    out.message = "the system volume " + v.drive + " is nearly full: " + gib(free_bytes) +
                  " free (" + pct + ")";
    out.remediation = "Free space on " + v.drive +
                      " (Disk Cleanup, remove old files and updates: `Dism /Online "
                      "/Cleanup-Image /StartComponentCleanup`).";
  } else if (percent < static_cast<double>(params.getInt("warn_free_percent"))) {
    out.status = Status::kWarn;
    out.message = "the system volume " + v.drive + " has little room: " + gib(free_bytes) +
                  " free (" + pct + ")";
    out.remediation = "Free space on " + v.drive + " before capturing the image.";
  } else {
    out.status = Status::kPass;
    out.message =
        "the system volume " + v.drive + " has " + gib(free_bytes) + " free (" + pct + ")";
  }
  return out;
}

std::vector<ParamSpec> windowsFilesystemParams() {
  return {
      {"filesystems",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"NTFS"}},
       "file systems allowed on the system volume",
       {}},
      {"partition_styles",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"mbr"}},
       "partition styles allowed on the system disk (mbr, gpt)",
       {}},
  };
}

Outcome evaluateWindowsFilesystem(const Facts& facts, const Params& params) {
  Outcome out;
  if (notWindows(facts, out)) return out;
  const WindowsVolumeFacts& v = facts.windows.volume;
  std::vector<std::string> fails, errors;
  if (v.filesystem.ok()) {
    out.evidence.push_back(
        Evidence{"GetVolumeInformation(" + v.drive + ")", 0, *v.filesystem.value});
    if (!listedNoCase(params.getList("filesystems"), *v.filesystem.value)) {
      fails.push_back("the system volume is " + *v.filesystem.value + ", not NTFS");
    }
  } else {
    errors.push_back("the file system: " + v.filesystem.error);
  }
  if (v.partition_style.ok()) {
    out.evidence.push_back(Evidence{"IOCTL_DISK_GET_DRIVE_LAYOUT_EX", 0,
                                    *v.partition_style.value + " partition table"});
    if (!listedNoCase(params.getList("partition_styles"), *v.partition_style.value)) {
      std::string upper = *v.partition_style.value;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      fails.push_back("the system disk has a " + upper + " partition table");
    }
  } else {
    errors.push_back("the partition table: " + v.partition_style.error);
  }
  auto joinAll = [](const std::vector<std::string>& x) {
    std::string s;
    for (const auto& e : x) s += (s.empty() ? "" : "; ") + e;
    return s;
  };
  if (!fails.empty()) {
    out.status = Status::kFail;
    out.message = joinAll(fails);
    out.remediation =
        "The cloud imports NTFS on an MBR disk: convert the system disk to MBR (BIOS boot) in "
        "the exported image, or use the cloud's UEFI/GPT import where the policy allows it.";
  } else if (!errors.empty()) {
    out.status = Status::kError;
    out.message = "could not read " + joinAll(errors);
    out.remediation = "Run guestprep as an administrator, or check in Disk Management.";
  } else {
    out.status = Status::kPass;
    out.message = "the system volume is " + *v.filesystem.value + " on an " +
                  *v.partition_style.value + " disk";
  }
  return out;
}

std::vector<ParamSpec> windowsFsCleanParams() {
  return {
      {"scheduled_check",
       ParamKind::kString,
       ParamValue{std::string("warn")},
       "status when a check is scheduled at the next boot (and the volume is clean)",
       {"pass", "warn", "fail"}},
  };
}

bool bootExecuteSchedulesCheck(const RegistryFact& boot_execute) {
  if (!boot_execute.present) return false;
  std::size_t start = 0;
  const std::string& t = boot_execute.text;
  while (start <= t.size()) {
    std::size_t end = t.find('\n', start);
    std::string line = t.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string lower = line;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // The default entry "autocheck autochk *" checks only dirty volumes; anything else that runs
    // autochk (with /p, /r or a volume) is a check someone scheduled (chkntfs /c, chkdsk /f).
    if (lower.find("autochk") != std::string::npos) {
      std::string squeezed;
      for (char c : lower)
        if (c != ' ' && c != '\t') squeezed += c;
      if (squeezed != "autocheckautochk*") return true;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

Outcome evaluateWindowsFsClean(const Facts& facts, const Params& params) {
  Outcome out;
  if (notWindows(facts, out)) return out;
  const WindowsVolumeFacts& v = facts.windows.volume;
  out.evidence.push_back(registryEvidence(v.boot_execute));
  bool scheduled = bootExecuteSchedulesCheck(v.boot_execute);
  if (!v.dirty.ok()) {
    out.status = Status::kError;
    out.message = "could not read the dirty bit of " + (v.drive.empty() ? "C:" : v.drive) + ": " +
                  v.dirty.error;
    out.remediation =
        "Run guestprep as an administrator, or `fsutil dirty query C:` and "
        "`chkdsk C:` by hand.";
    return out;
  }
  out.evidence.push_back(
      Evidence{"FSCTL_IS_VOLUME_DIRTY(" + v.drive + ")", 0, *v.dirty.value ? "dirty" : "clean"});
  if (*v.dirty.value) {
    out.status = Status::kFail;
    out.message = "the file system of " + v.drive + " is marked dirty" +
                  (scheduled ? " (a check is scheduled at the next boot)" : "");
    out.remediation = "Run `chkdsk " + v.drive +
                      " /f` (it schedules the check at the next "
                      "boot), restart, and audit again before capturing.";
  } else if (scheduled || !v.boot_execute.error.empty()) {
    const std::string& st = params.getString("scheduled_check");
    if (!v.boot_execute.error.empty()) {
      out.status = Status::kError;
      out.message = "could not read BootExecute: " + v.boot_execute.error;
      out.remediation = "Run guestprep as an administrator.";
    } else {
      out.status = st == "pass" ? Status::kPass : st == "fail" ? Status::kFail : Status::kWarn;
      out.message = "the volume is clean, but a disk check is scheduled at the next boot";
      out.remediation = "Restart once so the check runs here, not on the cloud's first boot.";
    }
  } else {
    out.status = Status::kPass;
    out.message = "the file system of " + v.drive + " is clean";
  }
  return out;
}

}  // namespace guestprep
