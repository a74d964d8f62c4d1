// Plans: action names, their JSON, the action constructors and registry value descriptions.
#include "fix/plan.h"

#include <fmt/format.h>

namespace guestprep {

std::size_t Plan::actionCount() const {
  std::size_t n = 0;
  for (const auto& i : items) n += i.actions.size();
  return n;
}

std::string toString(ActionKind k) {
  switch (k) {
    case ActionKind::kWriteFile:
      return "write";
    case ActionKind::kRemove:
      return "remove";
    case ActionKind::kSymlink:
      return "symlink";
    case ActionKind::kMakeDir:
      return "mkdir";
    case ActionKind::kSetFlags:
      return "set-flags";
    case ActionKind::kRunCommand:
      return "run";
    case ActionKind::kSetRegistryValue:
      return "set-registry";
  }
  return "unknown";
}

void to_json(nlohmann::json& j, const Action& a) {
  j = nlohmann::json{{"kind", toString(a.kind)}, {"why", a.why}};
  switch (a.kind) {
    case ActionKind::kWriteFile:
      j["path"] = a.path;
      j["bytes"] = a.content.size();
      break;
    case ActionKind::kRemove:
      j["path"] = a.path;
      break;
    case ActionKind::kSymlink:
      j["path"] = a.path;
      j["target"] = a.target;
      break;
    case ActionKind::kMakeDir:
      j["path"] = a.path;
      j["mode"] = a.mode;
      break;
    case ActionKind::kSetFlags:
      j["path"] = a.path;
      j["flags"] = a.flags;
      break;
    case ActionKind::kRunCommand:
      j["argv"] = a.argv;
      j["touches"] = a.touches;
      break;
    case ActionKind::kSetRegistryValue:
      j["key"] = a.path;
      j["name"] = a.value_name;
      j["value"] = describeRegistryData(a.value);
      break;
  }
}

void to_json(nlohmann::json& j, const FixItem& i) {
  j = nlohmann::json{{"requirement", i.requirement},
                     {"rule_id", i.rule_id},
                     {"summary", i.summary},
                     {"actions", i.actions},
                     {"notes", i.notes}};
}

Action writeFileAction(std::string path, std::string content, std::string why,
                       std::uint32_t mode_if_new) {
  Action a;
  a.kind = ActionKind::kWriteFile;
  a.path = std::move(path);
  a.content = std::move(content);
  a.mode = mode_if_new;
  a.why = std::move(why);
  return a;
}

Action removeAction(std::string path, std::string why) {
  Action a;
  a.kind = ActionKind::kRemove;
  a.path = std::move(path);
  a.why = std::move(why);
  return a;
}

Action symlinkAction(std::string path, std::string target, std::string why) {
  Action a;
  a.kind = ActionKind::kSymlink;
  a.path = std::move(path);
  a.target = std::move(target);
  a.why = std::move(why);
  return a;
}

Action makeDirAction(std::string path, std::string why, std::uint32_t mode) {
  Action a;
  a.kind = ActionKind::kMakeDir;
  a.path = std::move(path);
  a.mode = mode;
  a.why = std::move(why);
  return a;
}

Action setFlagsAction(std::string path, std::uint32_t flags, std::string why) {
  Action a;
  a.kind = ActionKind::kSetFlags;
  a.path = std::move(path);
  a.flags = flags;
  a.why = std::move(why);
  return a;
}

Action runAction(std::vector<std::string> argv, std::vector<std::string> touches, std::string why) {
  Action a;
  a.kind = ActionKind::kRunCommand;
  a.argv = std::move(argv);
  a.touches = std::move(touches);
  a.why = std::move(why);
  return a;
}

Action setRegistryAction(std::string key, std::string value_name, RegistryData value,
                         std::string why) {
  Action a;
  a.kind = ActionKind::kSetRegistryValue;
  a.path = std::move(key);
  a.value_name = std::move(value_name);
  a.value = std::move(value);
  a.why = std::move(why);
  return a;
}

RegistryData registryDword(std::uint32_t value) {
  RegistryData d;
  d.exists = true;
  d.type = 4;  // REG_DWORD
  for (int i = 0; i < 4; ++i) d.data += static_cast<char>((value >> (8 * i)) & 0xff);
  return d;
}

namespace {

std::uint64_t littleEndian(std::string_view bytes) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    n |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  }
  return n;
}

/// UTF-16LE strings (NUL-separated) shown as text; characters beyond ASCII as \uXXXX.
std::string utf16Text(std::string_view bytes) {
  std::string out;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    unsigned u = static_cast<unsigned char>(bytes[i]) |
                 (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8);
    if (u == 0) {
      out += "\\0";
    } else if (u >= 0x20 && u < 0x7f) {
      out += static_cast<char>(u);
    } else {
      out += fmt::format("\\u{:04x}", u);
    }
  }
  while (out.ends_with("\\0")) out.resize(out.size() - 2);
  return out;
}

}  // namespace

std::string describeRegistryData(const RegistryData& v) {
  if (!v.exists) return "absent";
  switch (v.type) {
    case 1:
      return "REG_SZ \"" + utf16Text(v.data) + "\"";
    case 2:
      return "REG_EXPAND_SZ \"" + utf16Text(v.data) + "\"";
    case 7:
      return "REG_MULTI_SZ \"" + utf16Text(v.data) + "\"";
    case 4:
      if (v.data.size() == 4) {
        auto n = littleEndian(v.data);
        return fmt::format("REG_DWORD {:#010x} ({})", n, n);
      }
      break;
    case 11:
      if (v.data.size() == 8) {
        auto n = littleEndian(v.data);
        return fmt::format("REG_QWORD {:#018x} ({})", n, n);
      }
      break;
    default:
      break;
  }
  std::string hex;
  for (unsigned char c : v.data) hex += fmt::format("{:02x}", c);
  return fmt::format("type {} ({} bytes) {}", v.type, v.data.size(), hex);
}

}  // namespace guestprep
