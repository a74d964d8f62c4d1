// The boot family's rule types, listed for the registry.
#include "rules/boot_rules.h"

#include "rules/registry.h"

namespace guestprep {

std::vector<RuleType> bootRuleTypes() {
  return {
      {"drivers.present",
       "the virtio (and Xen PV) drivers are in the default kernel and its initramfs",
       driversPresentParams(), &evaluateDriversPresent,
       "Install the drivers and rebuild the initramfs of the default kernel with them: dracut "
       "--add-drivers \"virtio_blk virtio_pci virtio_scsi virtio_net\" -f "
       "/boot/initramfs-<release>.img "
       "<release> (RHEL, SUSE), or list them in /etc/initramfs-tools/modules and run "
       "update-initramfs -u -k <release> (Debian, Ubuntu)."},
      {"nvme.present", "the NVMe driver is in the default kernel and its initramfs",
       nvmePresentParams(), &evaluateNvmePresent,
       "Rebuild the initramfs of the default kernel with the NVMe driver (dracut --add-drivers "
       "nvme, or add nvme to /etc/initramfs-tools/modules and run update-initramfs -u), or use "
       "an instance type without NVMe disks."},
      {"bootkernel.ready", "the default boot kernel has modules.dep and an initramfs",
       bootKernelReadyParams(), &evaluateBootKernelReady,
       "Run depmod <release> for the default kernel and rebuild its initramfs (dracut -f, "
       "update-initramfs -u -k <release>, or mkinitrd)."},
  };
}

}  // namespace guestprep
