// Fuzz target for decodeWindowsText and parseRegExport (.reg exports).
#include "fuzz_util.h"
#include "parsers/reg_export.h"
#include "parsers/win_text.h"

namespace gf = guestprep::fuzz;
namespace gw = guestprep::os_windows;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gw::DecodedText d = gw::decodeWindowsText(gf::inputText(data, size));
  gf::check(gw::decodeWindowsText(d.text).text == d.text || d.encoding != gw::TextEncoding::kUtf8,
            "decoding UTF-8 output again changes it");
  int lines = gf::lineCount(d.text);
  gw::RegExport r = gw::parseRegExport(d.text);
  gf::checkProblems(r.problems, lines, "");
  int last = 0;
  for (const gw::RegExportKey& k : r.keys) {
    gf::check(k.line > last && k.line <= lines, "key line out of order or range");
    last = k.line;
    gf::check(gw::normaliseRegKey(k.path) == k.path, "key path normalisation is not idempotent");
    for (const gw::RegExportValue& v : k.values) {
      gf::check(v.line >= k.line && v.line <= lines, "value line outside its key");
      if (v.value.type == gw::RegType::kDword) gf::check(v.value.number <= 0xFFFFFFFFu, "dword");
    }
  }
  return 0;
}
