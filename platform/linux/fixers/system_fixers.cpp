// System fixers: SELinux mode for the next boot (L-SELINUX).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "fixers/edit.h"
#include "fixers/fixers.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kSelinuxConfig = "/etc/selinux/config";

/// L-SELINUX: SELINUX= in /etc/selinux/config set to the mildest mode the policy allows
/// (permissive keeps file labels, so enforcing can come back without a relabel), invalid
/// SELINUX= lines commented out, and selinux=/enforcing= arguments that force SELinux on at
/// boot removed from the boot entries that carry them.
Result<FixItem> planSelinux(const FixContext& ctx) {
  const auto& se = ctx.facts.system.selinux;
  const auto& allowed = ctx.params.getList("allowed");
  std::string target = std::find(allowed.begin(), allowed.end(), "permissive") != allowed.end()
                           ? "permissive"
                           : "disabled";
  if (std::find(allowed.begin(), allowed.end(), target) == allowed.end()) {
    return fail(ErrorCode::kUnsupported,
                "the policy allows neither permissive nor disabled; nothing to set");
  }
  FixItem item;
  std::vector<std::string> changes;
  if (se.config_present) {
    auto text = ctx.host.readFile(kSelinuxConfig);
    if (!text) return std::unexpected(text.error());
    TextLines lines(*text);
    bool set = false;
    for (int n = 1; n <= static_cast<int>(lines.size()); ++n) {
      auto key = assignmentKey(lines.at(n));
      if (!key || *key != "SELINUX") continue;
      if (!set) {
        if (lines.at(n) != "SELINUX=" + target) {
          changes.push_back(
              fmt::format("{}:{}: {} -> SELINUX={}", kSelinuxConfig, n, lines.at(n), target));
          lines.set(n, "SELINUX=" + target);
        }
        set = true;
      } else {
        // libselinux reads the first valid line; later ones only confuse readers.
        changes.push_back(
            fmt::format("{}:{}: later SELINUX= line commented out", kSelinuxConfig, n));
        lines.commentOut(n, "superseded");
      }
    }
    if (!set) {
      lines.append("SELINUX=" + target);
      changes.push_back(fmt::format("{}: SELINUX={} added", kSelinuxConfig, target));
    }
    std::string out = lines.str();
    if (out != *text) {
      item.actions.push_back(
          writeFileAction(std::string(kSelinuxConfig), out, "SELinux " + target + " at next boot"));
    }
  }
  // Kernel arguments win over the config file.
  std::map<std::string, TextLines> edited;
  std::map<std::string, std::string> originals;
  for (const auto& arg : se.boot_args) {
    bool forces_on = arg.text == "enforcing=1" || (arg.text == "selinux=1" && target == "disabled");
    if (!forces_on || arg.source.line == 0) continue;
    auto it = edited.find(arg.source.file);
    if (it == edited.end()) {
      auto text = ctx.host.readFile(arg.source.file);
      if (!text) return std::unexpected(text.error());
      originals[arg.source.file] = *text;
      it = edited.emplace(arg.source.file, TextLines(*text)).first;
    }
    std::string line = it->second.at(arg.source.line);
    if (removeWord(line, arg.text)) {
      it->second.set(arg.source.line, line);
      changes.push_back(
          fmt::format("{}:{}: {} removed", arg.source.file, arg.source.line, arg.text));
    }
  }
  for (auto& [file, lines] : edited) {
    std::string out = lines.str();
    if (out != originals[file]) {
      item.actions.push_back(
          writeFileAction(file, out, "kernel arguments that force SELinux on removed"));
    }
  }
  item.summary = changes.empty() ? "nothing to change"
                                 : fmt::format("SELinux {} at next boot ({})", target,
                                               fmt::join(changes, "; "));
  if (!se.config_present && item.actions.empty()) {
    item.notes.push_back("no /etc/selinux/config and no boot argument to change");
  }
  return item;
}

}  // namespace

std::vector<Fixer> systemFixers() {
  return {
      {"selinux.not_enforcing", "set SELINUX= to permissive (or disabled) for the next boot",
       planSelinux, false},
  };
}

}  // namespace guestprep::os_linux
