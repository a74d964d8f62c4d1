// Package database (dpkg status natively, rpm -qa when live), services of interest, cloud-init.
#include <algorithm>

#include "parsers/software_cloud_cfg.h"
#include "parsers/software_dpkg.h"
#include "parsers/software_rpm.h"
#include "probes/boot_services.h"
#include "probes/probe_io.h"
#include "probes/software_probes.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kDpkgStatus = "/var/lib/dpkg/status";

void addProblems(std::vector<ConfigProblem>& to, std::vector<ConfigProblem> from,
                 std::string_view file) {
  for (ConfigProblem& p : from) {
    if (p.file.empty()) p.file = std::string(file);
    to.push_back(std::move(p));
  }
}

}  // namespace

const std::vector<std::string>& softwareServicesOfInterest() {
  static const std::vector<std::string> kServices = {
      // cloud-init's boot stages (systemd units; SysV scripts of the same names on EL6).
      "cloud-init-local", "cloud-init", "cloud-config", "cloud-final",
      // qemu-guest-agent: the unit on systemd systems, qemu-ga the EL6 init script.
      "qemu-guest-agent", "qemu-ga",
      // VMware: open-vm-tools' vmtoolsd (EL, SUSE), open-vm-tools (Debian), VMware Tools.
      "vmtoolsd", "open-vm-tools", "vmware-tools",
      // VirtualBox guest additions.
      "vboxadd", "vboxadd-service", "virtualbox-guest-utils",
      // Azure: WALinuxAgent (waagent on EL/SUSE, walinuxagent on Debian/Ubuntu).
      "waagent", "walinuxagent",
      // Hyper-V daemons (EL names, then Debian's hyperv-daemons).
      "hypervkvpd", "hypervvssd", "hypervfcopyd", "hv-kvp-daemon", "hv-vss-daemon",
      "hv-fcopy-daemon",
      // Google and AWS.
      "google-guest-agent", "google-startup-scripts", "amazon-ssm-agent"};
  return kServices;
}

void probeSoftwarePackages(const Host& host, SoftwareFacts& facts) {
  PackageDatabase& db = facts.packages;
  if (std::optional<std::string> text = readIfPresent(host, kDpkgStatus, facts.problems)) {
    db.kind = "dpkg";
    db.source = std::string(kDpkgStatus);
    DpkgStatus st = parseDpkgStatus(*text);
    addProblems(facts.problems, std::move(st.problems), kDpkgStatus);
    std::vector<InstalledPackage> pkgs;
    for (const DpkgPackage& p : st.packages) {
      if (p.installed()) pkgs.push_back({p.name, p.version, p.arch});
    }
    db.installed = Observed<std::vector<InstalledPackage>>::of(std::move(pkgs));
  } else if (host.entryExists(kDpkgStatus)) {
    db.kind = "dpkg";
    db.source = std::string(kDpkgStatus);
    db.installed = Observed<std::vector<InstalledPackage>>::failed(
        "could not read " + std::string(kDpkgStatus) + " (see problems)");
  } else if (host.entryExists("/var/lib/rpm") || host.entryExists("/usr/lib/sysimage/rpm")) {
    db.kind = "rpm";
    std::vector<std::string> argv = {"rpm", "-qa", "--qf", std::string(kRpmQaFormat)};
    db.source = "rpm -qa";
    if (!host.hasRuntimeState()) {
      db.installed = Observed<std::vector<InstalledPackage>>::failed(
          "not checked: offline root without rpm (the RPM database is read by rpm on the "
          "running system)");
    } else if (auto r = host.run(argv, std::chrono::seconds(60)); !r) {
      db.installed =
          Observed<std::vector<InstalledPackage>>::failed("rpm -qa: " + r.error().message);
    } else if (r->exit_code != 0) {
      db.installed = Observed<std::vector<InstalledPackage>>::failed(
          "rpm -qa exited with " + std::to_string(r->exit_code) + ": " + r->err);
    } else {
      std::vector<ConfigProblem> problems;
      auto pkgs = parseRpmQa(r->out, problems);
      addProblems(facts.problems, std::move(problems), "rpm -qa");
      db.installed = Observed<std::vector<InstalledPackage>>::of(std::move(pkgs));
    }
  } else {
    db.kind = "none";
    db.installed = Observed<std::vector<InstalledPackage>>::failed(
        "no package database found (/var/lib/dpkg/status, /var/lib/rpm)");
  }

  facts.services.clear();
  for (const std::string& name : softwareServicesOfInterest()) {
    BootServiceState st = serviceState(host, name + ".service", name);
    facts.services.push_back({name, st.installed, st.enabled, st.evidence});
  }
}

void probeSoftwareCloudInit(const Host& host, SoftwareFacts& facts) {
  CloudInitState& ci = facts.cloud_init;
  ci = CloudInitState{};
  if (facts.packages.installed.ok()) {
    const auto& pkgs = *facts.packages.installed.value;
    auto it = std::find_if(pkgs.begin(), pkgs.end(),
                           [](const InstalledPackage& p) { return p.name == "cloud-init"; });
    if (it != pkgs.end()) {
      ci.installed = true;
      ci.installed_evidence =
          "package cloud-init " + it->version + " (" + facts.packages.source + ")";
    }
  }
  if (!ci.installed) {
    for (std::string_view bin : {"/usr/bin/cloud-init", "/usr/local/bin/cloud-init"}) {
      if (host.exists(bin)) {
        ci.installed = true;
        ci.installed_evidence = std::string(bin);
        break;
      }
    }
  }
  if (!ci.installed) {
    ci.installed_evidence = "no cloud-init package or program";
    if (!facts.packages.installed.ok()) {
      ci.installed_evidence +=
          " (package database not read: " + facts.packages.installed.error + ")";
    }
  }
  // cloud-init's docs ("How to disable cloud-init"): this file stops it at boot.
  ci.disabled_by_file = host.entryExists("/etc/cloud/cloud-init.disabled");

  // cloud.cfg, then cloud.cfg.d/*.cfg in name order; a later file replaces a list set earlier.
  std::vector<std::string> files = {"/etc/cloud/cloud.cfg"};
  for (const std::string& n : listIfPresent(host, "/etc/cloud/cloud.cfg.d", facts.problems)) {
    if (n.ends_with(".cfg")) files.push_back("/etc/cloud/cloud.cfg.d/" + n);
  }
  for (const std::string& path : files) {
    std::optional<std::string> text = readIfPresent(host, path, facts.problems);
    if (!text) continue;
    CloudCfgDatasources ds = parseCloudCfgDatasources(*text);
    if (ds.problem) facts.problems.push_back({path, ds.problem->line, ds.problem->message});
    if (ds.list) {
      ci.datasource_list_set = true;
      ci.datasource_list = std::move(*ds.list);
      ci.datasource_source = {path, ds.line};
    }
  }

  // An earlier instance's state: cloud-init keys per-instance work on the instance id, but
  // per-once modules and cached data stay (cloud-init#3253; Google's import runs
  // `cloud-init clean`).
  if (host.entryExists("/var/lib/cloud/instance")) {
    ci.instance_state.push_back("/var/lib/cloud/instance");
  }
  for (const std::string& id : listIfPresent(host, "/var/lib/cloud/instances", facts.problems)) {
    ci.instance_state.push_back("/var/lib/cloud/instances/" + id);
  }
}

}  // namespace guestprep::os_linux
