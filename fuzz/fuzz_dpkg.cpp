// Fuzz target for the dpkg database readers: parseDpkgStatus, parseMd5sums and
// parseDpkgDiversions, each over the same input.
#include "fuzz_util.h"
#include "parsers/software_dpkg.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  const int lines = gf::lineCount(text);
  gl::DpkgStatus status = gl::parseDpkgStatus(text);
  gf::checkProblems(status.problems, lines, "");
  for (const gl::DpkgPackage& p : status.packages) {
    gf::checkLine(p.line, lines, "package line outside the input");
    for (const gl::DpkgConffile& c : p.conffiles) {
      gf::checkLine(c.line, lines, "conffile line outside the input");
    }
  }
  gl::Md5sums sums = gl::parseMd5sums(text);
  for (const guestprep::ConfigProblem& p : sums.problems) {
    gf::checkLine(p.line, lines, "md5sums problem line outside the input");
  }
  for (const gl::Md5sumEntry& e : sums.entries) {
    gf::checkLine(e.line, lines, "md5sums line outside the input");
    gf::check(e.path.starts_with("/"), "md5sums path is not absolute");
  }
  std::vector<guestprep::ConfigProblem> problems;
  (void)gl::parseDpkgDiversions(text, problems);
  for (const guestprep::ConfigProblem& p : problems) {
    gf::checkLine(p.line, lines, "diversions problem line outside the input");
  }
  return 0;
}
