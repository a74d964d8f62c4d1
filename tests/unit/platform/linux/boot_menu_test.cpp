// Boot menu parsers and the choice of the default entry (grub2, BLS, GRUB legacy), on literal
// inputs and the shared corpus; module lists and kernel configs.
#include <gtest/gtest.h>

#include "parsers/boot_menu.h"
#include "parsers/boot_modules.h"
#include "parsers/kernel_cmdline.h"
#include "support/corpus.h"

namespace guestprep::os_linux {
namespace {

std::string defaultKernel(const BootMenu& m) {
  std::string why;
  const MenuItem* it = selectMenuItem(m.items, m.default_value, why);
  return it ? it->kernel : "<none>";
}

constexpr std::string_view kDebianCfg = R"(
set default="0"
if [ x"${feature_menuentry_id}" = xy ]; then
  menuentry_id_option="--id"
fi
function savedefault {
  set default=7
}
menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple-abc' {
	linux	/boot/vmlinuz-6.1.0-18-amd64 root=UUID=abc ro quiet
	initrd	/boot/initrd.img-6.1.0-18-amd64
}
submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced-abc' {
	menuentry 'Debian GNU/Linux, with Linux 6.1.0-18-amd64' $menuentry_id_option 'gnulinux-6.1.0-18-amd64-advanced-abc' {
		linux	/boot/vmlinuz-6.1.0-18-amd64 root=UUID=abc ro quiet
		initrd	/boot/initrd.img-6.1.0-18-amd64
	}
	menuentry 'Debian GNU/Linux, with Linux 5.10.0-28-amd64' $menuentry_id_option 'gnulinux-5.10.0-28-amd64-advanced-abc' {
		linux	/boot/vmlinuz-5.10.0-28-amd64 root=UUID=abc ro quiet
		initrd	/boot/intel-ucode.img /boot/initrd.img-5.10.0-28-amd64 $extra
	}
}
menuentry 'Memory test' {
	linux16 /boot/memtest86+.bin
}
)";

TEST(BootMenu, GrubCfgDefaults) {
  struct Case {
    std::string name;
    GrubVars vars;
    std::string set_default;  // replaces `set default="0"`
    std::string kernel;
  } cases[] = {
      {"index 0", {}, "set default=\"0\"", "/boot/vmlinuz-6.1.0-18-amd64"},
      {"submenu path", {}, "set default=\"1>1\"", "/boot/vmlinuz-5.10.0-28-amd64"},
      {"submenu by ids",
       {},
       "set default='gnulinux-advanced-abc>gnulinux-5.10.0-28-amd64-advanced-abc'",
       "/boot/vmlinuz-5.10.0-28-amd64"},
      {"by title", {}, "set default='Memory test'", "/boot/memtest86+.bin"},
      {"saved_entry from grubenv",
       {{"saved_entry", "1>Debian GNU/Linux, with Linux 5.10.0-28-amd64"}},
       "set default=\"${saved_entry}\"",
       "/boot/vmlinuz-5.10.0-28-amd64"},
      {"no saved_entry: first",
       {},
       "set default=\"${saved_entry}\"",
       "/boot/vmlinuz-6.1.0-18-amd64"},
      {"out of range: first", {}, "set default=9", "/boot/vmlinuz-6.1.0-18-amd64"},
      {"unknown title: first", {}, "set default=nope", "/boot/vmlinuz-6.1.0-18-amd64"},
      {"next_entry is one-shot",
       {{"next_entry", "2"}},
       "set default=\"${next_entry}\"",
       "/boot/vmlinuz-6.1.0-18-amd64"},
  };
  for (const Case& c : cases) {
    std::string text(kDebianCfg);
    text.replace(text.find("set default=\"0\""), 15, c.set_default);
    BootMenu m = parseGrubMenu(text, c.vars);
    EXPECT_TRUE(m.problems.empty()) << c.name;
    ASSERT_EQ(m.items.size(), 3u) << c.name;
    EXPECT_EQ(defaultKernel(m), c.kernel) << c.name;
  }
  BootMenu m = parseGrubMenu(kDebianCfg, {});
  EXPECT_EQ(m.default_line, 2);
  EXPECT_EQ(m.items[0].id, "gnulinux-simple-abc");
  EXPECT_EQ(m.items[0].initrd, "/boot/initrd.img-6.1.0-18-amd64");
  EXPECT_EQ(m.items[0].kernel_line, 10);
  ASSERT_TRUE(m.items[1].submenu);
  EXPECT_EQ(m.items[1].children[1].initrd, "/boot/initrd.img-5.10.0-28-amd64")
      << "microcode and unexpanded variables are not the initramfs";
}

