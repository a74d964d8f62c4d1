// Tests for the runtime network, IPv6-at-boot, persistent-net udev and cloud-init probes, through
// a TestHost fixture tree (literal files, symlinks, and corpus files placed where they live).
#include <algorithm>

#include <gtest/gtest.h>

#include "probes/network_probes.h"
#include "support/corpus.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using testing::TestHost;
using Args = std::vector<std::string>;

std::string corpusText(const char* category, const char* rel) {
  return testing::readTestFile(*testing::corpusDir() / category / rel);
}

// Looks in both problem lists: interface files (`problems`) and boot configuration
// (`boot_problems`).
bool hasProblem(const NetworkFacts& f, const std::string& file, int line) {
  auto match = [&](const ConfigProblem& p) {
    return p.file == file && p.line == line && !p.message.empty();
  };
  return std::any_of(f.problems.begin(), f.problems.end(), match) ||
         std::any_of(f.boot_problems.begin(), f.boot_problems.end(), match);
}

// --- probeRuntimeNetwork -------------------------------------------------------------------

TEST(RuntimeNetworkProbe, OfflineRootIsNotCollected) {
  TestHost host;
  host.setRuntime(false);
  host.addFile("/proc/cmdline", "ro quiet\n");  // a stale file must not be read as state
  NetworkFacts f;
  probeRuntimeNetwork(host, f);
  EXPECT_FALSE(f.runtime_nics.ok());
  EXPECT_FALSE(f.runtime_ipv6.ok());
  EXPECT_FALSE(f.runtime_cmdline.ok());
  EXPECT_NE(f.runtime_nics.error.find("not collected"), std::string::npos);
  EXPECT_NE(f.runtime_ipv6.error.find("no running state"), std::string::npos);
  EXPECT_NE(f.runtime_cmdline.error.find("not collected"), std::string::npos);
}

