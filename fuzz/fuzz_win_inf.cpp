// Fuzz target for parseInf and seceditPasswordPolicy (secedit /export output).
#include "fuzz_util.h"
#include "parsers/secedit.h"
#include "parsers/win_text.h"

namespace gf = guestprep::fuzz;
namespace gw = guestprep::os_windows;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text = gw::decodeWindowsText(gf::inputText(data, size)).text;
  int lines = gf::lineCount(text);
  gw::InfFile inf = gw::parseInf(text);
  gf::checkProblems(inf.problems, lines, "");
  for (const gw::InfEntry& e : inf.entries) {
    gf::check(e.line >= 1 && e.line <= lines, "entry line out of range");
    gf::check(!e.section.empty(), "entry without a section");
    gf::check(gw::trimBlanks(e.value) == e.value, "value not trimmed");
  }
  gw::SeceditPasswordPolicy p = gw::seceditPasswordPolicy(inf);
  if (p.minimum_length) gf::checkLine(p.line_minimum_length, lines, "length line");
  return 0;
}
