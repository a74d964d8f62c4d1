#include "fix/planned_host.h"

#include <algorithm>

namespace guestprep {

namespace {

std::pair<std::string, std::string> splitParent(std::string_view path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string_view::npos || slash == 0) {
    return {"/", std::string(path.substr(slash == std::string_view::npos ? 0 : 1))};
  }
  return {std::string(path.substr(0, slash)), std::string(path.substr(slash + 1))};
}

FileStat statOf(std::uint32_t mode, FileStat::Type type, std::uint64_t size) {
  FileStat st;
  st.type = type;
  st.mode = mode;
  st.size = size;
  return st;
}

}  // namespace

std::string PlannedHost::entryKey(std::string_view path) const {
  auto [parent, name] = splitParent(path);
  auto canon = base_.canonicalPath(parent);
  std::string dir = canon ? *canon : parent;
  return (dir == "/" ? "" : dir) + "/" + name;
}

std::string PlannedHost::followKey(std::string_view path) const {
  std::string key = entryKey(path);
  // A symlink planned earlier is followed through the overlay, once.
  auto it = overlay_.find(key);
  if (it != overlay_.end() && it->second.kind == Entry::Kind::kSymlink) {
    const std::string& t = it->second.content;
    if (!t.empty() && t.front() == '/') return entryKey(t);
    return entryKey(splitParent(key).first + "/" + t);
  }
  if (it != overlay_.end()) return key;
  auto canon = base_.canonicalPath(path);
  return canon ? *canon : key;
}

std::string PlannedHost::actionPath(const Action& a) const {
  switch (a.kind) {
    case ActionKind::kWriteFile:
    case ActionKind::kSetFlags:
      return followKey(a.path);
    case ActionKind::kRemove:
    case ActionKind::kSymlink:
    case ActionKind::kMakeDir:
      return entryKey(a.path);
    case ActionKind::kRunCommand:
      return {};
    case ActionKind::kSetRegistryValue:
      return a.path + "\\" + a.value_name;
  }
  return {};
}

namespace {

/// Registry keys and value names are case-insensitive.
std::string registryKey(std::string_view key, std::string_view name) {
  std::string k(key);
  k += '\0';
  k += name;
  for (char& c : k) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '/') c = '\\';
  }
  return k;
}

}  // namespace

Result<RegistryData> PlannedHost::registryValue(std::string_view key, std::string_view name) const {
  if (auto it = registry_.find(registryKey(key, name)); it != registry_.end()) return it->second;
  return readRegistryValue(base_, key, name);
}

Result<RegistryData> readRegistryValue(const Host& host, std::string_view key,
                                       std::string_view name) {
  if (const auto* planned = dynamic_cast<const PlannedHost*>(&host)) {
    return planned->registryValue(key, name);
  }
  if (const auto* mutable_host = dynamic_cast<const MutableHost*>(&host)) {
    return mutable_host->registryValue(key, name);
  }
  return fail(ErrorCode::kUnsupported, "cannot read the registry value " + std::string(key) + "\\" +
                                           std::string(name) + " through " + host.describe());
}

void PlannedHost::apply(const Action& a) {
  if (a.kind == ActionKind::kRunCommand) return;
  if (a.kind == ActionKind::kSetRegistryValue) {
    registry_[registryKey(a.path, a.value_name)] = a.value;
    return;
  }
  std::string key = actionPath(a);
  switch (a.kind) {
    case ActionKind::kWriteFile: {
      Entry e;
      e.kind = Entry::Kind::kFile;
      e.content = a.content;
      auto st = stat(key);
      e.mode = st && st->type == FileStat::Type::kRegular ? st->mode : a.mode;
      overlay_[key] = std::move(e);
      break;
    }
    case ActionKind::kRemove:
      overlay_[key] = Entry{Entry::Kind::kRemoved, {}, 0, {}};
      break;
    case ActionKind::kSymlink:
      overlay_[key] = Entry{Entry::Kind::kSymlink, a.target, 0777, {}};
      break;
    case ActionKind::kMakeDir:
      overlay_[key] = Entry{Entry::Kind::kDirectory, {}, a.mode, {}};
      break;
    case ActionKind::kSetFlags: {
      auto it = overlay_.find(key);
      if (it != overlay_.end()) {
        it->second.flags = a.flags;
      } else {
        auto content = base_.readFile(key);
        auto st = base_.stat(key);
        Entry e;
        e.kind = st && st->type == FileStat::Type::kDirectory ? Entry::Kind::kDirectory
                                                              : Entry::Kind::kFile;
        e.content = content ? *content : std::string();
        e.mode = st ? st->mode : 0644;
        e.flags = a.flags;
        overlay_[key] = std::move(e);
      }
      break;
    }
    case ActionKind::kRunCommand:
    case ActionKind::kSetRegistryValue:
      break;
  }
}

