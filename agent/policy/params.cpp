// Typed rule parameters.
#include "policy/params.h"

#include <stdexcept>

namespace guestprep {

const ParamValue& Params::at(std::string_view name) const {
  auto it = values_.find(std::string(name));
  if (it == values_.end()) {
    throw std::logic_error("rule parameter '" + std::string(name) + "' is not declared");
  }
  return it->second;
}

template <class T>
static const T& as(const ParamValue& v, std::string_view name) {
  if (const T* p = std::get_if<T>(&v)) return *p;
  throw std::logic_error("rule parameter '" + std::string(name) + "' has another type");
}

bool Params::getBool(std::string_view name) const { return as<bool>(at(name), name); }
std::int64_t Params::getInt(std::string_view name) const {
  return as<std::int64_t>(at(name), name);
}
const std::string& Params::getString(std::string_view name) const {
  return as<std::string>(at(name), name);
}
const std::vector<std::string>& Params::getList(std::string_view name) const {
  return as<std::vector<std::string>>(at(name), name);
}

std::string_view toString(ParamKind kind) {
  switch (kind) {
    case ParamKind::kBool:
      return "boolean";
    case ParamKind::kInt:
      return "integer";
    case ParamKind::kString:
      return "string";
    case ParamKind::kStringList:
      return "list of strings";
  }
  return "unknown";
}

}  // namespace guestprep
