// Fuzz target for parseEni (/etc/network/interfaces) and eniToNicConfigs.
#include "fuzz_util.h"
#include "parsers/eni.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kPath = "/etc/network/interfaces";
  std::string_view text = gf::inputText(data, size);
  int lines = gf::lineCount(text);
  gl::EniFile eni = gl::parseEni(text, kPath);
  gf::checkProblems(eni.problems, lines, kPath);
  for (const gl::EniIface& i : eni.ifaces) {
    gf::check(i.file == kPath, "stanza names another file");
    gf::check(i.line >= 1 && i.line <= lines, "stanza line outside the input");
    for (const gl::EniOption& o : i.options) {
      gf::check(o.line >= i.line && o.line <= lines, "option line outside its stanza");
      gf::check(i.has(o.key), "has() misses an option");
      gf::check(!i.values(o.key).empty(), "values() misses an option");
      gf::check(i.last(o.key) == i.values(o.key).back(), "last() is not the last value");
    }
    static_cast<void>(eni.startsAtBoot(i.name));
  }
  for (const gl::EniNameList& l : eni.name_lists) {
    gf::check(l.file == kPath && l.line >= 1 && l.line <= lines, "name list outside the input");
  }
  for (const gl::EniMapping& m : eni.mappings) {
    gf::check(m.file == kPath && m.line >= 1 && m.line <= lines, "mapping outside the input");
  }
  for (const gl::EniInclude& inc : eni.includes) {
    gf::check(inc.file == kPath && inc.line >= 1 && inc.line <= lines, "include outside the input");
  }

  gl::EniNicConfigs nics = gl::eniToNicConfigs(eni);
  for (const guestprep::NicConfig& nic : nics.configs) {
    gf::checkNic(nic, "eni", lines);
    gf::check(nic.source.file == kPath, "NicConfig names another file");
  }
  gf::checkProblems(nics.problems, lines, kPath);
  return 0;
}
