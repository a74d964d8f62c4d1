// Kernel module lists, kernel configs and module names.
#include "parsers/boot_modules.h"

#include <algorithm>
#include <array>
#include <utility>

#include "parsers/shell_vars.h"
#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

// Module <-> Kconfig symbol, from each driver's Makefile (drivers/block/Makefile
// `obj-$(CONFIG_VIRTIO_BLK) += virtio_blk.o`, drivers/scsi/Makefile
// `obj-$(CONFIG_SCSI_VIRTIO) += virtio_scsi.o`, drivers/char/Makefile
// `obj-$(CONFIG_VIRTIO_CONSOLE) += virtio_console.o`, drivers/nvme/host/Makefile
// `obj-$(CONFIG_BLK_DEV_NVME) += nvme.o`, `obj-$(CONFIG_NVME_CORE) += nvme-core.o`).
constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kConfigSymbols = {{
    {"virtio", "CONFIG_VIRTIO"},
    {"virtio_ring", "CONFIG_VIRTIO"},
    {"virtio_pci", "CONFIG_VIRTIO_PCI"},
    {"virtio_blk", "CONFIG_VIRTIO_BLK"},
    {"virtio_net", "CONFIG_VIRTIO_NET"},
    {"virtio_scsi", "CONFIG_SCSI_VIRTIO"},
    {"virtio_console", "CONFIG_VIRTIO_CONSOLE"},
    {"xen_blkfront", "CONFIG_XEN_BLKDEV_FRONTEND"},
    {"xen_netfront", "CONFIG_XEN_NETDEV_FRONTEND"},
    {"nvme", "CONFIG_BLK_DEV_NVME"},
    {"nvme_core", "CONFIG_NVME_CORE"},
}};

}  // namespace

std::string moduleNameFromPath(std::string_view path) {
  std::size_t slash = path.rfind('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  for (std::string_view suffix : {".ko", ".ko.xz", ".ko.zst", ".ko.gz"}) {
    if (base.size() > suffix.size() && base.ends_with(suffix)) {
      std::string name(base.substr(0, base.size() - suffix.size()));
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    }
  }
  return {};
}

ModuleList parseModuleList(std::string_view text) {
  ModuleList out;
  for (const LogicalLine& ll : splitLogicalLines(text, /*backslash_continuation=*/false)) {
    std::string_view line = trim(ll.text);
    if (line.empty()) continue;
    // modules.dep: "kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko ...".
    std::string_view path = line.substr(0, line.find(':'));
    std::string name = moduleNameFromPath(trim(path));
    if (name.empty()) {
      out.problems.push_back({"", ll.number, "not a module path: " + std::string(path)});
      continue;
    }
    out.modules.push_back({std::move(name), ll.number});
  }
  return out;
}

std::string_view configSymbolFor(std::string_view module) {
  for (const auto& [mod, sym] : kConfigSymbols) {
    if (mod == module) return sym;
  }
  return {};
}

KernelConfig parseKernelConfig(std::string_view text) {
  KernelConfig out;
  ShellVarsFile vars = parseShellVars(text);
  for (ConfigProblem& p : vars.problems) out.problems.push_back(std::move(p));
  for (const auto& [mod, sym] : kConfigSymbols) {
    const ShellVar* v = vars.find(sym);
    if (!v || (v->value != "y" && v->value != "m")) continue;
    out.drivers.push_back({std::string(mod), std::string(sym), v->value[0], v->line});
  }
  return out;
}

}  // namespace guestprep::os_linux
