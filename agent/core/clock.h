// Wall-clock helpers for timestamps in facts and reports.
#pragma once

#include <string>

namespace guestprep {

/// The current UTC time as ISO 8601 ("2026-11-24T21:30:00Z").
std::string utcNow();

}  // namespace guestprep
