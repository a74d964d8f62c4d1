// bootkernel.ready (X-BOOTKERNEL): the default kernel has its module tree, modules.dep and an
// initramfs (a missing modules.dep makes every initramfs rebuild fail: compute-image-tools#1139).
#include "rules/boot_rules.h"

namespace guestprep {

std::vector<ParamSpec> bootKernelReadyParams() {
  return {
      {"require_initramfs",
       ParamKind::kBool,
       ParamValue{true},
       "fail (not only warn) when the default kernel has no initramfs",
       {}},
  };
}

Outcome evaluateBootKernelReady(const Facts& facts, const Params& params) {
  const BootFacts& b = facts.boot;
  Outcome out;
  if (!b.kernel.ok()) {
    out.status = Status::kError;
    out.message = "the default boot kernel is unknown: " + b.kernel.error;
    for (const ConfigProblem& p : b.problems) out.evidence.push_back({p.file, p.line, p.message});
    out.remediation = "Check the boot loader configuration and run again.";
    return out;
  }
  const DefaultKernel& k = *b.kernel.value;
  out.evidence.push_back({k.source.file, k.source.line,
                          "default kernel " + k.release + " (" + k.image + "): " + k.chosen_by});
  std::string dir = "/lib/modules/" + k.release;
  if (b.modules_dir.empty()) {
    out.status = Status::kFail;
    out.message = "the default kernel " + k.release + " has no " + dir;
    out.evidence.push_back({dir, 0, "does not exist"});
    out.remediation = "Reinstall the kernel package of " + k.release +
                      ", or make the boot loader default to an installed kernel.";
    return out;
  }
  if (b.modules_dep.empty()) {
    out.status = Status::kFail;
    out.message = "the default kernel " + k.release + " has no modules.dep";
    out.evidence.push_back({dir + "/modules.dep", 0, "missing or empty"});
    out.remediation = "Run depmod " + k.release + ", then rebuild its initramfs.";
    return out;
  }
  out.evidence.push_back({b.modules_dep, 0, "present"});
  const InitramfsFacts& ir = b.initramfs;
  if (!ir.found) {
    out.status = params.getBool("require_initramfs") ? Status::kFail : Status::kWarn;
    out.message = "the default kernel " + k.release + " has no initramfs (" + ir.path + ")";
    out.evidence.push_back({ir.path, 0, "does not exist"});
    out.remediation = "Build it: dracut -f " + ir.path + " " + k.release +
                      " (RHEL, SUSE) or update-initramfs -c -k " + k.release + " (Debian, Ubuntu).";
    return out;
  }
  if (!ir.error.empty()) {
    out.status = Status::kError;
    out.message = "the initramfs " + ir.path + " of " + k.release +
                  " could not be read completely: " + ir.error;
    out.evidence.push_back({ir.path, 0, ir.error});
    out.remediation = "Check it with lsinitrd or lsinitramfs; rebuild it if it is damaged.";
    return out;
  }
  std::string segs;
  for (const std::string& s : ir.segments) segs += (segs.empty() ? "" : " + ") + s;
  out.evidence.push_back({ir.path, 0, std::to_string(ir.entries) + " files (" + segs + ")"});
  out.status = Status::kPass;
  out.message = "the default kernel " + k.release + " has modules.dep and an initramfs";
  return out;
}

}  // namespace guestprep
