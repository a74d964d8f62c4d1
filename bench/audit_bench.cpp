// Whole-audit benchmarks: collect facts and evaluate the default policy, on fixture roots and on
// the live machine. Run: build/bench/guestprep_bench (prints mean, median and stddev).
#include <benchmark/benchmark.h>

#include "audit/audit.h"
#include "policy/policy.h"

namespace guestprep {
namespace {

void auditOnce(benchmark::State& state, const Host& host) {
  auto policy = builtinPolicy(kDefaultLinuxPolicy);
  if (!policy) {
    state.SkipWithError(policy.error().message.c_str());
    return;
  }
  for (auto _ : state) {
    Facts facts = collectFacts(host);
    auto findings = evaluatePolicy(*policy, facts);
    benchmark::DoNotOptimize(findings);
  }
}

void BM_AuditFixtureRoot(benchmark::State& state, const char* name) {
  auto host = makeRootHost(std::string(GUESTPREP_FIXTURES_DIR) + "/roots/" + name);
  if (!host) {
    state.SkipWithError(host.error().message.c_str());
    return;
  }
  auditOnce(state, **host);
}

void BM_AuditLiveMachine(benchmark::State& state) {
  auto host = makeLiveHost();
  auditOnce(state, *host);
}

BENCHMARK_CAPTURE(BM_AuditFixtureRoot, rhel6, "rhel6")
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(15)
    ->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_AuditFixtureRoot, ubuntu18, "ubuntu18")
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(15)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_AuditLiveMachine)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(15)
    ->ReportAggregatesOnly(true);

}  // namespace
}  // namespace guestprep

BENCHMARK_MAIN();
