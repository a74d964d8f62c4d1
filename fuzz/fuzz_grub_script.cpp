// Fuzz target for lexGrubScript (GRUB script words, quotes, escapes, variable expansion).
#include "fuzz_util.h"
#include "parsers/kernel_cmdline.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  int lines = gf::lineCount(text);
  // Variables as grubenv would define them, some with blanks (split when unquoted) and some that
  // refer to others (never expanded twice).
  gl::GrubVars vars = gl::parseGrubEnv(text).vars;
  vars.emplace("kernelopts", "root=UUID=0 ro  quiet\tsplash\n");
  vars.emplace("root", "hd0,msdos1");
  vars.emplace("self", "$self ${self}");
  vars.emplace("empty", "");

  std::vector<guestprep::ConfigProblem> problems;
  std::vector<gl::GrubToken> tokens = gl::lexGrubScript(text, vars, &problems);
  gf::checkProblems(problems, lines, "");
  int last_line = 1;
  std::vector<std::string> words;
  for (const gl::GrubToken& t : tokens) {
    gf::check(t.line >= 1 && t.line <= lines, "token line outside the input");
    gf::check(t.line >= last_line, "tokens out of line order");
    last_line = t.line;
    if (t.separator) {
      gf::check(t.text.empty(), "a separator with text");
    } else {
      words.push_back(t.text);
    }
  }
  gf::check(gl::splitGrubWords(text, vars) == words, "splitGrubWords differs from the lexer");
  // Without a problem list the lexer must not differ either.
  gf::check(gl::lexGrubScript(text, vars, nullptr).size() == tokens.size(),
            "problem list changes the tokens");
  return 0;
}
