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

/// X-MACHINEID (only with --only X-MACHINEID: a new identity is a choice): /etc/machine-id
/// emptied (systemd makes a new one at first boot), a fixed D-Bus machine ID removed, and the
/// SSH host keys removed when something makes new ones at boot (cloud-init, or the sshd start-up
/// of the RHEL and SUSE families); otherwise the keys stay, with a note, since sshd would not
/// start without them and the instance would be unreachable.
Result<FixItem> planMachineId(const FixContext& ctx) {
  const MachineIdFacts& m = ctx.facts.system.machine_id;
  FixItem item;
  std::vector<std::string> done;
  if (m.machine_id_state == "set") {
    item.actions.push_back(
        writeFileAction("/etc/machine-id", "", "empty: systemd generates a new ID at first boot"));
    done.push_back("/etc/machine-id emptied");
  }
  if (m.dbus_state == "set") {
    item.actions.push_back(
        removeAction("/var/lib/dbus/machine-id", "D-Bus creates it (or links it) at boot"));
    done.push_back("/var/lib/dbus/machine-id removed");
  }
  if (!m.ssh_host_keys.empty()) {
    bool regenerated = ctx.facts.software.cloud_init.installed;
    std::string family;
    for (const auto& r : ctx.facts.system.platform.releases) family += r.id + " " + r.id_like + " ";
    for (std::string_view f : {"rhel", "centos", "fedora", "redhat", "suse", "sles", "opensuse"}) {
      if (family.find(f) != std::string::npos) regenerated = true;
    }
    if (regenerated) {
      for (const auto& key : m.ssh_host_keys) {
        item.actions.push_back(removeAction(key, "sshd or cloud-init makes new host keys"));
        auto pub = key + ".pub";
        if (ctx.host.entryExists(pub)) {
          item.actions.push_back(removeAction(pub, "the public half of a removed host key"));
        }
      }
      done.push_back(std::to_string(m.ssh_host_keys.size()) + " SSH host key(s) removed");
    } else {
      item.notes.push_back(
          "SSH host keys kept: nothing on this system makes new ones at boot (no cloud-init), so "
          "sshd would not start; remove them at first boot with `ssh-keygen -A` instead");
    }
  }
  item.summary = done.empty() ? "nothing to change" : fmt::format("{}", fmt::join(done, "; "));
  return item;
}

/// X-RESOLV: an immutable or append-only /etc/resolv.conf made writable, so DHCP and the cloud
/// can set the DNS servers. Static nameservers nothing rewrites are left (which DNS servers the
/// new network should use is the operator's choice), with a note.
Result<FixItem> planResolv(const FixContext& ctx) {
  const ResolvFacts& r = ctx.facts.system.resolv;
  FixItem item;
  if (r.kind == "file" && r.inode_flags.ok() &&
      (*r.inode_flags.value & (kInodeImmutable | kInodeAppendOnly))) {
    item.actions.push_back(setFlagsAction("/etc/resolv.conf", 0, "chattr -i -a"));
    item.summary = "clear the immutable/append-only flags of /etc/resolv.conf";
    return item;
  }
  return fail(ErrorCode::kUnsupported,
              "static nameservers are left as they are: let DHCP manage /etc/resolv.conf "
              "(dhclient, NetworkManager, systemd-resolved or resolvconf), or check that they are "
              "reachable from the cloud network");
}

}  // namespace

std::vector<Fixer> systemFixers() {
  return {
      {"selinux.not_enforcing", "set SELINUX= to permissive (or disabled) for the next boot",
       planSelinux, false},
      {"machine_id.generalised", "empty machine-id, remove fixed D-Bus ID and SSH host keys",
       planMachineId, true},
      {"resolv.managed", "clear immutable/append-only flags of /etc/resolv.conf", planResolv,
       false},
  };
}

}  // namespace guestprep::os_linux