TEST(RuntimeNetworkProbe, SysClassNetProcAndCmdline) {
  TestHost host;
  const std::string pci = "/sys/devices/pci0000:00/0000:00:03.0";
  host.addFile(pci + "/net/eth0/address", "52:54:00:12:34:56\n")
      .addFile(pci + "/net/eth0/operstate", "up\n")
      .addSymlink(pci + "/net/eth0/device", "../../../0000:00:03.0")
      .addSymlink("/sys/class/net/eth0", "../../devices/pci0000:00/0000:00:03.0/net/eth0")
      .addFile("/sys/devices/virtual/net/lo/address", "00:00:00:00:00:00\n")
      .addFile("/sys/devices/virtual/net/lo/operstate", "unknown\n")
      .addSymlink("/sys/class/net/lo", "../../devices/virtual/net/lo")
      // A virtual interface never has a device link; if one shows up the path still decides.
      .addFile("/sys/devices/virtual/net/br0/address", "52:54:00:aa:00:01\n")
      .addFile("/sys/devices/virtual/net/br0/operstate", "up\n")
      .addDir("/sys/devices/virtual/net/br0/device")
      .addSymlink("/sys/class/net/br0", "../../devices/virtual/net/br0")
      .addFile("/sys/class/net/bonding_masters", "bond0\n")
      // Fixture trees may hold plain directories instead of links.
      .addFile("/sys/class/net/eth1/address", "52:54:00:AB:CD:EF\n")
      .addFile("/sys/class/net/eth1/operstate", "down\n")
      .addDir("/sys/class/net/eth1/device")
      .addFile("/sys/class/net/ib0/address",
               "80:00:02:08:FE:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bc:de\n")
      .addFile("/sys/class/net/ib0/operstate", "up\n")
      .addDir("/sys/class/net/ib0/device")
      .addDir("/sys/class/net/tun0")  // no address, no operstate: reported, still listed
      .addFile("/proc/net/if_inet6",
               "00000000000000000000000000000001 01 80 10 80       lo\n"
               "fe800000000000005054fffe123456 02 40 20 80     eth0\n"
               "fe80000000000000505400fffe123456 02 40 20 80     eth0\n"
               "2001db80000000000000000000000010 02 40 00 00     eth0\n")
      .addFile("/proc/cmdline", "BOOT_IMAGE=/vmlinuz-5.10 root=UUID=x ro ipv6.disable=0\n");
  NetworkFacts f;
  probeRuntimeNetwork(host, f);

  ASSERT_TRUE(f.runtime_nics.ok()) << f.runtime_nics.error;
  const std::vector<RuntimeNic>& nics = *f.runtime_nics.value;
  ASSERT_EQ(nics.size(), 6u);
  EXPECT_EQ(nics[0], (RuntimeNic{"br0", "52:54:00:aa:00:01", false, "up"}));
  EXPECT_EQ(nics[1], (RuntimeNic{"eth0", "52:54:00:12:34:56", true, "up"}));
  EXPECT_EQ(nics[2], (RuntimeNic{"eth1", "52:54:00:ab:cd:ef", true, "down"}));
  EXPECT_EQ(nics[3],
            (RuntimeNic{"ib0", "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bc:de", true,
                        "up"}));
  EXPECT_EQ(nics[4], (RuntimeNic{"lo", "00:00:00:00:00:00", false, "unknown"}));
  EXPECT_EQ(nics[5].name, "tun0");
  EXPECT_FALSE(nics[5].physical);
  EXPECT_TRUE(hasProblem(f, "/sys/class/net/tun0/address", 0));
  EXPECT_TRUE(hasProblem(f, "/sys/class/net/tun0/operstate", 0));

  ASSERT_TRUE(f.runtime_ipv6.ok()) << f.runtime_ipv6.error;
  const std::vector<Inet6Addr>& addrs = *f.runtime_ipv6.value;
  ASSERT_EQ(addrs.size(), 3u);
  EXPECT_EQ(addrs[0], (Inet6Addr{"::1", "lo", 128, "host"}));
  EXPECT_EQ(addrs[1], (Inet6Addr{"fe80::5054:ff:fe12:3456", "eth0", 64, "link"}));
  EXPECT_EQ(addrs[2], (Inet6Addr{"2001:db80::10", "eth0", 64, "global"}));
  EXPECT_TRUE(hasProblem(f, "/proc/net/if_inet6", 2)) << "30-digit address";

  ASSERT_TRUE(f.runtime_cmdline.ok()) << f.runtime_cmdline.error;
  EXPECT_EQ(f.runtime_cmdline.value->source, (SourceRef{"/proc/cmdline", 1}));
  EXPECT_EQ(f.runtime_cmdline.value->args,
            (Args{"BOOT_IMAGE=/vmlinuz-5.10", "root=UUID=x", "ro", "ipv6.disable=0"}));
}

TEST(RuntimeNetworkProbe, MissingFiles) {
  TestHost host;
  NetworkFacts f;
  probeRuntimeNetwork(host, f);
  EXPECT_FALSE(f.runtime_nics.ok()) << "no /sys/class/net";
  EXPECT_NE(f.runtime_nics.error.find("/sys/class/net"), std::string::npos);
  // No if_inet6 means the kernel runs without IPv6: a value, not an error.
  ASSERT_TRUE(f.runtime_ipv6.ok());
  EXPECT_TRUE(f.runtime_ipv6.value->empty());
  EXPECT_FALSE(f.runtime_cmdline.ok()) << "no /proc/cmdline";
  EXPECT_FALSE(f.runtime_cmdline.error.empty());
}

