// Fuzz target for parseIptablesSave and tcpPortAccess of port 22 in INPUT (the L-FIREWALL
// decision over iptables-save output and /etc/sysconfig/iptables).
#include "fuzz_util.h"
#include "parsers/firewall_iptables.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  const int lines = gf::lineCount(text);
  gl::IptablesSave save = gl::parseIptablesSave(text);
  gf::checkProblems(save.problems, lines, "");
  for (const gl::IptablesTable& t : save.tables) {
    for (const gl::IptablesChain& c : t.chains) {
      gf::checkLine(c.line, lines, "chain line outside the input");
    }
    for (const gl::IptablesRule& r : t.rules) {
      gf::checkLine(r.line, lines, "rule line outside the input");
    }
  }
  for (auto fallback : {guestprep::PortAccess::kUnknown, guestprep::PortAccess::kAllowed}) {
    gl::PortDecision d = gl::tcpPortAccess(save, "INPUT", 22, fallback);
    gf::checkLine(d.line, lines, "deciding line outside the input");
  }
  return 0;
}
