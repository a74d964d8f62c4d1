// Plans: what fix mode will change, as typed actions that can be shown as a diff before anything
// is touched, and then applied one by one through the Journal.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/mutable_host.h"

namespace guestprep {

struct Facts;

enum class ActionKind {
  kWriteFile,   ///< create or replace `path` with `content` (a new file gets `mode`, root-owned)
  kRemove,      ///< remove the file or symlink `path`
  kSymlink,     ///< create or replace the symlink `path` -> `target` (service enablement)
  kMakeDir,     ///< create the directory `path` with `mode` (its parent must exist)
  kSetFlags,    ///< set the protect inode flags (immutable, append-only) of `path` to `flags`
  kRunCommand,  ///< run `argv` in the audited system; `touches` are backed up before
  /// Windows: set the registry value `value_name` of the key `path` ("HKLM\\SYSTEM\\...") to
  /// `value` (delete it when `!value.exists`); a service's start type is its Start value.
  kSetRegistryValue,
};

struct Action {
  ActionKind kind = ActionKind::kWriteFile;
  std::string path;
  std::string content;
  std::uint32_t mode = 0644;
  std::string target;
  std::uint32_t flags = 0;
  std::vector<std::string> argv;
  std::vector<std::string> touches;    ///< files the command creates or changes
  std::vector<std::string> undo_argv;  ///< how to undo a command's effect outside files
  std::string value_name;              ///< kSetRegistryValue: the value's name
  RegistryData value;                  ///< kSetRegistryValue: the new type and data
  std::string why;                     ///< one line for the plan
  bool operator==(const Action&) const = default;
};

/// What one fixer plans for one failed finding.
struct FixItem {
  std::string requirement;  ///< "L-SELINUX"
  std::string rule_id;      ///< the policy rule
  std::string summary;      ///< "SELINUX=enforcing -> permissive in /etc/selinux/config"
  std::vector<Action> actions;
  /// What the user should know: steps left to do by hand, why nothing is needed.
  std::vector<std::string> notes;
  /// For a fix that only the next boot carries out (a filesystem check): given the facts
  /// collected after applying, what shows the fix is in place ("/forcefsck exists"), or empty
  /// when it is not. Such an item ends "pending reboot" instead of "not verified".
  std::function<std::string(const Facts& after)> in_place_until_reboot;
  /// The item starts or reloads a service on the running system (--live), which takes a moment
  /// to show (sshd re-executes itself on a reload): while it is not verified, the probes look
  /// again a few times before the verdict.
  bool settles = false;
};

/// A finding that will not be fixed, and why (no fixer, excluded by --skip, fixer error).
struct SkippedFix {
  std::string requirement;
  std::string rule_id;
  std::string reason;
};

struct Plan {
  std::vector<FixItem> items;
  std::vector<SkippedFix> skipped;
  [[nodiscard]] std::size_t actionCount() const;
};

std::string toString(ActionKind k);
void to_json(nlohmann::json& j, const Action& a);
void to_json(nlohmann::json& j, const FixItem& i);

/// Action constructors, so fixers read as what they do.
Action writeFileAction(std::string path, std::string content, std::string why,
                       std::uint32_t mode_if_new = 0644);
Action removeAction(std::string path, std::string why);
Action symlinkAction(std::string path, std::string target, std::string why);
Action makeDirAction(std::string path, std::string why, std::uint32_t mode = 0755);
Action setFlagsAction(std::string path, std::uint32_t flags, std::string why);
Action runAction(std::vector<std::string> argv, std::vector<std::string> touches, std::string why);
Action setRegistryAction(std::string key, std::string value_name, RegistryData value,
                         std::string why);

}  // namespace guestprep
