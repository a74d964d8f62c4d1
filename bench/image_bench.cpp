// Benchmarks of `guestprep image check`'s reading, in process: a 500 GiB sparse dynamic VHD and
// a 500 GiB qcow2 made by qemu-img in a temporary directory, opened (headers, the whole BAT or L1
// table, allocated size) and inspected (partition table, superblocks) per iteration.
// bench/image_timing.sh compares whole processes with `qemu-img info` on the same files.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "host/posix_fs.h"
#include "image/image.h"

namespace guestprep {
namespace {

/// A temporary directory for the images, removed when the process ends.
struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("guestprep-image-bench-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

/// Makes `name` with qemu-img once per process; empty when qemu-img is missing.
std::string makeImage(const std::string& format, const std::string& name) {
  static const TempDir dir;
  std::filesystem::path p = dir.path / name;
  if (!std::filesystem::exists(p)) {
    auto r = os_linux::runCommand({"qemu-img", "create", "-q", "-f", format, p.string(), "500G"},
                                  std::chrono::seconds(60));
    if (!r || r->exit_code != 0) return "";
  }
  return p.string();
}

void BM_ImageCheckRead(benchmark::State& state, const char* format, const char* name) {
  std::string path = makeImage(format, name);
  if (path.empty()) {
    state.SkipWithError("qemu-img is not installed");
    return;
  }
  for (auto _ : state) {
    auto img = image::openImageFile(path);
    if (!img) {
      state.SkipWithError(img.error().message.c_str());
      return;
    }
    image::inspectContents(*img);
    benchmark::DoNotOptimize(img->facts);
  }
}

BENCHMARK_CAPTURE(BM_ImageCheckRead, vhd_500g, "vpc", "big.vhd")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ImageCheckRead, qcow2_500g, "qcow2", "big.qcow2")
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace guestprep
