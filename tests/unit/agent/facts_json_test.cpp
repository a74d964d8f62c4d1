// Facts survive a JSON round trip exactly; malformed facts are refused with the failing key.
#include <gtest/gtest.h>

#include "facts/facts.h"

namespace guestprep {
namespace {

Facts sample() {
  Facts f;
  f.tool_version = "0.1.0";
  f.collected_at = "2026-11-24T21:00:00Z";
  f.host = "test host";
  f.runtime = true;
  f.os = {"centos",
          "rhel fedora",
          "CentOS Linux",
          "7",
          "CentOS Linux 7 (Core)",
          "/etc/os-release",
          "3.10.0-1160.el7.x86_64",
          "x86_64",
          "web01"};
  NicConfig c;
  c.name = "eth0";
  c.stack = "ifcfg";
  c.source = {"/etc/sysconfig/network-scripts/ifcfg-eth0", 1};
  c.starts_at_boot = true;
  c.kind = "ethernet";
  c.ipv4 = AddrMethod::kDhcp;
  c.ipv6 = AddrMethod::kLinkLocal;
  c.match_mac = "52:54:00:12:34:56";
  c.match_line = 3;
  c.members = {"a", "b"};
  f.network.configs = {c};
  f.network.stacks = {{"ifcfg", true, "network.service enabled"}};
  f.network.problems = {{"/etc/x", 0, "Permission denied"}};
  f.network.persistent_net_rules = {
      {{"/etc/udev/rules.d/70-persistent-net.rules", 2}, "aa", "eth0"}};
  f.network.sysctl = {{{"/etc/sysctl.conf", 4}, "net.ipv6.conf.all.disable_ipv6", "1"}};
  f.network.boot_cmdlines = {{{"/boot/grub2/grub.cfg", 80}, {"ro", "quiet"}}};
  f.network.cloud_init_network = true;
  f.network.cloud_init_evidence = "/usr/bin/cloud-init";
  f.network.runtime_nics = Observed<std::vector<RuntimeNic>>::of({{"eth0", "aa", true, "up"}});
  f.network.runtime_ipv6 = Observed<std::vector<Inet6Addr>>::failed("no /proc");
  f.network.runtime_cmdline = Observed<KernelCmdline>::of({{"/proc/cmdline", 1}, {"ro"}});
  return f;
}

TEST(FactsJson, RoundTripIsExact) {
  Facts f = sample();
  nlohmann::json j = f;
  Facts back = factsFromJson(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(back, f);
  EXPECT_EQ(nlohmann::json(back), j);
}

TEST(FactsJson, ObservedCarriesValueOrReason) {
  nlohmann::json j = sample();
  EXPECT_EQ(j["network"]["runtime_ipv6"]["error"], "no /proc");
  EXPECT_FALSE(j["network"]["runtime_ipv6"].contains("value"));
  EXPECT_EQ(j["network"]["runtime_nics"]["value"][0]["name"], "eth0");
  EXPECT_EQ(j["network"]["configs"][0]["ipv4"], "dhcp");
}

TEST(FactsJson, MissingKeyAndWrongVersionAreRefused) {
  nlohmann::json j = sample();
  j["network"].erase("configs");
  EXPECT_THROW(factsFromJson(j), nlohmann::json::exception);
  nlohmann::json v = sample();
  v["schema_version"] = 99;
  try {
    factsFromJson(v);
    FAIL() << "version 99 accepted";
  } catch (const nlohmann::json::exception& e) {
    EXPECT_NE(std::string(e.what()).find("schema_version 99"), std::string::npos) << e.what();
  }
  nlohmann::json bad = sample();
  bad["network"]["configs"][0]["name"] = 5;
  EXPECT_THROW(factsFromJson(bad), nlohmann::json::exception);
}

}  // namespace
}  // namespace guestprep
