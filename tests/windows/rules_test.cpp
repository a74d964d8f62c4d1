// The Windows rule types on Facts literals: windows.version, windows.rdp, windows.firewall_off.
#include <gtest/gtest.h>

#include "rules/registry.h"
#include "rules/windows_rules.h"

namespace guestprep {
namespace {

Params paramsFor(std::string_view type, std::map<std::string, ParamValue> overrides = {}) {
  const RuleType* t = findRuleType(type);
  EXPECT_NE(t, nullptr) << type;
  std::map<std::string, ParamValue> values;
  for (const ParamSpec& p : t->params) {
    if (p.default_value) values[p.name] = *p.default_value;
  }
  for (auto& [k, v] : overrides) values[k] = v;
  return Params(values);
}

RegistryFact dword(std::string key, std::string name, std::uint64_t v) {
  return RegistryFact{std::move(key), std::move(name), true, "REG_DWORD", std::to_string(v), v, ""};
}
RegistryFact absent(std::string key, std::string name) {
  return RegistryFact{std::move(key), std::move(name), false, "", "", 0, ""};
}

Facts windowsFacts() {
  Facts f;
  f.runtime = true;
  f.windows.collected = true;
  WindowsVersion v;
  v.major = 10;
  v.build = 14393;
  v.product_type = "server";
  v.product_name = "Windows Server 2016 Standard";
  v.edition_id = "ServerStandard";
  v.source = "test";
  f.windows.version = Observed<WindowsVersion>::of(v);
  auto& rdp = f.windows.rdp;
  rdp.deny_connections = dword("TS", "fDenyTSConnections", 0);
  rdp.policy_deny_connections = absent("Policy", "fDenyTSConnections");
  rdp.port = dword("RDP-Tcp", "PortNumber", 3389);
  rdp.term_service = {"TermService", true, "demand", false, "running", "", "", "scm", ""};
  rdp.listeners = Observed<std::vector<WindowsListener>>::of({{"0.0.0.0", 3389, 4}});
  for (const char* p : {"domain", "private", "public"}) {
    WindowsFirewallProfile prof;
    prof.profile = p;
    prof.policy_enabled = absent("GPO", "EnableFirewall");
    prof.local_enabled = dword("Local", "EnableFirewall", 0);
    prof.api_enabled = Observed<bool>::of(false);
    f.windows.firewall.profiles.push_back(prof);
  }
  return f;
}

const std::vector<std::string> kSupported = {"server-2016:*", "server-2012r2:standard",
                                             "server-2003:standard,enterprise:1"};

Outcome version(const Facts& f) {
  return evaluateWindowsVersion(
      f, paramsFor("windows.version",
                   {{"supported", kSupported},
                    {"unsupported", std::vector<std::string>{"client-10", "client-7"}}}));
}

TEST(WindowsReleaseTest, NamesReleasesFromVersionBuildAndProductType) {
  struct Case {
    std::uint32_t major, minor, build;
    const char* type;
    const char* id;
  } cases[] = {
      {10, 0, 14393, "server", "server-2016"},
      {10, 0, 17763, "server", "server-2019"},
      {10, 0, 20348, "domain-controller", "server-2022"},
      {6, 3, 9600, "server", "server-2012r2"},
      {6, 2, 9200, "server", "server-2012"},
      {6, 1, 7601, "server", "server-2008r2"},
      {6, 0, 6002, "server", "server-2008"},
      {5, 2, 3790, "server", "server-2003"},
      {10, 0, 19045, "workstation", "client-10"},
      {10, 0, 22631, "workstation", "client-11"},
      {6, 1, 7601, "workstation", "client-7"},
      {5, 1, 2600, "workstation", "client-xp"},
      {4, 0, 1381, "server", ""},
  };
  for (const Case& c : cases) {
    WindowsVersion v;
    v.major = c.major;
    v.minor = c.minor;
    v.build = c.build;
    v.product_type = c.type;
    EXPECT_EQ(windowsRelease(v).id, c.id) << c.major << "." << c.minor << "." << c.build;
  }
  WindowsVersion unknown_type;
  unknown_type.major = 6;
  unknown_type.minor = 1;
  unknown_type.product_name = "Windows Server 2008 R2 Standard";
  EXPECT_EQ(windowsRelease(unknown_type).id, "server-2008r2");
}

TEST(WindowsReleaseTest, EditionFromEditionIdOrProductName) {
  WindowsVersion v;
  v.edition_id = "ServerDatacenterEval";
  EXPECT_EQ(windowsEdition(v), "datacenter");
  v.edition_id = "ServerStandardCore";
  EXPECT_EQ(windowsEdition(v), "standard");
  v.edition_id = "";
  v.product_name = "Microsoft(R) Windows(R) Server 2003, Enterprise Edition";
  EXPECT_EQ(windowsEdition(v), "enterprise");
}

TEST(WindowsVersionRule, PassFailWarnAndError) {
  Facts f = windowsFacts();
  EXPECT_EQ(version(f).status, Status::kPass);

  auto& v = *f.windows.version.value;
  v.major = 6, v.minor = 3, v.build = 9600, v.edition_id = "ServerDatacenter";
  Outcome o = version(f);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("only in standard editions"), std::string::npos) << o.message;

