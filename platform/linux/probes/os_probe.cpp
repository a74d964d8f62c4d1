// Identity of the audited Linux system: distribution, kernel, architecture, hostname.
#include "probes/os_probe.h"

#include "parsers/shell_vars.h"
#include "parsers/system_release.h"
#include "parsers/text.h"
#include "probes/system_probes.h"

namespace guestprep::os_linux {

namespace {

std::string firstLine(const std::string& text) {
  return std::string(trim(text.substr(0, text.find('\n'))));
}

}  // namespace

void probeOs(const Host& host, OsInfo& os) {
  // The same identification as L-PLATFORM (parsers/system_release); problems reading release
  // files are reported by the platform probe, which reads them again.
  std::vector<ConfigProblem> ignored;
  std::vector<ReleaseInfo> releases = readReleaseFiles(host, ignored);
  if (auto r = chooseRelease(releases)) {
    bool from_os_release = r->source.file.ends_with("os-release");
    // OsInfo.id keeps os-release's own ID ("rhel", "sles"); older files give our platform id.
    os.id = from_os_release ? toLower(r->raw_id) : r->id;
    os.version_id = r->version;
    os.pretty_name = r->pretty_name;
    os.source = r->source.file;
    if (from_os_release) {
      if (auto text = host.readFile(os.source)) {
        ShellVarsFile vars = parseShellVars(*text);
        os.id_like = vars.get("ID_LIKE");
        os.name = vars.get("NAME");
      }
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
