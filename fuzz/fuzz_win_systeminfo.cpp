// Fuzz target for parseSystemInfo (systeminfo output in any language and encoding).
#include "fuzz_util.h"
#include "parsers/systeminfo.h"
#include "parsers/win_text.h"

namespace gf = guestprep::fuzz;
namespace gw = guestprep::os_windows;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text = gw::decodeWindowsText(gf::inputText(data, size)).text;
  int lines = gf::lineCount(text);
  gw::SystemInfo s = gw::parseSystemInfo(text);
  gf::checkProblems(s.problems, lines, "");
  for (const gw::SystemInfoField& f : s.fields) {
    gf::check(f.line >= 1 && f.line <= lines, "field line out of range");
  }
  for (const std::string& h : s.hotfixes) {
    gf::check(h.starts_with("KB") || h.starts_with('Q'), "hotfix that is not an update ID");
  }
  if (s.problems.empty())
    gf::check(s.fields.size() >= 3 && s.major > 0, "accepted without a version");
  return 0;
}
