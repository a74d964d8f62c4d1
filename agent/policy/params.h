// Typed rule parameters: each rule type declares its parameters (name, type, default, meaning);
// the policy loader validates a rule's `params:` against that declaration.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace guestprep {

enum class ParamKind { kBool, kInt, kString, kStringList };

using ParamValue = std::variant<bool, std::int64_t, std::string, std::vector<std::string>>;

/// One parameter a rule type accepts.
struct ParamSpec {
  std::string name;
  ParamKind kind = ParamKind::kString;
  std::optional<ParamValue> default_value;  ///< none: the policy must give it
  std::string doc;
  std::vector<std::string> choices;  ///< for kString: allowed values (empty: any)
};

/// The validated parameters of one policy rule (defaults filled in).
class Params {
 public:
  Params() = default;
  explicit Params(std::map<std::string, ParamValue> values) : values_(std::move(values)) {}

  /// The accessors throw std::logic_error when the rule type asks for a parameter it did not
  /// declare (a programming error, turned into an error finding by the engine).
  [[nodiscard]] bool getBool(std::string_view name) const;
  [[nodiscard]] std::int64_t getInt(std::string_view name) const;
  [[nodiscard]] const std::string& getString(std::string_view name) const;
  [[nodiscard]] const std::vector<std::string>& getList(std::string_view name) const;
  [[nodiscard]] const std::map<std::string, ParamValue>& values() const { return values_; }

 private:
  [[nodiscard]] const ParamValue& at(std::string_view name) const;
  std::map<std::string, ParamValue> values_;
};

std::string_view toString(ParamKind kind);

}  // namespace guestprep
