// The default boot kernel, its modules and its initramfs (L-DRIVERS, X-NVME, X-BOOTKERNEL).
#pragma once

#include <string>
#include <vector>

#include "facts/common.h"

namespace guestprep {

/// The kernel the boot loader starts by default.
struct DefaultKernel {
  std::string release;  ///< "3.10.0-229.el7.x86_64", from the image name or its symlink target
  std::string image;    ///< kernel image path on the system ("/boot/vmlinuz-3.10.0-229.el7.x86_64")
  std::string title;    ///< the menu entry's title ("" when the format has none)
  SourceRef source;     ///< the entry's kernel line (grub.cfg, BLS entry, menu.lst)
  std::string chosen_by;  ///< why this entry is the default ("entry 0 (default=0)", ...)
  std::string initrd;     ///< initramfs path as the entry names it, on the system; "" if none
  bool operator==(const DefaultKernel&) const = default;
};

/// A driver module and where its presence was seen.
struct ModuleSeen {
  std::string name;  ///< module name, `-` as `_` ("xen_blkfront")
  SourceRef source;  ///< modules.builtin / modules.dep line, /boot/config line, or a file
  bool operator==(const ModuleSeen&) const = default;
};

/// The default kernel's initramfs.
struct InitramfsFacts {
  std::string path;  ///< the image read (or looked for first); "" when no candidate was known
  bool found = false;
  std::vector<std::string> segments;  ///< "cpio" (early microcode), "gzip+cpio", ...
  std::vector<std::string> modules;   ///< module names in the image, sorted, unique
  std::size_t entries = 0;            ///< files listed
  std::string error;                  ///< why the image could not be (fully) listed; "" when it was
  bool operator==(const InitramfsFacts&) const = default;
};

/// Filled by probeBoot (platform/linux/probes/boot_probe.cpp).
struct BootFacts {
  /// The default kernel, from the boot loader configuration; error when it cannot be decided.
  Observed<DefaultKernel> kernel;
  std::string modules_dir;          ///< /lib/modules/<release>; "" when it does not exist
  std::string modules_dep;          ///< its modules.dep when present and non-empty, else ""
  std::vector<ModuleSeen> builtin;  ///< built into the kernel (modules.builtin, config =y)
  /// The files read that say what is built in (modules.builtin, /boot/config-R); when empty, a
  /// driver that is no module file may still be built in and the rules cannot tell.
  std::vector<std::string> builtin_lists;
  /// Modules of the kernel, from modules.dep (or a walk of the module tree without it); only
  /// names, sorted and unique, since a kernel has thousands.
  std::vector<std::string> module_files;
  std::string module_files_source;         ///< "/lib/modules/R/modules.dep" or the directory walked
  std::vector<ModuleSeen> config_modules;  ///< drivers /boot/config-R builds as modules (=m)
  InitramfsFacts initramfs;
  std::vector<ConfigProblem> problems;  ///< files that could not be read or understood
  bool operator==(const BootFacts&) const = default;
};

void to_json(nlohmann::json& j, const BootFacts& f);
void from_json(const nlohmann::json& j, BootFacts& f);

}  // namespace guestprep
