// Boot fixers (L-DRIVERS, X-BOOTKERNEL) on literal trees: facts from the real probes (initramfs
// images built at test time), the built-in policy, buildPlan; the configuration each initramfs
// tool reads, the depmod and rebuild commands with the files they change, and an empty second
// plan once the image holds the drivers.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "audit/audit.h"
#include "boot_test_images.h"
#include "fix/fix.h"
#include "fixers/edit.h"
#include "policy/policy.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using testing::TestHost;

constexpr char kDeb[] = "6.1.0-18-amd64";
constexpr char kEl[] = "3.10.0-1160.el7.x86_64";

Plan planFor(const TestHost& host, const std::string& requirement, Facts* facts_out = nullptr) {
  auto policy = builtinPolicy("aliyun-ecs-linux");
  EXPECT_TRUE(policy.has_value());
  Facts facts = collectFacts(host, collectOptionsFor(*policy));
  auto findings = evaluatePolicy(*policy, facts);
  FixOptions options;
  options.only = {requirement};
  if (facts_out) *facts_out = facts;
  return buildPlan(*policy, findings, facts, host, options, platformFixers());
}

std::string unmarked(std::string text) {
  const std::string marker = editMarker();
  for (std::size_t at; (at = text.find(marker)) != std::string::npos;) {
    text.replace(at, marker.size(), "MARK");
  }
  return text;
}

std::string describe(const FixItem& item) {
  std::string out;
  for (const auto& a : item.actions) {
    if (a.kind == ActionKind::kRunCommand) {
      out += "run " + fmt::format("{}", fmt::join(a.argv, " "));
      if (!a.touches.empty()) out += " [" + a.touches.front() + "]";
    } else {
      out += toString(a.kind) + " " + a.path;
    }
    out += "\n";
  }
  return out;
}

std::string image(const std::string& release, const std::vector<std::string>& modules) {
  std::vector<std::pair<std::string, std::string>> files = {{"init", "#!/bin/sh\n"}};
  for (const auto& m : modules) {
    files.push_back({"usr/lib/modules/" + release + "/kernel/drivers/" + m + ".ko", "x"});
  }
  return compress(newc(files), "gzip");
}

const char* kAllDrivers =
    "kernel/drivers/block/virtio_blk.ko:\nkernel/drivers/virtio/virtio_pci.ko:\n"
    "kernel/drivers/scsi/virtio_scsi.ko:\nkernel/drivers/net/virtio_net.ko:\n"
    "kernel/drivers/char/virtio_console.ko:\nkernel/drivers/block/xen-blkfront.ko:\n"
    "kernel/drivers/net/xen-netfront.ko:\n";

/// Debian: menu.lst picks the kernel, update-initramfs builds /boot/initrd.img-R.
void debian(TestHost& h, bool with_dep = true) {
  h.setRuntime(false);
  h.addFile("/boot/grub/menu.lst", std::string("default 0\ntitle Debian\nroot (hd0,0)\nkernel "
                                               "/boot/vmlinuz-") +
                                       kDeb + " ro\n");
  h.addFile(std::string("/boot/vmlinuz-") + kDeb, "k");
  std::string dir = std::string("/lib/modules/") + kDeb;
  if (with_dep) h.addFile(dir + "/modules.dep", kAllDrivers);
  h.addFile(dir + "/modules.builtin", "kernel/drivers/virtio/virtio.ko\n");
  for (const char* m :
       {"block/virtio_blk", "virtio/virtio_pci", "scsi/virtio_scsi", "net/virtio_net",
        "char/virtio_console", "block/xen-blkfront", "net/xen-netfront"}) {
    h.addFile(dir + "/kernel/drivers/" + m + ".ko", "x");
  }
  h.addFile(std::string("/boot/initrd.img-") + kDeb, image(kDeb, {"ata/ata_piix"}));
  h.addFile("/usr/sbin/update-initramfs", "", 0755);
  h.addFile("/etc/initramfs-tools/initramfs.conf", "MODULES=list\n");
}

