// Helpers shared by the fuzz targets: the input size cap, line counting and invariant checks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::fuzz {

/// Inputs are cut to this size: real configuration files are far smaller, and a cap keeps every
/// run fast enough for the fuzzer to explore the parser rather than the allocator.
inline constexpr std::size_t kMaxInput = 64 * 1024;

/// The fuzzer's bytes as text, cut to kMaxInput.
inline std::string_view inputText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), std::min(size, kMaxInput)};
}

/// Aborts (so the fuzzer records the input as a crash) when an invariant does not hold.
inline void check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

/// The number of lines a line-based parser can see: every LF starts one more.
inline int lineCount(std::string_view text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
}

/// Same, for YAML, where a lone CR also ends a line.
inline int yamlLineCount(std::string_view text) {
  return lineCount(text) + static_cast<int>(std::count(text.begin(), text.end(), '\r'));
}

/// A line reference must be 0 (the whole file) or a line of the input.
inline void checkLine(int line, int lines, const char* what) {
  check(line >= 0 && line <= lines, what);
}

/// Problems point into the input and name the file the caller gave.
inline void checkProblems(const std::vector<ConfigProblem>& problems, int lines,
                          std::string_view file) {
  for (const ConfigProblem& p : problems) {
    checkLine(p.line, lines, "problem line outside the input");
    check(p.file == file, "problem names another file");
    check(!p.message.empty(), "problem without a message");
  }
}

/// A NicConfig names its stack and file, and its kind is one of the documented ones.
inline void checkNic(const NicConfig& nic, std::string_view stack, int lines) {
  check(nic.stack == stack, "NicConfig from another stack");
  checkLine(nic.source.line, lines, "NicConfig source line outside the input");
  checkLine(nic.match_line, lines, "NicConfig match line outside the input");
  static constexpr std::string_view kKinds[] = {"",         "ethernet",   "bond", "bridge",
                                                "vlan",     "alias",      "team", "loopback",
                                                "wireless", "infiniband", "other"};
  check(std::find(std::begin(kKinds), std::end(kKinds), nic.kind) != std::end(kKinds),
        "NicConfig kind is not a documented one");
  check(nic.ipv4 >= AddrMethod::kUnknown && nic.ipv4 <= AddrMethod::kDisabled, "bad ipv4 method");
  check(nic.ipv6 >= AddrMethod::kUnknown && nic.ipv6 <= AddrMethod::kDisabled, "bad ipv6 method");
}

/// The first line of the input (without its CR), for functions that take a file name.
inline std::string_view firstLine(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace guestprep::fuzz
