// Parser for INI-style files: NetworkManager keyfiles (GLib key files) and systemd unit-style
// files (.network, .netdev, .link).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// One `key=value` line; the value keeps its quotes and escapes (their meaning is per format).
struct IniEntry {
  std::string key;
  std::string value;
  int line = 0;
};

/// One `[name]` block with its entries in file order (repeated keys are all kept).
struct IniSection {
  std::string name;
  int line = 0;  ///< line of the `[name]` header
  std::vector<IniEntry> entries;

  /// The last entry for `key` in this block, or nullptr.
  [[nodiscard]] const IniEntry* find(std::string_view key) const;
};

/// A whole file: sections in file order (a name may repeat) plus the lines that did not parse.
struct IniFile {
  std::vector<IniSection> sections;
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set

  /// Every block named `name`, in file order.
  [[nodiscard]] std::vector<const IniSection*> all(std::string_view name) const;
  /// The last `key` over all blocks named `section` (later assignments win in both formats).
  [[nodiscard]] const IniEntry* find(std::string_view section, std::string_view key) const;
  /// Every `key` over all blocks named `section`, in file order (list settings such as Address=).
  [[nodiscard]] std::vector<const IniEntry*> findAll(std::string_view section,
                                                     std::string_view key) const;
  /// The value of find(section, key), or `fallback`.
  [[nodiscard]] std::string get(std::string_view section, std::string_view key,
                                std::string_view fallback = {}) const;
  [[nodiscard]] bool has(std::string_view section) const { return !all(section).empty(); }
};

/// The two dialects differ in comments and continuation lines.
struct IniOptions {
  /// Characters that start a comment line (after leading blanks). GLib key files: "#" only;
  /// systemd: "#;".
  std::string_view comment_chars = "#;";
  /// systemd.syntax(7): a line ending in a backslash continues on the next one, the backslash
  /// replaced by a space. GLib key files have no continuation lines.
  bool backslash_continuation = false;
};

/// Options for NetworkManager keyfiles (GLib key-file syntax).
inline constexpr IniOptions kGKeyFileSyntax{"#", false};
/// Options for systemd unit-style files.
inline constexpr IniOptions kSystemdSyntax{"#;", true};

/// Parses sections, `key=value` lines (blanks around the key and value trimmed), comments, blank
/// lines and CRLF line ends. A line that is neither, an unterminated `[section`, and an assignment
/// before the first section are reported as problems and skipped.
IniFile parseIni(std::string_view text, const IniOptions& options = {});

}  // namespace guestprep::os_linux
