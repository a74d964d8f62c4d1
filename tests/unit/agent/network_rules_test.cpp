// The network rules (nic.count, nic.dhcp, ipv6.disabled, nic.pinning) over Facts literals.
#include <gtest/gtest.h>

#include "audit/audit.h"
#include "rules/network_rules.h"
#include "rules/registry.h"

namespace guestprep {
namespace {

Params withDefaults(const std::vector<ParamSpec>& specs,
                    std::map<std::string, ParamValue> overrides = {}) {
  std::map<std::string, ParamValue> v;
  for (const auto& s : specs)
    v[s.name] = overrides.contains(s.name) ? overrides[s.name] : *s.default_value;
  return Params(v);
}

NicConfig nic(std::string name, AddrMethod v4 = AddrMethod::kDhcp, std::string stack = "ifcfg") {
  NicConfig c;
  c.name = std::move(name);
  c.stack = std::move(stack);
  c.source = {"/etc/sysconfig/network-scripts/ifcfg-" + c.name, 1};
  c.starts_at_boot = true;
  c.kind = "ethernet";
  c.ipv4 = v4;
  c.ipv6 = AddrMethod::kNone;
  return c;
}

Facts base(std::vector<NicConfig> configs) {
  Facts f;
  f.network.stacks = {{"ifcfg", true, "network.service enabled"}};
  f.network.configs = std::move(configs);
  f.network.runtime_nics = Observed<std::vector<RuntimeNic>>::failed("offline");
  f.network.runtime_ipv6 = Observed<std::vector<Inet6Addr>>::failed("offline");
  f.network.runtime_cmdline = Observed<KernelCmdline>::failed("offline");
  return f;
}

Outcome count(const Facts& f) { return evaluateNicCount(f, withDefaults(nicCountParams())); }
Outcome dhcp(const Facts& f) { return evaluateNicDhcp(f, withDefaults(nicDhcpParams())); }
Outcome pin(const Facts& f) { return evaluateNicPinning(f, withDefaults(nicPinningParams())); }
Outcome ipv6(const Facts& f, bool strict = false) {
  return evaluateIpv6Disabled(
      f, withDefaults(ipv6DisabledParams(), {{"require_disabled_at_boot", ParamValue{strict}}}));
}

TEST(NicCount, CountsPhysicalNicsOfActiveBootConfigs) {
  struct Case {
    const char* name;
    std::vector<NicConfig> configs;
    Status expected;
  };
  NicConfig eth1_off = nic("eth1", AddrMethod::kStatic);
  eth1_off.starts_at_boot = false;
  NicConfig bond = nic("bond0");
  bond.kind = "bond";
  bond.members = {"eth0", "eth1"};
  NicConfig s0 = nic("eth0", AddrMethod::kNone);
  s0.master = "bond0";
  NicConfig s1 = nic("eth1", AddrMethod::kNone);
  s1.master = "bond0";
  NicConfig br = nic("br0");
  br.kind = "bridge";
  br.members = {"eth0"};
  NicConfig port = nic("eth0", AddrMethod::kNone);
  port.master = "br0";
  NicConfig alias = nic("eth0:0", AddrMethod::kStatic);
  alias.kind = "alias";
  alias.parent = "eth0";
  NicConfig vlan = nic("eth0.100", AddrMethod::kStatic);
  vlan.kind = "vlan";
  NicConfig lo = nic("lo", AddrMethod::kStatic);
  lo.kind = "loopback";
  NicConfig br_bond = nic("br1");
  br_bond.kind = "bridge";
  br_bond.members = {"bond0"};
  const Case cases[] = {
      {"one nic", {nic("eth0")}, Status::kPass},
      {"two nics", {nic("eth0"), nic("eth1", AddrMethod::kStatic)}, Status::kFail},
      {"second nic not at boot", {nic("eth0"), eth1_off}, Status::kPass},
      {"bond of two slaves", {bond, s0, s1}, Status::kFail},
      {"bond listing members only", {bond}, Status::kFail},
      {"bridge over one nic", {br, port}, Status::kPass},
      {"alias of eth0", {nic("eth0"), alias}, Status::kPass},
      {"vlan on eth0", {nic("eth0"), vlan}, Status::kPass},
      {"loopback only", {lo}, Status::kPass},
      {"bridge over a bond of two", {br_bond, bond, s0, s1}, Status::kFail},
      {"same nic in two stacks",
       {nic("eth0"), nic("eth0", AddrMethod::kDhcp, "networkmanager")},
       Status::kPass},
  };
  for (const Case& c : cases) {
    Facts f = base(c.configs);
    f.network.stacks.push_back({"networkmanager", true, "enabled"});
    Outcome o = count(f);
    EXPECT_EQ(o.status, c.expected) << c.name << ": " << o.message;
  }
}

TEST(NicCount, FailureNamesEveryNicAndFile) {
  Outcome o = count(base({nic("eth0"), nic("eth1", AddrMethod::kStatic)}));
  ASSERT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("eth0, eth1"), std::string::npos) << o.message;
  ASSERT_GE(o.evidence.size(), 2u);
  EXPECT_EQ(o.evidence[1].source, "/etc/sysconfig/network-scripts/ifcfg-eth1");
  EXPECT_FALSE(o.remediation.empty());
}

// CoreOS: Ignition's 00-eth0.network beside the vendor zz-default.network (Name=*). The pattern
// counts as a NIC only when no configuration names one.
TEST(NicCount, NamePatternBesideNamedNicsAddsNoNic) {
  NicConfig star = nic("*", AddrMethod::kDhcp, "networkd");
  star.source = {"/usr/lib/systemd/network/zz-default.network", 5};
  Facts f = base({nic("eth0", AddrMethod::kDhcp, "networkd"), star});
  f.network.stacks.push_back({"networkd", true, "systemd-networkd.service enabled"});
  Outcome o = count(f);
  EXPECT_EQ(o.status, Status::kPass) << o.message;
  EXPECT_NE(o.message.find("1 NIC configured to start at boot (eth0)"), std::string::npos)
      << o.message;
  bool noted = false;
  for (const auto& e : o.evidence) noted |= e.text.find("name pattern") != std::string::npos;
  EXPECT_TRUE(noted);

  Facts two = base({nic("eth0", AddrMethod::kDhcp, "networkd"), star,
                    nic("eth1", AddrMethod::kDhcp, "networkd")});
  two.network.stacks.push_back({"networkd", true, "enabled"});
  EXPECT_EQ(count(two).status, Status::kFail) << "two named NICs still fail";

  Facts alone = base({star});
  alone.network.stacks.push_back({"networkd", true, "enabled"});
  Outcome a = count(alone);
  EXPECT_EQ(a.status, Status::kPass) << a.message;
  EXPECT_NE(a.message.find("(*)"), std::string::npos) << "a lone pattern is the NIC";
}

TEST(NicCount, ConfigsOfAStackNotInUseAreIgnored) {
  Facts f = base({nic("eth0"), nic("eth1", AddrMethod::kDhcp, "networkd")});
  f.network.stacks.push_back({"networkd", false, "systemd-networkd.service is not enabled"});
  Outcome o = count(f);
  EXPECT_EQ(o.status, Status::kPass) << o.message;
  bool mentioned = false;
  for (const auto& e : o.evidence) mentioned |= e.text.find("ignored") != std::string::npos;
  EXPECT_TRUE(mentioned);
}

TEST(NicCount, MoreNicsNowThanConfiguredIsAWarning) {
  Facts f = base({nic("eth0")});
  f.network.runtime_nics =
      Observed<std::vector<RuntimeNic>>::of({{"lo", "", false, "unknown"},
                                             {"eth0", "52:54:00:00:00:01", true, "up"},
                                             {"eth1", "52:54:00:00:00:02", true, "up"}});
  EXPECT_EQ(count(f).status, Status::kWarn);
}

TEST(NicCount, UnreadableConfigIsAnErrorNotAPass) {
  Facts f = base({nic("eth0")});
  f.network.problems.push_back(
      {"/etc/sysconfig/network-scripts/ifcfg-eth1", 0, "Permission denied"});
  Outcome o = count(f);
  EXPECT_EQ(o.status, Status::kError) << o.message;
}

TEST(NicDhcp, PrimaryNicAddressMethod) {
  struct Case {
    const char* name;
    Facts facts;
    Status expected;
  };
  NicConfig br = nic("br0", AddrMethod::kDhcp);
  br.kind = "bridge";
  br.members = {"eth0"};
  NicConfig port = nic("eth0", AddrMethod::kNone);
  port.master = "br0";
  Facts cloud = base({});
  cloud.network.cloud_init_network = true;
  cloud.network.cloud_init_evidence = "/usr/bin/cloud-init";
  const Case cases[] = {
      {"dhcp", base({nic("eth0")}), Status::kPass},
      {"static", base({nic("eth0", AddrMethod::kStatic)}), Status::kFail},
      {"none", base({nic("eth0", AddrMethod::kNone)}), Status::kFail},
      {"unknown", base({nic("eth0", AddrMethod::kUnknown)}), Status::kError},
      {"through a bridge", base({br, port}), Status::kPass},
      {"nothing configured", base({}), Status::kFail},
      {"nothing configured, cloud-init", cloud, Status::kPass},
      {"eth0 preferred as primary", base({nic("eth1", AddrMethod::kStatic), nic("eth0")}),
       Status::kPass},
  };
  for (const Case& c : cases) {
    Outcome o = dhcp(c.facts);
    EXPECT_EQ(o.status, c.expected) << c.name << ": " << o.message;
  }
}

TEST(NicDhcp, DhcpPinnedToTheOldMacFails) {
  NicConfig c = nic("eth0");
  c.match_mac = "52:54:00:12:34:56";
  c.match_line = 4;
  Outcome o = dhcp(base({c}));
  EXPECT_EQ(o.status, Status::kFail) << o.message;
  Facts f = base({nic("eth0")});
  f.network.persistent_net_rules.push_back(
      {{"/etc/udev/rules.d/70-persistent-net.rules", 8}, "52:54:00:12:34:56", "eth0"});
  EXPECT_EQ(dhcp(f).status, Status::kFail);
}

TEST(NicPinning, MacAndNamePins) {
  NicConfig mac = nic("eth0");
  mac.match_mac = "52:54:00:12:34:56";
  mac.match_line = 7;
  Outcome o = pin(base({mac}));
  ASSERT_EQ(o.status, Status::kFail) << o.message;
  ASSERT_FALSE(o.evidence.empty());
  EXPECT_EQ(o.evidence[0].line, 7);
  EXPECT_NE(o.evidence[0].text.find("52:54:00:12:34:56"), std::string::npos);

  EXPECT_EQ(pin(base({nic("eth0")})).status, Status::kPass);

  Facts ens = base({nic("ens192")});
  EXPECT_EQ(pin(ens).status, Status::kWarn);
  ens.network.boot_cmdlines.push_back({{"/boot/grub2/grub.cfg", 100}, {"ro", "net.ifnames=0"}});
  EXPECT_EQ(pin(ens).status, Status::kFail);

  Facts udev = base({nic("eth0")});
  udev.network.persistent_net_rules.push_back(
      {{"/etc/udev/rules.d/70-persistent-net.rules", 8}, "52:54:00:12:34:56", "eth0"});
  Outcome u = pin(udev);
  EXPECT_EQ(u.status, Status::kFail);
  EXPECT_EQ(u.evidence[0].source, "/etc/udev/rules.d/70-persistent-net.rules");
}

TEST(Ipv6Disabled, BootAndRuntime) {
  NicConfig v6 = nic("eth0");
  v6.ipv6 = AddrMethod::kStatic;
  Facts configured = base({v6});
  EXPECT_EQ(ipv6(configured).status, Status::kFail);

  Facts plain = base({nic("eth0")});
  EXPECT_EQ(ipv6(plain).status, Status::kWarn);
  EXPECT_EQ(ipv6(plain, true).status, Status::kFail);

  Facts sysctl = base({v6});
  sysctl.network.sysctl.push_back(
      {{"/etc/sysctl.d/90-ipv6.conf", 1}, "net.ipv6.conf.all.disable_ipv6", "1"});
  EXPECT_EQ(ipv6(sysctl).status, Status::kPass);
  // A later file turning it back on wins.
  sysctl.network.sysctl.push_back({{"/etc/sysctl.conf", 3}, "net.ipv6.conf.all.disable_ipv6", "0"});
  EXPECT_EQ(ipv6(sysctl).status, Status::kFail);

  Facts cmdline = base({nic("eth0")});
  cmdline.network.boot_cmdlines = {{{"/boot/grub2/grub.cfg", 90}, {"ro", "ipv6.disable=1"}},
                                   {{"/etc/default/grub", 6}, {"ro"}}};
  EXPECT_EQ(ipv6(cmdline).status, Status::kPass);
  cmdline.network.boot_cmdlines.push_back({{"/boot/grub2/grub.cfg", 110}, {"ro"}});
  EXPECT_EQ(ipv6(cmdline).status, Status::kWarn) << "one boot entry keeps IPv6";

  Facts runtime = base({nic("eth0")});
  runtime.network.sysctl.push_back(
      {{"/etc/sysctl.conf", 1}, "net.ipv6.conf.all.disable_ipv6", "1"});
  runtime.network.runtime_ipv6 = Observed<std::vector<Inet6Addr>>::of(
      {{"fe80::1", "eth0", 64, "link"}, {"2001:db8::5", "eth0", 64, "global"}});
  Outcome r = ipv6(runtime);
  EXPECT_EQ(r.status, Status::kWarn) << r.message;
  runtime.network.runtime_ipv6 = Observed<std::vector<Inet6Addr>>::of(
      {{"fe80::1", "eth0", 64, "link"}, {"::1", "lo", 128, "host"}});
  EXPECT_EQ(ipv6(runtime).status, Status::kPass);
}

TEST(Engine, ThrowingRuleBecomesAnErrorAndTheRunGoesOn) {
  Policy p;
  p.id = "t";
  PolicyRule bad;
  bad.id = "bad";
  bad.requirement = "L-NIC";
  bad.type = "nic.count";
  static const RuleType kThrows{
      "test.throws",
      "",
      {},
      [](const Facts&, const Params&) -> Outcome { throw std::runtime_error("boom"); },
      ""};
  bad.rule_type = &kThrows;
  PolicyRule good = bad;
  good.id = "good";
  good.rule_type = nullptr;
  good.type = "nic.count";
  static const RuleType kPasses{"test.passes",
                                "",
                                {},
                                [](const Facts&, const Params&) {
                                  return Outcome{Status::kPass, "ok", {}, {}};
                                },
                                ""};
  good.rule_type = &kPasses;
  p.rules = {bad, good};
  auto findings = evaluatePolicy(p, Facts{});
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].status, Status::kError);
  EXPECT_NE(findings[0].message.find("boom"), std::string::npos);
  EXPECT_EQ(findings[1].status, Status::kPass);
  EXPECT_FALSE(decideVerdict(findings, FailOn::kFail).ready);
}

