// Editing network configuration files for the network fixers: a set of pending file edits read
// through the planning Host, and the per-format line edits (ifcfg, ifupdown, netplan YAML,
// NetworkManager and systemd INI files) that keep comments and layout and mark what they change.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "fix/plan.h"
#include "host/host.h"

namespace guestprep::os_linux::netfix {

/// Files being edited for one fix (the network and storage fixers): each is read once through
/// the host, edited any number of times, and becomes one write action (new files and
/// directories first).
class FileEdits {
 public:
  explicit FileEdits(const Host& host) : host_(host) {}

  /// The text of `path` with the edits so far. A file copied from `copy_of` (an override in
  /// /etc of a file under /usr/lib, /lib or /run) starts as that file's text after `header`.
  Result<std::string> text(const std::string& path, const std::string& copy_of = {},
                           const std::string& header = {});
  /// Replaces the text of a file returned by text() (or creates a new file).
  void set(const std::string& path, std::string text, const std::string& why,
           std::uint32_t mode_if_new = 0644);
  /// Whether `path` exists on the host or is already planned.
  [[nodiscard]] bool exists(const std::string& path) const;
  /// Plans the missing directories of `dir` (one action per level).
  void ensureDir(const std::string& dir);
  /// Moves the file `from` (with the edits so far, and its mode) to the new file `to`: `to` is
  /// written and `from` removed, after every other write of the fix. An error when `to` exists.
  Result<void> move(const std::string& from, const std::string& to, const std::string& why);
  /// One line per change, for the fix's summary.
  void change(std::string what) { changes_.push_back(std::move(what)); }
  [[nodiscard]] const std::vector<std::string>& changes() const { return changes_; }
  /// The actions: directories, then one write per file whose text differs from the original,
  /// then the removals of the files moved away.
  [[nodiscard]] std::vector<Action> actions() const;

 private:
  struct File {
    std::string original;
    std::string current;
    std::string why;
    bool existed = true;
    bool removed = false;  ///< moved away (move()): removed after the writes
    std::uint32_t mode = 0644;
  };
  const Host& host_;
  std::map<std::string, File> files_;
  std::vector<std::string> order_;
  std::vector<std::string> dirs_;
  std::vector<std::string> changes_;
};

/// Where edits of a configuration file go: the file itself under /etc; for a file shipped
/// under /usr/lib or /lib, a copy of the same name in `etc_dir` (which takes precedence for the
/// stack); a file under /run is not persistent, so it cannot be fixed (an error).
Result<std::string> editTarget(const std::string& path, std::string_view etc_dir);
/// The comment put at the top of such a copy.
std::string overrideHeader(const std::string& original);

// ---- ifcfg (shell KEY=value) ------------------------------------------------------------------

/// Sets the last assignment of `key` to `value` (keeping its quoting), or appends one; returns
/// whether the text changed.
bool ifcfgSet(std::string& text, std::string_view key, std::string_view value);
/// Comments out every assignment of a key accepted by `matches` (the key); returns the keys.
std::vector<std::string> ifcfgComment(std::string& text, bool (*matches)(std::string_view key),
                                      std::string_view why);

// ---- INI (NetworkManager keyfiles, systemd .network/.link) ------------------------------------

/// Sets `key` in the last `[section]` (any of `sections`, the first one used when it is absent):
/// every earlier assignment in those sections is left alone except the last, which is replaced;
/// without one the key is added at the end of the last such section, or a new section is
/// appended. Returns whether the text changed.
bool iniSet(std::string& text, const std::vector<std::string>& sections, std::string_view key,
            std::string_view value);
/// Comments out every `key=` line in the sections named whose value `matches` (nullptr: all);
/// returns how many lines.
int iniComment(std::string& text, const std::vector<std::string>& sections,
               bool (*key_matches)(std::string_view key), std::string_view why,
               bool (*value_matches)(std::string_view value) = nullptr);

// ---- netplan YAML (block style) ---------------------------------------------------------------

/// A device definition's place in one netplan file.
struct YamlBlock {
  int key_line = 0;  ///< 1-based line of "ID:"
  int end_line = 0;  ///< last line of the block (comments and blanks at its end excluded)
  int indent = 0;    ///< indentation of the ID key
  int child_indent;  ///< indentation of its keys (indent + step when it has none)
  int parent_line;   ///< the type block line ("ethernets:")
};

/// Finds the block of device `id` whose key is at `line` (from the parser's SourceRef); an error
/// for flow style (`ens3: {dhcp4: true}`) and anything this editor does not follow.
Result<YamlBlock> yamlDevice(const std::string& text, std::string_view id, int line);
/// Sets a scalar child `key: value` of the device (replacing the value, or inserting the key
/// first in the block); a key holding a nested block is commented out and written anew.
Result<bool> yamlSet(std::string& text, std::string_view id, int line, std::string_view key,
                     std::string_view value);
/// Comments out the child `key` (with its nested lines); returns whether it was there.
Result<bool> yamlComment(std::string& text, std::string_view id, int line, std::string_view key,
                         std::string_view why);
/// Comments out `sub` under the child `key` (match: macaddress:), and `key` itself when nothing
/// is left under it; returns whether `sub` was there.
Result<bool> yamlCommentSub(std::string& text, std::string_view id, int line, std::string_view key,
                            std::string_view sub, std::string_view why);
/// Comments out the entries of the `addresses` list that `drop` accepts (block or flow
/// sequence), and the key when none is left; returns how many were dropped.
Result<int> yamlDropAddresses(std::string& text, std::string_view id, int line,
                              bool (*drop)(std::string_view address), std::string_view why);
/// Renames the device `id` (its key line is commented out and written again with `to`), for a
/// definition whose ID is the interface name.
Result<void> yamlRenameDevice(std::string& text, std::string_view id, int line, std::string_view to,
                              std::string_view why);
/// Comments out the whole device block, and its type block when that is left empty.
Result<void> yamlCommentDevice(std::string& text, std::string_view id, int line,
                               std::string_view why);

// ---- ifupdown (/etc/network/interfaces) -------------------------------------------------------

/// Comments out the stanza starting at `line` (the `iface` line through its last option,
/// continuation lines included); `next_item_line` is the line of the next top-level item of the
/// file (0: none).
void eniCommentStanza(std::string& text, int line, int next_item_line, std::string_view why);
/// Removes `name` from the name list at `line` (auto, allow-hotplug): the line is commented out
/// and, when other names remain, written again without `name` below it.
void eniRemoveName(std::string& text, int line, std::string_view name, std::string_view why);

/// `name` with the interface `from` renamed to `to`: `from` itself, its aliases ("ens3:1") and its
/// VLANs ("ens3.100"); nullopt for any other name.
std::optional<std::string> renamedInterface(std::string_view name, std::string_view from,
                                            std::string_view to);
/// Renames the interface `from` to `to` in the words after the first of line `line` (`auto`,
/// `allow-hotplug`, `iface NAME`): the line is commented out and written again below; returns
/// whether any word changed. `only_second` limits the change to the second word (iface lines).
bool eniRenameWords(std::string& text, int line, std::string_view from, std::string_view to,
                    bool only_second, std::string_view why);

/// Whether an address (CIDR or bare) is IPv6.
bool isIpv6Address(std::string_view address);

}  // namespace guestprep::os_linux::netfix