TEST(RuntimeNetworkProbe, CorpusProcFiles) {
  GUESTPREP_REQUIRE_CORPUS();
  TestHost host;
  host.addDir("/sys/class/net")
      .addFile("/proc/net/if_inet6", corpusText("cmd-linux-net", "facter/proc-net-if_inet6"))
      .addFile("/proc/cmdline", corpusText("boot", "insights-core/proc-cmdline-rhel7-lvm"));
  NetworkFacts f;
  probeRuntimeNetwork(host, f);
  EXPECT_TRUE(f.problems.empty());
  ASSERT_TRUE(f.runtime_nics.ok());
  EXPECT_TRUE(f.runtime_nics.value->empty());
  ASSERT_TRUE(f.runtime_ipv6.ok());
  ASSERT_EQ(f.runtime_ipv6.value->size(), 2u);
  EXPECT_EQ((*f.runtime_ipv6.value)[1].address, "fe80::250:56ff:fe9a:8481");
  ASSERT_TRUE(f.runtime_cmdline.ok());
  EXPECT_EQ(f.runtime_cmdline.value->args.size(), 9u);
  EXPECT_EQ(f.runtime_cmdline.value->args[1], "root=/dev/system_vg/Root");
}

// --- probeIpv6Boot -------------------------------------------------------------------------

TEST(Ipv6BootProbe, SysctlOrderShadowingAndMasking) {
  TestHost host;
  host.addFile("/usr/lib/sysctl.d/10-ipv6.conf", "net.ipv6.conf.all.forwarding = 1\n")
      .addFile("/etc/sysctl.d/10-ipv6.conf", "-net/ipv6/conf/all/forwarding = 0\nbogus\n")
      .addFile("/run/sysctl.d/30-run.conf", "net.ipv6.conf.eth0.accept_ra = 2\n")
      .addFile("/usr/lib/sysctl.d/50-default.conf",
               "kernel.sysrq = 16\nnet.ipv6.conf.default.use_tempaddr = 2\n")
      .addFile("/usr/lib/sysctl.d/50-masked.conf", "net.ipv6.conf.all.disable_ipv6 = 0\n")
      .addSymlink("/etc/sysctl.d/50-masked.conf", "/dev/null")
      .addFile("/etc/sysctl.conf", "net.ipv6.conf.all.disable_ipv6 = 1\nkernel.sysrq = 0\n")
      .addSymlink("/etc/sysctl.d/99-sysctl.conf", "../sysctl.conf")
      .addFile("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"quiet\"\n");
  NetworkFacts f;
  probeIpv6Boot(host, f);
  std::vector<SysctlSetting> want = {
      {{"/etc/sysctl.d/10-ipv6.conf", 1}, "net.ipv6.conf.all.forwarding", "0"},
      {{"/run/sysctl.d/30-run.conf", 1}, "net.ipv6.conf.eth0.accept_ra", "2"},
      {{"/usr/lib/sysctl.d/50-default.conf", 2}, "net.ipv6.conf.default.use_tempaddr", "2"},
      {{"/etc/sysctl.d/99-sysctl.conf", 1}, "net.ipv6.conf.all.disable_ipv6", "1"},
      {{"/etc/sysctl.conf", 1}, "net.ipv6.conf.all.disable_ipv6", "1"},
  };
  EXPECT_EQ(f.sysctl, want);
  ASSERT_EQ(f.problems.size(), 1u);
  EXPECT_EQ(f.problems[0].file, "/etc/sysctl.d/10-ipv6.conf");
  EXPECT_EQ(f.problems[0].line, 2);
}

