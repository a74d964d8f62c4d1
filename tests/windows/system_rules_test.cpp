// The Windows rule types beyond version, RDP and firewall, on Facts literals: pass, fail and
// error for each (password, agents, virtio, updates, hibernation, pending reboot, disk, system
// files), and the CBS.log parser behind the last.
#include <gtest/gtest.h>

#include "parsers/cbs_log.h"

#include "rules/registry.h"
#include "rules/windows_rules.h"

namespace guestprep {
namespace {

Params paramsFor(std::string_view type, std::map<std::string, ParamValue> overrides = {}) {
  const RuleType* t = findRuleType(type);
  EXPECT_NE(t, nullptr) << type;
  std::map<std::string, ParamValue> values;
  if (!t) return Params(values);
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
RegistryFact unreadable(std::string key, std::string name) {
  return RegistryFact{std::move(key), std::move(name), false, "", "", 0, "access denied"};
}
RegistryFact multi(std::string key, std::string name, std::string text) {
  return RegistryFact{
      std::move(key), std::move(name), true, "REG_MULTI_SZ", std::move(text), 0, ""};
}

// A ready Windows Server 2016: every new rule passes on it.
WindowsSfcFacts sfcRun(std::string log, int batches, std::string last_run, int last_line) {
  WindowsSfcFacts s;
  s.log = std::move(log);
  s.verify_batches = batches;
  s.last_run = std::move(last_run);
  s.last_line = last_line;
  return s;
}

Facts readyFacts() {
  Facts f;
  f.runtime = true;
  WindowsFacts& w = f.windows;
  w.collected = true;
  WindowsVersion v;
  v.major = 10;
  v.build = 14393;
  v.product_type = "server";
  v.product_name = "Windows Server 2016 Standard";
  v.edition_id = "ServerStandard";
  w.version = Observed<WindowsVersion>::of(v);
  w.password.minimum_length = Observed<int>::of(8);
  w.password.minimum_length_source = "NetUserModalsGet";
  w.password.complexity = Observed<bool>::of(false);
  w.password.history = Observed<int>::of(24);
  w.password.account = "Administrator";
  w.password.full_name = Observed<std::string>::of("");
  w.services = Observed<std::vector<WindowsServiceEntry>>::of({
      {"viostor", 1, "boot", "Red Hat VirtIO SCSI controller", "System32\\drivers\\viostor.sys"},
      {"netkvm", 1, "demand", "Red Hat VirtIO Ethernet Adapter", "System32\\drivers\\netkvm.sys"},
      {"W32Time", 0x20, "demand", "Windows Time", "svchost.exe -k LocalService"},
  });
  w.programs = Observed<std::vector<WindowsProgram>>::of({});
  w.driver_files = {
      {"viostor", "C:\\Windows\\System32\\drivers\\viostor.sys", true, false, {}, ""},
      {"vioscsi", "C:\\Windows\\System32\\drivers\\vioscsi.sys", false, false, {}, ""},
      {"netkvm", "C:\\Windows\\System32\\drivers\\netkvm.sys", true, false, {}, ""},
  };
  w.updates = Observed<std::vector<WindowsUpdate>>::of({});
  w.pending = {{"cbs-reboot-pending", "CBS\\RebootPending", false, "", ""},
               {"file-rename-operations", "Session Manager", false, "", ""}};
  w.hibernate.hibernate_enabled = dword("Power", "HibernateEnabled", 0);
  w.hibernate.hibernate_default = absent("Power", "HibernateEnabledDefault");
  w.hibernate.hiberboot = dword("Session Manager\\Power", "HiberbootEnabled", 0);
  w.hibernate.hiberfil = Observed<bool>::of(false);
  w.volume.drive = "C:";
  w.volume.filesystem = Observed<std::string>::of("NTFS");
  w.volume.total_bytes = Observed<std::uint64_t>::of(40ull << 30);
  w.volume.free_bytes = Observed<std::uint64_t>::of(20ull << 30);
  w.volume.dirty = Observed<bool>::of(false);
  w.volume.partition_style = Observed<std::string>::of("mbr");
  w.volume.partitions = 2;
  w.volume.boot_execute = multi("Session Manager", "BootExecute", "autocheck autochk *");
  w.sfc = Observed<WindowsSfcFacts>::of(
      sfcRun("C:\\Windows\\Logs\\CBS\\CBS.log", 2, "2026-11-20 09:15:18", 6));
  return f;
}

struct RuleCase {
  const char* type;
  Outcome (*evaluate)(const Facts&, const Params&);
};

const RuleCase kRules[] = {
    {"windows.password_accepts_cloud_rule", &evaluateWindowsPassword},
    {"windows.agents_absent", &evaluateWindowsAgentsAbsent},
    {"windows.virtio_drivers", &evaluateWindowsVirtio},
    {"windows.updates_installed", &evaluateWindowsUpdates},
    {"windows.hibernation_off", &evaluateWindowsHibernation},
    {"windows.no_pending_reboot", &evaluateWindowsPending},
    {"windows.disk_free", &evaluateWindowsDiskFree},
    {"windows.filesystem", &evaluateWindowsFilesystem},
    {"windows.filesystem_clean", &evaluateWindowsFsClean},
    {"windows.system_files", &evaluateWindowsSystemFiles},
};

TEST(WindowsSystemRules, ReadyFactsPassAndLinuxFactsAreErrors) {
  Facts ready = readyFacts();
  Facts linux_facts;
  for (const RuleCase& r : kRules) {
    Params p = paramsFor(
        r.type,
        std::string(r.type) == "windows.agents_absent"
            ? std::map<std::string, ParamValue>{{"services", std::vector<std::string>{"QEMU-GA"}}}
            : std::map<std::string, ParamValue>{});
    Outcome o = r.evaluate(ready, p);
    Status want =
        std::string(r.type) == "windows.updates_installed" ? Status::kNotApplicable : Status::kPass;
    EXPECT_EQ(o.status, want) << r.type << ": " << o.message;
    EXPECT_EQ(r.evaluate(linux_facts, p).status, Status::kError) << r.type;
  }
}

TEST(WindowsPasswordRule, MinimumLengthAboveTheCloudsFails) {
  Facts f = readyFacts();
  f.windows.password.minimum_length = Observed<int>::of(12);
  Outcome o = evaluateWindowsPassword(f, paramsFor("windows.password_accepts_cloud_rule"));
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("at least 12 characters"), std::string::npos) << o.message;
  EXPECT_NE(o.remediation.find("net accounts /minpwlen:8"), std::string::npos);
  // 8 is the cloud's own minimum: accepted.
  f.windows.password.minimum_length = Observed<int>::of(8);
  EXPECT_EQ(evaluateWindowsPassword(f, paramsFor("windows.password_accepts_cloud_rule")).status,
            Status::kPass);
}

TEST(WindowsPasswordRule, ComplexityRejectsTheAccountNameAndFullNameTokens) {
  Facts f = readyFacts();
  f.windows.password.complexity = Observed<bool>::of(true);
  Outcome o = evaluateWindowsPassword(f, paramsFor("windows.password_accepts_cloud_rule"));
  EXPECT_EQ(o.status, Status::kFail) << o.message;
  EXPECT_NE(o.message.find("\"Administrator1!\""), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("contains the account name"), std::string::npos) << o.message;
  Outcome warned =
      evaluateWindowsPassword(f, paramsFor("windows.password_accepts_cloud_rule",
                                           {{"name_in_password", std::string("warn")}}));
  EXPECT_EQ(warned.status, Status::kWarn);
  // A two-letter account name is not checked; a full name's tokens of three or more are.
  f.windows.password.account = "ab";
  f.windows.password.full_name = Observed<std::string>::of("Jo Li,Wang-Xiaoming");
  o = evaluateWindowsPassword(f, paramsFor("windows.password_accepts_cloud_rule"));
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("\"Wang\" of the account's full name"), std::string::npos) << o.message;
  f.windows.password.full_name = Observed<std::string>::of("Jo Li");
  o = evaluateWindowsPassword(f, paramsFor("windows.password_accepts_cloud_rule"));
  EXPECT_EQ(o.status, Status::kPass) << o.message;
  EXPECT_NE(o.message.find("complexity on"), std::string::npos);
}

TEST(WindowsPasswordRule, TheComplexityModelFollowsWindows) {
  EXPECT_EQ(displayNameTokens("Ops Team-Admin"),
            (std::vector<std::string>{"Ops", "Team", "Admin"}));
  EXPECT_EQ(displayNameTokens("Li\tWang#x_Yu.Zhao"), (std::vector<std::string>{"Wang", "Zhao"}));
  EXPECT_EQ(windowsComplexityRejects("Abcdefg1", "Administrator", ""), "");
  EXPECT_EQ(windowsComplexityRejects("abcdefg1", "Administrator", ""),
            "it has characters of fewer than three categories");
  EXPECT_EQ(windowsComplexityRejects("xADMINISTRATOR1!", "Administrator", ""),
            "it contains the account name \"Administrator\"");
  EXPECT_EQ(windowsComplexityRejects("Pa$$word1", "Administrator", ""), "");
  EXPECT_EQ(windowsComplexityRejects("~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/aA", "xy", ""), "");
}

TEST(WindowsPasswordRule, UnreadablePolicyIsAnError) {
  Facts f = readyFacts();
  f.windows.password.complexity =
      Observed<bool>::failed("secedit /export: exited with 1 (it needs an administrator)");
  Outcome o = evaluateWindowsPassword(f, paramsFor("windows.password_accepts_cloud_rule"));
  EXPECT_EQ(o.status, Status::kError);
  EXPECT_NE(o.message.find("needs an administrator"), std::string::npos);
  // A minimum length that already rejects a cloud password fails without the complexity.
  f.windows.password.minimum_length = Observed<int>::of(14);
  EXPECT_EQ(evaluateWindowsPassword(f, paramsFor("windows.password_accepts_cloud_rule")).status,
            Status::kFail);
  f.windows.password.minimum_length = Observed<int>::failed("NetUserModalsGet: access denied");
  EXPECT_EQ(evaluateWindowsPassword(f, paramsFor("windows.password_accepts_cloud_rule")).status,
            Status::kError);
}

TEST(WindowsAgentsRule, EnabledFailsDisabledOrProgramOnlyWarnsUnreadableErrors) {
  Facts f = readyFacts();
  Params p = paramsFor("windows.agents_absent",
                       {{"services", std::vector<std::string>{"QEMU-GA", "VMTools"}},
                        {"programs", std::vector<std::string>{"VMware Tools"}}});
  EXPECT_EQ(evaluateWindowsAgentsAbsent(f, p).status, Status::kPass);
  f.windows.services.value->push_back({"qemu-ga", 0x10, "auto", "QEMU Guest Agent", "qemu-ga.exe"});
  Outcome o = evaluateWindowsAgentsAbsent(f, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_EQ(o.message, "starts at boot: qemu-ga");
  f.windows.services.value->back().start_type = "disabled";
  f.windows.programs.value->push_back({"Uninstall\\{VMW}", "VMware Tools", "VMware, Inc.", "11"});
  o = evaluateWindowsAgentsAbsent(f, p);
  EXPECT_EQ(o.status, Status::kWarn);
  EXPECT_EQ(o.message, "installed but not started at boot: VMware Tools, qemu-ga (disabled)");
  f.windows.programs = Observed<std::vector<WindowsProgram>>::failed("access denied");
  EXPECT_EQ(evaluateWindowsAgentsAbsent(f, p).status, Status::kError);
}

TEST(WindowsVirtioRule, BootStartStorageDriverNetworkDriverAndWritableFiles) {
  Facts f = readyFacts();
  Params p = paramsFor("windows.virtio_drivers");
  (*f.windows.services.value)[0].start_type = "demand";
  Outcome o = evaluateWindowsVirtio(f, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("no paravirtual storage driver (viostor or vioscsi) is installed to "
                           "start at boot"),
            std::string::npos)
      << o.message;
  (*f.windows.services.value)[0].start_type = "boot";
  f.windows.driver_files[0].read_only = true;
  o = evaluateWindowsVirtio(f, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_EQ(o.message, "C:\\Windows\\System32\\drivers\\viostor.sys is read-only");
  EXPECT_EQ(
      evaluateWindowsVirtio(f, paramsFor("windows.virtio_drivers", {{"check_read_only", false}}))
          .status,
      Status::kPass);
  f.windows.driver_files[0].read_only = false;
  f.windows.services.value->erase(f.windows.services.value->begin() + 1);  // netkvm
  f.windows.driver_files[2].staged = {"netkvm.inf_amd64_1"};
  o = evaluateWindowsVirtio(f, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("(only staged in the driver store)"), std::string::npos) << o.message;
  f.windows.driver_files[0].error = "access denied";
  f.windows.services.value->push_back({"netkvm", 1, "demand", "", ""});
  EXPECT_EQ(evaluateWindowsVirtio(f, p).status, Status::kError);
  f.windows.services = Observed<std::vector<WindowsServiceEntry>>::failed("access denied");
  EXPECT_EQ(evaluateWindowsVirtio(f, p).status, Status::kError);
}

TEST(WindowsUpdatesRule, Kb4474419OnServer2008R2) {
  Facts f = readyFacts();
  f.windows.version.value->major = 6;
  f.windows.version.value->minor = 1;
  f.windows.version.value->build = 7601;
  Params p = paramsFor("windows.updates_installed");
  Outcome o = evaluateWindowsUpdates(f, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_EQ(o.message,
            "Windows Server 2008 R2 lacks SHA-2 code signing support: KB4474419 is not installed");
  f.windows.updates.value->push_back({"KB4474419", "Package_for_KB4474419~x", 0x20});
  o = evaluateWindowsUpdates(f, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("KB4474419 (CurrentState 0x20) is present but not installed"),
            std::string::npos)
      << o.message;
  f.windows.updates.value->back().state = 0x70;
  EXPECT_EQ(evaluateWindowsUpdates(f, p).status, Status::kPass);
  f.windows.updates = Observed<std::vector<WindowsUpdate>>::failed("access denied");
  EXPECT_EQ(evaluateWindowsUpdates(f, p).status, Status::kError);
}

TEST(WindowsHibernationRule, SettingDefaultFileAndFastStartup) {
  Facts f = readyFacts();
  Params p = paramsFor("windows.hibernation_off");
  auto& h = f.windows.hibernate;
  h.hibernate_enabled = dword("Power", "HibernateEnabled", 1);
  EXPECT_EQ(evaluateWindowsHibernation(f, p).status, Status::kFail);
  // No explicit value: the default value, then the file, decide.
  h.hibernate_enabled = absent("Power", "HibernateEnabled");
  h.hibernate_default = dword("Power", "HibernateEnabledDefault", 1);
  EXPECT_EQ(evaluateWindowsHibernation(f, p).status, Status::kFail);
  h.hibernate_default = absent("Power", "HibernateEnabledDefault");
  h.hiberfil = Observed<bool>::of(true);
  Outcome o = evaluateWindowsHibernation(f, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("hiberfil.sys exists"), std::string::npos);
  h.hiberfil = Observed<bool>::failed("access denied");
  EXPECT_EQ(evaluateWindowsHibernation(f, p).status, Status::kError);
  // Fast Startup counts only while hibernation is on.
  h.hibernate_enabled = dword("Power", "HibernateEnabled", 0);
  h.hiberboot = dword("Session Manager\\Power", "HiberbootEnabled", 1);
  EXPECT_EQ(evaluateWindowsHibernation(f, p).status, Status::kPass);
  h.hibernate_enabled = dword("Power", "HibernateEnabled", 1);
  o = evaluateWindowsHibernation(f, p);
  EXPECT_NE(o.message.find("Fast Startup is on"), std::string::npos) << o.message;
  h.hibernate_enabled = unreadable("Power", "HibernateEnabled");
  h.hiberboot = dword("Session Manager\\Power", "HiberbootEnabled", 0);
  EXPECT_EQ(evaluateWindowsHibernation(f, p).status, Status::kError);
}

TEST(WindowsPendingRule, AnyMarkerFailsUnlessIgnored) {
  Facts f = readyFacts();
  f.windows.pending[1].present = true;
  f.windows.pending[1].detail = "1 file operation(s)";
  Outcome o = evaluateWindowsPending(f, paramsFor("windows.no_pending_reboot"));
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("(file-rename-operations)"), std::string::npos) << o.message;
  EXPECT_EQ(evaluateWindowsPending(
                f, paramsFor("windows.no_pending_reboot",
                             {{"ignore", std::vector<std::string>{"file-rename-operations"}}}))
                .status,
            Status::kPass);
  f.windows.pending[1].present = false;
  f.windows.pending[0].error = "access denied";
  EXPECT_EQ(evaluateWindowsPending(f, paramsFor("windows.no_pending_reboot")).status,
            Status::kError);
  f.windows.pending.clear();
  EXPECT_EQ(evaluateWindowsPending(f, paramsFor("windows.no_pending_reboot")).status,
            Status::kError);
}

TEST(WindowsDiskRules, FreeSpace) {
  Facts f = readyFacts();
  Params p = paramsFor("windows.disk_free");
  f.windows.volume.free_bytes = Observed<std::uint64_t>::of(1ull << 30);  // 2.5 %
  Outcome o = evaluateWindowsDiskFree(f, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_EQ(o.message, "the system volume C: is nearly full: 1.0 GiB free (2.5%)");
  f.windows.volume.free_bytes = Observed<std::uint64_t>::of(4ull << 30);  // 10 %
  EXPECT_EQ(evaluateWindowsDiskFree(f, p).status, Status::kWarn);
  f.windows.volume.free_bytes = Observed<std::uint64_t>::failed("GetDiskFreeSpaceEx: denied");
  EXPECT_EQ(evaluateWindowsDiskFree(f, p).status, Status::kError);
}

TEST(WindowsDiskRules, NtfsOnMbr) {
  Facts f = readyFacts();
  Params p = paramsFor("windows.filesystem");
  f.windows.volume.partition_style = Observed<std::string>::of("gpt");
  f.windows.volume.filesystem = Observed<std::string>::of("ReFS");
  Outcome o = evaluateWindowsFilesystem(f, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_EQ(o.message,
            "the system volume is ReFS, not NTFS; the system disk has a GPT partition table");
  EXPECT_EQ(evaluateWindowsFilesystem(
                f, paramsFor("windows.filesystem",
                             {{"partition_styles", std::vector<std::string>{"mbr", "gpt"}},
                              {"filesystems", std::vector<std::string>{"ntfs", "refs"}}}))
                .status,
            Status::kPass);
  f.windows.volume.partition_style = Observed<std::string>::failed("open \\\\.\\PhysicalDrive0");
  f.windows.volume.filesystem = Observed<std::string>::of("NTFS");
  EXPECT_EQ(evaluateWindowsFilesystem(f, p).status, Status::kError);
}

TEST(WindowsDiskRules, DirtyBitAndScheduledCheck) {
  Facts f = readyFacts();
  Params p = paramsFor("windows.filesystem_clean");
  f.windows.volume.dirty = Observed<bool>::of(true);
  EXPECT_EQ(evaluateWindowsFsClean(f, p).status, Status::kFail);
  f.windows.volume.dirty = Observed<bool>::of(false);
  f.windows.volume.boot_execute =
      multi("Session Manager", "BootExecute", "autocheck autochk /p \\??\\C:\nautocheck autochk *");
  EXPECT_TRUE(bootExecuteSchedulesCheck(f.windows.volume.boot_execute));
  EXPECT_EQ(evaluateWindowsFsClean(f, p).status, Status::kWarn);
  EXPECT_FALSE(
      bootExecuteSchedulesCheck(multi("Session Manager", "BootExecute", "autocheck  autochk  *")));
  f.windows.volume.dirty = Observed<bool>::failed("FSCTL_IS_VOLUME_DIRTY: access denied");
  EXPECT_EQ(evaluateWindowsFsClean(f, p).status, Status::kError);
}

TEST(SfcLogParser, RunsCorruptFilesAndFilesNotRepaired) {
  const char* log =
      "2026-11-20 09:15:11, Info  CSI  00000005 [SR] Verifying 100 components\r\n"
      "2026-11-20 09:15:14, Info  CSI  00000007 [SR] Verify complete\r\n"
      "2026-11-20 09:15:15, Info  CSI  00000008 Hashes for file member \\SystemRoot\\WinSxS\\x\\"
      "winlogon.exe do not match actual file [l:24{12}]\"winlogon.exe\" :\r\n"
      "2026-11-20 09:15:15, Info  CSI  00000009 [SR] Cannot repair member file "
      "[l:24{12}]\"winlogon.exe\" of Microsoft-Windows-Winlogon, hash mismatch\r\n"
      "2026-11-20 09:15:16, Info  CSI  0000000a [SR] Repairing corrupted file "
      "[ml:520{260},l:36{18}]\"\\??\\C:\\Windows\\System32\"\\[l:20{10}]\"ntdll.dll\" from "
      "store\r\n"
      "2026-11-20 09:15:20, Info  CSI  0000000b [SR] Verify complete\r\n"
      "2026-11-20 09:16:00, Info  CBS  Ending TrustedInstaller finalization.\r\n";
  os_windows::SfcLog s = os_windows::parseSfcLog(log);
  EXPECT_EQ(s.verify_batches, 2);
  EXPECT_EQ(s.corrupt, (std::vector<std::string>{"winlogon.exe", "\\??\\C:\\Windows\\System32"}));
  EXPECT_EQ(s.not_repaired, std::vector<std::string>{"winlogon.exe"});
  EXPECT_EQ(s.last_run, "2026-11-20 09:15:20");
  EXPECT_EQ(s.last_line, 6);
  os_windows::SfcLog none = os_windows::parseSfcLog("2026-11-18 08:00:01, Info CBS Starting\n");
  EXPECT_EQ(none.verify_batches, 0);
  EXPECT_EQ(none.last_line, 0);
  EXPECT_EQ(os_windows::parseSfcLog("[SR] Verify complete").last_run, "") << "no date: no time";
}

TEST(WindowsSystemFilesRule, VerifiedModifiedNotRepairedNeverRunAndUnreadable) {
  Facts f = readyFacts();
  Params p = paramsFor("windows.system_files");
  Outcome o = evaluateWindowsSystemFiles(f, p);
  EXPECT_EQ(o.status, Status::kPass);
  EXPECT_EQ(o.message,
            "the System File Checker's last run (2026-11-20 09:15:18) found no modified system "
            "file");
  f.windows.sfc.value->corrupt = {"winlogon.exe"};
  EXPECT_EQ(evaluateWindowsSystemFiles(f, p).status, Status::kWarn);
  f.windows.sfc.value->not_repaired = {"winlogon.exe"};
  o = evaluateWindowsSystemFiles(f, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_EQ(o.message, "the System File Checker could not repair: winlogon.exe");
  f.windows.sfc = Observed<WindowsSfcFacts>::of(sfcRun("CBS.log", 0, "", 0));
  o = evaluateWindowsSystemFiles(f, p);
  EXPECT_EQ(o.status, Status::kWarn);
  EXPECT_NE(o.remediation.find("sfc /verifyonly"), std::string::npos);
  EXPECT_EQ(evaluateWindowsSystemFiles(
                f, paramsFor("windows.system_files", {{"not_verified", std::string("fail")}}))
                .status,
            Status::kFail);
  f.windows.sfc = Observed<WindowsSfcFacts>::failed("'CBS.log': access denied");
  EXPECT_EQ(evaluateWindowsSystemFiles(f, p).status, Status::kError);
}

TEST(WindowsSystemFilesRule, ARunAskedForThatDidNotVerifyIsAnError) {
  Facts f = readyFacts();
  Params p = paramsFor("windows.system_files", {{"run", true}});
  WindowsSfcFacts& s = *f.windows.sfc.value;
  s.run_asked = true;
  s.ran = true;
  s.run_exit_code = 0;
  Outcome o = evaluateWindowsSystemFiles(f, p);
  EXPECT_EQ(o.status, Status::kPass);
  ASSERT_FALSE(o.evidence.empty());
  EXPECT_EQ(o.evidence.front().source, "sfc /verifyonly");
  EXPECT_EQ(o.evidence.front().text, "ran during this audit, exit code 0");
  // An earlier run in the log does not stand in for the one that was asked for.
  s.run_error =
      "sfc /verifyonly exited 1 without a verification in CBS.log: You must be an "
      "administrator running a console session in order to use the sfc utility.";
  o = evaluateWindowsSystemFiles(f, p);
  EXPECT_EQ(o.status, Status::kError);
  EXPECT_NE(o.message.find("You must be an administrator"), std::string::npos) << o.message;
}

}  // namespace
}  // namespace guestprep