TEST(DriversFixer, InitramfsToolsModulesAndRebuild) {
  TestHost h;
  debian(h);
  h.addFile("/etc/initramfs-tools/modules", "# modules\nvirtio-blk\nraid1 opt=1");
  Plan p = planFor(h, "L-DRIVERS");
  ASSERT_EQ(p.items.size(), 1u) << renderPlanText(p, h);
  const FixItem& item = p.items[0];
  EXPECT_EQ(describe(item),
            std::string("write /etc/initramfs-tools/modules\nrun update-initramfs -u -k ") + kDeb +
                " [/boot/initrd.img-" + kDeb + "]\n");
  EXPECT_EQ(unmarked(item.actions[0].content),
            "# modules\nvirtio-blk\nraid1 opt=1\n# MARK: drivers the cloud's disks need before "
            "root is mounted\nvirtio_pci\nvirtio_scsi\nxen_blkfront\n")
      << "virtio-blk is virtio_blk to modprobe: listed already";
  EXPECT_TRUE(item.notes.empty());

  // What the tool does once the list is there: the image holds the drivers. Then nothing is left.
  h.addFile("/etc/initramfs-tools/modules", item.actions[0].content);
  h.addFile(std::string("/boot/initrd.img-") + kDeb,
            image(kDeb, {"block/virtio_blk", "virtio/virtio_pci", "scsi/virtio_scsi",
                         "block/xen-blkfront"}));
  Facts after;
  Plan again = planFor(h, "L-DRIVERS", &after);
  EXPECT_EQ(again.actionCount(), 0u) << renderPlanText(again, h);
}

TEST(DriversFixer, ListedButNotYetBuiltOnlyRebuilds) {
  TestHost h;
  debian(h);
  h.addFile("/etc/initramfs-tools/modules", "virtio_blk\nvirtio_pci\nvirtio_scsi\nxen_blkfront\n");
  Plan p = planFor(h, "L-DRIVERS");
  ASSERT_EQ(p.items.size(), 1u);
  EXPECT_EQ(describe(p.items[0]), std::string("run update-initramfs -u -k ") + kDeb +
                                      " [/boot/initrd.img-" + kDeb + "]\n");
}

TEST(DriversFixer, DepmodFirstWhenModulesDepIsMissing) {
  TestHost h;
  debian(h, false);
  Plan p = planFor(h, "L-DRIVERS");
  ASSERT_EQ(p.items.size(), 1u) << renderPlanText(p, h);
  const FixItem& item = p.items[0];
  EXPECT_EQ(describe(item), std::string("write /etc/initramfs-tools/modules\nrun depmod ") + kDeb +
                                " [/lib/modules/" + kDeb +
                                "/modules.dep]\nrun update-initramfs "
                                "-u -k " +
                                kDeb + " [/boot/initrd.img-" + kDeb + "]\n");
  EXPECT_GT(item.actions[1].touches.size(), 10u) << "every index depmod writes is journalled";
}

/// CentOS 7: grub2 with BLS-less menu entries, dracut.
void centos7(TestHost& h) {
  h.setRuntime(false);
  h.addFile("/etc/os-release", "ID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\n");
  h.addFile("/boot/grub2/grub.cfg",
            std::string("set default=0\nmenuentry 'CentOS' {\n\tlinux16 /vmlinuz-") + kEl +
                " root=/dev/vda1 ro\n\tinitrd16 /initramfs-" + kEl + ".img\n}\n");
  h.addFile(std::string("/boot/vmlinuz-") + kEl, "k");
  h.addFile(std::string("/lib/modules/") + kEl + "/modules.dep", kAllDrivers);
  h.addFile(std::string("/lib/modules/") + kEl + "/modules.builtin", "");
  h.addFile(std::string("/boot/initramfs-") + kEl + ".img", image(kEl, {"block/virtio_blk"}));
  h.addFile("/usr/bin/dracut", "", 0755);
}

TEST(DriversFixer, DracutDropInMergedAndNoHostonlyOffline) {
  TestHost h;
  centos7(h);
  h.addFile("/etc/dracut.conf.d/90-guestprep-virtio.conf", "add_drivers+=\" virtio_pci \"\n");
  Plan p = planFor(h, "L-DRIVERS");
  ASSERT_EQ(p.items.size(), 1u) << renderPlanText(p, h);
  const FixItem& item = p.items[0];
  EXPECT_EQ(describe(item), std::string("write /etc/dracut.conf.d/90-guestprep-virtio.conf\n"
                                        "run dracut -f --no-hostonly /boot/initramfs-") +
                                kEl + ".img " + kEl + " [/boot/initramfs-" + kEl + ".img]\n");
  EXPECT_EQ(unmarked(item.actions[0].content),
            "# MARK: drivers the cloud's disks need before root is mounted\n"
            "add_drivers+=\" virtio_pci virtio_scsi xen_blkfront \"\n")
      << "virtio_blk is in the image already; virtio_pci was in the drop-in";
}

