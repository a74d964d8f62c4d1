// Fuzz target for the service fixers' readers of the audited system's files: a systemd unit's
// [Install] section (parseUnitInstall) and an init script's chkconfig/LSB header
// (parseSysvHeader). Their output names links the fixers create, so it must never hold a path.
#include "fixers/service_boot.h"
#include "fuzz_util.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  gl::UnitInstall install = gl::parseUnitInstall(text);
  for (const auto* list :
       {&install.wanted_by, &install.required_by, &install.alias, &install.also}) {
    for (const std::string& name : *list) {
      gf::check(!name.empty(), "an empty unit name");
      gf::check(name.find('/') == std::string::npos, "a unit name with a slash");
      gf::check(name != "." && name != "..", "a unit name that is a directory");
      gf::check(name.find_first_of(" \t\r\n") == std::string::npos, "a unit name with a blank");
    }
  }
  gl::SysvHeader header = gl::parseSysvHeader(text);
  gf::check(header.start >= -1 && header.start <= 999, "start priority out of range");
  gf::check(header.stop >= -1 && header.stop <= 999, "stop priority out of range");
  for (const std::string& level : header.default_start) {
    gf::check(level.size() == 1, "a runlevel of more than one character");
  }
  for (char c : header.chkconfig_levels) {
    gf::check((c >= '0' && c <= '6') || c == '-', "a chkconfig runlevel out of range");
  }
  return 0;
}