TEST(Ipv6BootProbe, EveryBootLoaderFormat) {
  TestHost host;
  host.addFile("/boot/grub2/grub.cfg",
               "load_env\n"
               "menuentry 'CentOS' {\n"
               "  linux16 /vmlinuz-3.10 root=/dev/vda1 ro ipv6.disable=1 $extra\n"
               "}\n")
      .addFile("/boot/grub2/grubenv",
               "# GRUB Environment Block\nkernelopts=root=/dev/vda2 ro\nextra=console=ttyS0\n")
      .addSymlink("/boot/efi/EFI/centos/grub.cfg", "../../../grub2/grub.cfg")
      .addFile("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"ipv6.disable=1 crashkernel=auto\"\n")
      .addFile("/boot/loader/entries/abc-4.18.conf",
               "title RHEL\nlinux /vmlinuz-4.18\noptions $kernelopts\n")
      .addFile("/boot/loader/entries/README", "not an entry\n")
      .addFile("/boot/grub/grub.conf", "title Old\n\tkernel /vmlinuz-2.6 ro root=/dev/sda1\n")
      .addSymlink("/boot/grub/menu.lst", "./grub.conf")
      .addSymlink("/etc/grub.conf", "../boot/grub/grub.conf");
  NetworkFacts f;
  probeIpv6Boot(host, f);
  EXPECT_TRUE(f.problems.empty()) << f.problems[0].file << ": " << f.problems[0].message;
  std::vector<KernelCmdline> want = {
      {{"/boot/grub2/grub.cfg", 3}, {"root=/dev/vda1", "ro", "ipv6.disable=1", "console=ttyS0"}},
      {{"/etc/default/grub", 1}, {"ipv6.disable=1", "crashkernel=auto"}},
      {{"/boot/loader/entries/abc-4.18.conf", 3}, {"root=/dev/vda2", "ro"}},
      {{"/boot/grub/grub.conf", 2}, {"ro", "root=/dev/sda1"}},
  };
  EXPECT_EQ(f.boot_cmdlines, want);
  EXPECT_TRUE(f.sysctl.empty());
}

TEST(Ipv6BootProbe, NothingFoundAndUnreadable) {
  TestHost host;
  NetworkFacts f;
  probeIpv6Boot(host, f);
  EXPECT_TRUE(f.boot_cmdlines.empty());
  EXPECT_TRUE(f.sysctl.empty());
  EXPECT_TRUE(f.problems.empty());
  ASSERT_EQ(f.boot_problems.size(), 1u);
  EXPECT_EQ(f.boot_problems[0].file, "/boot");
  EXPECT_NE(f.boot_problems[0].message.find("unknown"), std::string::npos);

  TestHost host2;
  host2
      .addDir("/boot/grub2/grub.cfg")  // a directory where the file should be
      .addFile("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"ro\"\n");
  NetworkFacts f2;
  probeIpv6Boot(host2, f2);
  EXPECT_TRUE(hasProblem(f2, "/boot/grub2/grub.cfg", 0));
  ASSERT_EQ(f2.boot_cmdlines.size(), 1u);
  EXPECT_EQ(f2.boot_cmdlines[0].source.file, "/etc/default/grub");
}

TEST(Ipv6BootProbe, CorpusCentOSBootFiles) {
  GUESTPREP_REQUIRE_CORPUS();
  TestHost host;
  host.addFile("/boot/grub2/grub.cfg", corpusText("boot", "inspec/grub2.cfg-centos7"))
      .addFile("/boot/grub2/grubenv", corpusText("boot", "inspec/grubenv-centos7"))
      .addFile("/etc/default/grub", corpusText("boot", "inspec/default-grub-centos7-saved"))
      .addFile("/boot/grub/grub.conf", corpusText("boot", "inspec/grub.conf-centos6"))
      .addSymlink("/etc/grub.conf", "../boot/grub/grub.conf")
      .addFile("/etc/sysctl.conf", corpusText("kernel", "augeas/sysctl.conf-rhel"));
  NetworkFacts f;
  probeIpv6Boot(host, f);
  EXPECT_TRUE(f.problems.empty());
  EXPECT_TRUE(f.sysctl.empty()) << "the Red Hat default sets no net.ipv6 key";
  ASSERT_EQ(f.boot_cmdlines.size(), 6u);
  EXPECT_EQ(f.boot_cmdlines[1].source, (SourceRef{"/boot/grub2/grub.cfg", 103}));
  EXPECT_EQ(f.boot_cmdlines[3].source, (SourceRef{"/etc/default/grub", 5}));
  EXPECT_EQ(f.boot_cmdlines[3].args.size(), 5u);
  EXPECT_EQ(f.boot_cmdlines[5].source, (SourceRef{"/boot/grub/grub.conf", 20}));
}

