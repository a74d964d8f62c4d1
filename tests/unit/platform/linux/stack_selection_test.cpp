// Which network stack applies at boot decides which files count: boot-service detection and the
// cases where a file exists but nothing reads it.
#include <gtest/gtest.h>

#include "probes/boot_services.h"
#include "probes/network_probes.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using testing::TestHost;

TEST(BootServices, DebianStartsNetworkingFromRcS) {
  TestHost host;
  host.addFile("/sbin/init", "", 0755)
      .addFile("/etc/init.d/networking", "#!/bin/sh\n", 0755)
      .addSymlink("/etc/rcS.d/S12networking", "../init.d/networking");
  BootServiceState st = serviceState(host, "networking.service", "networking");
  EXPECT_TRUE(st.installed);
  EXPECT_TRUE(st.enabled) << st.evidence;
  EXPECT_EQ(st.evidence, "/etc/rcS.d/S12networking");
}

TEST(BootServices, MaskedUnitIsNotEnabled) {
  TestHost host;
  host.addFile("/lib/systemd/systemd", "", 0755)
      .addSymlink("/sbin/init", "/lib/systemd/systemd")
      .addFile("/lib/systemd/system/NetworkManager.service", "[Unit]\n")
      .addSymlink("/etc/systemd/system/multi-user.target.wants/NetworkManager.service",
                  "/lib/systemd/system/NetworkManager.service")
      .addSymlink("/etc/systemd/system/NetworkManager.service", "/dev/null");
  BootServiceState st = serviceState(host, "NetworkManager.service", "NetworkManager");
  EXPECT_FALSE(st.enabled);
  EXPECT_NE(st.evidence.find("masked"), std::string::npos) << st.evidence;
}

// RHEL 8 style: only NetworkManager runs at boot; a file it is told to leave alone
// (NM_CONTROLLED=no) is brought up by nothing.
TEST(StackSelection, NmControlledNoWithoutInitscriptsDoesNotStart) {
  TestHost host;
  host.addFile("/usr/lib/systemd/systemd", "", 0755)
      .addSymlink("/sbin/init", "/usr/lib/systemd/systemd")
      .addFile("/usr/lib/systemd/system/NetworkManager.service", "[Unit]\n")
      .addSymlink("/etc/systemd/system/multi-user.target.wants/NetworkManager.service",
                  "/usr/lib/systemd/system/NetworkManager.service")
      .addFile("/etc/NetworkManager/NetworkManager.conf", "[main]\nplugins=ifcfg-rh\n")
      .addFile("/etc/sysconfig/network", "NETWORKING=yes\n")
      .addFile("/etc/sysconfig/network-scripts/ifcfg-eth0",
               "DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n")
      .addFile("/etc/sysconfig/network-scripts/ifcfg-eth1",
               "DEVICE=eth1\nBOOTPROTO=dhcp\nONBOOT=yes\nNM_CONTROLLED=no\n");
  NetworkFacts facts;
  probeIfcfgRedHat(host, facts);
  ASSERT_EQ(facts.configs.size(), 2u);
  EXPECT_EQ(facts.configs[0].name, "eth0");
  EXPECT_TRUE(facts.configs[0].starts_at_boot);
  EXPECT_EQ(facts.configs[1].name, "eth1");
  EXPECT_FALSE(facts.configs[1].starts_at_boot);
  ASSERT_FALSE(facts.stacks.empty());
  EXPECT_TRUE(facts.stacks.back().in_use) << facts.stacks.back().evidence;
}

}  // namespace
}  // namespace guestprep::os_linux
