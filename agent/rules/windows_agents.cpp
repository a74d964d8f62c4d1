// windows.agents_absent (W-QEMUGA, XW-AGENTS): named services not installed or disabled at
// boot, named programs not installed; windows.virtio_drivers (XW-VIRTIO): a paravirtual storage
// driver installed to start at boot, the network driver installed, their files not read-only.
#include <algorithm>
#include <cctype>

#include "rules/windows_rules.h"

namespace guestprep {

namespace {

const WindowsServiceEntry* findService(const std::vector<WindowsServiceEntry>& all,
                                       std::string_view name) {
  for (const WindowsServiceEntry& s : all) {
    if (s.name.size() == name.size() &&
        std::equal(s.name.begin(), s.name.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return &s;
    }
  }
  return nullptr;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string joinAll(const std::vector<std::string>& v, std::string_view separator = "; ") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : std::string(separator)) + x;
  return s;
}

const std::string kServicesSource = "HKLM\\SYSTEM\\CurrentControlSet\\Services";

}  // namespace

std::vector<ParamSpec> windowsAgentsAbsentParams() {
  return {
      {"services",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{}},
       "service key names that must not start at boot",
       {}},
      {"programs",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{}},
       "installed program names (parts of an Uninstall DisplayName, any case) to report",
       {}},
      {"installed_disabled",
       ParamKind::kString,
       ParamValue{std::string("warn")},
       "status when a program or service is installed but none of its services starts",
       {"pass", "warn", "fail"}},
  };
}

Outcome evaluateWindowsAgentsAbsent(const Facts& facts, const Params& params) {
  Outcome out;
  if (notWindows(facts, out)) return out;
  const WindowsFacts& win = facts.windows;
  std::vector<std::string> enabled, disabled, errors;
  const auto& services = params.getList("services");
  const auto& programs = params.getList("programs");
  if (!services.empty() && !win.services.ok()) {
    errors.push_back("could not list the services: " + win.services.error);
  } else if (!services.empty()) {
    for (const std::string& name : services) {
      const WindowsServiceEntry* s = findService(*win.services.value, name);
      if (!s) continue;
      out.evidence.push_back(
          Evidence{kServicesSource + "\\" + s->name, 0,
                   "start type " + s->start_type +
                       (s->display_name.empty() ? "" : " (" + s->display_name + ")")});
      (s->start_type == "disabled" ? disabled : enabled).push_back(s->name);
    }
  }
  std::vector<std::string> installed;
  if (!programs.empty() && !win.programs.ok()) {
    errors.push_back("could not list the installed programs: " + win.programs.error);
  } else if (!programs.empty()) {
    for (const WindowsProgram& p : *win.programs.value) {
      for (const std::string& wanted : programs) {
        if (lower(p.display_name).find(lower(wanted)) == std::string::npos) continue;
        out.evidence.push_back(Evidence{
            p.key, 0, "installed: " + p.display_name + (p.version.empty() ? "" : " " + p.version)});
        installed.push_back(p.display_name);
        break;
      }
    }
  }
  if (!enabled.empty()) {
    out.status = Status::kFail;
    std::string list;
    for (const auto& s : enabled) list += (list.empty() ? "" : ", ") + s;
    out.message = "starts at boot: " + list;
    out.remediation =
        "Uninstall it (Programs and Features), or set its services to Disabled "
        "(`sc config NAME start= disabled`).";
  } else if (!errors.empty()) {
    out.status = Status::kError;
    out.message = joinAll(errors);
    out.remediation = "Run guestprep as an administrator.";
  } else if (!disabled.empty() || !installed.empty()) {
    const std::string& st = params.getString("installed_disabled");
    out.status = st == "pass" ? Status::kPass : st == "fail" ? Status::kFail : Status::kWarn;
    std::string what;
    for (const auto& p : installed) what += (what.empty() ? "" : ", ") + p;
    for (const auto& s : disabled) what += (what.empty() ? "" : ", ") + s + " (disabled)";
    out.message = "installed but not started at boot: " + what;
    out.remediation = "Uninstall it before capturing the image (Programs and Features).";
  } else {
    out.status = Status::kPass;
    out.message = "none of the listed services or programs is installed";
  }
  return out;
}

std::vector<ParamSpec> windowsVirtioParams() {
  return {
      {"storage_drivers",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"viostor", "vioscsi"}},
       "storage drivers; at least one must be installed with start type boot",
       {}},
      {"network_drivers",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"netkvm"}},
       "network drivers; at least one must be installed and not disabled",
       {}},
      {"check_read_only",
       ParamKind::kBool,
       ParamValue{true},
       "the drivers' .sys files must not be read-only",
       {}},
  };
}