// --- probePersistentNetRules ---------------------------------------------------------------

TEST(PersistentNetRulesProbe, RulesDirectory) {
  TestHost host;
  host.addFile("/etc/udev/rules.d/10-local.rules",
               "SUBSYSTEM==\"net\", ATTR{address}==\"00:16:3e:00:00:09\", NAME=\"lan9\"\n")
      .addFile("/etc/udev/rules.d/70-persistent-net.rules",
               "# generated\n"
               "SUBSYSTEM==\"net\", ACTION==\"add\", DRIVERS==\"?*\", "
               "ATTR{address}==\"52:54:00:12:34:56\", KERNEL==\"eth*\", NAME=\"eth0\"\n"
               "SUBSYSTEM==\"net\", ACTION==\"add\", DRIVERS==\"?*\", "
               "ATTR{address}==\"52:54:00:12:34:57\", KERNEL==\"eth*\", NAME=\"eth1\"\n")
      .addSymlink("/etc/udev/rules.d/75-masked.rules", "/dev/null")
      .addFile("/etc/udev/rules.d/80-bad.rules", "ATTR{address}==00:11, NAME=\"x\"\n")
      .addFile("/etc/udev/rules.d/README", "ATTR{address}==\"00:16:3e:00:00:01\", NAME=\"no\"\n");
  NetworkFacts f;
  probePersistentNetRules(host, f);
  std::vector<PersistentNetRule> want = {
      {{"/etc/udev/rules.d/70-persistent-net.rules", 2}, "52:54:00:12:34:56", "eth0"},
      {{"/etc/udev/rules.d/70-persistent-net.rules", 3}, "52:54:00:12:34:57", "eth1"},
      {{"/etc/udev/rules.d/10-local.rules", 1}, "00:16:3e:00:00:09", "lan9"},
  };
  EXPECT_EQ(f.persistent_net_rules, want);
  ASSERT_EQ(f.problems.size(), 1u);
  EXPECT_EQ(f.problems[0].file, "/etc/udev/rules.d/80-bad.rules");
  EXPECT_EQ(f.problems[0].line, 1);
}

TEST(PersistentNetRulesProbe, NoRulesDirectory) {
  TestHost host;
  NetworkFacts f;
  probePersistentNetRules(host, f);
  EXPECT_TRUE(f.persistent_net_rules.empty());
  EXPECT_TRUE(f.problems.empty());
}

// --- probeCloudInitNetwork -----------------------------------------------------------------

TestHost& withCloudInit(TestHost& host) {
  host.addFile("/usr/bin/cloud-init", "#!/usr/bin/python3\n", 0755)
      .addFile("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"ro\"\n");
  return host;
}

TEST(CloudInitProbe, NotInstalled) {
  TestHost host;
  host.addFile("/etc/cloud/cloud.cfg", "network: {config: enabled}\n");
  NetworkFacts f;
  f.cloud_init_network = true;
  probeCloudInitNetwork(host, f);
  EXPECT_FALSE(f.cloud_init_network);
  EXPECT_NE(f.cloud_init_evidence.find("not installed"), std::string::npos);
}

TEST(CloudInitProbe, InstalledWithoutDisablingConfig) {
  TestHost host;
  withCloudInit(host).addFile("/etc/cloud/cloud.cfg", "users: [default]\n");
  NetworkFacts f;
  probeCloudInitNetwork(host, f);
  EXPECT_TRUE(f.cloud_init_network);
  EXPECT_NE(f.cloud_init_evidence.find("/usr/bin/cloud-init"), std::string::npos);
  EXPECT_NE(f.cloud_init_evidence.find("no network: {config: disabled}"), std::string::npos);
  EXPECT_TRUE(f.problems.empty());
}

