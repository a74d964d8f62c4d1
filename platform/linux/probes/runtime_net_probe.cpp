// The network as it runs now: interfaces in /sys/class/net, IPv6 addresses in
// /proc/net/if_inet6, the kernel command line this boot used.
#include <string>
#include <vector>

#include "parsers/kernel_cmdline.h"
#include "parsers/proc_net.h"
#include "parsers/text.h"
#include "probes/network_probes.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kSysNet = "/sys/class/net";
constexpr std::string_view kIfInet6 = "/proc/net/if_inet6";
constexpr std::string_view kProcCmdline = "/proc/cmdline";

// One attribute file of a /sys/class/net entry, trimmed; unreadable ones are recorded.
std::string readAttr(const Host& host, const std::string& path, NetworkFacts& facts) {
  auto text = host.readFile(path, 4096);
  if (!text) {
    facts.problems.push_back({path, 0, text.error().message});
    return "";
  }
  return std::string(trim(*text));
}

RuntimeNic readNic(const Host& host, const std::string& name, NetworkFacts& facts) {
  std::string dir = std::string(kSysNet) + "/" + name;
  RuntimeNic nic;
  nic.name = name;
  std::string addr = readAttr(host, dir + "/address", facts);
  nic.mac = normaliseMac(addr);
  // Not every link layer has a 6-byte address (InfiniBand, tunnels): keep what sysfs says.
  if (nic.mac.empty()) nic.mac = toLower(addr);
  nic.operstate = readAttr(host, dir + "/operstate", facts);
  // A NIC backed by hardware (or a paravirtual device) has a `device` link; interfaces the
  // kernel creates by itself (lo, bridges, bonds, VLANs, veth, tun) live under
  // /sys/devices/virtual/net and have none.
  bool has_device = host.entryExists(dir + "/device");
  auto target = host.readLink(dir);
  bool virtual_path = target && target->find("/devices/virtual/") != std::string::npos;
  nic.physical = has_device && !virtual_path;
  return nic;
}

void probeNics(const Host& host, NetworkFacts& facts) {
  auto names = host.listDir(kSysNet);
  if (!names) {
    facts.runtime_nics = Observed<std::vector<RuntimeNic>>::failed(
        "cannot list " + std::string(kSysNet) + ": " + names.error().message);
    return;
  }
  std::vector<RuntimeNic> nics;
  for (const std::string& name : *names) {
    // /sys/class/net also holds bonding_masters, a file, not an interface.
    auto st = host.stat(std::string(kSysNet) + "/" + name);
    if (!st || st->type != FileStat::Type::kDirectory) continue;
    nics.push_back(readNic(host, name, facts));
  }
  facts.runtime_nics = Observed<std::vector<RuntimeNic>>::of(std::move(nics));
}

void probeIpv6(const Host& host, NetworkFacts& facts) {
  auto text = host.readFile(kIfInet6);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) {
      // The kernel creates the file whenever IPv6 is up (even with no address): no file means
      // IPv6 is disabled (ipv6.disable=1) or not built, hence no addresses.
      facts.runtime_ipv6 = Observed<std::vector<Inet6Addr>>::of({});
    } else {
      facts.runtime_ipv6 = Observed<std::vector<Inet6Addr>>::failed(text.error().message);
    }
    return;
  }
  IfInet6File file = parseIfInet6(*text);
  for (ConfigProblem& p : file.problems) {
    facts.problems.push_back({std::string(kIfInet6), p.line, std::move(p.message)});
  }
  facts.runtime_ipv6 = Observed<std::vector<Inet6Addr>>::of(std::move(file.addrs));
}

void probeCmdline(const Host& host, NetworkFacts& facts) {
  auto text = host.readFile(kProcCmdline);
  if (!text) {
    facts.runtime_cmdline = Observed<KernelCmdline>::failed(text.error().message);
    return;
  }
  facts.runtime_cmdline = Observed<KernelCmdline>::of(
      KernelCmdline{{std::string(kProcCmdline), 1}, splitKernelCmdline(*text)});
}

}  // namespace

void probeRuntimeNetwork(const Host& host, NetworkFacts& facts) {
  if (!host.hasRuntimeState()) {
    const std::string why = "not collected: " + host.describe() + " has no running state";
    facts.runtime_nics = Observed<std::vector<RuntimeNic>>::failed(why);
    facts.runtime_ipv6 = Observed<std::vector<Inet6Addr>>::failed(why);
    facts.runtime_cmdline = Observed<KernelCmdline>::failed(why);
    return;
  }
  probeNics(host, facts);
  probeIpv6(host, facts);
  probeCmdline(host, facts);
}

}  // namespace guestprep::os_linux
