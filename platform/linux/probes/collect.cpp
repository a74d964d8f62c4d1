// collectFacts for Linux: runs every probe through the host; a probe that throws is recorded as a
// problem and the others go on.
#include <exception>
#include <functional>

#include <spdlog/spdlog.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/version.h"
#include "probes/network_probes.h"
#include "probes/os_probe.h"

namespace guestprep {

Facts collectFacts(const Host& host) {
  Facts facts;
  facts.tool_version = kVersion;
  facts.collected_at = utcNow();
  facts.host = host.describe();
  facts.runtime = host.hasRuntimeState();

  auto guarded = [&](const char* name, const std::function<void()>& probe) {
    try {
      probe();
    } catch (const std::exception& e) {
      spdlog::warn("probe {} failed: {}; ignoring", name, e.what());
      facts.network.problems.push_back(
          ConfigProblem{std::string("probe ") + name, 0, std::string("probe failed: ") + e.what()});
    }
  };
  namespace lx = os_linux;
  guarded("os", [&] { lx::probeOs(host, facts.os); });
  auto& net = facts.network;
  // Until the runtime probe fills them, runtime facts say why they are missing.
  net.runtime_nics.error = net.runtime_ipv6.error = net.runtime_cmdline.error =
      "not collected: the runtime probe did not run";
  guarded("ifcfg", [&] { lx::probeIfcfgRedHat(host, net); });
  guarded("suse-ifcfg", [&] { lx::probeIfcfgSuse(host, net); });
  guarded("eni", [&] { lx::probeEni(host, net); });
  guarded("netplan", [&] { lx::probeNetplan(host, net); });
  guarded("networkmanager", [&] { lx::probeNetworkManager(host, net); });
  guarded("networkd", [&] { lx::probeNetworkd(host, net); });
  guarded("persistent-net", [&] { lx::probePersistentNetRules(host, net); });
  guarded("ipv6-boot", [&] { lx::probeIpv6Boot(host, net); });
  guarded("cloud-init", [&] { lx::probeCloudInitNetwork(host, net); });
  guarded("runtime-network", [&] { lx::probeRuntimeNetwork(host, net); });
  return facts;
}

}  // namespace guestprep