TEST(CloudInitProbe, NetworkWithoutConfigKey) {
  TestHost host;
  withCloudInit(host).addFile("/etc/cloud/cloud.cfg",
                              "network:\n  version: 2\n  ethernets: {eth0: {dhcp4: true}}\n");
  NetworkFacts f;
  probeCloudInitNetwork(host, f);
  EXPECT_TRUE(f.cloud_init_network);
  EXPECT_NE(f.cloud_init_evidence.find("no network: {config: disabled}"), std::string::npos)
      << f.cloud_init_evidence;
}

TEST(CloudInitProbe, InstalledAsPythonPackage) {
  TestHost host;
  host.addDir("/usr/lib/python3.6/site-packages/cloudinit")
      .addFile("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"ro\"\n");
  NetworkFacts f;
  probeCloudInitNetwork(host, f);
  EXPECT_TRUE(f.cloud_init_network);
  EXPECT_NE(f.cloud_init_evidence.find("/usr/lib/python3.6/site-packages/cloudinit"),
            std::string::npos);
}

TEST(CloudInitProbe, DisabledFile) {
  TestHost host;
  withCloudInit(host).addFile("/etc/cloud/cloud-init.disabled", "");
  NetworkFacts f;
  probeCloudInitNetwork(host, f);
  EXPECT_FALSE(f.cloud_init_network);
  EXPECT_NE(f.cloud_init_evidence.find("/etc/cloud/cloud-init.disabled"), std::string::npos);
}

TEST(CloudInitProbe, CorpusDisableNetworkConfig) {
  GUESTPREP_REQUIRE_CORPUS();
  TestHost host;
  withCloudInit(host)
      .addFile("/etc/cloud/cloud.cfg", "users: [default]\n")
      .addFile("/etc/cloud/cloud.cfg.d/99-disable-network-config.cfg",
               corpusText("cloud-init", "insights-core/cloud-cfg-network-disabled.json"));
  NetworkFacts f;
  probeCloudInitNetwork(host, f);
  EXPECT_FALSE(f.cloud_init_network);
  EXPECT_NE(f.cloud_init_evidence.find("/etc/cloud/cloud.cfg.d/99-disable-network-config.cfg:1"),
            std::string::npos)
      << f.cloud_init_evidence;
}

TEST(CloudInitProbe, CorpusLaterFileOverrides) {
  GUESTPREP_REQUIRE_CORPUS();
  TestHost host;
  withCloudInit(host)
      .addFile("/etc/cloud/cloud.cfg", "network:\n  config: disabled\n")
      .addFile("/etc/cloud/cloud.cfg.d/50-openstack.cfg",
               corpusText("cloud-init", "cloud-init/openstack_net_config_v1.yaml"))
      .addFile("/etc/cloud/cloud.cfg.d/60-ignored.txt", "network: {config: disabled}\n");
  NetworkFacts f;
  probeCloudInitNetwork(host, f);
  EXPECT_TRUE(f.cloud_init_network) << f.cloud_init_evidence;
  EXPECT_NE(f.cloud_init_evidence.find("(inline configuration)"), std::string::npos);
  EXPECT_NE(f.cloud_init_evidence.find("/etc/cloud/cloud.cfg.d/50-openstack.cfg:4"),
            std::string::npos)
      << f.cloud_init_evidence;

  // And the other way round: a later file disables what an earlier one left alone.
  TestHost host2;
  withCloudInit(host2)
      .addFile("/etc/cloud/cloud.cfg",
               corpusText("cloud-init", "cloud-init/openstack_net_config_v1.yaml"))
      .addFile("/etc/cloud/cloud.cfg.d/99-off.cfg", "network: {config: disabled}\n");
  NetworkFacts f2;
  probeCloudInitNetwork(host2, f2);
  EXPECT_FALSE(f2.cloud_init_network);
  EXPECT_NE(f2.cloud_init_evidence.find("99-off.cfg:1"), std::string::npos);
}

