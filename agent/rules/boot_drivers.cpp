// drivers.present (L-DRIVERS) and nvme.present (X-NVME): drivers of the default boot kernel,
// built in or as modules, and in its initramfs when root is mounted through them.
#include <algorithm>

#include "rules/boot_rules.h"

namespace guestprep {

namespace {

// Where one driver stands for the default kernel.
struct DriverCheck {
  enum class State { kOk, kMissing, kNotInInitramfs, kUnknown };
  State state = State::kUnknown;
  std::string why;  ///< for the message: "not installed", "not in the initramfs", ...
  Evidence evidence;
};

bool contains(const std::vector<std::string>& sorted, const std::string& name) {
  return std::binary_search(sorted.begin(), sorted.end(), name);
}

DriverCheck checkDriver(const BootFacts& b, const std::string& module, bool need_initramfs) {
  using S = DriverCheck::State;
  for (const ModuleSeen& m : b.builtin) {
    if (m.name == module) {
      return {S::kOk, "built in", {m.source.file, m.source.line, module + " is built in"}};
    }
  }
  const InitramfsFacts& ir = b.initramfs;
  bool in_initramfs = ir.found && contains(ir.modules, module);
  bool installed = contains(b.module_files, module) || in_initramfs;
  if (!installed) {
    if (b.builtin_lists.empty()) {
      return {S::kUnknown,
              "no module file, and no modules.builtin or kernel config to tell "
              "whether it is built in",
              {b.modules_dir.empty() ? "/lib/modules" : b.modules_dir, 0,
               module + ": not a module; built in unknown"}};
    }
    std::string where = b.module_files_source.empty() ? "/lib/modules" : b.module_files_source;
    return {S::kMissing, "not installed", {where, 0, module + " is neither built in nor a module"}};
  }
  if (!need_initramfs || in_initramfs) {
    std::string where = in_initramfs ? ir.path : b.module_files_source;
    return {S::kOk,
            in_initramfs ? "in the initramfs" : "installed as a module",
            {where, 0, module + (in_initramfs ? " is in the initramfs" : " is a module")}};
  }
  if (!ir.found) {
    return {S::kNotInInitramfs,
            "a module, and the kernel has no initramfs",
            {ir.path.empty() ? "/boot" : ir.path, 0,
             module + " is a module but no initramfs exists to load it before root is mounted"}};
  }
  if (!ir.error.empty()) {
    return {S::kUnknown,
            "a module; the initramfs could not be fully listed (" + ir.error + ")",
            {ir.path, 0, module + ": initramfs listing incomplete: " + ir.error}};
  }
  return {S::kNotInInitramfs,
          "a module missing from the initramfs",
          {ir.path, 0, module + " is installed but not in the initramfs"}};
}

Evidence kernelEvidence(const DefaultKernel& k) {
  return {k.source.file, k.source.line,
          "default kernel " + k.release + " (" + k.image + "): " + k.chosen_by};
}

std::string joinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The drivers of one list, sorted by state.
struct ListResult {
  std::vector<std::string> bad;      ///< missing, or not in the initramfs ("name (why)")
  std::vector<std::string> unknown;  ///< could not tell
};

ListResult checkList(const BootFacts& b, const std::vector<std::string>& modules,
                     const std::vector<std::string>& need_initramfs, Outcome& out) {
  ListResult r;
  for (const std::string& m : modules) {
    bool need = std::find(need_initramfs.begin(), need_initramfs.end(), m) != need_initramfs.end();
    DriverCheck c = checkDriver(b, m, need);
    out.evidence.push_back(c.evidence);
    if (c.state == DriverCheck::State::kUnknown) {
      r.unknown.push_back(m + " (" + c.why + ")");
    } else if (c.state != DriverCheck::State::kOk) {
      r.bad.push_back(m + " (" + c.why + ")");
    }
  }
  return r;
}

Outcome kernelUnknown(const BootFacts& b) {
  Outcome out;
  out.status = Status::kError;
  out.message = "the default boot kernel is unknown: " + b.kernel.error;
  for (const ConfigProblem& p : b.problems) out.evidence.push_back({p.file, p.line, p.message});
  out.remediation =
      "Check the boot loader configuration (grub.cfg, grubenv, menu.lst) and run "
      "again.";
  return out;
}

}  // namespace

std::vector<ParamSpec> driversPresentParams() {
  using L = std::vector<std::string>;
  return {
      {"required",
       ParamKind::kStringList,
       ParamValue{L{"virtio_blk", "virtio_net", "virtio_pci"}},
       "drivers that must be built in or installed (fail)",
       {}},
      {"recommended",
       ParamKind::kStringList,
       ParamValue{L{"virtio_scsi", "virtio_console"}},
       "drivers that should be there (warn)",
       {}},
      {"xen",
       ParamKind::kStringList,
       ParamValue{L{"xen_blkfront", "xen_netfront"}},
       "Xen PV drivers for Xen-based instance types (warn)",
       {}},
      {"initramfs",
       ParamKind::kStringList,
       ParamValue{L{"virtio_blk", "virtio_pci", "virtio_scsi", "xen_blkfront"}},
       "drivers root is mounted through: when modules, they must be in the initramfs",
       {}},
  };
}

Outcome evaluateDriversPresent(const Facts& facts, const Params& params) {
  const BootFacts& b = facts.boot;
  if (!b.kernel.ok()) return kernelUnknown(b);
  const DefaultKernel& k = *b.kernel.value;
  Outcome out;
  out.evidence.push_back(kernelEvidence(k));
  const auto& in_ir = params.getList("initramfs");
  ListResult req = checkList(b, params.getList("required"), in_ir, out);
  ListResult rec = checkList(b, params.getList("recommended"), in_ir, out);
  ListResult xen = checkList(b, params.getList("xen"), in_ir, out);
  if (!req.bad.empty()) {
    out.status = Status::kFail;
    out.message = "kernel " + k.release + " cannot use required drivers: " + joinNames(req.bad);
    return out;
  }
  if (!req.unknown.empty()) {
    out.status = Status::kError;
    out.message = "could not tell whether kernel " + k.release +
                  " has the required drivers: " + joinNames(req.unknown);
    out.remediation = "Check /lib/modules/" + k.release +
                      " and the initramfs by hand (lsinitrd "
                      "or lsinitramfs) and run again.";
    return out;
  }
  std::vector<std::string> weak = rec.bad;
  weak.insert(weak.end(), rec.unknown.begin(), rec.unknown.end());
  weak.insert(weak.end(), xen.bad.begin(), xen.bad.end());
  weak.insert(weak.end(), xen.unknown.begin(), xen.unknown.end());
  if (!weak.empty()) {
    out.status = Status::kWarn;
    out.message = "kernel " + k.release + " has the required drivers but not: " + joinNames(weak);
    return out;
  }
  out.status = Status::kPass;
  out.message = "kernel " + k.release + " has the virtio and Xen drivers" +
                (b.initramfs.found ? ", and its initramfs can mount root on them" : "");
  return out;
}

std::vector<ParamSpec> nvmePresentParams() {
  using L = std::vector<std::string>;
  return {
      {"modules",
       ParamKind::kStringList,
       ParamValue{L{"nvme"}},
       "the NVMe drivers the default kernel needs",
       {}},
      {"in_initramfs",
       ParamKind::kBool,
       ParamValue{true},
       "when modules, they must be in the initramfs (root on an NVMe disk)",
       {}},
  };
}

Outcome evaluateNvmePresent(const Facts& facts, const Params& params) {
  const BootFacts& b = facts.boot;
  if (!b.kernel.ok()) return kernelUnknown(b);
  const DefaultKernel& k = *b.kernel.value;
  Outcome out;
  out.evidence.push_back(kernelEvidence(k));
  const auto& mods = params.getList("modules");
  ListResult r =
      checkList(b, mods, params.getBool("in_initramfs") ? mods : std::vector<std::string>{}, out);
  if (!r.bad.empty()) {
    out.status = Status::kFail;
    out.message = "kernel " + k.release + " cannot boot from an NVMe disk: " + joinNames(r.bad);
    return out;
  }
  if (!r.unknown.empty()) {
    out.status = Status::kError;
    out.message = "could not tell whether kernel " + k.release +
                  " has the NVMe driver: " + joinNames(r.unknown);
    out.remediation = "Check the initramfs by hand (lsinitrd or lsinitramfs | grep nvme).";
    return out;
  }
  out.status = Status::kPass;
  out.message = "kernel " + k.release + " has the NVMe driver (" + joinNames(mods) + ")";
  return out;
}

}  // namespace guestprep
