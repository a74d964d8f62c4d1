// Parser for /proc/net/tcp{,6}: listening sockets with their addresses and ports.
#include "parsers/firewall_proc_tcp.h"

#include <charconv>
#include <cstdint>
#include <optional>

#include "parsers/proc_net.h"
#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kListen = "0A";  // TCP_LISTEN in include/net/tcp_states.h

std::optional<std::uint32_t> hex32(std::string_view s) {
  std::uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || p != s.data() + s.size() || s.size() != 8) return std::nullopt;
  return v;
}

// The words as the kernel stored them: bytes of each 32-bit word reversed into network order.
std::string swapWords(std::string_view hex) {
  std::string out;
  for (std::size_t w = 0; w + 8 <= hex.size(); w += 8) {
    for (int b = 3; b >= 0; --b) out += hex.substr(w + static_cast<std::size_t>(b) * 2, 2);
  }
  return out;
}

std::optional<std::string> address(std::string_view hex, bool ipv6) {
  if (!ipv6) {
    auto v = hex32(hex);
    if (!v) return std::nullopt;
    return std::to_string(*v & 0xffU) + "." + std::to_string((*v >> 8) & 0xffU) + "." +
           std::to_string((*v >> 16) & 0xffU) + "." + std::to_string(*v >> 24);
  }
  if (hex.size() != 32) return std::nullopt;
  return ipv6FromHex(swapWords(hex));
}

}  // namespace

ProcTcpFile parseProcNetTcp(std::string_view text, bool ipv6) {
  ProcTcpFile out;
  for (const LogicalLine& ll : splitLogicalLines(text, false)) {
    auto words = splitWords(ll.text);
    if (words.empty()) continue;
    if (words[0] == "sl") continue;  // the header
    if (words.size() < 4 || !words[0].ends_with(":")) {
      out.problems.push_back({"", ll.number, "not a socket line"});
      continue;
    }
    if (words[3] != kListen) continue;
    const std::string& local = words[1];
    auto colon = local.find(':');
    std::optional<std::string> addr;
    int port = 0;
    if (colon != std::string::npos) {
      addr = address(std::string_view(local).substr(0, colon), ipv6);
      std::string_view p = std::string_view(local).substr(colon + 1);
      auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port, 16);
      if (ec != std::errc() || end != p.data() + p.size()) addr.reset();
    }
    if (!addr) {
      out.problems.push_back({"", ll.number, "unreadable local address " + local});
      continue;
    }
    out.listening.push_back({*addr, port, ""});
  }
  return out;
}

}  // namespace guestprep::os_linux