TEST(CloudInitProbe, KernelCommandLine) {
  TestHost host;
  host.addFile("/usr/bin/cloud-init", "")
      .addFile("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"ro cloud-init=disabled\"\n");
  NetworkFacts f;
  probeCloudInitNetwork(host, f);
  EXPECT_FALSE(f.cloud_init_network);
  EXPECT_NE(f.cloud_init_evidence.find("/etc/default/grub:1"), std::string::npos);

  TestHost host2;
  host2.addFile("/usr/bin/cloud-init", "")
      .addFile("/boot/grub/grub.cfg",
               "menuentry 'a' {\n linux /v ro network-config=disabled\n}\n"
               "menuentry 'b' {\n linux /v ro\n}\n");
  NetworkFacts f2;
  probeCloudInitNetwork(host2, f2);
  EXPECT_TRUE(f2.cloud_init_network) << "only one of two entries disables it";
  EXPECT_NE(f2.cloud_init_evidence.find("only some boot entries"), std::string::npos);
  EXPECT_NE(f2.cloud_init_evidence.find("/boot/grub/grub.cfg:2"), std::string::npos);
}

TEST(CloudInitProbe, YamlErrorIsReportedAndSkipped) {
  TestHost host;
  withCloudInit(host)
      .addFile("/etc/cloud/cloud.cfg", "network: {config: disabled}\n")
      .addFile("/etc/cloud/cloud.cfg.d/10-broken.cfg", "a: 1\nb: [unclosed\nc: 2\n")
      .addFile("/etc/cloud/cloud.cfg.d/20-list.cfg", "- not\n- a mapping\n");
  NetworkFacts f;
  probeCloudInitNetwork(host, f);
  EXPECT_FALSE(f.cloud_init_network);
  EXPECT_NE(f.cloud_init_evidence.find("/etc/cloud/cloud.cfg:1"), std::string::npos);
  ASSERT_EQ(f.problems.size(), 2u);
  EXPECT_EQ(f.problems[0].file, "/etc/cloud/cloud.cfg.d/10-broken.cfg");
  EXPECT_GE(f.problems[0].line, 2);
  EXPECT_EQ(f.problems[1].file, "/etc/cloud/cloud.cfg.d/20-list.cfg");
  EXPECT_EQ(f.problems[1].line, 1);
}

TEST(CloudInitProbe, ServicesAtBoot) {
  TestHost host;
  withCloudInit(host)
      .addFile("/lib/systemd/systemd", "")
      .addSymlink("/sbin/init", "/lib/systemd/systemd")
      .addFile("/lib/systemd/system/cloud-init-local.service", "[Unit]\n")
      .addFile("/lib/systemd/system/cloud-init.service", "[Unit]\n");
  NetworkFacts f;
  probeCloudInitNetwork(host, f);
  EXPECT_FALSE(f.cloud_init_network) << "installed units, none enabled";
  EXPECT_NE(f.cloud_init_evidence.find("not started at boot"), std::string::npos);

  host.addSymlink("/etc/systemd/system/cloud-init.target.wants/cloud-init-local.service",
                  "/lib/systemd/system/cloud-init-local.service");
  NetworkFacts f2;
  probeCloudInitNetwork(host, f2);
  EXPECT_TRUE(f2.cloud_init_network) << f2.cloud_init_evidence;
  EXPECT_NE(f2.cloud_init_evidence.find("cloud-init.target.wants/cloud-init-local.service"),
            std::string::npos);
}

TEST(CloudInitProbe, ProblemsSharedWithIpv6ProbeAreNotDuplicated) {
  TestHost host;
  host.addFile("/usr/bin/cloud-init", "");  // and no boot configuration at all
  NetworkFacts f;
  probeIpv6Boot(host, f);
  probeCloudInitNetwork(host, f);
  EXPECT_EQ(std::count_if(f.boot_problems.begin(), f.boot_problems.end(),
                          [](const ConfigProblem& p) { return p.file == "/boot"; }),
            1);
}

}  // namespace
}  // namespace guestprep::os_linux
