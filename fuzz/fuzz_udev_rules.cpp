// Fuzz target for parseUdevRules (70-persistent-net.rules and name-to-MAC bindings).
#include "fuzz_util.h"
#include "parsers/udev_rules.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  int lines = gf::lineCount(text);
  gl::UdevRulesFile file = gl::parseUdevRules(text);
  gf::checkProblems(file.problems, lines, "");
  static constexpr std::string_view kOps[] = {"==", "!=", "=", "+=", "-=", ":="};
  for (const gl::UdevRule& r : file.rules) {
    gf::check(r.line >= 1 && r.line <= lines, "rule line outside the input");
    for (const gl::UdevRuleItem& item : r.items) {
      gf::check(!item.key.empty(), "item without a key");
      gf::check(std::find(std::begin(kOps), std::end(kOps), item.op) != std::end(kOps),
                "item with an unknown operator");
    }
  }
  gf::check(file.bindings.size() <= file.rules.size(), "more bindings than rules");
  for (const guestprep::PersistentNetRule& b : file.bindings) {
    gf::check(b.source.file.empty(), "binding names a file");
    gf::check(b.source.line >= 1 && b.source.line <= lines, "binding line outside the input");
    gf::check(!b.name.empty(), "binding without a name");
    bool rule_there = std::any_of(file.rules.begin(), file.rules.end(),
                                  [&](const gl::UdevRule& r) { return r.line == b.source.line; });
    gf::check(rule_there, "binding without its rule");
  }
  return 0;
}
