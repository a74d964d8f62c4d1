// Collecting problems in a YAML document (a policy, the daemon's config) as
// "FILE:LINE:COLUMN: message" lines, every one at once, with the file's own text made printable.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace guestprep {

/// Base of the validators of YAML files: each error is located at a node's mark.
class YamlChecker {
 public:
  /// `origin` names the document in messages: a path, or "built-in policy 'x'".
  explicit YamlChecker(std::string origin) : origin_(std::move(origin)) {}

  /// Records "origin:line:column: message" (no line and column when the mark is null).
  void error(const YAML::Mark& mark, const std::string& message);

  /// Reports every key of `map` not in `allowed`, naming what the map is and the allowed keys.
  void onlyKeys(const YAML::Node& map, const std::set<std::string>& allowed,
                const std::string& what);

  [[nodiscard]] bool ok() const { return errors_.empty(); }
  /// Every problem, one per line, in the order found.
  [[nodiscard]] std::string joined() const;

  /// Messages quote the file's own text (keys, values, yaml-cpp's view of a bad character);
  /// control characters there would break the one-problem-per-line format, so they are escaped.
  static std::string printable(std::string_view text);

 private:
  std::string origin_;
  std::vector<std::string> errors_;
};

}  // namespace guestprep
