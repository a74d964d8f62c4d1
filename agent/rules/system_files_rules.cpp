// Rules on key system files: accounts.root (X-ROOTACCT), links.relative (X-LIBLINKS),
// machine_id.generalised (X-MACHINEID), resolv.managed (X-RESOLV).
#include <algorithm>

#include "host/host.h"
#include "rules/system_rules.h"

namespace guestprep {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

Outcome errorOutcome(std::string message, std::vector<Evidence> evidence) {
  Outcome out;
  out.status = Status::kError;
  out.message = std::move(message);
  out.evidence = std::move(evidence);
  out.remediation = "Check the files named in the evidence (permissions, encoding) and run again.";
  return out;
}

}  // namespace

std::vector<ParamSpec> rootAccountParams() { return {}; }

Outcome evaluateRootAccount(const Facts& facts, const Params& /*params*/) {
  const SystemFacts& sys = facts.system;
  const RootAccountFacts& r = sys.root;
  std::vector<Evidence> problems = systemProblemsFor(sys, "/etc/passwd");
  for (Evidence& e : systemProblemsFor(sys, "/etc/shadow")) problems.push_back(std::move(e));
  if (!problems.empty()) {
    return errorOutcome("could not read the account files, so the root account is unknown",
                        std::move(problems));
  }
  Outcome out;
  std::vector<std::string> wrong;
  if (!r.passwd_read) {
    wrong.push_back("/etc/passwd is missing");
  } else if (r.passwd_line == 0) {
    wrong.push_back("/etc/passwd has no root entry");
  } else {
    out.evidence.push_back(Evidence{"/etc/passwd", r.passwd_line,
                                    "root: UID " + std::to_string(r.uid) + ", shell " + r.shell});
    if (r.uid != 0) wrong.push_back("root's UID is not 0");
    if (!r.shell_exists) wrong.push_back("root's shell " + r.shell + " does not exist");
    if (r.shell.ends_with("/nologin") || r.shell.ends_with("/false")) {
      wrong.push_back("root's shell " + r.shell + " refuses logins");
    }
  }
  if (!r.shadow_read) {
    wrong.push_back("/etc/shadow is missing");
  } else if (r.shadow_line == 0) {
    wrong.push_back("/etc/shadow has no root entry");
  } else {
    out.evidence.push_back(Evidence{"/etc/shadow", r.shadow_line, "root entry present"});
  }
  if (r.passwd_commands.empty()) {
    wrong.push_back("the passwd command is missing");
  } else {
    out.evidence.push_back(Evidence{r.passwd_commands.front(), 0, "passwd command present"});
  }
  if (!wrong.empty()) {
    out.status = Status::kFail;
    out.message = "the cloud cannot set the root password: " + join(wrong);
    return out;
  }
  out.status = Status::kPass;
  out.message = "root (UID 0, shell " + r.shell + ") is in /etc/passwd and /etc/shadow, and " +
                r.passwd_commands.front() + " exists";
  return out;
}

std::vector<ParamSpec> relativeLinksParams() {
  return {
      {"paths",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin"}},
       "top-level paths that, when they are symlinks, must be relative",
       {}}};
}

Outcome evaluateRelativeLinks(const Facts& facts, const Params& params) {
  const SystemFacts& sys = facts.system;
  Outcome out;
  std::vector<std::string> absolute, relative;
  std::vector<Evidence> problems;
  for (const std::string& path : params.getList("paths")) {
    auto it = std::find_if(sys.top_links.begin(), sys.top_links.end(),
                           [&](const TopLevelLink& l) { return l.path == path; });
    for (Evidence& e : systemProblemsFor(sys, path)) problems.push_back(std::move(e));
    if (it == sys.top_links.end()) {
      problems.push_back(Evidence{path, 0, "not examined by the probe"});
      continue;
    }
    if (it->kind != "symlink") continue;
    if (it->target.starts_with('/')) {
      absolute.push_back(path + " -> " + it->target);
      out.evidence.push_back(Evidence{path, 0, "absolute symlink to " + it->target});
    } else {
      relative.push_back(path + " -> " + it->target);
      out.evidence.push_back(Evidence{path, 0, "relative symlink to " + it->target});
    }
  }
  if (!absolute.empty()) {
    // The disk is mounted elsewhere while the cloud prepares it: an absolute link then points
    // into the host's own /usr (image_check "lib" item).
    out.status = Status::kFail;
    out.message = "absolute symlinks: " + join(absolute);
    out.remediation = "Make them relative: `ln -sfn usr/lib /lib` (likewise the others).";
    return out;
  }
  if (!problems.empty()) {
    return errorOutcome("could not examine every top-level link", std::move(problems));
  }
  out.status = Status::kPass;
  out.message = relative.empty() ? "no top-level library or binary directory is a symlink"
                                 : "top-level links are relative: " + join(relative);
  return out;
}

std::vector<ParamSpec> machineIdParams() { return {}; }

