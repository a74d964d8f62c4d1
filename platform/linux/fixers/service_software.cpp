// Agents off (or removed) and cloud-init on: L-QEMUGA, X-AGENTS, L-CLOUDINIT.
#include "fixers/service_software.h"

#include <algorithm>

#include <fmt/format.h>

#include "fixers/edit.h"
#include "fixers/service_boot.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kCloudCfgDir = "/etc/cloud/cloud.cfg.d";

std::string joined(const std::vector<std::string>& v, std::string_view sep = ", ") {
  return fmt::format("{}", fmt::join(v, sep));
}

void take(FixItem& item, ServiceChange change, std::vector<std::string>& changes) {
  for (auto& a : change.actions) item.actions.push_back(std::move(a));
  for (auto& c : change.changes) changes.push_back(std::move(c));
  for (auto& n : change.notes) item.notes.push_back(std::move(n));
}

const ServiceState* findService(const SoftwareFacts& sw, const std::string& name) {
  auto it = std::find_if(sw.services.begin(), sw.services.end(),
                         [&](const ServiceState& s) { return s.name == name; });
  return it == sw.services.end() ? nullptr : &*it;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

constexpr std::string_view kNotRestorable =
    "rollback does not restore the packages' files byte for byte: reinstall them with the "
    "package tool to undo this";

}  // namespace

Result<PackageTool> packageTool(const Host& host, const std::string& db_kind) {
  if (db_kind == "dpkg") {
    if (!host.exists("/usr/bin/apt-get")) {
      return fail(ErrorCode::kNotFound, "dpkg system without /usr/bin/apt-get");
    }
    // No question may stop a run that nobody watches.
    std::vector<std::string> base = {"env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-y"};
    PackageTool t{"apt-get", base, base};
    t.remove.push_back("remove");
    t.install.push_back("install");
    return t;
  }
  if (db_kind == "rpm") {
    if (host.exists("/usr/bin/zypper")) {
      return PackageTool{"zypper",
                         {"zypper", "--non-interactive", "--no-refresh", "remove"},
                         {"zypper", "--non-interactive", "install"}};
    }
    for (const char* tool : {"dnf", "yum"}) {
      if (host.exists(std::string("/usr/bin/") + tool)) {
        return PackageTool{
            tool, {tool, "-y", "--disablerepo=*", "remove"}, {tool, "-y", "install"}};
      }
    }
    return fail(ErrorCode::kNotFound, "RPM system without zypper, dnf or yum");
  }
  return fail(ErrorCode::kNotFound, "no package database (" + db_kind + ")");
}

Result<FixItem> planAgentAbsent(const FixContext& ctx) {
  const SoftwareFacts& sw = ctx.facts.software;
  FixItem item;
  std::vector<std::string> changes, disabled, to_remove;
  const bool remove = ctx.options.allow_package_changes;
  if (sw.packages.installed.ok()) {
    const auto& wanted = ctx.params.getList("packages");
    for (const InstalledPackage& p : *sw.packages.installed.value) {
      if (std::find(wanted.begin(), wanted.end(), p.name) != wanted.end()) {
        to_remove.push_back(p.name);
      }
    }
  }
  for (const std::string& name : ctx.params.getList("services")) {
    const ServiceState* s = findService(sw, name);
    if (!s || !s->enabled) continue;
    // A masked unit cannot be started by udev or D-Bus either (qemu-guest-agent is started by
    // its virtio port's udev rule, not by a wants link); when the package goes, the mask is not
    // needed.
    auto change = planDisableAtBoot(ctx.host, {name + ".service", name, name}, !remove);
    if (!change) return std::unexpected(change.error());
    take(item, std::move(*change), changes);
    disabled.push_back(name);
  }
  if (!to_remove.empty()) {
    if (!remove) {
      item.notes.push_back("installed: " + joined(to_remove) +
                           "; removed only with --allow-package-changes");
    } else {
      auto tool = packageTool(ctx.host, sw.packages.kind);
      if (!tool) {
        item.notes.push_back("packages not removed: " + tool.error().message);
      } else {
        std::vector<std::string> argv = tool->remove;
        argv.insert(argv.end(), to_remove.begin(), to_remove.end());
        item.actions.push_back(runAction(argv, {},
                                         "remove packages " + joined(to_remove, " ") + " (" +
                                             std::string(kNotRestorable) + ")"));
        changes.push_back("remove packages " + joined(to_remove));
        item.notes.push_back("removing " + joined(to_remove) + ": " + std::string(kNotRestorable));
      }
    }
  } else if (remove && !sw.packages.installed.ok()) {
    item.notes.push_back("packages not removed: the package database was not read (" +
                         sw.packages.installed.error + ")");
  }
  item.summary = changes.empty()
                     ? "nothing to change at boot"
                     : (disabled.empty() ? std::string() : "disable at boot: " + joined(disabled)) +
                           (disabled.empty() ? "" : " ") + "(" + joined(changes, "; ") + ")";
  return item;
}