TEST(DriversFixer, SuseInitrdModulesExtended) {
  TestHost h;
  h.setRuntime(false);
  const std::string rel = "3.0.101-63-default";
  h.addFile("/boot/grub/menu.lst", "default 0\ntitle SLES 11\nroot (hd0,0)\nkernel /boot/vmlinuz-" +
                                       rel +
                                       " ro\n"
                                       "initrd /boot/initrd-" +
                                       rel + "\n");
  h.addFile("/boot/vmlinuz-" + rel, "k");
  h.addFile("/lib/modules/" + rel + "/modules.dep", kAllDrivers);
  h.addFile("/lib/modules/" + rel + "/modules.builtin", "");
  h.addFile("/boot/initrd-" + rel, image(rel, {}));
  h.addFile("/sbin/mkinitrd", "", 0755);
  h.addFile("/etc/sysconfig/kernel",
            "## Type: string\nINITRD_MODULES=\"ata_piix virtio_blk\"\n"
            "DOMU_INITRD_MODULES=\"xennet\"\n");
  Plan p = planFor(h, "L-DRIVERS");
  ASSERT_EQ(p.items.size(), 1u) << renderPlanText(p, h);
  const FixItem& item = p.items[0];
  EXPECT_EQ(describe(item), "write /etc/sysconfig/kernel\nrun mkinitrd -k /boot/vmlinuz-" + rel +
                                " -i /boot/initrd-" + rel + " [/boot/initrd-" + rel + "]\n");
  EXPECT_EQ(item.actions[0].content,
            "## Type: string\nINITRD_MODULES=\"ata_piix virtio_blk virtio_pci virtio_scsi "
            "xen_blkfront\"\nDOMU_INITRD_MODULES=\"xennet\"\n");
}

TEST(DriversFixer, MissingModuleIsANote) {
  TestHost h;
  debian(h);
  ASSERT_TRUE(std::filesystem::remove(
      h.hostPath(std::string("/lib/modules/") + kDeb + "/kernel/drivers/block/xen-blkfront.ko")));
  std::string dep = kAllDrivers;
  const std::string line = "kernel/drivers/block/xen-blkfront.ko:\n";
  dep.erase(dep.find(line), line.size());
  h.addFile(std::string("/lib/modules/") + kDeb + "/modules.dep", dep);
  Plan p = planFor(h, "L-DRIVERS");
  ASSERT_EQ(p.items.size(), 1u) << renderPlanText(p, h);
  ASSERT_EQ(p.items[0].notes.size(), 1u);
  EXPECT_NE(p.items[0].notes[0].find("has no xen_blkfront"), std::string::npos)
      << p.items[0].notes[0];
  EXPECT_EQ(unmarked(p.items[0].actions[0].content),
            "# MARK: drivers the cloud's disks need before root is mounted\nvirtio_blk\n"
            "virtio_pci\nvirtio_scsi\n");
}

TEST(BootKernelFixer, MissingInitramfsBuiltWithCreate) {
  TestHost h;
  debian(h);
  std::filesystem::remove(h.hostPath(std::string("/boot/initrd.img-") + kDeb));
  Plan p = planFor(h, "X-BOOTKERNEL");
  ASSERT_EQ(p.items.size(), 1u) << renderPlanText(p, h);
  EXPECT_EQ(describe(p.items[0]), std::string("run update-initramfs -c -k ") + kDeb +
                                      " [/boot/initrd.img-" + kDeb + "]\n");
}

TEST(BootKernelFixer, NoModuleTreeIsNotFixed) {
  TestHost h;
  debian(h);
  std::filesystem::remove_all(h.hostPath(std::string("/lib/modules/") + kDeb));
  Plan p = planFor(h, "X-BOOTKERNEL");
  EXPECT_TRUE(p.items.empty());
  ASSERT_EQ(p.skipped.size(), 1u);
  EXPECT_NE(p.skipped[0].reason.find("reinstall the kernel package"), std::string::npos);
}

}  // namespace
}  // namespace guestprep::os_linux
