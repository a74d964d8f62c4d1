// GCC coverage callback for AFL++: -fsanitize-coverage=trace-pc edges into AFL++'s shared map.
#include <cstdint>

// Defined by AFL++'s afl-compiler-rt.o: the coverage map (a dummy one outside afl-fuzz).
extern "C" std::uint8_t* __afl_area_ptr;  // NOLINT(bugprone-reserved-identifier)

namespace {

// AFL++'s default map is 64 KiB (MAP_SIZE); the runtime never hands out a smaller one.
constexpr std::uintptr_t kMapMask = (1U << 16) - 1;
thread_local std::uintptr_t previous_location = 0;

}  // namespace

// Called by GCC at every basic block; hashes (previous block, this block) into an edge counter,
// as AFL's classic instrumentation does. Must not be instrumented itself.
extern "C" __attribute__((no_sanitize_coverage)) void __sanitizer_cov_trace_pc() {
  auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  std::uintptr_t location = (pc ^ (pc >> 16)) & kMapMask;
  ++__afl_area_ptr[location ^ previous_location];
  previous_location = location >> 1;
}