Outcome evaluateWindowsVirtio(const Facts& facts, const Params& params) {
  Outcome out;
  if (notWindows(facts, out)) return out;
  const WindowsFacts& win = facts.windows;
  if (!win.services.ok()) {
    out.status = Status::kError;
    out.message = "could not list the drivers: " + win.services.error;
    out.remediation = "Run guestprep as an administrator.";
    return out;
  }
  std::vector<std::string> fails, errors;
  auto fileOf = [&](const std::string& name) -> const WindowsDriverFile* {
    for (const WindowsDriverFile& d : win.driver_files) {
      if (lower(d.name) == lower(name)) return &d;
    }
    return nullptr;
  };
  auto check = [&](const std::vector<std::string>& names, bool boot, const char* what) {
    bool ok = false;
    std::vector<std::string> staged_only;
    for (const std::string& name : names) {
      const WindowsServiceEntry* s = findService(*win.services.value, name);
      const WindowsDriverFile* f = fileOf(name);
      if (f && !f->staged.empty()) {
        out.evidence.push_back(
            Evidence{"DriverStore\\FileRepository", 0, name + " staged as " + f->staged.front()});
      }
      if (!s) {
        if (f && !f->staged.empty()) staged_only.push_back(name);
        continue;
      }
      out.evidence.push_back(
          Evidence{kServicesSource + "\\" + s->name, 0, "start type " + s->start_type});
      bool starts = boot ? s->start_type == "boot" : s->start_type != "disabled";
      if (!starts) continue;
      if (f && !f->error.empty()) {
        errors.push_back("could not check " + f->path + ": " + f->error);
      } else if (f && !f->present) {
        fails.push_back(name + " is installed but " + f->path + " is missing");
        continue;
      } else if (f && f->read_only && params.getBool("check_read_only")) {
        out.evidence.push_back(Evidence{f->path, 0, "read-only"});
        fails.push_back(f->path + " is read-only");
      } else if (!f) {
        errors.push_back(name + "'s file was not collected");
      }
      ok = true;
    }
    if (!ok && !names.empty()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : " or ") + n;
      fails.push_back(std::string("no ") + what + " driver (" + list + ") is installed" +
                      (boot ? " to start at boot" : "") +
                      (staged_only.empty() ? "" : " (only staged in the driver store)"));
    }
  };
  check(params.getList("storage_drivers"), true, "paravirtual storage");
  check(params.getList("network_drivers"), false, "paravirtual network");
  // Up to Windows 7 / Server 2008 R2 (6.1), a boot disk on a controller the system has never
  // seen is found only through the CriticalDeviceDatabase: a boot-start viostor without an
  // entry naming it for the virtio PCI IDs still stops with 0x7B on the cloud (virt-v2v and the
  // virtio-win installers write those entries).
  const bool uses_cddb =
      win.version.ok() && (win.version.value->major < 6 ||
                           (win.version.value->major == 6 && win.version.value->minor <= 1));
  if (uses_cddb) {
    std::vector<std::string> booting;
    for (const std::string& name : params.getList("storage_drivers")) {
      const WindowsServiceEntry* s = findService(*win.services.value, name);
      if (s && s->start_type == "boot") booting.push_back(s->name);
    }
    if (!booting.empty() && !win.critical_devices.ok()) {
      errors.push_back("could not read the CriticalDeviceDatabase: " + win.critical_devices.error);
    } else if (!booting.empty()) {
      bool mapped = false;
      for (const WindowsCriticalDevice& d : *win.critical_devices.value) {
        for (const std::string& b : booting) {
          if (lower(d.service) != lower(b)) continue;
          mapped = true;
          out.evidence.push_back(
              Evidence{"Control\\CriticalDeviceDatabase\\" + d.id, 0, "Service " + d.service});
        }
      }
      if (!mapped) {
        fails.push_back(joinAll(booting, " and ") +
                        " starts at boot, but no CriticalDeviceDatabase entry for a virtio "
                        "disk controller (pci#ven_1af4&dev_1001, ...) names it: before Windows 8 "
                        "the boot cannot find the new disk's driver");
      }
    }
  }
  if (!fails.empty()) {
    out.status = Status::kFail;
    out.message = joinAll(fails);
    out.remediation =
        "Install the virtio-win drivers (viostor or vioscsi, netkvm) before capturing the image "
        "and make the storage driver start at boot (`sc config viostor start= boot`); clear the "
        "read-only attribute of their .sys files (`attrib -r`); on 2008 R2 and earlier, install "
        "them with the virtio-win installer (or virt-v2v), which also writes the "
        "CriticalDeviceDatabase entries. Without them the instance stops with "
        "INACCESSIBLE_BOOT_DEVICE (0x7B).";
  } else if (!errors.empty()) {
    out.status = Status::kError;
    out.message = joinAll(errors);
    out.remediation = "Run guestprep as an administrator.";
  } else {
    out.status = Status::kPass;
    out.message = "a paravirtual storage driver starts at boot and the network driver is installed";
  }
  return out;
}

}  // namespace guestprep
