// Fuzz target for parseSshdConfig (outside and inside a Match block) and parseListenAddress on
// each ListenAddress argument.
#include "fuzz_util.h"
#include "parsers/firewall_sshd_config.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  const int lines = gf::lineCount(text);
  for (bool in_match : {false, true}) {
    gl::SshdConfigFile f = gl::parseSshdConfig(text, in_match);
    gf::checkProblems(f.problems, lines, "");
    int last = 0;
    for (const gl::SshdDirective& d : f.directives) {
      gf::check(d.line > 0 && d.line <= lines, "directive line outside the input");
      gf::check(d.line >= last, "directives out of order");
      last = d.line;
      if (in_match) gf::check(d.in_match, "a directive of an Include in Match is outside it");
      for (const std::string& a : d.args) (void)gl::parseListenAddress(a);
    }
  }
  return 0;
}
