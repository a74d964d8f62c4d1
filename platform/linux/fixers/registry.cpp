#include "fixers/fixers.h"

namespace guestprep {

const std::vector<Fixer>& platformFixers() {
  using FamilyFn = std::vector<Fixer> (*)();
  // One line per family (fixers.h).
  // clang-format off
  static constexpr FamilyFn kFamilies[] = {
      os_linux::systemFixers,
      os_linux::authFixers,
      os_linux::networkFixers,
      os_linux::storageFixers,
      os_linux::serviceFixers,
      os_linux::bootFixers,
      os_linux::fscheckFixers,
  };
  // clang-format on
  static const std::vector<Fixer> all = [] {
    std::vector<Fixer> v;
    for (FamilyFn family : kFamilies) {
      auto list = family();
      v.insert(v.end(), list.begin(), list.end());
    }
    return v;
  }();
  return all;
}

}  // namespace guestprep
