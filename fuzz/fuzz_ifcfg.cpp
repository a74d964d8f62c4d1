// Fuzz target for parseIfcfg (RedHat and SUSE flavours) and ifcfgInterfaceName.
#include "fuzz_util.h"
#include "parsers/ifcfg.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

namespace {

void checkConfig(const gl::IfcfgConfig& c, std::string_view path, std::string_view stack,
                 int lines) {
  gf::checkNic(c.nic, stack, lines);
  gf::check(c.nic.source.file == path, "NicConfig names another file");
  gf::checkProblems(c.problems, lines, path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  int lines = gf::lineCount(text);

  // The file name comes from a directory listing of the audited disk: untrusted too.
  for (gl::IfcfgFlavour flavour : {gl::IfcfgFlavour::kRedHat, gl::IfcfgFlavour::kSuse}) {
    if (auto name = gl::ifcfgInterfaceName(gf::firstLine(text), flavour)) {
      gf::check(!name->empty(), "empty interface name from a file name");
    }
  }

  // The same text as /etc/sysconfig/network gives the defaults of the RedHat flavour.
  gl::IfcfgDefaults defaults = gl::redHatIfcfgDefaults(gl::parseShellVars(text));
  constexpr std::string_view kRedHatPath = "/etc/sysconfig/network-scripts/ifcfg-eth0";
  checkConfig(gl::parseIfcfg(text, kRedHatPath, "eth0", gl::IfcfgFlavour::kRedHat, defaults),
              kRedHatPath, "ifcfg", lines);
  constexpr std::string_view kAliasPath = "/etc/sysconfig/network-scripts/ifcfg-eth0:1";
  checkConfig(gl::parseIfcfg(text, kAliasPath, "eth0:1", gl::IfcfgFlavour::kRedHat), kAliasPath,
              "ifcfg", lines);
  constexpr std::string_view kSusePath = "/etc/sysconfig/network/ifcfg-bond0";
  checkConfig(gl::parseIfcfg(text, kSusePath, "bond0", gl::IfcfgFlavour::kSuse), kSusePath,
              "suse-ifcfg", lines);
  return 0;
}
