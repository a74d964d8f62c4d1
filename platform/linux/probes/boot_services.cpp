// Whether a service starts at boot, from systemd unit links and SysV rc links.
#include "probes/boot_services.h"

#include <array>

#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

constexpr std::array<std::string_view, 4> kUnitDirs = {
    "/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"};

std::string join(std::string_view dir, std::string_view name) {
  std::string p(dir);
  p += '/';
  p += name;
  return p;
}

// Scans `dir` for *.wants and *.requires folders that contain `unit`.
bool wantedIn(const Host& host, std::string_view dir, std::string_view unit, std::string& where) {
  auto entries = host.listDir(dir);
  if (!entries) return false;
  for (const std::string& e : *entries) {
    if (!e.ends_with(".wants") && !e.ends_with(".requires")) continue;
    std::string link = join(join(dir, e), unit);
    if (host.entryExists(link)) {
      where = link;
      return true;
    }
  }
  return false;
}

}  // namespace

bool bootsWithSystemd(const Host& host) {
  auto target = host.readLink("/sbin/init");
  if (target && target->find("systemd") != std::string::npos) return true;
  // merged /usr: /sbin -> usr/sbin, init -> ../lib/systemd/systemd
  auto usr_target = host.readLink("/usr/sbin/init");
  if (usr_target && usr_target->find("systemd") != std::string::npos) return true;
  // No init link (minimal roots): systemd is the init when it is installed and nothing else is.
  bool has_systemd = host.exists("/lib/systemd/systemd") || host.exists("/usr/lib/systemd/systemd");
  bool has_other_init =
      host.exists("/sbin/init") && !target && !usr_target && !host.exists("/lib/systemd/systemd");
  return has_systemd && !has_other_init;
}

BootServiceState systemdUnitState(const Host& host, std::string_view unit) {
  BootServiceState st;
  for (std::string_view dir : kUnitDirs) {
    std::string path = join(dir, unit);
    auto ls = host.lstat(path);
    if (!ls) continue;
    if (ls->type == FileStat::Type::kSymlink) {
      auto target = host.readLink(path);
      if (target && *target == "/dev/null") {
        st.installed = true;
        st.enabled = false;
        st.evidence = path + " -> /dev/null (masked)";
        return st;
      }
    }
    st.installed = true;
    if (st.evidence.empty()) st.evidence = path;
  }
  if (!st.installed) {
    st.evidence = "no unit file " + std::string(unit);
    return st;
  }
  for (std::string_view dir : kUnitDirs) {
    std::string where;
    if (wantedIn(host, dir, unit, where)) {
      st.enabled = true;
      st.evidence = where;
      return st;
    }
  }
  st.evidence =
      std::string(unit) + " is installed (" + st.evidence + ") but no *.wants/ link enables it";
  return st;
}

BootServiceState sysvServiceState(const Host& host, std::string_view name) {
  BootServiceState st;
  for (std::string_view dir : {"/etc/init.d", "/etc/rc.d/init.d"}) {
    if (host.exists(join(dir, name))) {
      st.installed = true;
      st.evidence = join(dir, name);
      break;
    }
  }
  if (!st.installed) {
    st.evidence = "no init script " + std::string(name);
    return st;
  }
  // Runlevel 3 and 5 (RHEL, SUSE), 2 (Debian's default), and S (Debian's insserv starts early
  // services such as networking from rcS.d).
  for (std::string_view rc :
       {"/etc/rc.d/rc3.d", "/etc/rc3.d", "/etc/rc.d/rc5.d", "/etc/rc5.d", "/etc/rc2.d",
        "/etc/rcS.d", "/etc/init.d/rc3.d", "/etc/init.d/rc5.d"}) {
    auto entries = host.listDir(rc);
    if (!entries) continue;
    for (const std::string& e : *entries) {
      // S<nn><name>, e.g. S10network
      if (e.size() > 3 && e[0] == 'S' && e.substr(3) == name) {
        st.enabled = true;
        st.evidence = join(rc, e);
        return st;
      }
    }
  }
  st.evidence += " exists but no rc S-link starts it";
  return st;
}

BootServiceState serviceState(const Host& host, std::string_view systemd_unit,
                              std::string_view sysv_name) {
  if (bootsWithSystemd(host)) {
    BootServiceState st = systemdUnitState(host, systemd_unit);
    if (st.installed || sysv_name.empty()) return st;
    // systemd-sysv-generator runs SysV scripts that have no unit, from their rc links.
    return sysvServiceState(host, sysv_name);
  }
  if (sysv_name.empty()) return systemdUnitState(host, systemd_unit);
  return sysvServiceState(host, sysv_name);
}

}  // namespace guestprep::os_linux