  v.major = 5, v.minor = 2, v.build = 3790, v.edition_id = "", v.service_pack = 0;
  v.product_name = "Windows Server 2003, Standard Edition";
  o = version(f);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("Service Pack 1 or later"), std::string::npos) << o.message;
  v.service_pack = 2;
  EXPECT_EQ(version(f).status, Status::kPass);

  v.major = 10, v.minor = 0, v.build = 17763;  // 2019: not in this list
  EXPECT_EQ(version(f).status, Status::kWarn);

  v.product_type = "workstation", v.build = 19045;
  EXPECT_EQ(version(f).status, Status::kFail);

  f.windows.version = Observed<WindowsVersion>::failed("RtlGetVersion: access denied");
  o = version(f);
  EXPECT_EQ(o.status, Status::kError);
  EXPECT_NE(o.message.find("access denied"), std::string::npos);

  f.windows.collected = false;
  EXPECT_EQ(version(f).status, Status::kError);
}

TEST(WindowsVersionRule, MalformedPolicyEntryIsAnError) {
  Facts f = windowsFacts();
  Outcome o = evaluateWindowsVersion(
      f,
      paramsFor("windows.version", {{"supported", std::vector<std::string>{"server-2016:*:x"}}}));
  EXPECT_EQ(o.status, Status::kError);
  o = evaluateWindowsVersion(
      f, paramsFor("windows.version", {{"supported", std::vector<std::string>{"a:b:c:d"}}}));
  EXPECT_EQ(o.status, Status::kError);
}

TEST(WindowsRdpRule, EveryConditionIsChecked) {
  Params p = paramsFor("windows.rdp");
  Facts f = windowsFacts();
  EXPECT_EQ(evaluateWindowsRdp(f, p).status, Status::kPass);

  Facts denied = windowsFacts();
  denied.windows.rdp.deny_connections.number = 1;
  EXPECT_EQ(evaluateWindowsRdp(denied, p).status, Status::kFail);

  Facts gpo = windowsFacts();
  gpo.windows.rdp.policy_deny_connections = dword("Policy", "fDenyTSConnections", 1);
  Outcome o = evaluateWindowsRdp(gpo, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("Group Policy"), std::string::npos);

  Facts unset = windowsFacts();
  unset.windows.rdp.deny_connections = absent("TS", "fDenyTSConnections");
  EXPECT_EQ(evaluateWindowsRdp(unset, p).status, Status::kFail);

  Facts port = windowsFacts();
  port.windows.rdp.port.number = 3390;
  EXPECT_EQ(evaluateWindowsRdp(port, p).status, Status::kFail);
  Facts default_port = windowsFacts();
  default_port.windows.rdp.port = absent("RDP-Tcp", "PortNumber");
  EXPECT_EQ(evaluateWindowsRdp(default_port, p).status, Status::kPass);

  Facts disabled = windowsFacts();
  disabled.windows.rdp.term_service.start_type = "disabled";
  EXPECT_EQ(evaluateWindowsRdp(disabled, p).status, Status::kFail);
  Facts missing = windowsFacts();
  missing.windows.rdp.term_service.installed = false;
  EXPECT_EQ(evaluateWindowsRdp(missing, p).status, Status::kFail);

  Facts silent = windowsFacts();
  silent.windows.rdp.listeners = Observed<std::vector<WindowsListener>>::of({{"::", 135, 1}});
  EXPECT_EQ(evaluateWindowsRdp(silent, p).status, Status::kFail);
  EXPECT_EQ(
      evaluateWindowsRdp(silent, paramsFor("windows.rdp", {{"check_listening", false}})).status,
      Status::kPass);
  silent.runtime = false;
  EXPECT_EQ(evaluateWindowsRdp(silent, p).status, Status::kPass);
}

