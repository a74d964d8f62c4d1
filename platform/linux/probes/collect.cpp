// collectFacts for Linux: runs every probe through the host; a probe that throws is recorded as a
// problem and the others go on.
#include <chrono>
#include <exception>
#include <functional>
#include <thread>

#include <spdlog/spdlog.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/version.h"
#include "host/offline_windows.h"
#include "host/result_cache.h"
#include "probes/auth_probe.h"
#include "probes/boot_probe.h"
#include "probes/firewall_probes.h"
#include "probes/network_probes.h"
#include "probes/os_probe.h"
#include "probes/software_probes.h"
#include "probes/storage_probes.h"
#include "probes/system_probes.h"
#include "probes/windows_probes.h"

namespace guestprep {

void configureResultCache(bool enabled, const std::optional<std::string>& directory) {
  std::optional<std::filesystem::path> dir;
  if (directory) dir = *directory;
  os_linux::ResultCache::process().configure(enabled, std::move(dir));
}

std::optional<std::string> defaultResultCacheDirectory() {
  auto dir = os_linux::defaultCacheDirectory();
  if (!dir) return std::nullopt;
  return dir->string();
}

Facts collectFacts(const Host& host, const CollectOptions& options) {
  if (const auto* windows = dynamic_cast<const os_windows::OfflineWindows*>(&host)) {
    Facts facts;
    os_windows::collectWindowsFacts(host, *windows, facts, options);
    for (ConfigProblem& p : windows->problems()) facts.windows.problems.push_back(std::move(p));
    return facts;
  }
  Facts facts;
  facts.tool_version = kVersion;
  facts.collected_at = utcNow();
  facts.host = host.describe();
  facts.runtime = host.hasRuntimeState();

  // The boot probe (mostly decompressing the default kernel's initramfs, unless the result cache
  // has its listing) shares nothing with the other probes: it runs on a thread of its own from
  // the start, beside all of them, the package verification (itself on several threads)
  // included. Host reads are const and keep no state, so both sides may read at once.
  BootFacts boot;
  std::string boot_error;
  bool boot_done = false;
  long long boot_us = 0;
  std::jthread boot_thread([&] {
    auto start = std::chrono::steady_clock::now();
    try {
      os_linux::probeBoot(host, boot);
      boot_done = true;
    } catch (const std::exception& e) {
      boot_error = e.what();
    }
    boot_us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  });

  auto guarded = [&](const char* name, const std::function<void()>& probe) {
    auto start = std::chrono::steady_clock::now();
    try {
      probe();
      spdlog::debug("probe {} took {} us", name,
                    std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count());
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
  // Storage: until its probes fill them, the facts say they were not collected.
  auto& sto = facts.storage;
  sto.fstab_problems = {{sto.fstab_path, 0, "not collected: the fstab probe did not run"}};
  sto.mounts.error = sto.boot_mode.error = "not collected: the storage probe did not run";
  guarded("fstab", [&] {
    StorageFacts probed = sto;  // replaced only when the probe completes
    probed.fstab_problems.clear();
    lx::probeFstab(host, probed);
    sto = std::move(probed);
  });
  guarded("space", [&] { lx::probeSpace(host, sto); });
  guarded("boot-mode", [&] { lx::probeBootMode(host, sto); });
  sto.system_disk.error = sto.partition_table.error = sto.filesystems.error =
      "not collected: the disk probe did not run";
  guarded("disks", [&] { lx::probeDisks(host, sto); });
  // Auth: a probe that throws leaves a problem behind, so the rules report an error, not a pass.
  facts.auth.problems = {{"/etc/pam.d", 0, "not collected: the auth probe did not run"}};
  guarded("auth", [&] {
    AuthFacts probed;  // replaces the placeholder only when the probe completes
    lx::probeAuth(host, probed);
    facts.auth = std::move(probed);
  });
  guarded("system", [&] { lx::probeSystem(host, facts.system, facts.os); });
  // Software: each probe works on a copy that replaces the facts only when it completes, so a
  // probe that throws leaves "not collected" behind and the rules report an error, not a pass.
  auto& sw = facts.software;
  const std::string sw_missing = "not collected: the software probe did not run";
  sw.packages.installed.error = sw.issue.files.error = sw.grub_menu.files.error =
      sw.sysdirs.files.error = sw_missing;
  sw.problems = {{"/etc/cloud/cloud.cfg", 0, "not collected: the cloud-init probe did not run"}};
  guarded("software-packages", [&] {
    SoftwareFacts probed = sw;
    lx::probeSoftwarePackages(host, probed);
    sw = std::move(probed);
  });
  guarded("software-cloud-init", [&] {
    SoftwareFacts probed = sw;
    probed.problems.clear();
    lx::probeSoftwareCloudInit(host, probed);
    sw = std::move(probed);
  });
  guarded("software-verification", [&] {
    SoftwareFacts probed = sw;
    lx::probeSoftwareVerification(host, probed, options.verify_system_dirs);
    if (!options.verify_system_dirs) {
      probed.sysdirs.files.error = "not collected: no rule of the policy verifies system files";
    }
    sw = std::move(probed);
  });
  // Firewall and sshd: runtime facts say why they are missing until their probes fill them.
  auto& fw = facts.firewall;
  fw.runtime.error = fw.sshd.listening.error = "not collected: the firewall probes did not run";
  guarded("firewall", [&] { lx::probeFirewallProducts(host, fw); });
  guarded("firewall-runtime", [&] { lx::probeFirewallRuntime(host, fw); });
  guarded("sshd", [&] { lx::probeSshd(host, fw); });
  boot_thread.join();
  // Boot: the kernel stays "not collected" (an error finding) unless the probe completed.
  facts.boot.kernel.error = "not collected: the boot probe did not run";
  if (boot_done) {
    spdlog::debug("probe boot took {} us (beside the other probes)", boot_us);
    facts.boot = std::move(boot);
  } else {
    spdlog::warn("probe boot failed: {}; ignoring", boot_error);
    facts.network.problems.push_back(ConfigProblem{"probe boot", 0, "probe failed: " + boot_error});
  }
  return facts;
}

}  // namespace guestprep