const PlannedHost::Entry* PlannedHost::find(std::string_view path, bool follow) const {
  if (overlay_.empty()) return nullptr;
  std::string key = follow ? followKey(path) : entryKey(path);
  auto it = overlay_.find(key);
  return it == overlay_.end() ? nullptr : &it->second;
}

Result<std::string> PlannedHost::readFile(std::string_view path, std::size_t max_bytes) const {
  if (const Entry* e = find(path, true)) {
    if (e->kind == Entry::Kind::kRemoved) {
      return fail(ErrorCode::kNotFound, std::string(path) + ": removed by the plan");
    }
    if (e->kind == Entry::Kind::kFile) return e->content;
    if (e->kind == Entry::Kind::kDirectory) {
      return fail(ErrorCode::kInvalidInput, std::string(path) + ": is a directory");
    }
  }
  return base_.readFile(path, max_bytes);
}

Result<std::vector<std::string>> PlannedHost::listDir(std::string_view path) const {
  std::vector<std::string> names;
  auto base = base_.listDir(path);
  const Entry* self = find(path, true);
  if (base) {
    names = *base;
  } else if (!self || self->kind != Entry::Kind::kDirectory) {
    return base;
  }
  std::string dir = followKey(path);
  std::string prefix = (dir == "/" ? "" : dir) + "/";
  for (const auto& [key, e] : overlay_) {
    if (!key.starts_with(prefix)) continue;
    std::string name = key.substr(prefix.size());
    if (name.empty() || name.find('/') != std::string::npos) continue;
    auto it = std::find(names.begin(), names.end(), name);
    if (e.kind == Entry::Kind::kRemoved) {
      if (it != names.end()) names.erase(it);
    } else if (it == names.end()) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<FileStat> PlannedHost::stat(std::string_view path) const {
  if (const Entry* e = find(path, true)) {
    switch (e->kind) {
      case Entry::Kind::kRemoved:
        return fail(ErrorCode::kNotFound, std::string(path) + ": removed by the plan");
      case Entry::Kind::kFile:
        return statOf(e->mode, FileStat::Type::kRegular, e->content.size());
      case Entry::Kind::kDirectory:
        return statOf(e->mode, FileStat::Type::kDirectory, 0);
      case Entry::Kind::kSymlink:
        break;  // dangling through the overlay: ask the base
    }
  }
  return base_.stat(path);
}

Result<FileStat> PlannedHost::lstat(std::string_view path) const {
  if (const Entry* e = find(path, false)) {
    switch (e->kind) {
      case Entry::Kind::kRemoved:
        return fail(ErrorCode::kNotFound, std::string(path) + ": removed by the plan");
      case Entry::Kind::kFile:
        return statOf(e->mode, FileStat::Type::kRegular, e->content.size());
      case Entry::Kind::kDirectory:
        return statOf(e->mode, FileStat::Type::kDirectory, 0);
      case Entry::Kind::kSymlink:
        return statOf(0777, FileStat::Type::kSymlink, e->content.size());
    }
  }
  return base_.lstat(path);
}

Result<std::string> PlannedHost::readLink(std::string_view path) const {
  if (const Entry* e = find(path, false)) {
    if (e->kind == Entry::Kind::kSymlink) return e->content;
    return fail(ErrorCode::kInvalidInput, std::string(path) + ": not a symlink");
  }
  return base_.readLink(path);
}

Result<std::uint32_t> PlannedHost::inodeFlags(std::string_view path) const {
  if (const Entry* e = find(path, true)) {
    if (e->flags) return *e->flags;
    if (e->kind == Entry::Kind::kRemoved) {
      return fail(ErrorCode::kNotFound, std::string(path) + ": removed by the plan");
    }
  }
  return base_.inodeFlags(path);
}

}  // namespace guestprep