Outcome evaluateMachineId(const Facts& facts, const Params& /*params*/) {
  const SystemFacts& sys = facts.system;
  const MachineIdFacts& m = sys.machine_id;
  std::vector<Evidence> problems = systemProblemsFor(sys, "/etc/machine-id");
  for (Evidence& e : systemProblemsFor(sys, "/etc/ssh")) problems.push_back(std::move(e));
  if (!problems.empty()) {
    return errorOutcome("could not read /etc/machine-id or list /etc/ssh", std::move(problems));
  }
  Outcome out;
  std::vector<std::string> shared;
  if (m.machine_id_state == "set") {
    shared.push_back("/etc/machine-id");
    out.evidence.push_back(Evidence{"/etc/machine-id", 1, "machine ID " + m.machine_id});
  } else {
    out.evidence.push_back(Evidence{"/etc/machine-id", 0, m.machine_id_state});
  }
  if (m.dbus_state == "set") {
    shared.push_back("/var/lib/dbus/machine-id");
    out.evidence.push_back(Evidence{"/var/lib/dbus/machine-id", 1, "a fixed D-Bus machine ID"});
  }
  for (const std::string& key : m.ssh_host_keys) {
    out.evidence.push_back(Evidence{key, 0, "SSH host key"});
  }
  if (!m.ssh_host_keys.empty()) {
    shared.push_back(std::to_string(m.ssh_host_keys.size()) + " SSH host key(s)");
  }
  if (!shared.empty()) {
    // Advice, not a blocker: one imported image is fine; clones of it share these.
    out.status = Status::kWarn;
    out.message = "every instance created from this image will share " + join(shared) +
                  " (same DHCP client ID, same host keys) unless they are generalised";
    return out;
  }
  out.status = Status::kPass;
  out.message = "no machine ID or SSH host key is baked into the image (/etc/machine-id is " +
                m.machine_id_state + ")";
  return out;
}

std::vector<ParamSpec> resolvManagedParams() {
  return {{"static_nameservers",
           ParamKind::kString,
           ParamValue{std::string("warn")},
           "what nameservers in a resolv.conf nothing rewrites at boot count as",
           {"warn", "pass"}}};
}

Outcome evaluateResolvManaged(const Facts& facts, const Params& params) {
  const SystemFacts& sys = facts.system;
  const ResolvFacts& r = sys.resolv;
  std::vector<Evidence> problems = systemProblemsFor(sys, "/etc/resolv.conf");
  if (!problems.empty()) {
    return errorOutcome("could not examine /etc/resolv.conf", std::move(problems));
  }
  Outcome out;
  for (const std::string& m : r.managers) {
    out.evidence.push_back(Evidence{"/etc/resolv.conf", 0, "rewritten at boot by " + m});
  }
  if (r.kind == "file") {
    if (!r.inode_flags.ok()) {
      out.status = Status::kError;
      out.message = "could not read the inode flags of /etc/resolv.conf: " + r.inode_flags.error;
      out.remediation = "Run `lsattr /etc/resolv.conf` by hand: an 'i' or 'a' flag must go.";
      return out;
    }
    std::uint32_t flags = *r.inode_flags.value;
    if (flags & (kInodeImmutable | kInodeAppendOnly)) {
      out.status = Status::kFail;
      out.message = std::string("/etc/resolv.conf is ") +
                    ((flags & kInodeImmutable) ? "immutable" : "append-only") +
                    ": DHCP and the cloud cannot set the DNS servers";
      out.evidence.push_back(
          Evidence{"/etc/resolv.conf", 0,
                   "inode flags include " + std::string((flags & kInodeImmutable) ? "i" : "a")});
      out.remediation = "chattr -i -a /etc/resolv.conf";
      return out;
    }
  }
  for (const Nameserver& ns : r.nameservers) {
    out.evidence.push_back(Evidence{ns.source.file, ns.source.line, "nameserver " + ns.address});
  }
  if (r.kind == "symlink") {
    out.evidence.push_back(Evidence{"/etc/resolv.conf", 0, "symlink to " + r.link_target});
  }
  if (!r.generated_by.empty()) {
    out.evidence.push_back(Evidence{"/etc/resolv.conf", 1, "generated by " + r.generated_by});
  }
  bool managed = !r.managers.empty() || !r.generated_by.empty() || r.kind == "symlink";
  if (r.kind == "file" && !r.nameservers.empty() && !managed &&
      params.getString("static_nameservers") == "warn") {
    out.status = Status::kWarn;
    out.message = std::to_string(r.nameservers.size()) +
                  " static nameserver(s) in /etc/resolv.conf and nothing rewrites it at boot: the "
                  "instance keeps this network's DNS servers";
    out.remediation =
        "Let DHCP set DNS (dhclient, NetworkManager, systemd-resolved or resolvconf), or make "
        "sure the nameservers listed are reachable from the cloud network.";
    return out;
  }
  out.status = Status::kPass;
  out.message = r.kind == "absent" ? "/etc/resolv.conf is absent; it is written at boot"
                : managed          ? "/etc/resolv.conf is writable and managed at boot"
                                   : "/etc/resolv.conf is writable and names no static nameserver";
  return out;
}

}  // namespace guestprep
