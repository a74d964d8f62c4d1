// Benchmarks: whole audits (collect facts and evaluate the default policy) of fixture roots, of the
// debootstrapped Debian root without and with the package verification of L-SYSDIRS, and of the
// live machine; the package verification and the initramfs listing alone, to set beside
// `debsums -s` and `lsinitramfs` (bench/process_timing.sh runs both sides). The Debian root is
// GUESTPREP_DEBIAN_ROOT (tests/real/make-debian-root.sh prints it). See bench/README.md.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "audit/audit.h"
#include "parsers/boot_initramfs.h"
#include "policy/policy.h"
#include "probes/boot_probe.h"
#include "probes/software_probes.h"

namespace guestprep {
namespace {

// The result cache (the initramfs listing, by the image's hash): `cached` false measures every
// audit from scratch, as the first audit of an image; true, after one audit that filled it, as
// every later one (the daemon's, a second run's with the cache directory).
void useCache(bool cached) {
  configureResultCache(cached, std::nullopt);  // memory only: nothing written
}

void auditOnce(benchmark::State& state, const Host& host, const CollectOptions* options) {
  auto policy = builtinPolicy(kDefaultLinuxPolicy);
  if (!policy) {
    state.SkipWithError(policy.error().message.c_str());
    return;
  }
  // Without explicit options, what `guestprep audit` collects for this policy.
  const CollectOptions chosen = options ? *options : collectOptionsFor(*policy);
  for (auto _ : state) {
    Facts facts = collectFacts(host, chosen);
    auto findings = evaluatePolicy(*policy, facts);
    benchmark::DoNotOptimize(findings);
  }
}

void BM_AuditFixtureRoot(benchmark::State& state, const char* name) {
  useCache(false);
  auto host = makeRootHost(std::string(GUESTPREP_FIXTURES_DIR) + "/roots/" + name);
  if (!host) {
    state.SkipWithError(host.error().message.c_str());
    return;
  }
  auditOnce(state, **host, nullptr);
}

// The Debian root's host, or a skip with the reason.
std::unique_ptr<Host> debianRootHost(benchmark::State& state) {
  const char* root = std::getenv("GUESTPREP_DEBIAN_ROOT");
  if (!root || !*root) {
    state.SkipWithError(
        "GUESTPREP_DEBIAN_ROOT is not set (bench/process_timing.sh sets it from "
        "tests/real/make-debian-root.sh)");
    return nullptr;
  }
  auto host = makeRootHost(root);
  if (!host) {
    state.SkipWithError(host.error().message.c_str());
    return nullptr;
  }
  return std::move(*host);
}

void BM_AuditDebianRoot(benchmark::State& state, bool verify_system_dirs, bool cached) {
  auto host = debianRootHost(state);
  if (!host) return;
  useCache(cached);
  CollectOptions options;
  options.verify_system_dirs = verify_system_dirs;
  if (cached) (void)collectFacts(*host, options);
  auditOnce(state, *host, &options);
}

void BM_AuditLiveMachine(benchmark::State& state) {
  useCache(false);
  auto host = makeLiveHost();
  auditOnce(state, *host, nullptr);
}

// The package verification of L-SYSDIRS alone: dpkg status and md5sums read natively, every file
// of the system directories hashed (the side set beside `debsums -s`).
void BM_VerifySystemDirs(benchmark::State& state) {
  auto host = debianRootHost(state);
  if (!host) return;
  useCache(false);
  int files = 0;
  for (auto _ : state) {
    SoftwareFacts facts;
    os_linux::probeSoftwarePackages(*host, facts);
    os_linux::probeSoftwareVerification(*host, facts, true);
    files = facts.sysdirs.checked;
    benchmark::DoNotOptimize(facts);
  }
  state.counters["files"] = files;
}

// The default kernel's initramfs read and listed natively (the side set beside `lsinitramfs`):
// decompressed and parsed each time (`cached` false), or read, hashed and found in the result
// cache, as every audit after the first does (true).
void BM_ListInitramfs(benchmark::State& state, bool cached) {
  auto host = debianRootHost(state);
  if (!host) return;
  useCache(cached);
  BootFacts boot;
  os_linux::probeBoot(*host, boot);
  if (!boot.initramfs.found) {
    state.SkipWithError("the Debian root's default kernel has no initramfs");
    return;
  }
  std::size_t entries = 0;
  for (auto _ : state) {
    auto data = host->readFile(boot.initramfs.path, os_linux::kMaxInitramfsBytes);
    if (!data) {
      state.SkipWithError(data.error().message.c_str());
      return;
    }
    os_linux::InitramfsListing listing =
        cached ? os_linux::listInitramfsCached(*data, "bench") : os_linux::listInitramfs(*data);
    entries = listing.files.size();
    benchmark::DoNotOptimize(listing);
  }
  state.counters["entries"] = static_cast<double>(entries);
}

BENCHMARK_CAPTURE(BM_AuditFixtureRoot, rhel6, "rhel6")
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(15)
    ->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_AuditFixtureRoot, ubuntu18, "ubuntu18")
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(15)
    ->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_AuditDebianRoot, without_verification, false, false)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(15)
    ->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_AuditDebianRoot, without_verification_cached, false, true)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(15)
    ->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_AuditDebianRoot, with_verification, true, false)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_AuditLiveMachine)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(15)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_VerifySystemDirs)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_ListInitramfs, native, false)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(15)
    ->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_ListInitramfs, cached, true)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(15)
    ->ReportAggregatesOnly(true);

}  // namespace
}  // namespace guestprep

BENCHMARK_MAIN();