TEST(BootMenu, GrubCfgXenAndBlscfg) {
  BootMenu x = parseGrubMenu(
      "menuentry 'Xen' {\n multiboot2 /boot/xen.gz placeholder\n module2 /boot/vmlinuz-4.19 "
      "placeholder root=/dev/sda1\n module2 --nounzip /boot/initrd.img-4.19\n}\n",
      {});
  ASSERT_EQ(x.items.size(), 1u);
  EXPECT_EQ(x.items[0].kernel, "/boot/vmlinuz-4.19");
  EXPECT_EQ(x.items[0].initrd, "/boot/initrd.img-4.19");
  BootMenu b = parseGrubMenu("load_env\nset default=\"${saved_entry}\"\nblscfg\n",
                             {{"saved_entry", "abc-4.18.0-80.el8.x86_64"}});
  EXPECT_TRUE(b.uses_blscfg);
  EXPECT_EQ(b.default_value, "abc-4.18.0-80.el8.x86_64");
}

TEST(BootMenu, GrubLegacy) {
  BootMenu m = parseGrubLegacyMenu(
      "default=1\ntimeout=5\ntitle Windows\n  rootnoverify (hd0,0)\n  chainloader +1\n"
      "title CentOS (2.6.32-754.el6.x86_64)\n  root (hd0,0)\n  kernel "
      "/vmlinuz-2.6.32-754.el6.x86_64 ro\n"
      "  initrd /initramfs-2.6.32-754.el6.x86_64.img\n"
      "title Xen\n kernel /xen.gz\n module /vmlinuz-2.6.18-xen ro\n module "
      "/initrd-2.6.18-xen.img\n");
  ASSERT_EQ(m.items.size(), 3u) << "a section without a kernel still counts for default=N";
  EXPECT_EQ(m.default_value, "1");
  EXPECT_EQ(defaultKernel(m), "/vmlinuz-2.6.32-754.el6.x86_64");
  EXPECT_EQ(m.items[1].kernel_line, 8);
  EXPECT_EQ(m.items[1].initrd, "/initramfs-2.6.32-754.el6.x86_64.img");
  EXPECT_EQ(m.items[2].kernel, "/vmlinuz-2.6.18-xen");
  EXPECT_EQ(m.items[2].initrd, "/initrd-2.6.18-xen.img");
}

TEST(BootMenu, VersionsReleasesAndPaths) {
  EXPECT_LT(compareVersions("4.18.0-80.el8", "4.18.0-147.el8"), 0);
  EXPECT_GT(compareVersions("5.14.0-70.13.1.el9_0", "5.14.0-70.el9"), 0);
  EXPECT_EQ(compareVersions("1.0", "1..0"), 0);
  EXPECT_LT(compareVersions("0-rescue-abc", "4.18.0-80.el8"), 0);
  EXPECT_EQ(kernelReleaseFromImage("/vmlinuz-3.10.0-229.el7.x86_64"), "3.10.0-229.el7.x86_64");
  EXPECT_EQ(kernelReleaseFromImage("(hd0,1)/boot/vmlinuz-4.4.21-69-default"), "4.4.21-69-default");
  EXPECT_EQ(kernelReleaseFromImage("/boot/vmlinuz"), "");
  EXPECT_EQ(stripGrubDevice("(hd0,msdos1)/vmlinuz-x"), "/vmlinuz-x");
}

TEST(BootModules, NamesListsAndConfig) {
  EXPECT_EQ(moduleNameFromPath("kernel/drivers/block/virtio_blk.ko"), "virtio_blk");
  EXPECT_EQ(moduleNameFromPath("usr/lib/modules/x/kernel/drivers/net/xen-netfront.ko.zst"),
            "xen_netfront");
  EXPECT_EQ(moduleNameFromPath("nvme-core.ko.xz"), "nvme_core");
  EXPECT_EQ(moduleNameFromPath("lib/modules/x/modules.dep"), "");
  EXPECT_EQ(moduleNameFromPath(".ko"), "");
  ModuleList dep = parseModuleList(
      "kernel/drivers/block/virtio_blk.ko.xz: kernel/drivers/virtio/virtio_ring.ko.xz\n"
      "\nkernel/drivers/nvme/host/nvme.ko:\nbogus line\n");
  ASSERT_EQ(dep.modules.size(), 2u);
  EXPECT_EQ(dep.modules[1].name, "nvme");
  EXPECT_EQ(dep.modules[1].line, 3);
  ASSERT_EQ(dep.problems.size(), 1u);
  EXPECT_EQ(dep.problems[0].line, 4);
  KernelConfig cfg = parseKernelConfig(
      "#\n# Automatically generated file; DO NOT EDIT.\nCONFIG_VIRTIO=y\nCONFIG_VIRTIO_PCI=y\n"
      "CONFIG_VIRTIO_BLK=m\n# CONFIG_VIRTIO_CONSOLE is not set\nCONFIG_SCSI_VIRTIO=m\n"
      "CONFIG_XEN_BLKDEV_FRONTEND=y\nCONFIG_BLK_DEV_NVME=n\nCONFIG_CMDLINE=\"a b\"\n");
  std::string got;
  for (const ConfigDriver& d : cfg.drivers)
    got += d.module + "=" + d.value + ":" + std::to_string(d.line) + " ";
  EXPECT_EQ(got,
            "virtio=y:3 virtio_ring=y:3 virtio_pci=y:4 virtio_blk=m:5 virtio_scsi=m:7 "
            "xen_blkfront=y:8 ");
  EXPECT_EQ(configSymbolFor("virtio_scsi"), "CONFIG_SCSI_VIRTIO");
}

