// Fuzz target for parseIni in both dialects (GLib key files and systemd unit files).
#include "fuzz_util.h"
#include "parsers/ini.h"
#include "parsers/text.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

namespace {

void checkIni(const gl::IniFile& ini, int lines) {
  gf::checkProblems(ini.problems, lines, "");
  for (const gl::IniSection& s : ini.sections) {
    gf::check(s.line >= 1 && s.line <= lines, "section line outside the input");
    gf::check(!ini.all(s.name).empty(), "all() misses a section");
    for (const gl::IniEntry& e : s.entries) {
      gf::check(e.line > s.line && e.line <= lines, "entry line outside its section");
      gf::check(!e.key.empty() && e.key == gl::trim(e.key), "key empty or not trimmed");
      gf::check(e.value == gl::trim(e.value), "value not trimmed");
      const gl::IniEntry* found = ini.find(s.name, e.key);
      gf::check(found != nullptr, "find() misses an entry");
      std::vector<const gl::IniEntry*> every = ini.findAll(s.name, e.key);
      gf::check(!every.empty(), "findAll() misses an entry");
      gf::check(ini.get(s.name, e.key) == found->value, "get() differs from find()");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  int lines = gf::lineCount(text);
  checkIni(gl::parseIni(text, gl::kGKeyFileSyntax), lines);
  checkIni(gl::parseIni(text, gl::kSystemdSyntax), lines);
  return 0;
}
