// Whole audits of Windows fixtures (registry exports plus recorded API answers) with the
// built-in aliyun-ecs-windows policy, and the probes' handling of unreadable or failing sources.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "audit/audit.h"
#include "host/fixture_host.h"
#include "policy/policy.h"
#include "probes/windows_probes.h"

namespace guestprep::os_windows {
namespace {

FixtureHost fixture(const std::string& name) {
  return FixtureHost::fromFile(std::filesystem::path(GUESTPREP_WINDOWS_FIXTURES) / name);
}

Facts collect(const FixtureHost& host) {
  Facts facts;
  collectWindowsFacts(host, host, facts);
  return facts;
}

std::map<std::string, Finding> audit(const Facts& facts) {
  auto policy = builtinPolicy("aliyun-ecs-windows");
  EXPECT_TRUE(policy) << policy.error().message;
  std::map<std::string, Finding> by_req;
  for (Finding& f : evaluatePolicy(*policy, facts)) by_req[f.requirement] = std::move(f);
  return by_req;
}

std::string show(const Finding& f) {
  std::string s = toString(f.status) + ": " + f.message;
  for (const auto& e : f.evidence) s += "\n  " + e.source + ": " + e.text;
  return s;
}

// The 2008 R2 fixture with its CBS packages unreadable and `systeminfo` answering as given
// (exit code, output): XW-SHA2 then reads systeminfo's hotfix list.
FixtureHost withoutCbs(int exit_code, const std::string& systeminfo) {
  const auto file = std::filesystem::path(GUESTPREP_WINDOWS_FIXTURES) / "server-2008r2.json";
  std::ifstream in(file);
  nlohmann::json j = nlohmann::json::parse(in);
  j["commands"] = nlohmann::json::array(
      {{{"argv", {"systeminfo"}}, {"exit_code", exit_code}, {"out", systeminfo}}});
  FixtureHost host(j, file.parent_path());
  host.failKey(std::string(kCbsKey) + "\\Packages", "Access is denied.");
  return host;
}

std::string systemInfoListing(const std::string& hotfix_lines, int count) {
  return "\r\nHost Name:                 WIN-2K8R2\r\n"
         "OS Name:                   Microsoft Windows Server 2008 R2 Standard \r\n"
         "OS Version:                6.1.7601 Service Pack 1 Build 7601\r\n"
         "OS Manufacturer:           Microsoft Corporation\r\n"
         "Hotfix(s):                 " +
         std::to_string(count) + " Hotfix(s) Installed.\r\n" + hotfix_lines +
         "Network Card(s):           1 NIC(s) Installed.\r\n"
         "                           [01]: Red Hat VirtIO Ethernet Adapter\r\n";
}

TEST(WindowsFixtureAudit, Sha2FromSystemInfoWhenCbsCannotBeRead) {
  {
    FixtureHost host =
        withoutCbs(0, systemInfoListing("                           [01]: KB2534111\r\n"
                                        "                           [02]: KB4474419\r\n",
                                        2));
    Facts facts = collect(host);
    ASSERT_TRUE(facts.windows.updates.ok()) << facts.windows.updates.error;
    ASSERT_EQ(facts.windows.updates.value->size(), 2u);
    EXPECT_EQ(facts.windows.updates.value->at(1).source, "systeminfo");
    auto f = audit(facts);
    EXPECT_EQ(f["XW-SHA2"].status, Status::kPass) << show(f["XW-SHA2"]);
    ASSERT_EQ(f["XW-SHA2"].evidence.size(), 1u);
    EXPECT_EQ(f["XW-SHA2"].evidence[0].source, "systeminfo");
  }
  {
    FixtureHost host =
        withoutCbs(0, systemInfoListing("                           [01]: KB2534111\r\n", 1));
    auto f = audit(collect(host));
    // The policy gives XW-SHA2 (beyond the notes) warn severity, as for a staged package.
    EXPECT_EQ(f["XW-SHA2"].status, Status::kWarn) << show(f["XW-SHA2"]);
    EXPECT_NE(f["XW-SHA2"].message.find("KB4474419 is not installed"), std::string::npos)
        << show(f["XW-SHA2"]);
    EXPECT_NE(show(f["XW-SHA2"]).find("hotfix list read because the CBS packages could not be"),
              std::string::npos)
        << show(f["XW-SHA2"]);
  }
  {
    // Neither source: an error naming both reasons, never a verdict.
    FixtureHost host = withoutCbs(1, "");
    Facts facts = collect(host);
    ASSERT_FALSE(facts.windows.updates.ok());
    EXPECT_NE(facts.windows.updates.error.find("Access is denied."), std::string::npos)
        << facts.windows.updates.error;
    EXPECT_NE(facts.windows.updates.error.find("systeminfo exited 1"), std::string::npos)
        << facts.windows.updates.error;
    EXPECT_EQ(audit(facts)["XW-SHA2"].status, Status::kError);
  }
}

// Up to 2008 R2 the boot-start storage driver must also be named in the CriticalDeviceDatabase
// for the virtio PCI IDs; later releases do not use it.
TEST(WindowsFixtureAudit, CriticalDeviceDatabaseOn2008R2) {
  const std::string entry =
      "HKLM\\SYSTEM\\CurrentControlSet\\Control\\CriticalDeviceDatabase\\"
      "pci#ven_1af4&dev_1001&subsys_00021af4&rev_00";
  {
    FixtureHost host = fixture("server-2008r2.json");
    Facts facts = collect(host);
    ASSERT_TRUE(facts.windows.critical_devices.ok()) << facts.windows.critical_devices.error;
    ASSERT_EQ(facts.windows.critical_devices.value->size(), 1u) << "only VEN_1AF4 entries";
    EXPECT_EQ(facts.windows.critical_devices.value->front().service, "viostor");
    auto f = audit(facts);
    // Mapped: only the read-only .sys file fails.
    EXPECT_EQ(f["XW-VIRTIO"].message, "C:\\Windows\\System32\\drivers\\viostor.sys is read-only");
    EXPECT_NE(show(f["XW-VIRTIO"]).find("CriticalDeviceDatabase\\pci#ven_1af4&dev_1001"),
              std::string::npos)
        << show(f["XW-VIRTIO"]);
  }
  {
    FixtureHost host = fixture("server-2008r2.json");
    host.removeValue(entry, "Service");
    auto f = audit(collect(host));
    EXPECT_EQ(f["XW-VIRTIO"].status, Status::kFail);
    EXPECT_NE(f["XW-VIRTIO"].message.find("viostor starts at boot, but no "
                                          "CriticalDeviceDatabase entry"),
              std::string::npos)
        << show(f["XW-VIRTIO"]);
  }
  {
    FixtureHost host = fixture("server-2008r2.json");
    host.failKey("HKLM\\SYSTEM\\CurrentControlSet\\Control\\CriticalDeviceDatabase",
                 "Access is denied.");
    Facts facts = collect(host);
    EXPECT_FALSE(facts.windows.critical_devices.ok());
    EXPECT_NE(facts.windows.critical_devices.error.find("Access is denied."), std::string::npos);
  }
  {
    // Server 2016 has no entry and needs none.
    auto f = audit(collect(fixture("server-2016.json")));
    EXPECT_EQ(f["XW-VIRTIO"].status, Status::kPass) << show(f["XW-VIRTIO"]);
  }
}

TEST(WindowsFixtureAudit, Server2016IsReady) {
  FixtureHost host = fixture("server-2016.json");
  Facts facts = collect(host);
  EXPECT_TRUE(facts.windows.problems.empty());
  ASSERT_TRUE(facts.windows.version.ok()) << facts.windows.version.error;
  EXPECT_EQ(facts.windows.version.value->build, 14393u);
  EXPECT_EQ(facts.os.id, "windows");
  EXPECT_EQ(facts.os.version_id, "10.0.14393");
  auto f = audit(facts);
  for (const char* req : {"W-VERSION", "W-RDP", "W-FIREWALL"}) {
    ASSERT_TRUE(f.contains(req)) << req;
    EXPECT_EQ(f[req].status, Status::kPass) << req << ": " << show(f[req]);
  }
  EXPECT_EQ(f["W-VERSION"].message, "Windows Server 2016 datacenter (10.0.14393) is supported");
  for (const char* req : {"W-DISK", "W-FSTYPE", "W-FSCHECK", "W-QEMUGA", "XW-AGENTS", "XW-VIRTIO",
                          "XW-HIBERNATE", "XW-PENDING", "W-SYSFILES"}) {
    ASSERT_TRUE(f.contains(req)) << req;
    EXPECT_EQ(f[req].status, Status::kPass) << req << ": " << show(f[req]);
  }
  // Complexity is on (Windows' default): only a password holding "Administrator" is refused.
  EXPECT_EQ(f["W-PASSWD"].status, Status::kWarn) << show(f["W-PASSWD"]);
  EXPECT_NE(f["W-PASSWD"].message.find("\"Administrator1!\""), std::string::npos);
  EXPECT_EQ(f["XW-SHA2"].status, Status::kNotApplicable) << show(f["XW-SHA2"]);
  EXPECT_EQ(f["W-DISK"].message, "the system volume C: has 25.0 GiB free (62.5%)");
  EXPECT_EQ(facts.windows.password.history.value, 24);
  EXPECT_EQ(facts.windows.password.account_source,
            "secedit /export: NewAdministratorName (line 12)");
  ASSERT_TRUE(facts.windows.updates.ok());
  EXPECT_EQ(facts.windows.updates.value->size(), 1u);  // the RollupFix package names no KB
  ASSERT_TRUE(facts.windows.services.ok());
  for (const auto& s : *facts.windows.services.value) {
    EXPECT_NE(s.name, "EventLog") << "a key without a Type is not a service";
  }
  ASSERT_FALSE(facts.windows.driver_files.empty());
  EXPECT_EQ(facts.windows.driver_files[0].name, "viostor");
  EXPECT_EQ(facts.windows.driver_files[0].staged,
            std::vector<std::string>{"viostor.inf_amd64_2f6e5d7a1c3b4e8f"});
  // The .reg's REG_EXPAND_SZ and the RDP rule came through.
  EXPECT_EQ(facts.windows.rdp.term_service.image_path, "%SystemRoot%\\System32\\svchost.exe");
  ASSERT_EQ(facts.windows.firewall.inbound_allow_rules.size(), 1u);
  EXPECT_EQ(facts.windows.firewall.inbound_allow_rules[0].id, "RemoteDesktop-UserMode-In-TCP");
}

TEST(WindowsFixtureAudit, Server2012R2DatacenterDeniedRdpAndPublicFirewallFail) {
  Facts facts = collect(fixture("server-2012r2.json"));
  auto f = audit(facts);
  EXPECT_EQ(f["W-VERSION"].status, Status::kFail) << show(f["W-VERSION"]);
  EXPECT_NE(f["W-VERSION"].message.find("only in standard editions"), std::string::npos)
      << f["W-VERSION"].message;
  EXPECT_EQ(f["W-RDP"].status, Status::kFail);
  EXPECT_NE(f["W-RDP"].message.find("connections are denied"), std::string::npos);
  EXPECT_NE(f["W-RDP"].message.find("nothing listens on TCP 3389"), std::string::npos);
  EXPECT_EQ(f["W-FIREWALL"].status, Status::kFail);
  EXPECT_EQ(f["W-FIREWALL"].message, "the firewall is public profile on at next boot, and on now");
  // The system state of a VMware guest that was never prepared.
  EXPECT_EQ(f["W-PASSWD"].status, Status::kFail) << show(f["W-PASSWD"]);
  EXPECT_NE(f["W-PASSWD"].message.find("at least 10 characters"), std::string::npos);
  EXPECT_EQ(f["W-QEMUGA"].status, Status::kFail) << show(f["W-QEMUGA"]);
  EXPECT_EQ(f["W-QEMUGA"].message, "starts at boot: QEMU-GA");
  EXPECT_EQ(f["XW-AGENTS"].status, Status::kWarn) << show(f["XW-AGENTS"]);  // severity warn
  EXPECT_EQ(f["XW-AGENTS"].message, "starts at boot: VMTools");
  EXPECT_EQ(f["XW-VIRTIO"].status, Status::kFail) << show(f["XW-VIRTIO"]);
  EXPECT_EQ(f["XW-HIBERNATE"].status, Status::kWarn) << show(f["XW-HIBERNATE"]);
  EXPECT_EQ(f["XW-PENDING"].status, Status::kWarn) << show(f["XW-PENDING"]);
  EXPECT_NE(
      f["XW-PENDING"].message.find("cbs-reboot-pending, file-rename-operations, computer-rename"),
      std::string::npos)
      << f["XW-PENDING"].message;
  EXPECT_EQ(f["W-DISK"].status, Status::kFail) << show(f["W-DISK"]);
  EXPECT_EQ(f["W-FSTYPE"].status, Status::kFail) << show(f["W-FSTYPE"]);
  EXPECT_EQ(f["W-FSTYPE"].message, "the system disk has a GPT partition table");
  EXPECT_EQ(f["W-FSCHECK"].status, Status::kFail) << show(f["W-FSCHECK"]);
  EXPECT_EQ(f["W-FSCHECK"].message,
            "the file system of C: is marked dirty (a check is scheduled at the next boot)");
  EXPECT_EQ(f["XW-SHA2"].status, Status::kNotApplicable);
  EXPECT_EQ(f["W-SYSFILES"].status, Status::kFail) << show(f["W-SYSFILES"]);
  EXPECT_EQ(f["W-SYSFILES"].message, "the System File Checker could not repair: winlogon.exe");
  EXPECT_EQ(facts.windows.password.account, "LocalAdmin");
  ASSERT_TRUE(facts.windows.password.full_name.ok());
  EXPECT_EQ(*facts.windows.password.full_name.value, "Ops Team-Admin");
}

TEST(WindowsFixtureAudit, Server2008R2OfflineUsesTheRegistryAndGroupPolicy) {
  Facts facts = collect(fixture("server-2008r2.json"));
  EXPECT_FALSE(facts.runtime);
  ASSERT_TRUE(facts.windows.version.ok()) << facts.windows.version.error;
  const WindowsVersion& v = *facts.windows.version.value;
  EXPECT_EQ(v.major, 6u);
  EXPECT_EQ(v.minor, 1u);
  EXPECT_EQ(v.build, 7601u);
  EXPECT_EQ(v.service_pack, 1u);
  EXPECT_EQ(v.product_type, "server");
  EXPECT_EQ(v.source, std::string(kCurrentVersionKey));
  EXPECT_EQ(facts.windows.rdp.term_service.start_type, "auto");
  EXPECT_EQ(facts.windows.rdp.term_service.state, "");
  EXPECT_EQ(facts.windows.rdp.term_service.image_path, "%SystemRoot%\\System32\\svchost.exe");
  auto f = audit(facts);
  for (const char* req : {"W-VERSION", "W-RDP", "W-FIREWALL", "XW-HIBERNATE", "XW-PENDING"}) {
    EXPECT_EQ(f[req].status, Status::kPass) << req << ": " << show(f[req]);
  }
  // Only a staged package of KB4474419: SHA-2 signed drivers will not load.
  EXPECT_EQ(f["XW-SHA2"].status, Status::kWarn) << show(f["XW-SHA2"]);
  EXPECT_NE(f["XW-SHA2"].message.find("KB4474419 (CurrentState 0x20) is present but not "
                                      "installed"),
            std::string::npos);
  EXPECT_EQ(f["XW-VIRTIO"].status, Status::kFail) << show(f["XW-VIRTIO"]);
  EXPECT_EQ(f["XW-VIRTIO"].message, "C:\\Windows\\System32\\drivers\\viostor.sys is read-only");
  // Offline, the password rules and the volume cannot be asked: errors with the reason.
  for (const char* req : {"W-PASSWD", "W-DISK", "W-FSTYPE", "W-FSCHECK"}) {
    EXPECT_EQ(f[req].status, Status::kError) << req << ": " << show(f[req]);
  }
  EXPECT_NE(f["W-PASSWD"].message.find("no answer recorded (offline system)"), std::string::npos)
      << f["W-PASSWD"].message;
  // sfc never ran on it: the finding advises running it.
  EXPECT_EQ(f["W-SYSFILES"].status, Status::kWarn) << show(f["W-SYSFILES"]);
  EXPECT_NE(f["W-SYSFILES"].remediation.find("sfc /verifyonly"), std::string::npos);
}

TEST(WindowsFixtureAudit, UnreadableSystemStateIsAnErrorNotAPass) {
  FixtureHost host = fixture("server-2016.json");
  host.failKey("HKLM\\SYSTEM\\CurrentControlSet\\Services", "access denied");
  host.failKey("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Power", "access denied");
  host.failKey(
      "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\"
      "RebootPending",
      "access denied");
  auto f = audit(collect(host));
  for (const char* req : {"W-QEMUGA", "XW-AGENTS", "XW-VIRTIO", "XW-HIBERNATE", "XW-PENDING"}) {
    EXPECT_EQ(f[req].status, Status::kError) << req << ": " << show(f[req]);
  }
}

TEST(WindowsFixtureAudit, Windows10IsUnsupportedAndTheFirewallApiFailureIsAnError) {
  Facts facts = collect(fixture("win10.json"));
  auto f = audit(facts);
  EXPECT_EQ(f["W-VERSION"].status, Status::kFail);
  EXPECT_EQ(f["W-VERSION"].message,
            "Windows 10 professional (10.0.19045) is not supported for import");
  EXPECT_EQ(f["W-RDP"].status, Status::kFail);
  EXPECT_NE(f["W-RDP"].message.find("RDP listens on port 3390, not 3389"), std::string::npos);
  // Off in the registry, but the API cannot say what is on now: not a pass, not a fail.
  EXPECT_EQ(f["W-FIREWALL"].status, Status::kError) << show(f["W-FIREWALL"]);
  EXPECT_NE(f["W-FIREWALL"].message.find("E_NOTIMPL"), std::string::npos);
}

TEST(WindowsFixtureAudit, UnreadableRegistryKeysAreErrorsNotPasses) {
  FixtureHost host = fixture("server-2016.json");
  host.failKey("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server", "access denied");
  host.failKey(
      "HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\"
      "FirewallPolicy\\PublicProfile",
      "access denied");
  Facts facts = collect(host);
  EXPECT_NE(facts.windows.rdp.deny_connections.error.find("access denied"), std::string::npos);
  auto f = audit(facts);
  EXPECT_EQ(f["W-RDP"].status, Status::kError) << show(f["W-RDP"]);
  EXPECT_EQ(f["W-FIREWALL"].status, Status::kError) << show(f["W-FIREWALL"]);
}

TEST(WindowsFixtureAudit, ChangedValuesChangeTheVerdict) {
  FixtureHost host = fixture("server-2016.json");
  // Group Policy denies RDP although the local value allows it.
  host.setValue("HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services",
                "fDenyTSConnections", RegValue{RegType::kDword, {}, {}, 1, {}});
  host.setValue("HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService", "Start",
                RegValue{RegType::kDword, {}, {}, 4, {}});
  host.removeValue(
      "HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\"
      "FirewallPolicy\\DomainProfile",
      "EnableFirewall");
  auto f = audit(collect(host));
  EXPECT_EQ(f["W-RDP"].status, Status::kFail);
  EXPECT_NE(f["W-RDP"].message.find("by Group Policy"), std::string::npos) << f["W-RDP"].message;
  EXPECT_NE(f["W-RDP"].message.find("start type is disabled"), std::string::npos);
  EXPECT_EQ(f["W-FIREWALL"].status, Status::kFail);
  EXPECT_NE(f["W-FIREWALL"].message.find("domain profile on at next boot (not configured"),
            std::string::npos)
      << f["W-FIREWALL"].message;
}

TEST(WindowsFixtureAudit, FactsRoundTripThroughJson) {
  Facts facts = collect(fixture("server-2012r2.json"));
  nlohmann::json j = facts;
  Facts back = factsFromJson(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(back.windows, facts.windows);
  EXPECT_EQ(back, facts);
  j["windows"]["rdp"].erase("port");
  EXPECT_THROW(factsFromJson(j), nlohmann::json::exception);
}

TEST(WindowsFixtureHost, RegistryIsCaseInsensitiveAndListsKeysAndValues) {
  FixtureHost host = fixture("server-2016.json");
  auto v = host.regValue("hkey_local_machine\\software\\microsoft\\windows nt\\currentversion",
                         "productname");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->text, "Windows Server 2016 Datacenter");
  auto multi =
      host.regValue("HKLM\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions", "ProductSuite");
  ASSERT_TRUE(multi);
  EXPECT_EQ(multi->strings, std::vector<std::string>{"Terminal Server"});
  auto subkeys = host.regSubkeys(
      "HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy");
  ASSERT_TRUE(subkeys);
  EXPECT_EQ(*subkeys, (std::vector<std::string>{"DomainProfile", "FirewallRules", "PublicProfile",
                                                "StandardProfile"}));
  EXPECT_EQ(host.regValue("HKLM\\SOFTWARE\\Nope", "x").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(host.service("NoSuchService").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(host.service("TermService")->state, "running");
}

}  // namespace
}  // namespace guestprep::os_windows

namespace guestprep::os_windows {
namespace {

// The 2016 fixture, whose CBS.log holds no sfc run, with `sfc /verifyonly` recorded as given
// (exit code, console text, and what it appends to CBS.log), or not recorded at all.
FixtureHost withSfc(bool recorded, int exit_code, const std::string& out,
                    const std::string& appended) {
  const auto file = std::filesystem::path(GUESTPREP_WINDOWS_FIXTURES) / "server-2016.json";
  std::ifstream in(file);
  nlohmann::json j = nlohmann::json::parse(in);
  j["files"]["C:\\Windows\\Logs\\CBS\\CBS.log"] =
      "2026-11-24 08:00:01, Info                  CBS    Starting TrustedInstaller "
      "initialization.\r\n";
  if (recorded) {
    j["commands"] =
        nlohmann::json::array({{{"argv", nlohmann::json::array({"sfc", "/verifyonly"})},
                                {"exit_code", exit_code},
                                {"out", out},
                                {"appends", {{"C:\\Windows\\Logs\\CBS\\CBS.log", appended}}}}});
  }
  return FixtureHost(j, file.parent_path());
}

Facts collectWith(const FixtureHost& host, bool run_sfc) {
  Facts facts;
  CollectOptions o;
  o.run_sfc = run_sfc;
  collectWindowsFacts(host, host, facts, o);
  return facts;
}

TEST(WindowsFixtureAudit, SfcRunsOnlyWhenThePolicyAsks) {
  // The built-in policy does not ask; a copy of it with `run: true` does.
  auto builtin = builtinPolicy("aliyun-ecs-windows");
  ASSERT_TRUE(builtin);
  EXPECT_FALSE(collectOptionsFor(*builtin).run_sfc);
  std::string text(builtinPolicyText("aliyun-ecs-windows"));
  const std::string off = "      run: false\n";
  ASSERT_NE(text.find(off), std::string::npos);
  text.replace(text.find(off), off.size(), "      run: true\n");
  auto asking = parsePolicy(text, "run-sfc.yaml");
  ASSERT_TRUE(asking) << asking.error().message;
  EXPECT_TRUE(collectOptionsFor(*asking).run_sfc);

  const std::string batch =
      "2026-11-25 10:01:02, Info                  CSI    00000010 [SR] Verifying 100 components\r\n"
      "2026-11-25 10:03:40, Info                  CSI    00000011 [SR] Verify complete\r\n";
  {
    // Not asked: the log is read as it is, and sfc never ran on it.
    FixtureHost host = withSfc(true, 0, "", batch);
    Facts facts = collectWith(host, false);
    ASSERT_TRUE(facts.windows.sfc.ok()) << facts.windows.sfc.error;
    EXPECT_FALSE(facts.windows.sfc.value->ran);
    EXPECT_EQ(facts.windows.sfc.value->verify_batches, 0);
    EXPECT_EQ(audit(facts)["W-SYSFILES"].status, Status::kWarn);
  }
  {
    // Asked: it runs, and the verify batch it wrote decides.
    FixtureHost host = withSfc(true, 0, "", batch);
    Facts facts = collectWith(host, true);
    ASSERT_TRUE(facts.windows.sfc.ok()) << facts.windows.sfc.error;
    EXPECT_TRUE(facts.windows.sfc.value->ran);
    EXPECT_EQ(facts.windows.sfc.value->run_error, "");
    EXPECT_EQ(facts.windows.sfc.value->verify_batches, 1);
    auto f = audit(facts);
    EXPECT_EQ(f["W-SYSFILES"].status, Status::kPass) << show(f["W-SYSFILES"]);
  }
  {
    // Not an administrator: no verification, and sfc's own words (UTF-16LE) say why.
    std::string utf16;
    for (char c : std::string("\r\nYou must be an administrator running a console session in "
                              "order to\r\nuse the sfc utility.\r\n")) {
      utf16 += c;
      utf16 += '\0';
    }
    FixtureHost host = withSfc(true, 1, utf16, "");
    Facts facts = collectWith(host, true);
    ASSERT_TRUE(facts.windows.sfc.ok()) << facts.windows.sfc.error;
    EXPECT_NE(facts.windows.sfc.value->run_error.find(
                  "exited 1 without a verification in C:\\Windows\\Logs\\CBS\\CBS.log: You must "
                  "be an administrator"),
              std::string::npos)
        << facts.windows.sfc.value->run_error;
    auto f = audit(facts);
    EXPECT_EQ(f["W-SYSFILES"].status, Status::kError) << show(f["W-SYSFILES"]);
  }
  {
    // sfc missing (wine has none), and an offline system: errors with the reason.
    FixtureHost missing = withSfc(false, 0, "", "");
    Facts facts = collectWith(missing, true);
    EXPECT_NE(facts.windows.sfc.value->run_error.find("could not run"), std::string::npos);
    FixtureHost offline = withSfc(true, 0, "", batch);
    offline.setRuntime(false);
    facts = collectWith(offline, true);
    EXPECT_EQ(facts.windows.sfc.value->run_error, "sfc cannot run on a system that is not running");
    EXPECT_EQ(audit(facts)["W-SYSFILES"].status, Status::kError);
  }
}

}  // namespace
}  // namespace guestprep::os_windows
