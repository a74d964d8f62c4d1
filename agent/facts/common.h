// Types shared by every family of facts: Observed values, source references, problems.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace guestprep {

/// Version of the Facts JSON layout; bump when a field changes meaning or is removed.
inline constexpr int kFactsSchemaVersion = 1;

/// A value a probe tried to read: either the value, or why it could not be read.
/// "Not collected" is never the same as "empty": rules turn a missing value into an error finding.
template <class T>
struct Observed {
  std::optional<T> value;
  std::string error;  ///< why there is no value (set exactly when value is empty)

  [[nodiscard]] bool ok() const { return value.has_value(); }
  static Observed of(T v) { return Observed{std::move(v), {}}; }
  static Observed failed(std::string why) { return Observed{std::nullopt, std::move(why)}; }
};

/// A place in a file, for evidence.
struct SourceRef {
  std::string file;
  int line = 0;  ///< 1-based; 0 when the whole file is meant
  bool operator==(const SourceRef&) const = default;
};

/// A file that could not be read or parsed; the rest of the probe went on.
/// `line` 0 means the file as a whole could not be (fully) read, so facts drawn from it may be
/// incomplete and rules that depend on it report an error rather than a pass; a line number means
/// one line was malformed and skipped.
struct ConfigProblem {
  std::string file;
  int line = 0;
  std::string message;
  bool operator==(const ConfigProblem&) const = default;
};

template <class T>
bool operator==(const Observed<T>& a, const Observed<T>& b) {
  return a.value == b.value && a.error == b.error;
}

void to_json(nlohmann::json& j, const SourceRef& r);
void from_json(const nlohmann::json& j, SourceRef& r);
void to_json(nlohmann::json& j, const ConfigProblem& p);
void from_json(const nlohmann::json& j, ConfigProblem& p);

/// Observed<T> in JSON: {"value": ...} or {"error": "why"}.
template <class T>
void to_json(nlohmann::json& j, const Observed<T>& o) {
  if (o.value) {
    j = nlohmann::json{{"value", *o.value}};
  } else {
    j = nlohmann::json{{"error", o.error}};
  }
}

template <class T>
void from_json(const nlohmann::json& j, Observed<T>& o) {
  if (j.contains("value")) {
    o.value = j.at("value").get<T>();
    o.error.clear();
  } else {
    o.value.reset();
    o.error = j.at("error").get<std::string>();
  }
}

}  // namespace guestprep
