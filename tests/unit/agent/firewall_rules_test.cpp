// The firewall rules (firewall.off, sshd.reachable) over Facts literals, and the JSON round trip
// of FirewallFacts.
#include <gtest/gtest.h>

#include <functional>

#include "rules/firewall_rules.h"
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

FirewallProduct product(std::string name, bool enabled, PortAccess ssh) {
  FirewallProduct p;
  p.name = std::move(name);
  p.installed = true;
  p.enabled_at_boot = enabled;
  p.boot_evidence = "/etc/rc.d/rc3.d/S08" + p.name;
  p.ssh_at_boot = ssh;
  p.notes = {{{"/etc/sysconfig/iptables", 12}, "-A INPUT -p tcp --dport 22 -j ACCEPT"}};
  return p;
}

Facts base() {
  Facts f;
  f.firewall.runtime = Observed<std::vector<RuntimeRuleset>>::failed("not checked: offline root");
  SshdFacts& s = f.firewall.sshd;
  s.installed = true;
  s.installed_evidence = "/usr/sbin/sshd; sshd.service";
  s.enabled_at_boot = true;
  s.boot_evidence = "/etc/systemd/system/multi-user.target.wants/sshd.service";
  s.config_found = true;
  s.listening = Observed<std::vector<ListenSocket>>::failed("not checked: offline root");
  return f;
}

Outcome fwOff(const Facts& f, bool tolerate = false) {
  return evaluateFirewallOff(
      f, withDefaults(firewallOffParams(), {{"allow_enabled_if_ssh_open", ParamValue{tolerate}}}));
}
Outcome sshd(const Facts& f, std::int64_t port = 22) {
  return evaluateSshdReachable(f,
                               withDefaults(sshdReachableParams(), {{"port", ParamValue{port}}}));
}

TEST(FirewallOff, StatusPerSituation) {
  struct Case {
    const char* name;
    std::vector<FirewallProduct> products;
    bool tolerate;
    Status expected;
  };
  const Case cases[] = {
      {"nothing installed", {}, false, Status::kPass},
      {"installed, disabled",
       {product("firewalld", false, PortAccess::kBlocked)},
       false,
       Status::kPass},
      {"enabled, allows 22, default param",
       {product("iptables", true, PortAccess::kAllowed)},
       false,
       Status::kFail},
      {"enabled, allows 22, tolerated",
       {product("iptables", true, PortAccess::kAllowed)},
       true,
       Status::kWarn},
      {"enabled, blocks 22, tolerated",
       {product("ufw", true, PortAccess::kBlocked)},
       true,
       Status::kFail},
      {"enabled, unknown, tolerated",
       {product("nftables", true, PortAccess::kUnknown)},
       true,
       Status::kError},
      {"enabled, unknown, default",
       {product("nftables", true, PortAccess::kUnknown)},
       false,
       Status::kFail},
  };
  for (const Case& c : cases) {
    Facts f = base();
    f.firewall.products = c.products;
    Outcome o = fwOff(f, c.tolerate);
    EXPECT_EQ(o.status, c.expected) << c.name << ": " << o.message;
    EXPECT_FALSE(o.message.empty()) << c.name;
  }
}

TEST(FirewallOff, EvidenceNamesTheDecidingLine) {
  Facts f = base();
  f.firewall.products = {product("iptables", true, PortAccess::kAllowed)};
  Outcome o = fwOff(f);
  bool line = false;
  for (const auto& e : o.evidence) {
    if (e.source == "/etc/sysconfig/iptables" && e.line == 12) line = true;
  }
  EXPECT_TRUE(line);
  EXPECT_NE(o.message.find("iptables"), std::string::npos) << o.message;
}

TEST(FirewallOff, UnreadableConfigIsAnErrorNotAPass) {
  Facts f = base();
  f.firewall.problems = {{"/etc/ufw/ufw.conf", 0, "permission denied"}};
  EXPECT_EQ(fwOff(f).status, Status::kError);
}

TEST(FirewallOff, RulesFilteringNowButNotAtBootWarn) {
  Facts f = base();
  f.firewall.products = {product("firewalld", false, PortAccess::kBlocked)};
  f.firewall.runtime = Observed<std::vector<RuntimeRuleset>>::of(
      {{"iptables-save", true, PortAccess::kBlocked, {{{"iptables-save", 0}, ":INPUT DROP"}}}});
  Outcome o = fwOff(f);
  EXPECT_EQ(o.status, Status::kWarn) << o.message;
  EXPECT_NE(o.message.find("iptables-save"), std::string::npos) << o.message;
  f.firewall.runtime = Observed<std::vector<RuntimeRuleset>>::of(
      {{"iptables-save", false, PortAccess::kAllowed, {}}});
  EXPECT_EQ(fwOff(f).status, Status::kPass);
}

