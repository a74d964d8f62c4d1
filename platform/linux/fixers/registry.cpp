#include "fixers/fixers.h"

namespace guestprep {

const std::vector<Fixer>& platformFixers() {
  static const std::vector<Fixer> all = [] {
    std::vector<Fixer> v;
    for (auto family : {os_linux::systemFixers, os_linux::authFixers}) {
      auto list = family();
      v.insert(v.end(), list.begin(), list.end());
    }
    return v;
  }();
  return all;
}

}  // namespace guestprep
