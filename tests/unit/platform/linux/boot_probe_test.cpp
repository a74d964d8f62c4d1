// probeBoot through TestHost: default kernel, modules and initramfs on small built trees.
#include <gtest/gtest.h>

#include "boot_test_images.h"
#include "probes/boot_probe.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using testing::TestHost;

constexpr char kRel[] = "3.10.0-1160.el7.x86_64";
constexpr char kOld[] = "3.10.0-957.el7.x86_64";

std::string initramfsWith(const std::vector<std::string>& modules) {
  std::vector<std::pair<std::string, std::string>> files = {{"init", "#!/bin/sh\n"}};
  for (const auto& m : modules)
    files.push_back({"usr/lib/modules/" + std::string(kRel) + "/" + m, "x"});
  return compress(newc(files), "xz");
}

// A CentOS 7 /boot: two entries, grubenv choosing the first by title.
void centos7(TestHost& h, const std::string& saved_title) {
  h.addFile("/boot/grub2/grub.cfg",
            "set default=\"${saved_entry}\"\n"
            "menuentry 'CentOS Linux (3.10.0-1160.el7.x86_64) 7 (Core)' --class centos {\n"
            "\tlinux16 /vmlinuz-3.10.0-1160.el7.x86_64 root=/dev/vda1 ro\n"
            "\tinitrd16 /initramfs-3.10.0-1160.el7.x86_64.img\n}\n"
            "menuentry 'CentOS Linux (3.10.0-957.el7.x86_64) 7 (Core)' --class centos {\n"
            "\tlinux16 /vmlinuz-3.10.0-957.el7.x86_64 root=/dev/vda1 ro\n"
            "\tinitrd16 /initramfs-3.10.0-957.el7.x86_64.img\n}\n");
  h.addFile("/boot/grub2/grubenv",
            "# GRUB Environment Block\nsaved_entry=" + saved_title + "\n" + std::string(900, '#'));
  h.addFile(std::string("/boot/vmlinuz-") + kRel, "k");
  h.addFile(std::string("/lib/modules/") + kRel + "/modules.dep",
            "kernel/drivers/block/virtio_blk.ko.xz: kernel/drivers/virtio/virtio_ring.ko.xz\n"
            "kernel/drivers/net/virtio_net.ko.xz:\nkernel/drivers/virtio/virtio_pci.ko.xz:\n"
            "kernel/drivers/nvme/host/nvme.ko.xz:\n");
  h.addFile(std::string("/lib/modules/") + kRel + "/modules.builtin",
            "kernel/drivers/block/xen-blkfront.ko\n");
  h.addFile(std::string("/boot/config-") + kRel, "CONFIG_VIRTIO_CONSOLE=y\nCONFIG_VIRTIO_BLK=m\n");
}

TEST(BootProbe, Grub2DefaultKernelModulesAndInitramfs) {
  TestHost h;
  centos7(h, "CentOS Linux (3.10.0-1160.el7.x86_64) 7 (Core)");
  h.addFile(std::string("/boot/initramfs-") + kRel + ".img",
            newc({{"kernel/x86/microcode/GenuineIntel.bin", "u"}}) +
                initramfsWith({"kernel/drivers/block/virtio_blk.ko.xz",
                               "kernel/drivers/virtio/virtio_pci.ko.xz"}));
  BootFacts f;
  probeBoot(h, f);
  ASSERT_TRUE(f.kernel.ok()) << f.kernel.error;
  EXPECT_EQ(f.kernel.value->release, kRel);
  EXPECT_EQ(f.kernel.value->image, std::string("/boot/vmlinuz-") + kRel)
      << "grub reads /boot's partition; the file is under /boot";
  EXPECT_EQ(f.kernel.value->source, (SourceRef{"/boot/grub2/grub.cfg", 3}));
  EXPECT_NE(f.kernel.value->chosen_by.find("grub.cfg:1"), std::string::npos)
      << f.kernel.value->chosen_by;
  EXPECT_EQ(f.modules_dep, std::string("/lib/modules/") + kRel + "/modules.dep");
  EXPECT_EQ(f.module_files,
            (std::vector<std::string>{"nvme", "virtio_blk", "virtio_net", "virtio_pci"}));
  ASSERT_EQ(f.builtin.size(), 2u);
  EXPECT_EQ(f.builtin[0].name, "xen_blkfront");
  EXPECT_EQ(f.builtin[1].name, "virtio_console");
  EXPECT_EQ(f.builtin[1].source, (SourceRef{std::string("/boot/config-") + kRel, 1}));
  ASSERT_EQ(f.config_modules.size(), 1u);
  EXPECT_EQ(f.config_modules[0].name, "virtio_blk");
  EXPECT_TRUE(f.initramfs.found);
  EXPECT_EQ(f.initramfs.path, std::string("/boot/initramfs-") + kRel + ".img");
  EXPECT_EQ(f.initramfs.segments, (std::vector<std::string>{"cpio", "xz+cpio"}));
  EXPECT_EQ(f.initramfs.modules, (std::vector<std::string>{"virtio_blk", "virtio_pci"}));
  EXPECT_EQ(f.initramfs.error, "");
  EXPECT_TRUE(f.problems.empty());
}

