// Fuzz target for parsePam, as a pam.d file and as /etc/pam.conf.
#include "fuzz_util.h"
#include "parsers/auth_pam.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  const int lines = gf::lineCount(text);
  for (bool pam_conf : {false, true}) {
    gl::PamFile f = gl::parsePam(text, pam_conf);
    gf::checkProblems(f.problems, lines, "");
    int last = 0;
    for (const gl::PamEntry& e : f.entries) {
      gf::check(e.line > 0 && e.line <= lines, "rule line outside the input");
      gf::check(e.line >= last, "rules out of order");
      last = e.line;
    }
  }
  return 0;
}
