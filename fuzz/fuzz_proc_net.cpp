// Fuzz target for parseIfInet6 (/proc/net/if_inet6) and the IPv6 text formatting behind it.
#include <array>

#include "fuzz_util.h"
#include "parsers/proc_net.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

namespace {

void checkAddress(std::string_view a) {
  gf::check(!a.empty() && a.size() <= 45, "address text has an impossible length");
  gf::check(a.find(":::") == std::string_view::npos, "address has ':::'");
  gf::check(a.find("::") == a.rfind("::"), "address has two '::'");
  for (char c : a) {
    gf::check((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.',
              "address has a character outside [0-9a-f:.]");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  int lines = gf::lineCount(text);
  gl::IfInet6File file = gl::parseIfInet6(text);
  gf::checkProblems(file.problems, lines, "");
  for (const guestprep::Inet6Addr& a : file.addrs) {
    checkAddress(a.address);
    gf::check(a.prefix_len >= 0 && a.prefix_len <= 128, "prefix length out of range");
    gf::check(!a.scope.empty() && !a.ifname.empty(), "address without scope or interface");
  }

  // The first 16 bytes as an address, in both the binary and the /proc (hex) form.
  if (text.size() >= 16) {
    std::array<std::uint16_t, 8> groups{};
    std::string hex;
    for (std::size_t i = 0; i < 8; ++i) {
      groups[i] = static_cast<std::uint16_t>((data[2 * i] << 8) | data[2 * i + 1]);
    }
    for (std::size_t i = 0; i < 16; ++i) {
      static constexpr char kDigits[] = "0123456789abcdef";
      hex += kDigits[data[i] >> 4];
      hex += kDigits[data[i] & 0xf];
    }
    std::string formatted = gl::formatIpv6(groups);
    checkAddress(formatted);
    std::optional<std::string> from_hex = gl::ipv6FromHex(hex);
    gf::check(from_hex && *from_hex == formatted, "hex and binary forms disagree");
  }
  static_cast<void>(gl::ipv6FromHex(text.substr(0, 32)));
  return 0;
}