TEST(Engine, SeverityWarnTurnsAFailIntoAWarning) {
  Policy p;
  PolicyRule r;
  r.id = "r";
  r.severity = "warn";
  static const RuleType kFails{"test.fails",
                               "",
                               {},
                               [](const Facts&, const Params&) {
                                 return Outcome{Status::kFail, "no", {}, {}};
                               },
                               "do this"};
  r.rule_type = &kFails;
  p.rules = {r};
  auto findings = evaluatePolicy(p, Facts{});
  EXPECT_EQ(findings[0].status, Status::kWarn);
  EXPECT_EQ(findings[0].remediation, "do this");
  EXPECT_TRUE(decideVerdict(findings, FailOn::kFail).ready);
  EXPECT_FALSE(decideVerdict(findings, FailOn::kWarn).ready);
}

TEST(Engine, VerdictSummary) {
  std::vector<Finding> f(3);
  f[0].status = Status::kPass;
  f[1].status = Status::kFail;
  f[1].severity = "fail";
  f[2].status = Status::kWarn;
  Verdict v = decideVerdict(f, FailOn::kFail);
  EXPECT_FALSE(v.ready);
  EXPECT_EQ(v.summary, "NOT READY for import: 1 failed, 1 warning, 1 passed");
}

}  // namespace
}  // namespace guestprep
