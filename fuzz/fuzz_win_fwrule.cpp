// Fuzz target for parseFirewallRule (registry-stored Windows Firewall rules), one rule a line.
#include "fuzz_util.h"
#include "parsers/firewall_rule.h"
#include "parsers/win_text.h"

namespace gf = guestprep::fuzz;
namespace gw = guestprep::os_windows;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  for (std::string_view line : gw::splitLines(gf::inputText(data, size))) {
    gw::FirewallRule rule;
    std::string why;
    bool ok = gw::parseFirewallRule(line, rule, why);
    gf::check(ok || !why.empty(), "rejected without a reason");
    if (ok) {
      gf::check(rule.version.starts_with("v2."), "accepted a rule that is not v2");
      for (const auto& p : rule.local_ports) gf::check(gw::trimBlanks(p) == p, "port not trimmed");
    }
  }
  return 0;
}