std::filesystem::path bootFile(const std::string& rel) {
  return *testing::corpusDir() / "boot" / rel;
}

TEST(BootMenuCorpus, RealConfigsChooseTheRightKernel) {
  GUESTPREP_REQUIRE_CORPUS();
  // CentOS 7: `set default="${saved_entry}"`, saved_entry names the second entry by title.
  GrubEnvFile env = parseGrubEnv(testing::readTestFile(bootFile("inspec/grubenv-centos7")));
  BootMenu c7 =
      parseGrubMenu(testing::readTestFile(bootFile("inspec/grub2.cfg-centos7")), env.vars);
  EXPECT_EQ(c7.items.size(), 3u);
  EXPECT_EQ(c7.default_line, 20);
  EXPECT_EQ(defaultKernel(c7), "/vmlinuz-3.10.0-229.el7.x86_64");
  EXPECT_EQ(c7.items[1].initrd, "/initramfs-3.10.0-229.el7.x86_64.img");
  EXPECT_EQ(c7.items[1].id,
            "gnulinux-3.10.0-229.el7.x86_64-advanced-c0bb4384-69a4-4aff-93ea-7ec2ea8e3a63");
  // Without the grubenv the same file boots the first entry.
  EXPECT_EQ(
      defaultKernel(parseGrubMenu(testing::readTestFile(bootFile("inspec/grub2.cfg-centos7")), {})),
      "/vmlinuz-yup-kernel-works");

  BootMenu c6 = parseGrubLegacyMenu(testing::readTestFile(bootFile("inspec/grub.conf-centos6")));
  EXPECT_EQ(c6.default_value, "0");
  EXPECT_EQ(c6.default_line, 10);
  EXPECT_EQ(kernelReleaseFromImage(defaultKernel(c6)).empty(), false);
  BootMenu spaces = parseGrubLegacyMenu(
      testing::readTestFile(bootFile("insights-core/grub.conf-spaces-around-equals")));
  EXPECT_EQ(spaces.default_value, "1");
  BootMenu invalid = parseGrubLegacyMenu(
      testing::readTestFile(bootFile("insights-core/grub.conf-invalid-default")));
  EXPECT_EQ(invalid.default_value, "a");
  EXPECT_EQ(defaultKernel(invalid), "/vmlinuz-2.6.18-194.8.1.el5")
      << "invalid default: first entry";
  BootMenu xen =
      parseGrubLegacyMenu(testing::readTestFile(bootFile("augeas/grub.conf-fedora8-xen")));
  for (const MenuItem& it : xen.items) {
    EXPECT_FALSE(it.kernel.empty()) << it.title;
    EXPECT_EQ(it.kernel.find("xen.gz"), std::string::npos)
        << it.title << ": the hypervisor is not Linux";
  }

  MenuItem bls =
      parseBlsMenuEntry(testing::readTestFile(bootFile("insights-core/bls-entry-rhel8.conf")));
  EXPECT_EQ(bls.version, "4.18.0-80.1.2.el8_0.x86_64");
  EXPECT_EQ(bls.kernel, "/vmlinuz-4.18.0-80.1.2.el8_0.x86_64");
  EXPECT_EQ(bls.kernel_line, 3);
  EXPECT_EQ(bls.initrd, "/initramfs-4.18.0-80.1.2.el8_0.x86_64.img");
}

TEST(BootMenuCorpus, EveryBootFileParsesAndEveryEntryHasAKernelRelease) {
  GUESTPREP_REQUIRE_CORPUS();
  int checked = 0;
  for (const auto& path : testing::corpusFiles("boot")) {
    std::string name = path.filename().string();
    std::string text = testing::readTestFile(path);
    BootMenu m;
    if (name.starts_with("grub.conf")) {
      m = parseGrubLegacyMenu(text);
    } else if (name.starts_with("grub2")) {
      m = parseGrubMenu(text, {});
    } else {
      continue;
    }
    ++checked;
    EXPECT_FALSE(m.items.empty()) << name;
    for (const MenuItem& it : m.items) {
      if (it.kernel.empty()) continue;
      if (it.kernel.find("vmlinuz") == std::string::npos) continue;  // memtest, hypervisors
      EXPECT_FALSE(kernelReleaseFromImage(it.kernel).empty()) << name << ": " << it.kernel;
    }
  }
  EXPECT_GE(checked, 7);
}

TEST(BootModulesCorpus, LsinitrdListingsNameModules) {
  GUESTPREP_REQUIRE_CORPUS();
  std::string text = testing::readTestFile(*testing::corpusDir() / "initramfs" / "insights-core" /
                                           "lsinitrd-rhel83-kdump-dracut049");
  std::vector<std::string> modules;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    // The path is the last field of an `ls -l` style line.
    std::string m = moduleNameFromPath(line.substr(line.rfind(' ') + 1));
    if (m.empty()) continue;
    EXPECT_EQ(m.find('-'), std::string::npos) << line;
    modules.push_back(m);
  }
  EXPECT_EQ(modules, (std::vector<std::string>{"loop", "overlay", "squashfs"}));
}

}  // namespace
}  // namespace guestprep::os_linux
