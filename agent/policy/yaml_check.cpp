// YamlChecker: located, printable problems of a YAML document.
#include "policy/yaml_check.h"

namespace guestprep {

void YamlChecker::error(const YAML::Mark& mark, const std::string& message) {
  std::string where = origin_;
  if (!mark.is_null()) {
    where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  errors_.push_back(where + ": " + printable(message));
}

void YamlChecker::onlyKeys(const YAML::Node& map, const std::set<std::string>& allowed,
                           const std::string& what) {
  for (const auto& kv : map) {
    std::string key = kv.first.Scalar();
    if (!allowed.contains(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      error(kv.first.Mark(), "unknown key '" + key + "' in " + what + " (allowed: " + list + ")");
    }
  }
}

std::string YamlChecker::joined() const {
  std::string out;
  for (const auto& e : errors_) {
    if (!out.empty()) out += '\n';
    out += e;
  }
  return out;
}

std::string YamlChecker::printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace guestprep
