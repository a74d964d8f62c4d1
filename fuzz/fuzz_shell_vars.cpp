// Fuzz target for parseShellVars (ifcfg-*, os-release, /etc/default/grub, selinux config).
#include <cctype>

#include "fuzz_util.h"
#include "parsers/shell_vars.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  int lines = gf::lineCount(text);
  gl::ShellVarsFile file = gl::parseShellVars(text);
  gf::checkProblems(file.problems, lines, "");
  int last_line = 0;
  for (const gl::ShellVar& v : file.vars) {
    gf::check(v.line >= 1 && v.line <= lines, "assignment line outside the input");
    gf::check(v.line > last_line, "assignments out of line order");
    last_line = v.line;
    gf::check(!v.key.empty(), "assignment without a key");
    gf::check(std::isdigit(static_cast<unsigned char>(v.key.front())) == 0,
              "key starts with a digit");
    for (char c : v.key) {
      gf::check(c == '_' || std::isalnum(static_cast<unsigned char>(c)) != 0,
                "key is not a shell name");
    }
    gf::check(file.find(v.key) != nullptr, "find() misses an assigned key");
    gf::check(!(gl::isYes(v.value) && gl::isNo(v.value)), "a value is both yes and no");
  }
  if (!file.vars.empty()) {
    const gl::ShellVar& last = file.vars.back();
    gf::check(file.get(last.key) == last.value, "get() is not the last assignment");
  }
  return 0;
}
