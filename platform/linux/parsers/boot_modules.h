// Kernel module lists (modules.builtin, modules.dep), kernel configs (/boot/config-*) and
// module names from paths, for the boot-driver checks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// The module name of a module file path ("kernel/drivers/block/virtio_blk.ko.xz" ->
/// "virtio_blk", "xen-blkfront.ko" -> "xen_blkfront": the kernel treats `-` and `_` alike);
/// "" when the path is not a module (.ko, optionally compressed with .xz, .zst, .gz).
std::string moduleNameFromPath(std::string_view path);

/// One module named in a list, with its line.
struct ListedModule {
  std::string name;  ///< normalised as moduleNameFromPath
  int line = 0;
};

/// Modules listed in modules.builtin (one path a line) or modules.dep ("path: deps"): the
/// module each line is about; lines that name no module are reported.
struct ModuleList {
  std::vector<ListedModule> modules;
  std::vector<ConfigProblem> problems;  ///< file left empty
};
ModuleList parseModuleList(std::string_view text);

/// A driver option of a kernel config set to y (built in) or m (module).
struct ConfigDriver {
  std::string module;  ///< the module the option builds ("virtio_blk")
  std::string symbol;  ///< "CONFIG_VIRTIO_BLK"
  char value = 'n';    ///< 'y' or 'm'
  int line = 0;
};

/// The options of a kernel config (/boot/config-<release>, a shell-style file) that build the
/// drivers this audit knows by module name (virtio, Xen PV front ends, NVMe); others are ignored.
struct KernelConfig {
  std::vector<ConfigDriver> drivers;
  std::vector<ConfigProblem> problems;
};
KernelConfig parseKernelConfig(std::string_view text);

/// The config symbol that builds a module ("virtio_scsi" -> "CONFIG_SCSI_VIRTIO"), or "".
std::string_view configSymbolFor(std::string_view module);

}  // namespace guestprep::os_linux
