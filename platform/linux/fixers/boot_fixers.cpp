// Boot fixers: virtio and Xen drivers in the default kernel's initramfs (L-DRIVERS), and its
// modules.dep and initramfs present (X-BOOTKERNEL). The initramfs is rebuilt by the
// distribution's own tool, run inside the system, with the old image kept by the journal.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "fixers/edit.h"
#include "fixers/fixers.h"
#include "parsers/shell_vars.h"
#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

enum class InitramfsTool { kNone, kInitramfsTools, kDracut, kSuseMkinitrd };

constexpr std::string_view kInitramfsToolsModules = "/etc/initramfs-tools/modules";
constexpr std::string_view kDracutDropIn = "/etc/dracut.conf.d/90-guestprep-virtio.conf";
constexpr std::string_view kSuseKernel = "/etc/sysconfig/kernel";

bool anyExists(const Host& host, std::initializer_list<std::string_view> paths) {
  return std::any_of(paths.begin(), paths.end(),
                     [&](std::string_view p) { return host.exists(p); });
}

/// The tool that builds this system's initramfs: what the distribution's kernel packages call.
InitramfsTool detectTool(const Host& host) {
  if (anyExists(host, {"/usr/sbin/update-initramfs", "/sbin/update-initramfs"})) {
    return InitramfsTool::kInitramfsTools;
  }
  if (anyExists(host, {"/usr/bin/dracut", "/usr/sbin/dracut", "/sbin/dracut"})) {
    return InitramfsTool::kDracut;
  }
  if (anyExists(host, {"/sbin/mkinitrd", "/usr/sbin/mkinitrd"}) && host.exists(kSuseKernel)) {
    return InitramfsTool::kSuseMkinitrd;
  }
  return InitramfsTool::kNone;
}

bool isSuse(const Facts& facts) {
  std::string ids = " " + facts.os.id + " " + facts.os.id_like + " ";
  return ids.find(" sles ") != std::string::npos || ids.find(" suse ") != std::string::npos ||
         ids.find(" opensuse") != std::string::npos;
}

/// The image the tool writes for `release`, as a path on the system with symlinks resolved (the
/// journal keeps that file, not a link to it).
std::string imagePath(const FixContext& ctx, InitramfsTool tool, const std::string& release) {
  const InitramfsFacts& ir = ctx.facts.boot.initramfs;
  std::string path;
  if (tool == InitramfsTool::kInitramfsTools) {
    path = "/boot/initrd.img-" + release;  // update-initramfs(8) names it so, whatever grub says
  } else if (!ir.path.empty()) {
    path = ir.path;
  } else if (tool == InitramfsTool::kSuseMkinitrd || isSuse(ctx.facts)) {
    path = "/boot/initrd-" + release;
  } else {
    path = "/boot/initramfs-" + release + ".img";
  }
  if (ctx.host.entryExists(path)) {
    if (auto canon = ctx.host.canonicalPath(path)) return *canon;
  }
  return path;
}

/// The files depmod(8) writes (kmod and module-init-tools), so the journal can remove or restore
/// each of them.
std::vector<std::string> depmodOutputs(const std::string& release) {
  std::vector<std::string> out;
  for (const char* name :
       {"modules.dep", "modules.dep.bin", "modules.alias", "modules.alias.bin", "modules.symbols",
        "modules.symbols.bin", "modules.builtin.bin", "modules.builtin.alias.bin",
        "modules.devname", "modules.softdep", "modules.weakdep", "modules.ccwmap",
        "modules.ieee1394map", "modules.inputmap", "modules.isapnpmap", "modules.ofmap",
        "modules.pcimap", "modules.seriomap", "modules.usbmap"}) {
    out.push_back("/lib/modules/" + release + "/" + name);
  }
  return out;
}

Action depmodAction(const std::string& release) {
  return runAction({"depmod", release}, depmodOutputs(release),
                   "modules.dep for " + release + " (an initramfs cannot be built without it)");
}

/// The command that (re)builds the initramfs of `release` into `image`.
Action rebuildAction(const FixContext& ctx, InitramfsTool tool, const std::string& release,
                     const std::string& image, bool exists, const std::string& why) {
  std::vector<std::string> argv;
  switch (tool) {
    case InitramfsTool::kInitramfsTools:
      argv = {"update-initramfs", exists ? "-u" : "-c", "-k", release};
      break;
    case InitramfsTool::kDracut:
      argv = {"dracut", "-f"};
      // Host-only images are made for the hardware dracut runs on; inside an offline root that
      // is this machine, not the cloud's instance.
      if (!ctx.host.hasRuntimeState()) argv.push_back("--no-hostonly");
      argv.push_back(image);
      argv.push_back(release);
      break;
    case InitramfsTool::kSuseMkinitrd: {
      const auto& k = ctx.facts.boot.kernel;
      std::string kernel =
          k.ok() && !k.value->image.empty() ? k.value->image : "/boot/vmlinuz-" + release;
      argv = {"mkinitrd", "-k", kernel, "-i", image};
      break;
    }
    case InitramfsTool::kNone:
      break;
  }
  return runAction(argv, {image}, why);
}