TEST(BootProbe, SavedEntryPicksTheOtherKernelWithoutModules) {
  TestHost h;
  centos7(h, "CentOS Linux (3.10.0-957.el7.x86_64) 7 (Core)");
  BootFacts f;
  probeBoot(h, f);
  ASSERT_TRUE(f.kernel.ok()) << f.kernel.error;
  EXPECT_EQ(f.kernel.value->release, kOld);
  EXPECT_EQ(f.modules_dir, "");
  EXPECT_EQ(f.modules_dep, "");
  EXPECT_FALSE(f.initramfs.found);
  EXPECT_EQ(f.initramfs.path, std::string("/boot/initramfs-") + kOld + ".img");
}

TEST(BootProbe, WithoutModulesDepTheTreeIsWalked) {
  TestHost h;
  h.addFile("/boot/grub/menu.lst",
            "default 0\ntitle Debian\nroot (hd0,0)\nkernel /boot/vmlinuz-3.2.0-4-amd64 ro\n");
  h.addFile("/lib/modules/3.2.0-4-amd64/kernel/drivers/block/virtio_blk.ko", "x");
  h.addFile("/lib/modules/3.2.0-4-amd64/kernel/drivers/net/xen-netfront.ko", "x");
  h.addFile("/boot/initrd.img-3.2.0-4-amd64", compress(newc({{"init", "x"}}), "gzip"));
  BootFacts f;
  probeBoot(h, f);
  ASSERT_TRUE(f.kernel.ok()) << f.kernel.error;
  EXPECT_EQ(f.kernel.value->source, (SourceRef{"/boot/grub/menu.lst", 4}));
  EXPECT_EQ(f.modules_dep, "");
  EXPECT_EQ(f.module_files_source, "/lib/modules/3.2.0-4-amd64");
  EXPECT_EQ(f.module_files, (std::vector<std::string>{"virtio_blk", "xen_netfront"}));
  EXPECT_TRUE(f.builtin_lists.empty());
  EXPECT_TRUE(f.initramfs.found) << "found by the distribution's name without an initrd line";
  EXPECT_EQ(f.initramfs.path, "/boot/initrd.img-3.2.0-4-amd64");
  EXPECT_EQ(f.initramfs.segments, std::vector<std::string>{"gzip+cpio"});
}

TEST(BootProbe, BlsEntriesNewestFirstAndSuseSymlink) {
  TestHost h;
  h.addFile("/boot/grub2/grub.cfg", "load_env\nset default=\"${saved_entry}\"\nblscfg\n");
  h.addFile("/boot/loader/entries/abc-4.18.0-80.el8.x86_64.conf",
            "title RHEL 8\nversion 4.18.0-80.el8.x86_64\nlinux /vmlinuz-4.18.0-80.el8.x86_64\n");
  h.addFile("/boot/loader/entries/abc-4.18.0-147.el8.x86_64.conf",
            "title RHEL 8\nversion 4.18.0-147.el8.x86_64\nlinux /vmlinuz-4.18.0-147.el8.x86_64\n"
            "initrd /initramfs-4.18.0-147.el8.x86_64.img $tuned_initrd\n");
  BootFacts f;
  probeBoot(h, f);
  ASSERT_TRUE(f.kernel.ok()) << f.kernel.error;
  EXPECT_EQ(f.kernel.value->release, "4.18.0-147.el8.x86_64");
  EXPECT_EQ(f.kernel.value->source.file, "/boot/loader/entries/abc-4.18.0-147.el8.x86_64.conf");
  EXPECT_EQ(f.kernel.value->initrd, "/boot/initramfs-4.18.0-147.el8.x86_64.img");

  TestHost s;
  s.addFile("/boot/grub2/grub.cfg",
            "menuentry 'SLES 12' {\n linux /boot/vmlinuz root=/dev/sda2\n}\n");
  s.addFile("/boot/vmlinuz-4.12.14-122.37-default", "k");
  s.addSymlink("/boot/vmlinuz", "vmlinuz-4.12.14-122.37-default");
  BootFacts g;
  probeBoot(s, g);
  ASSERT_TRUE(g.kernel.ok()) << g.kernel.error;
  EXPECT_EQ(g.kernel.value->release, "4.12.14-122.37-default");
}

TEST(BootProbe, NoBootLoaderIsAnError) {
  TestHost h;
  h.addFile("/boot/vmlinuz-1", "a");
  h.addFile("/boot/vmlinuz-2", "b");
  BootFacts f;
  probeBoot(h, f);
  EXPECT_FALSE(f.kernel.ok());
  EXPECT_NE(f.kernel.error.find("2 kernels"), std::string::npos) << f.kernel.error;

  TestHost d;  // debootstrap: no loader, /vmlinuz -> boot/vmlinuz-R
  d.addFile("/boot/vmlinuz-6.1.0-18-amd64", "k");
  d.addFile("/boot/initrd.img-6.1.0-18-amd64", "garbage");
  d.addSymlink("/vmlinuz", "boot/vmlinuz-6.1.0-18-amd64");
  d.addSymlink("/initrd.img", "boot/initrd.img-6.1.0-18-amd64");
  BootFacts g;
  probeBoot(d, g);
  ASSERT_TRUE(g.kernel.ok()) << g.kernel.error;
  EXPECT_EQ(g.kernel.value->release, "6.1.0-18-amd64");
  EXPECT_TRUE(g.initramfs.found);
  EXPECT_NE(g.initramfs.error, "") << "a damaged image is reported, not listed as empty";
}

}  // namespace
}  // namespace guestprep::os_linux
