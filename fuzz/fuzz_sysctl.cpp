// Fuzz target for parseSysctl (sysctl.conf, sysctl.d) and sysctlLoadOrder.
#include "fuzz_util.h"
#include "parsers/sysctl.h"
#include "parsers/text.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  int lines = gf::lineCount(text);
  gl::SysctlFile file = gl::parseSysctl(text);
  gf::checkProblems(file.problems, lines, "");
  int last_line = 0;
  for (const gl::SysctlLine& s : file.settings) {
    gf::check(s.line > last_line && s.line <= lines, "setting line out of order or range");
    last_line = s.line;
    gf::check(!s.key.empty(), "setting without a key");
    gf::check(gl::normaliseSysctlKey(s.key) == s.key, "key normalisation is not idempotent");
    gf::check(s.value == gl::trim(s.value), "value not trimmed");
  }

  // Every line as a file name in two directories (names come from directory listings).
  std::vector<gl::SysctlDirListing> listings = {{"/etc/sysctl.d", {}}, {"/usr/lib/sysctl.d", {}}};
  for (const gl::LogicalLine& ll : gl::splitLogicalLines(text, false)) {
    listings[0].names.push_back(ll.text);
    listings[1].names.push_back(ll.text + ".conf");
  }
  std::vector<std::string> order = gl::sysctlLoadOrder(listings, true);
  gf::check(!order.empty() && order.back() == gl::kSysctlConf, "sysctl.conf is not applied last");
  for (std::size_t i = 0; i + 1 < order.size(); ++i) {
    gf::check(order[i].ends_with(".conf"), "a file not ending in .conf is applied");
  }
  return 0;
}
