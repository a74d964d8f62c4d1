// Identity of the audited Linux system: distribution, kernel, architecture, hostname.
#include "probes/os_probe.h"

#include "parsers/shell_vars.h"
#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

std::string firstLine(const std::string& text) {
  return std::string(trim(text.substr(0, text.find('\n'))));
}

}  // namespace

void probeOs(const Host& host, OsInfo& os) {
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    auto text = host.readFile(path);
    if (!text) continue;
    ShellVarsFile vars = parseShellVars(*text);
    os.id = toLower(vars.get("ID"));
    os.id_like = vars.get("ID_LIKE");
    os.name = vars.get("NAME");
    os.version_id = vars.get("VERSION_ID");
    os.pretty_name = vars.get("PRETTY_NAME");
    os.source = path;
    break;
  }
  if (os.source.empty()) {
    // Systems older than os-release (CentOS 5/6, SLES 11, Debian 6): the first line of the
    // distribution's release file names it; L-PLATFORM reads these in full.
    for (const char* path : {"/etc/redhat-release", "/etc/centos-release", "/etc/SuSE-release",
                             "/etc/system-release", "/etc/lsb-release", "/etc/debian_version"}) {
      auto text = host.readFile(path);
      if (!text || trim(*text).empty()) continue;
      os.source = path;
      if (std::string(path) == "/etc/lsb-release") {
        ShellVarsFile vars = parseShellVars(*text);
        os.id = toLower(vars.get("DISTRIB_ID"));
        os.version_id = vars.get("DISTRIB_RELEASE");
        os.pretty_name = vars.get("DISTRIB_DESCRIPTION");
      } else if (std::string(path) == "/etc/debian_version") {
        os.id = "debian";
        os.version_id = firstLine(*text);
        os.pretty_name = "Debian " + os.version_id;
      } else {
        os.pretty_name = firstLine(*text);
      }
      break;
    }
  }
  if (host.hasRuntimeState()) {
    if (auto k = host.readFile("/proc/sys/kernel/osrelease")) os.kernel = firstLine(*k);
    if (auto h = host.readFile("/proc/sys/kernel/hostname")) os.hostname = firstLine(*h);
    if (auto u = host.run({"uname", "-m"}); u && u->exit_code == 0) os.arch = firstLine(u->out);
  }
  if (os.hostname.empty()) {
    if (auto h = host.readFile("/etc/hostname")) os.hostname = firstLine(*h);
  }
}

}  // namespace guestprep::os_linux