TEST(WindowsRdpRule, UnreadableSourcesAreErrorsUnlessSomethingFails) {
  Params p = paramsFor("windows.rdp");
  Facts f = windowsFacts();
  f.windows.rdp.listeners = Observed<std::vector<WindowsListener>>::failed("no table");
  EXPECT_EQ(evaluateWindowsRdp(f, p).status, Status::kError);
  f.windows.rdp.term_service.error = "OpenSCManager: access denied";
  Outcome o = evaluateWindowsRdp(f, p);
  EXPECT_EQ(o.status, Status::kError);
  EXPECT_NE(o.message.find("OpenSCManager"), std::string::npos);
  f.windows.rdp.port.number = 1;
  f.windows.rdp.port.error = "";
  EXPECT_EQ(evaluateWindowsRdp(f, p).status, Status::kFail);
}

TEST(WindowsFirewallRule, ProfilesAtBootAndNow) {
  Params p = paramsFor("windows.firewall_off");
  Facts f = windowsFacts();
  EXPECT_EQ(evaluateWindowsFirewallOff(f, p).status, Status::kPass);

  Facts local_on = windowsFacts();
  local_on.windows.firewall.profiles[2].local_enabled.number = 1;
  Outcome o = evaluateWindowsFirewallOff(local_on, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_EQ(o.message, "the firewall is public profile on at next boot");

  // Group Policy wins over the local value, both ways.
  local_on.windows.firewall.profiles[2].policy_enabled = dword("GPO", "EnableFirewall", 0);
  EXPECT_EQ(evaluateWindowsFirewallOff(local_on, p).status, Status::kPass);
  Facts gpo_on = windowsFacts();
  gpo_on.windows.firewall.profiles[0].policy_enabled = dword("GPO", "EnableFirewall", 1);
  EXPECT_EQ(evaluateWindowsFirewallOff(gpo_on, p).status, Status::kFail);

  Facts unset = windowsFacts();
  unset.windows.firewall.profiles[1].local_enabled = absent("Local", "EnableFirewall");
  EXPECT_EQ(evaluateWindowsFirewallOff(unset, p).status, Status::kFail);

  Facts now_on = windowsFacts();
  now_on.windows.firewall.profiles[1].api_enabled = Observed<bool>::of(true);
  o = evaluateWindowsFirewallOff(now_on, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_EQ(o.message, "the firewall is private profile on now");
  now_on.runtime = false;
  EXPECT_EQ(evaluateWindowsFirewallOff(now_on, p).status, Status::kPass);
}

TEST(WindowsFirewallRule, ApiFailureIsAnErrorNeverAPass) {
  Params p = paramsFor("windows.firewall_off");
  Facts f = windowsFacts();
  f.windows.firewall.profiles[0].api_enabled = Observed<bool>::failed(
      "INetFwPolicy2::get_FirewallEnabled(domain): HRESULT 0x80004001 (E_NOTIMPL)");
  Outcome o = evaluateWindowsFirewallOff(f, p);
  EXPECT_EQ(o.status, Status::kError);
  EXPECT_NE(o.message.find("E_NOTIMPL"), std::string::npos) << o.message;
  // A profile that is on at next boot is a failure whatever the API says.
  f.windows.firewall.profiles[2].local_enabled.number = 1;
  EXPECT_EQ(evaluateWindowsFirewallOff(f, p).status, Status::kFail);

  Facts unreadable = windowsFacts();
  unreadable.windows.firewall.profiles[0].local_enabled.error = "access denied";
  EXPECT_EQ(evaluateWindowsFirewallOff(unreadable, p).status, Status::kError);
}

TEST(WindowsFirewallRule, AnRdpRuleCanBeAccepted) {
  Facts f = windowsFacts();
  for (auto& prof : f.windows.firewall.profiles) prof.local_enabled.number = 1;
  f.windows.firewall.inbound_allow_rules = {
      {"RemoteDesktop-UserMode-In-TCP", "@FirewallAPI.dll,-28775", {"Domain", "Private"}, {"3389"}},
      {"Range", "range", {"Public"}, {"3000-4000"}},
  };
  Params accept = paramsFor("windows.firewall_off", {{"accept_rdp_rule", true}});
  Outcome o = evaluateWindowsFirewallOff(f, accept);
  EXPECT_EQ(o.status, Status::kPass) << o.message;
  f.windows.firewall.inbound_allow_rules[1].local_ports = {"RPC"};
  o = evaluateWindowsFirewallOff(f, accept);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_EQ(o.message, "the firewall is public profile on at next boot");
  EXPECT_EQ(evaluateWindowsFirewallOff(f, paramsFor("windows.firewall_off")).status, Status::kFail);
}

TEST(WindowsFirewallRule, UnknownProfileInThePolicyIsAnError) {
  Outcome o = evaluateWindowsFirewallOff(
      windowsFacts(),
      paramsFor("windows.firewall_off", {{"profiles", std::vector<std::string>{"standard"}}}));
  EXPECT_EQ(o.status, Status::kError);
}

}  // namespace
}  // namespace guestprep
