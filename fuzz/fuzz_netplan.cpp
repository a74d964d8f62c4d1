// Fuzz target for parseNetplan (YAML), mergeNetplan and netplanNicConfigs.
#include "fuzz_util.h"
#include "parsers/netplan.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kPath = "/etc/netplan/50-cloud-init.yaml";
  std::string_view text = gf::inputText(data, size);
  int lines = gf::yamlLineCount(text);
  gl::NetplanFile file = gl::parseNetplan(text, kPath);
  gf::checkProblems(file.problems, lines, kPath);
  for (const gl::NetplanDevice& d : file.devices) {
    gf::check(d.source.file == kPath, "device names another file");
    gf::check(d.source.line >= 1 && d.source.line <= lines, "device line outside the input");
    gf::checkLine(d.match_mac_line, lines, "match line outside the input");
  }

  // The file merged with itself: every ID is defined twice under the same type.
  gl::NetplanConfig merged = gl::mergeNetplan({file, file});
  gf::checkProblems(merged.problems, lines, kPath);
  gf::check(merged.devices.size() <= file.devices.size(), "merge created devices");
  std::vector<guestprep::NicConfig> nics = gl::netplanNicConfigs(merged);
  gf::check(nics.size() == merged.devices.size(), "not one NicConfig per device");
  for (const guestprep::NicConfig& nic : nics) gf::checkNic(nic, "netplan", lines);
  for (const gl::NetplanDevice& d : merged.devices) {
    if (!d.renderer && !merged.renderer) {
      gf::check(gl::netplanRenderer(merged, d) == "networkd",
                "the default renderer is not networkd");
    }
  }
  return 0;
}
