// Wall-clock helpers for timestamps in facts and reports.
#include "core/clock.h"

#include <chrono>
#include <cstdio>

namespace guestprep {

std::string utcNow() {
  // The C++20 calendar, not gmtime_r: the same code on every platform (mingw has no gmtime_r).
  using namespace std::chrono;
  auto now = floor<seconds>(system_clock::now());
  auto day = floor<days>(now);
  year_month_day ymd{day};
  hh_mm_ss<seconds> hms{now - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace guestprep
