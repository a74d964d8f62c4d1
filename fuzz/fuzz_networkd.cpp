// Fuzz target for systemd-networkd units: parseNetworkdUnit, drop-ins, NicConfigs, .link rules.
#include "fuzz_util.h"
#include "parsers/networkd.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

namespace {

void checkMacs(const std::vector<std::string>& macs) {
  for (const std::string& mac : macs) {
    gf::check(mac.size() == 17, "match MAC is not normalised");
    for (std::size_t i = 0; i < mac.size(); ++i) {
      char c = mac[i];
      bool ok = i % 3 == 2 ? c == ':' : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
      gf::check(ok, "match MAC is not normalised");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using Type = gl::NetworkdUnit::Type;
  std::string_view text = gf::inputText(data, size);
  int lines = gf::lineCount(text);

  // The unit type comes from a file name in a directory listing of the audited disk.
  static_cast<void>(gl::networkdUnitType(gf::firstLine(text)));

  std::vector<gl::NetworkdUnit> units;
  for (auto [type, path] : {std::pair{Type::kNetDev, "/etc/systemd/network/10-x.netdev"},
                            std::pair{Type::kNetwork, "/etc/systemd/network/20-x.network"},
                            std::pair{Type::kLink, "/etc/systemd/network/30-x.link"}}) {
    std::string dropin = std::string(path) + ".d/override.conf";
    gl::NetworkdUnit unit = gl::parseNetworkdUnit(text, path, type);
    gf::check(unit.type == type, "unit of another type");
    gf::check(unit.source.file == path, "unit names another file");
    gf::checkLine(unit.source.line, lines, "unit line outside the input");
    gf::checkProblems(unit.problems, lines, path);
    // The same text again as a drop-in: later assignments override, lists grow.
    gl::applyNetworkdDropIn(unit, text, dropin);
    gf::check(unit.source.file == path, "a drop-in changed the unit's file");
    for (const guestprep::ConfigProblem& p : unit.problems) {
      gf::checkLine(p.line, lines, "problem line outside the input");
      gf::check(p.file == path || p.file == dropin, "problem names another file");
    }
    checkMacs(unit.match_macs);
    gf::checkLine(unit.match_mac_line, lines, "match line outside the input");
    gf::checkLine(unit.link_name_line, lines, "link name line outside the input");
    units.push_back(std::move(unit));
  }
  // Twice over, so that duplicate [Match] sections are seen.
  std::vector<gl::NetworkdUnit> twice = units;
  twice.insert(twice.end(), units.begin(), units.end());
  for (const guestprep::NicConfig& nic : gl::networkdNicConfigs(twice)) {
    gf::checkNic(nic, "networkd", lines);
  }
  for (const guestprep::PersistentNetRule& r : gl::networkdLinkRules(twice)) {
    gf::checkLine(r.source.line, lines, "rule line outside the input");
    gf::check(!r.mac.empty(), "a .link rule without a MAC");
  }
  return 0;
}
