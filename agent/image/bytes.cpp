// Bounded reads and messages shared by the image readers.
#include "image/bytes.h"

#include <fmt/format.h>

namespace guestprep::image {

std::string where(const disk::BlockSource& file, std::string_view structure, std::uint64_t offset,
                  std::string_view what) {
  return fmt::format("{}: {} at offset {}: {}", file.describe(), structure, offset, what);
}

Result<std::vector<std::uint8_t>> readStruct(const disk::BlockSource& file, std::uint64_t offset,
                                             std::size_t n, std::string_view structure) {
  if (offset > file.size() || n > file.size() - offset) {
    return fail(ErrorCode::kInvalidInput,
                where(file, structure, offset,
                      fmt::format("{} bytes needed, the file ends at {} (truncated, or a "
                                  "header points past the end)",
                                  n, file.size())));
  }
  std::vector<std::uint8_t> buf(n);
  if (auto r = file.readAt(offset, buf); !r) {
    return fail(r.error().code, where(file, structure, offset, r.error().message));
  }
  return buf;
}

bool mulOverflows(std::uint64_t a, std::uint64_t b, std::uint64_t* out) {
  return __builtin_mul_overflow(a, b, out);
}

std::string humanSize(std::uint64_t bytes) {
  constexpr std::uint64_t kKi = 1024;
  struct Unit {
    std::uint64_t size;
    const char* name;
  };
  for (Unit u : {Unit{kKi * kKi * kKi * kKi, "TiB"}, Unit{kKi * kKi * kKi, "GiB"},
                 Unit{kKi * kKi, "MiB"}, Unit{kKi, "KiB"}}) {
    if (bytes < u.size) continue;
    if (bytes % u.size == 0) return fmt::format("{} {}", bytes / u.size, u.name);
    return fmt::format("{:.1f} {}", static_cast<double>(bytes) / static_cast<double>(u.size),
                       u.name);
  }
  return fmt::format("{} bytes", bytes);
}

}  // namespace guestprep::image
