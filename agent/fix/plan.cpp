#include "fix/plan.h"

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

}  // namespace guestprep
