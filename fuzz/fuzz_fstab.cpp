// Fuzz target for the storage tables: parseFstab, parseCrypttab and parseBlkid over the same
// input, and unmangleFstabField over each line.
#include "fuzz_util.h"
#include "parsers/fstab.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  const int lines = gf::lineCount(text);
  gl::FstabFile fstab = gl::parseFstab(text);
  gf::checkProblems(fstab.problems, lines, "");
  for (const auto& e : fstab.entries) {
    gf::checkLine(e.source.line, lines, "fstab entry line outside the input");
    gf::check(e.source.line > 0, "fstab entry without a line");
  }
  gl::CrypttabFile crypttab = gl::parseCrypttab(text);
  gf::checkProblems(crypttab.problems, lines, "");
  for (const auto& e : crypttab.entries) {
    gf::checkLine(e.source.line, lines, "crypttab entry line outside the input");
  }
  gl::BlkidOutput blkid = gl::parseBlkid(text);
  for (const guestprep::ConfigProblem& p : blkid.problems) {
    gf::checkLine(p.line, lines, "blkid problem line outside the input");
  }
  std::string_view rest = text;
  while (!rest.empty()) {
    std::string_view line = rest.substr(0, rest.find('\n'));
    rest.remove_prefix(std::min(rest.size(), line.size() + 1));
    gf::check(gl::unmangleFstabField(line).size() <= line.size(), "unmangling made it longer");
  }
  return 0;
}
