// Line-level editing of configuration files for fixers: the file is changed only where it must
// be, comments and layout are kept, and each edit leaves a marker comment saying who did it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guestprep::os_linux {

/// A text as lines, remembering whether it ended with a newline and its line ending (CRLF kept).
class TextLines {
 public:
  explicit TextLines(std::string_view text);
  [[nodiscard]] std::string str() const;
  [[nodiscard]] std::size_t size() const { return lines_.size(); }
  /// 1-based access, as SourceRef lines are.
  [[nodiscard]] const std::string& at(int line) const;
  void set(int line, std::string text);
  /// Inserts `text` before 1-based `line` (size()+1 appends).
  void insert(int line, std::string text);
  void append(std::string text) { insert(static_cast<int>(lines_.size()) + 1, std::move(text)); }
  /// Turns line `line` into a comment: "# <marker>: <old line>".
  void commentOut(int line, std::string_view why);

 private:
  std::vector<std::string> lines_;
  bool final_newline_ = true;
  bool crlf_ = false;
};

/// The marker fixers put in comments: "guestprep <version> <date>".
std::string editMarker();

/// Removes the whitespace-separated word `word` from `line` (kernel arguments); returns whether
/// it was there.
bool removeWord(std::string& line, std::string_view word);

/// Shell-style `KEY=value` assignment at the start of a line (ifcfg, /etc/default/*), with
/// optional spaces and quotes; the key when it is one.
std::optional<std::string> assignmentKey(std::string_view line);

/// Replaces the whitespace-separated field `index` (0-based) of `line`, keeping the spacing
/// around it; nullopt when the line has fewer fields.
std::optional<std::string> replaceField(std::string_view line, std::size_t index,
                                        std::string_view value);

/// Replaces the whitespace-separated word that starts with `prefix` ("root=") by `word`.
bool replaceWordWithPrefix(std::string& line, std::string_view prefix, std::string_view old_value,
                           std::string_view word);

}  // namespace guestprep::os_linux