std::string toolName(InitramfsTool tool) {
  switch (tool) {
    case InitramfsTool::kInitramfsTools:
      return "initramfs-tools";
    case InitramfsTool::kDracut:
      return "dracut";
    case InitramfsTool::kSuseMkinitrd:
      return "mkinitrd";
    case InitramfsTool::kNone:
      break;
  }
  return "none";
}

bool contains(const std::vector<std::string>& sorted, const std::string& name) {
  return std::binary_search(sorted.begin(), sorted.end(), name);
}

/// Module names as the tools accept them: `-` and `_` are the same to modprobe.
std::string moduleKey(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

/// /etc/initramfs-tools/modules: one module per line (initramfs.conf(5)).
Result<void> addToInitramfsTools(const Host& host, const std::vector<std::string>& modules,
                                 std::vector<Action>& actions) {
  std::string text;
  if (host.entryExists(kInitramfsToolsModules)) {
    auto cur = host.readFile(kInitramfsToolsModules);
    if (!cur) return std::unexpected(cur.error());
    text = *cur;
  }
  TextLines lines(text);
  std::set<std::string> listed;
  for (int n = 1; n <= static_cast<int>(lines.size()); ++n) {
    auto words = splitWords(lines.at(n));
    if (!words.empty() && !words[0].starts_with('#')) listed.insert(moduleKey(words[0]));
  }
  std::vector<std::string> add;
  for (const auto& m : modules) {
    if (!listed.contains(moduleKey(m))) add.push_back(m);
  }
  if (add.empty()) return {};
  if (text.empty()) {
    text = "# " + editMarker() + ": drivers the cloud's disks need before root is mounted\n";
    for (const auto& m : add) text += m + "\n";
  } else {
    lines.append("# " + editMarker() + ": drivers the cloud's disks need before root is mounted");
    for (const auto& m : add) lines.append(m);
    text = lines.str();
  }
  actions.push_back(writeFileAction(
      std::string(kInitramfsToolsModules), text,
      "initramfs-tools puts " + fmt::format("{}", fmt::join(add, ", ")) + " in the initramfs"));
  return {};
}

/// A dracut.conf.d drop-in of our own (dracut.conf(5) add_drivers+=), merged with what an
/// earlier run put there.
Result<void> addToDracut(const Host& host, const std::vector<std::string>& modules,
                         std::vector<Action>& actions) {
  std::vector<std::string> all;
  if (host.entryExists(kDracutDropIn)) {
    auto cur = host.readFile(kDracutDropIn);
    if (!cur) return std::unexpected(cur.error());
    ShellVarsFile vars = parseShellVars(*cur);
    for (const auto& v : vars.vars) {
      if (v.key != "add_drivers") continue;
      for (auto& w : splitWords(v.value)) all.push_back(w);
    }
  }
  std::size_t before = all.size();
  for (const auto& m : modules) {
    bool have = std::any_of(all.begin(), all.end(),
                            [&](const std::string& w) { return moduleKey(w) == moduleKey(m); });
    if (!have) all.push_back(m);
  }
  if (all.size() == before) return {};
  if (!host.exists("/etc/dracut.conf.d")) {
    actions.push_back(makeDirAction("/etc/dracut.conf.d", "dracut configuration drop-ins"));
  }
  std::string content = fmt::format(
      "# {}: drivers the cloud's disks need before root is mounted\nadd_drivers+=\" {} \"\n",
      editMarker(), fmt::join(all, " "));
  actions.push_back(writeFileAction(std::string(kDracutDropIn), content,
                                    "dracut puts the virtio and Xen drivers in the initramfs"));
  return {};
}

/// SUSE's mkinitrd: INITRD_MODULES in /etc/sysconfig/kernel.
Result<void> addToSuseKernel(const Host& host, const std::vector<std::string>& modules,
                             std::vector<Action>& actions) {
  auto text = host.readFile(kSuseKernel);
  if (!text) return std::unexpected(text.error());
  TextLines lines(*text);
  int at = 0;
  std::vector<std::string> words;
  for (int n = 1; n <= static_cast<int>(lines.size()); ++n) {
    auto key = assignmentKey(lines.at(n));
    if (!key || *key != "INITRD_MODULES") continue;
    at = n;
    ShellVarsFile one = parseShellVars(lines.at(n));
    words = one.vars.empty() ? std::vector<std::string>{} : splitWords(one.vars.front().value);
  }
  std::size_t before = words.size();
  for (const auto& m : modules) {
    bool have = std::any_of(words.begin(), words.end(),
                            [&](const std::string& w) { return moduleKey(w) == moduleKey(m); });
    if (!have) words.push_back(m);
  }
  if (words.size() == before) return {};
  std::string line = fmt::format("INITRD_MODULES=\"{}\"", fmt::join(words, " "));
  if (at) {
    lines.set(at, line);
  } else {
    lines.append(line);
  }
  actions.push_back(writeFileAction(std::string(kSuseKernel), lines.str(),
                                    "mkinitrd puts the virtio and Xen drivers in the initramfs"));
  return {};
}

/// L-DRIVERS: the drivers root is mounted through that are modules of the default kernel but
/// missing from its initramfs are added to the initramfs configuration, and the initramfs is
/// rebuilt. Drivers the kernel does not have cannot be added: a note says which package has
/// them.
Result<FixItem> planDrivers(const FixContext& ctx) {
  const BootFacts& b = ctx.facts.boot;
  if (!b.kernel.ok()) return fail(ErrorCode::kUnsupported, "the default kernel is unknown");
  const std::string& release = b.kernel.value->release;
  FixItem item;
  std::vector<std::string> add, absent;
  auto builtin = [&](const std::string& m) {
    return std::any_of(b.builtin.begin(), b.builtin.end(),
                       [&](const ModuleSeen& s) { return s.name == m; });
  };
  for (const std::string& m : ctx.params.getList("initramfs")) {
    if (builtin(m)) continue;
    if (!contains(b.module_files, m)) {
      absent.push_back(m);
      continue;
    }
    if (b.initramfs.found && contains(b.initramfs.modules, m)) continue;
    add.push_back(m);
  }
  for (const char* list : {"required", "recommended", "xen"}) {
    for (const std::string& m : ctx.params.getList(list)) {
      if (!builtin(m) && !contains(b.module_files, m) &&
          std::find(absent.begin(), absent.end(), m) == absent.end()) {
        absent.push_back(m);
      }
    }
  }
  if (!absent.empty() && !b.builtin_lists.empty()) {
    item.notes.push_back(fmt::format(
        "kernel {} has no {}: install its extra modules package (linux-modules-extra-{} on "
        "Ubuntu, kernel-default-extra on SUSE) or boot a kernel that has them",
        release, fmt::join(absent, ", "), release));
  }
  if (add.empty()) {
    item.summary = "no driver to add to the initramfs";
    return item;
  }
  InitramfsTool tool = detectTool(ctx.host);
  Result<void> r;
  switch (tool) {
    case InitramfsTool::kInitramfsTools:
      r = addToInitramfsTools(ctx.host, add, item.actions);
      break;
    case InitramfsTool::kDracut:
      r = addToDracut(ctx.host, add, item.actions);
      break;
    case InitramfsTool::kSuseMkinitrd:
      r = addToSuseKernel(ctx.host, add, item.actions);
      break;
    case InitramfsTool::kNone:
      return fail(ErrorCode::kUnsupported,
                  "no initramfs tool found (update-initramfs, dracut, SUSE mkinitrd): add " +
                      fmt::format("{}", fmt::join(add, ", ")) + " to the initramfs by hand");
  }
  if (!r) return std::unexpected(r.error());
  if (b.modules_dep.empty()) item.actions.push_back(depmodAction(release));
  std::string image = imagePath(ctx, tool, release);
  item.actions.push_back(rebuildAction(ctx, tool, release, image, b.initramfs.found,
                                       "rebuild the initramfs of " + release + " with " +
                                           toolName(tool) +
                                           " (the old image is kept in the "
                                           "journal)"));
  item.summary = fmt::format("add {} to the initramfs of {} ({})", fmt::join(add, ", "), release,
                             toolName(tool));
  return item;
}

/// X-BOOTKERNEL: depmod where modules.dep is missing, and an initramfs built where there is
/// none. A kernel without its module tree cannot be repaired here: its package must be
/// reinstalled.
Result<FixItem> planBootKernel(const FixContext& ctx) {
  const BootFacts& b = ctx.facts.boot;
  if (!b.kernel.ok()) return fail(ErrorCode::kUnsupported, "the default kernel is unknown");
  const std::string& release = b.kernel.value->release;
  if (b.modules_dir.empty()) {
    return fail(ErrorCode::kUnsupported,
                "/lib/modules/" + release + " does not exist: reinstall the kernel package of " +
                    release + " or make the boot loader default to an installed kernel");
  }
  FixItem item;
  std::vector<std::string> changes;
  if (b.modules_dep.empty()) {
    item.actions.push_back(depmodAction(release));
    changes.push_back("depmod " + release);
  }
  if (!b.initramfs.found) {
    InitramfsTool tool = detectTool(ctx.host);
    if (tool == InitramfsTool::kNone) {
      item.notes.push_back(
          "no initramfs tool found (update-initramfs, dracut, SUSE mkinitrd): "
          "build the initramfs of " +
          release + " by hand");
    } else {
      std::string image = imagePath(ctx, tool, release);
      item.actions.push_back(rebuildAction(ctx, tool, release, image, false,
                                           "build the missing initramfs of " + release));
      changes.push_back("build " + image + " with " + toolName(tool));
    }
  }
  item.summary = changes.empty() ? "nothing to change"
                                 : fmt::format("kernel {}: {}", release, fmt::join(changes, "; "));
  return item;
}

}  // namespace

std::vector<Fixer> bootFixers() {
  return {
      {"drivers.present", "add virtio and Xen drivers to the initramfs and rebuild it", planDrivers,
       false},
      {"bootkernel.ready", "depmod and build the default kernel's initramfs where missing",
       planBootKernel, false},
  };
}

}  // namespace guestprep::os_linux
