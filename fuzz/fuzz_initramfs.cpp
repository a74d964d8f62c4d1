// Fuzz target for listInitramfs: cpio newc archives walked natively, NUL padding between them,
// and a compressed archive after them read by libarchive (seeds: plain, zstd, gzip, early
// microcode before zstd, zstd in two frames).
#include "fuzz_util.h"
#include "parsers/boot_initramfs.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view image = gf::inputText(data, size);
  gl::InitramfsListing l = gl::listInitramfs(image);
  gf::check(l.files.size() <= gl::kMaxInitramfsEntries, "more entries than the cap");
  for (const std::string& f : l.files) {
    gf::check(!f.empty() && f != "." && !f.starts_with("/") && !f.starts_with("./"),
              "entry name not normalised");
  }
  gf::check(!l.error.empty() || !l.segments.empty(), "no error and no segment");

  return 0;
}
