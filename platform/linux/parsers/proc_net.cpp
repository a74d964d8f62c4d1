// Parsers for /proc/net files that describe the running network.
#include "parsers/proc_net.h"

#include <charconv>
#include <cstdio>

#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

// Reads a whole field of hex digits; the kernel prints every number of if_inet6 in hex.
std::optional<unsigned> parseHex(std::string_view s) {
  if (s.empty() || s.size() > 8) return std::nullopt;
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string hexScope(unsigned scope) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x", scope);
  return buf;
}

}  // namespace

std::string inet6ScopeName(unsigned scope) {
  switch (scope) {
    case 0x00:
      return "global";
    case 0x10:
      return "host";
    case 0x20:
      return "link";
    case 0x40:
      return "site";
    case 0x80:
      return "compat";
    default:
      return "";
  }
}

std::string formatIpv6(const std::array<std::uint16_t, 8>& g) {
  char buf[8];
  // RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad.
  if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
    std::string out = "::ffff:";
    out += std::to_string(g[6] >> 8) + "." + std::to_string(g[6] & 0xff) + "." +
           std::to_string(g[7] >> 8) + "." + std::to_string(g[7] & 0xff);
    return out;
  }
  // Section 4.2: shorten the longest run of zero groups, the first one on a tie, never a single
  // group.
  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[static_cast<std::size_t>(i)] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[static_cast<std::size_t>(j)] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", static_cast<unsigned>(g[static_cast<std::size_t>(i)]));
    out += buf;
  }
  return out;
}

std::optional<std::string> ipv6FromHex(std::string_view hex32) {
  if (hex32.size() != 32) return std::nullopt;
  std::array<std::uint16_t, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i) {
    std::optional<unsigned> v = parseHex(hex32.substr(i * 4, 4));
    if (!v) return std::nullopt;
    groups[i] = static_cast<std::uint16_t>(*v);
  }
  return formatIpv6(groups);
}

IfInet6File parseIfInet6(std::string_view text) {
  IfInet6File file;
  for (const LogicalLine& ll : splitLogicalLines(text, /*backslash_continuation=*/false)) {
    std::vector<std::string> f = splitWords(ll.text);
    if (f.empty()) continue;
    auto problem = [&](std::string message) {
      file.problems.push_back({"", ll.number, std::move(message)});
    };
    if (f.size() != 6) {
      problem("expected 6 fields (address ifindex prefix scope flags name), found " +
              std::to_string(f.size()));
      continue;
    }
    std::optional<std::string> addr = ipv6FromHex(f[0]);
    if (!addr) {
      problem("not a 32-hex-digit IPv6 address: " + f[0]);
      continue;
    }
    std::optional<unsigned> ifindex = parseHex(f[1]);
    std::optional<unsigned> prefix = parseHex(f[2]);
    std::optional<unsigned> scope = parseHex(f[3]);
    std::optional<unsigned> flags = parseHex(f[4]);
    if (!ifindex || !prefix || !scope || !flags) {
      problem("ifindex, prefix length, scope and flags must be hex numbers");
      continue;
    }
    if (*prefix > 128) {
      problem("prefix length " + std::to_string(*prefix) + " is larger than 128");
      continue;
    }
    Inet6Addr a;
    a.address = std::move(*addr);
    a.ifname = f[5];
    a.prefix_len = static_cast<int>(*prefix);
    a.scope = inet6ScopeName(*scope);
    if (a.scope.empty()) {
      a.scope = hexScope(*scope);
      problem("unknown scope value " + a.scope + " for " + a.address);
    }
    file.addrs.push_back(std::move(a));
  }
  return file;
}

}  // namespace guestprep::os_linux
