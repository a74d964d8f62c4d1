// Command lines for CreateProcessW: argv quoted so that CommandLineToArgvW and the C runtime
// give the program exactly these arguments back (no shell is involved).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guestprep::os_windows {

/// One argument quoted by the MSVC runtime's rules: quotes only when needed; backslashes are
/// doubled only before a quote.
std::string quoteArgument(std::string_view arg);
/// The whole command line: each argument quoted, joined by spaces.
std::string buildCommandLine(const std::vector<std::string>& argv);

}  // namespace guestprep::os_windows
