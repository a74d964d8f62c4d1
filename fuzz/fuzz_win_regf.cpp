// Fuzz target for RegfHive (registry hive files): parse, then walk the whole tree (bounded in
// depth and in the number of keys), reading every name, subkey list and value.
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "parsers/regf.h"

namespace gf = guestprep::fuzz;
namespace gw = guestprep::os_windows;

namespace {

void walk(const gw::RegfHive& h, gw::RegfHive::Key key, int depth, int& budget) {
  if (depth > 32 || --budget < 0) return;
  auto name = h.name(key);
  if (name) gf::check(h.find(key, "").has_value(), "a readable key cannot find itself");
  if (auto values = h.valueNames(key)) {
    for (const std::string& v : *values) {
      auto data = h.value(key, v);
      if (data) {
        gf::check(data->exists, "a listed value is absent");
        gf::check(data->data.size() <= 64 * 1024 * 1024, "value data larger than possible");
      } else {
        gf::check(!data.error().message.empty(), "error without a message");
      }
    }
  }
  auto subs = h.subkeyNames(key);
  if (!subs) {
    gf::check(subs.error().message.find("fuzz") != std::string::npos, "error without origin");
    return;
  }
  for (const std::string& s : *subs) {
    if (budget <= 0) break;  // every lookup scans the list: bound them too
    // A name with a backslash is a path, and "" the key itself: not lookups of this subkey.
    if (s.empty() || s.find('\\') != std::string::npos) continue;
    auto next = h.find(key, s);
    gf::check(next && next->has_value(), "a listed subkey is not found");
    walk(h, **next, depth + 1, budget);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Hives are larger than text files: the cap allows a few bins (seeds are 8-28 KiB).
  std::string bytes(gf::inputText(data, size));
  auto hive = gw::RegfHive::parse(bytes, "fuzz");
  if (!hive) {
    gf::check(hive.error().message.find("fuzz") != std::string::npos, "error without origin");
    return 0;
  }
  int budget = 1000;
  walk(*hive, hive->root(), 0, budget);
  return 0;
}