TEST(SshdReachable, StatusPerSituation) {
  struct Case {
    const char* name;
    std::function<void(SshdFacts&)> change;
    std::int64_t port;
    Status expected;
  };
  auto listenAt = [](std::string addr, int port) {
    return [=](SshdFacts& s) { s.listen = {{{"/etc/ssh/sshd_config", 20}, addr, port}}; };
  };
  const Case cases[] = {
      {"defaults", [](SshdFacts&) {}, 22, Status::kPass},
      {"not installed", [](SshdFacts& s) { s.installed = false; }, 22, Status::kFail},
      {"not enabled", [](SshdFacts& s) { s.enabled_at_boot = false; }, 22, Status::kFail},
      {"no sshd_config", [](SshdFacts& s) { s.config_found = false; }, 22, Status::kFail},
      {"Port 2222",
       [](SshdFacts& s) {
         s.ports = {{{"/etc/ssh/sshd_config", 13}, "", 2222}};
       },
       22, Status::kFail},
      {"Port 2222 and 22",
       [](SshdFacts& s) {
         s.ports = {{{"/etc/ssh/sshd_config", 13}, "", 2222},
                    {{"/etc/ssh/sshd_config", 14}, "", 22}};
       },
       22, Status::kPass},
      {"policy port 2222, default config", [](SshdFacts&) {}, 2222, Status::kFail},
      {"ListenAddress 0.0.0.0", listenAt("0.0.0.0", 0), 22, Status::kPass},
      {"ListenAddress 10.0.0.5", listenAt("10.0.0.5", 0), 22, Status::kFail},
      {"ListenAddress :: only (v6only)", listenAt("::", 0), 22, Status::kFail},
      {"ListenAddress 0.0.0.0:2222", listenAt("0.0.0.0", 2222), 22, Status::kFail},
      {"AddressFamily inet6", [](SshdFacts& s) { s.address_family = "inet6"; }, 22, Status::kFail},
      {"unreadable include",
       [](SshdFacts& s) {
         s.problems = {{"/etc/ssh/sshd_config.d/x.conf", 0, "denied"}};
       },
       22, Status::kError},
      {"Port inside Match",
       [](SshdFacts& s) {
         s.problems = {{"/etc/ssh/sshd_config", 30, "port inside a Match"}};
       },
       22, Status::kFail},
      {"not listening now",
       [](SshdFacts& s) {
         s.listening = Observed<std::vector<ListenSocket>>::of({{"0.0.0.0", 25, "/proc/net/tcp"}});
       },
       22, Status::kWarn},
      {"listening now",
       [](SshdFacts& s) {
         s.listening = Observed<std::vector<ListenSocket>>::of({{"0.0.0.0", 22, "/proc/net/tcp"}});
       },
       22, Status::kPass},
  };
  for (const Case& c : cases) {
    Facts f = base();
    c.change(f.firewall.sshd);
    Outcome o = sshd(f, c.port);
    EXPECT_EQ(o.status, c.expected) << c.name << ": " << o.message;
  }
}

TEST(FirewallRules, AreRegistered) {
  ASSERT_NE(findRuleType("firewall.off"), nullptr);
  ASSERT_NE(findRuleType("sshd.reachable"), nullptr);
  EXPECT_EQ(findRuleType("sshd.reachable")->params.front().name, "port");
}

TEST(FirewallFactsJson, RoundTripsExactly) {
  Facts f = base();
  f.firewall.products = {product("firewalld", true, PortAccess::kBlocked),
                         product("ufw", false, PortAccess::kAllowed)};
  f.firewall.runtime = Observed<std::vector<RuntimeRuleset>>::of(
      {{"nft list ruleset", true, PortAccess::kUnknown, {{{"nft list ruleset", 0}, "x"}}}});
  f.firewall.problems = {{"/etc/firewalld/firewalld.conf", 3, "bad line"}};
  f.firewall.sshd.ports = {{{"/etc/ssh/sshd_config", 13}, "", 2222}};
  f.firewall.sshd.listen = {{{"/etc/ssh/sshd_config.d/a.conf", 2}, "::", 22}};
  f.firewall.sshd.address_family = "inet";
  f.firewall.sshd.address_family_source = {"/etc/ssh/sshd_config", 4};
  f.firewall.sshd.listening =
      Observed<std::vector<ListenSocket>>::of({{"0.0.0.0", 22, "/proc/net/tcp"}});
  nlohmann::json j = f.firewall;
  FirewallFacts back = j.get<FirewallFacts>();
  EXPECT_EQ(back, f.firewall);
  EXPECT_EQ(j["products"][0]["ssh_at_boot"], "blocked");
  nlohmann::json missing = j;
  missing["sshd"].erase("listen");
  EXPECT_THROW((void)missing.get<FirewallFacts>(), nlohmann::json::exception);
}

}  // namespace
}  // namespace guestprep

namespace guestprep {
namespace {

// The line that decided a start at boot is the evidence's source and line, not part of its text.
TEST(FirewallBootEvidence, FileAndLineWhenOneLineDecided) {
  Evidence e = bootEvidence({"/etc/ufw/ufw.conf", 6}, "ENABLED=yes", "ufw is enabled at boot");
  EXPECT_EQ(e.source, "/etc/ufw/ufw.conf");
  EXPECT_EQ(e.line, 6);
  EXPECT_EQ(e.text, "ufw is enabled at boot (ENABLED=yes)");
  Evidence link =
      bootEvidence({}, "/etc/systemd/system/multi-user.target.wants/sshd.service", "start at boot");
  EXPECT_EQ(link.source, "/etc/systemd/system/multi-user.target.wants/sshd.service");
  EXPECT_EQ(link.line, 0);
  EXPECT_EQ(link.text, "start at boot");
}

}  // namespace
}  // namespace guestprep