Result<FixItem> planCloudInitPresent(const FixContext& ctx) {
  const SoftwareFacts& sw = ctx.facts.software;
  const CloudInitState& ci = sw.cloud_init;
  FixItem item;
  std::vector<std::string> changes;
  if (!ci.installed) {
    if (!ctx.options.allow_package_changes) {
      item.summary = "cloud-init is not installed";
      item.notes.push_back(
          "install cloud-init with the distribution's package tool (apt-get/yum/zypper install "
          "cloud-init), or run fix with --allow-package-changes on the running system");
      return item;
    }
    if (!ctx.host.hasRuntimeState()) {
      item.summary = "cloud-init is not installed";
      item.notes.push_back(
          "installing needs the package repositories, which commands run inside an offline root "
          "cannot reach (no network): install cloud-init from the running system (chroot ROOT "
          "apt-get/yum/zypper install cloud-init)");
      return item;
    }
    auto tool = packageTool(ctx.host, sw.packages.kind);
    if (!tool)
      return fail(ErrorCode::kUnsupported, "cannot install cloud-init: " + tool.error().message);
    std::vector<std::string> argv = tool->install;
    argv.push_back("cloud-init");
    item.actions.push_back(
        runAction(argv, {}, "install cloud-init (" + std::string(kNotRestorable) + ")"));
    item.notes.push_back("installing cloud-init: " + std::string(kNotRestorable));
    item.summary = "install cloud-init with " + tool->name;
    return item;
  }
  if (ci.disabled_by_file) {
    item.actions.push_back(
        removeAction("/etc/cloud/cloud-init.disabled", "cloud-init runs at boot again"));
    changes.push_back("remove /etc/cloud/cloud-init.disabled");
  }
  for (const std::string& unit : ctx.params.getList("units")) {
    const ServiceState* s = findService(sw, unit);
    if (!s || s->enabled) continue;
    auto change = planEnableAtBoot(ctx.host, {unit + ".service", unit, unit});
    if (!change) return std::unexpected(change.error());
    take(item, std::move(*change), changes);
  }
  const auto& accepted = ctx.params.getList("datasources");
  bool accepts = !ci.datasource_list_set;
  for (const auto& ds : ci.datasource_list) {
    for (const auto& a : accepted) accepts |= lower(ds) == lower(a);
  }
  if (!accepts && !accepted.empty()) {
    // cloud-init reads cloud.cfg.d/*.cfg in name order and the last datasource_list wins, so the
    // drop-in must sort after the file that sets it now (Ubuntu's 90_dpkg.cfg sorts after
    // 90-...).
    std::string deciding = ci.datasource_source.file;
    std::string deciding_name = deciding.substr(deciding.rfind('/') + 1);
    bool in_dir = deciding.starts_with(std::string(kCloudCfgDir) + "/");
    std::string name;
    for (const char* candidate : {"90-guestprep-datasource.cfg", "99-guestprep-datasource.cfg"}) {
      if (!in_dir || deciding_name <= candidate) {
        name = candidate;
        break;
      }
    }
    if (name.empty()) {
      return fail(ErrorCode::kUnsupported,
                  deciding +
                      " sets datasource_list and is read after any drop-in guestprep "
                      "would add: add " +
                      accepted.front() + " to it by hand");
    }
    std::vector<std::string> list = {accepted.front()};
    for (const auto& ds : ci.datasource_list) {
      if (lower(ds) != lower(accepted.front())) list.push_back(ds);
    }
    if (std::none_of(list.begin(), list.end(), [](const std::string& d) { return d == "None"; })) {
      list.push_back("None");  // cloud-init's fallback, so it still runs without metadata
    }
    std::string path = std::string(kCloudCfgDir) + "/" + name;
    std::string content = fmt::format(
        "# {}: the cloud's datasource first; {} set datasource_list: [{}]\n"
        "datasource_list: [ {} ]\n",
        editMarker(), deciding, joined(ci.datasource_list), joined(list));
    if (!ctx.host.exists(std::string(kCloudCfgDir))) {
      item.actions.push_back(makeDirAction(std::string(kCloudCfgDir), "cloud-init drop-ins"));
    }
    item.actions.push_back(
        writeFileAction(path, content, "cloud-init may use " + accepted.front()));
    changes.push_back(path + ": datasource_list: [ " + joined(list) + " ]");
  }
  item.summary = changes.empty() ? "nothing to change"
                                 : "cloud-init on at boot (" + joined(changes, "; ") + ")";
  return item;
}

}  // namespace guestprep::os_linux
