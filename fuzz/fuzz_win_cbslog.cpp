// Fuzz target for parseSfcLog (the System File Checker's lines of CBS.log).
#include "fuzz_util.h"
#include "parsers/cbs_log.h"
#include "parsers/win_text.h"

namespace gf = guestprep::fuzz;
namespace gw = guestprep::os_windows;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text = gw::decodeWindowsText(gf::inputText(data, size)).text;
  int lines = gf::lineCount(text);
  gw::SfcLog s = gw::parseSfcLog(text);
  gf::check(s.last_line >= 0 && s.last_line <= lines, "last sfc line out of range");
  gf::check(s.verify_batches <= lines, "more verify batches than lines");
  gf::check(s.corrupt.size() <= 50 && s.not_repaired.size() <= 50, "lists not capped");
  gf::check(s.last_run.empty() || s.last_run.size() == 19, "timestamp of the wrong length");
  if (s.last_line == 0) {
    gf::check(s.verify_batches == 0 && s.not_repaired.empty(), "sfc results without an [SR] line");
  }
  return 0;
}
