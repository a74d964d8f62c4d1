// An offline Windows system disk audited with --root: registry from the hive files (made by the
// test hive writer), files inside the root in any letter case, the Windows policy chosen for it,
// and fix mode refused. Runs natively (the Linux root host under OfflineWindows) and under wine
// (the Windows files host).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "audit/audit.h"
#include "host/host.h"
#include "host/mutable_host.h"
#include "host/offline_files.h"
#include "policy/policy.h"
#include "support/windows_disk.h"

namespace guestprep {
namespace {

namespace fs = std::filesystem;

class OfflineWindowsDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("guestprep-offline-windows-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Facts collect(const test::WindowsDiskOptions& o = {}) {
    test::writeWindowsDisk(dir_, o);
    auto host = makeRootHost(dir_.string());
    EXPECT_TRUE(host) << host.error().message;
    if (!host) return {};
    EXPECT_EQ((*host)->platform(), "windows");
    return collectFacts(**host);
  }

  static std::map<std::string, Finding> audit(const Facts& facts) {
    auto policy = builtinPolicy("aliyun-ecs-windows");
    EXPECT_TRUE(policy) << policy.error().message;
    std::map<std::string, Finding> out;
    for (Finding& f : evaluatePolicy(*policy, facts)) out[f.requirement] = std::move(f);
    return out;
  }

  static std::string show(const Finding& f) {
    std::string s = toString(f.status) + ": " + f.message;
    for (const auto& e : f.evidence) s += "\n  " + e.source + ": " + e.text;
    return s;
  }

  fs::path dir_;
};

TEST_F(OfflineWindowsDisk, ReadsTheRegistryFromItsHives) {
  Facts facts = collect();
  const WindowsFacts& w = facts.windows;
  ASSERT_TRUE(w.collected);
  EXPECT_FALSE(facts.runtime);
  ASSERT_TRUE(w.version.ok()) << w.version.error;
  EXPECT_EQ(w.version.value->product_name, "Windows Server 2012 R2 Standard");
  EXPECT_EQ(w.version.value->major, 6u);
  EXPECT_EQ(w.version.value->minor, 3u);
  EXPECT_EQ(w.version.value->build, 9600u);
  EXPECT_EQ(w.version.value->product_type, "server");
  // CurrentControlSet is Select\Current's set (ControlSet001), not the other one on disk.
  EXPECT_TRUE(w.rdp.deny_connections.present) << w.rdp.deny_connections.error;
  EXPECT_EQ(w.rdp.deny_connections.number, 0u);
  EXPECT_EQ(w.rdp.port.number, 3389u);
  EXPECT_EQ(w.rdp.term_service.start_type, "demand");
  EXPECT_EQ(w.rdp.term_service.state, "");  // nothing runs on an offline disk
  EXPECT_FALSE(w.rdp.listeners.ok());
  ASSERT_EQ(w.firewall.profiles.size(), 3u);
  for (const auto& p : w.firewall.profiles) {
    EXPECT_TRUE(p.local_enabled.present) << p.profile << ": " << p.local_enabled.error;
    EXPECT_EQ(p.local_enabled.number, 1u) << p.profile;
  }
  // The password policy from the SAM hive's Account domain.
  ASSERT_TRUE(w.password.minimum_length.ok()) << w.password.minimum_length.error;
  EXPECT_EQ(*w.password.minimum_length.value, 7);
  EXPECT_NE(w.password.minimum_length_source.find("SAM hive"), std::string::npos)
      << w.password.minimum_length_source;
  ASSERT_TRUE(w.password.complexity.ok()) << w.password.complexity.error;
  EXPECT_TRUE(*w.password.complexity.value);
  EXPECT_EQ(w.password.complexity_source, w.password.minimum_length_source);
  ASSERT_TRUE(w.password.history.ok());
  EXPECT_EQ(*w.password.history.value, 24);
  ASSERT_TRUE(w.password.full_name.ok()) << w.password.full_name.error;
  EXPECT_EQ(*w.password.full_name.value, "");
  // Files in the root, found whatever their letter case ("Drivers" on this disk).
  bool viostor = false;
  for (const auto& d : w.driver_files) {
    EXPECT_EQ(d.error, "") << d.name;
    if (d.name == "viostor") {
      viostor = d.present;
      EXPECT_EQ(d.path, "C:\\Windows\\System32\\drivers\\viostor.sys");
    }
    if (d.name == "netkvm") {
      ASSERT_EQ(d.staged.size(), 1u);
      EXPECT_EQ(d.staged[0], "netkvm.inf_amd64_1b2c3d4e5f6a7b8c");
    }
  }
  EXPECT_TRUE(viostor);
  EXPECT_TRUE(w.problems.empty()) << w.problems.front().file << ": " << w.problems.front().message;
}

TEST_F(OfflineWindowsDisk, AuditVerdictsFollowTheDisk) {
  {
    auto f = audit(collect());
    EXPECT_EQ(f["W-FIREWALL"].status, Status::kFail) << show(f["W-FIREWALL"]);
    // Length 7 is fine, but complexity on rejects a cloud password with the account's name.
    EXPECT_EQ(f["W-PASSWD"].status, Status::kWarn) << show(f["W-PASSWD"]);
    EXPECT_NE(show(f["W-PASSWD"]).find("SAM hive"), std::string::npos) << show(f["W-PASSWD"]);
    EXPECT_EQ(f["W-VERSION"].status, Status::kPass) << show(f["W-VERSION"]);
    // The volume is the disk's: an offline root cannot tell, and says why.
    EXPECT_EQ(f["W-FSTYPE"].status, Status::kError) << show(f["W-FSTYPE"]);
  }
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  {
    test::WindowsDiskOptions o;
    o.firewall_on = false;
    o.min_password = 12;
    auto f = audit(collect(o));
    EXPECT_NE(f["W-FIREWALL"].status, Status::kFail) << show(f["W-FIREWALL"]);
    EXPECT_EQ(f["W-PASSWD"].status, Status::kFail) << show(f["W-PASSWD"]);
  }
}

TEST_F(OfflineWindowsDisk, OtherControlSetAndADirtyHive) {
  test::WindowsDiskOptions o;
  o.dirty_software = true;
  o.control_set = 2;
  Facts facts = collect(o);
  const WindowsFacts& w = facts.windows;
  EXPECT_TRUE(w.rdp.deny_connections.present) << w.rdp.deny_connections.error;
  EXPECT_NE(w.rdp.deny_connections.key.find("CurrentControlSet"), std::string::npos);
  ASSERT_EQ(w.problems.size(), 1u);
  EXPECT_NE(w.problems[0].file.find("SOFTWARE"), std::string::npos) << w.problems[0].file;
  EXPECT_NE(w.problems[0].message.find("not cleanly written"), std::string::npos);
}

TEST_F(OfflineWindowsDisk, ADamagedHiveIsAnErrorNamingIt) {
  test::writeWindowsDisk(dir_);
  const fs::path system = dir_ / "Windows" / "System32" / "config" / "SYSTEM";
  fs::resize_file(system, 4096 + 100);  // the base block and part of the first bin
  auto host = makeRootHost(dir_.string());
  ASSERT_TRUE(host) << host.error().message;
  Facts facts = collectFacts(**host);
  EXPECT_FALSE(facts.windows.rdp.deny_connections.present);
  EXPECT_NE(facts.windows.rdp.deny_connections.error.find("SYSTEM"), std::string::npos)
      << facts.windows.rdp.deny_connections.error;
  auto f = audit(facts);
  EXPECT_EQ(f["W-RDP"].status, Status::kError) << show(f["W-RDP"]);
  // The other hives still answer.
  EXPECT_TRUE(facts.windows.version.ok()) << facts.windows.version.error;
}

TEST_F(OfflineWindowsDisk, ARenamedAdministratorIsFoundByItsRid) {
  test::WindowsDiskOptions o;
  o.admin_name = "ops";
  o.admin_full_name = "Ops Team";
  Facts facts = collect(o);
  const WindowsPasswordFacts& pw = facts.windows.password;
  EXPECT_EQ(pw.account, "ops");
  EXPECT_NE(pw.account_source.find("RID 500"), std::string::npos) << pw.account_source;
  ASSERT_TRUE(pw.full_name.ok()) << pw.full_name.error;
  EXPECT_EQ(*pw.full_name.value, "Ops Team");
}

TEST_F(OfflineWindowsDisk, FixModeIsRefusedWithTheReason) {
  test::writeWindowsDisk(dir_);
  auto host = makeRootMutableHost(dir_.string());
  ASSERT_FALSE(host);
  EXPECT_EQ(host.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(host.error().message.find("Windows"), std::string::npos) << host.error().message;
}

TEST_F(OfflineWindowsDisk, LinksDoNotLeadOutOfTheRoot) {
  test::writeWindowsDisk(dir_);
  // A SAM that is a link to a file of this machine: whatever the link says, only files inside
  // the root are read (the link resolves inside it on Linux; on Windows it is not followed).
  const fs::path outside =
      fs::temp_directory_path() / ("guestprep-outside-" + std::to_string(std::random_device{}()));
  { std::ofstream(outside, std::ios::binary) << "not a hive, and outside the root"; }
  const fs::path sam = dir_ / "Windows" / "System32" / "config" / "SAM";
  fs::remove(sam);
  std::error_code ec;
  fs::create_symlink(outside, sam, ec);
  if (ec) {
    fs::remove(outside);
    GTEST_SKIP() << "symbolic links cannot be made here: " << ec.message();
  }
  auto host = makeRootHost(dir_.string());
  ASSERT_TRUE(host) << host.error().message;
  Facts facts = collectFacts(**host);
  fs::remove(outside);
  ASSERT_FALSE(facts.windows.password.minimum_length.ok());
  EXPECT_EQ(facts.windows.password.minimum_length.error.find("not a hive"), std::string::npos);
  EXPECT_EQ(facts.windows.password.minimum_length.error.find("signature"), std::string::npos)
      << "the file outside the root was read: " << facts.windows.password.minimum_length.error;
}

TEST_F(OfflineWindowsDisk, ARootWithoutWindowsIsNotTakenForOne) {
  fs::create_directories(dir_ / "Windows" / "System32" / "config");  // no SYSTEM hive
  auto host = makeRootHost(dir_.string());
  // Linux audits it as a Linux root; guestprep.exe, which audits only Windows disks, refuses it.
  if (host) {
    EXPECT_NE((*host)->platform(), "windows");
  } else {
    EXPECT_NE(host.error().message.find("holds no Windows system"), std::string::npos)
        << host.error().message;
  }
}

}  // namespace
}  // namespace guestprep

namespace guestprep::os_windows {
namespace {

// What the Windows files host under OfflineFiles sees: paths it was asked for, and a link.
class RecordingHost : public Host {
 public:
  std::map<std::string, FileStat::Type> entries;  ///< Windows path -> type
  mutable std::vector<std::string> read;

  std::string describe() const override { return "recording"; }
  bool hasRuntimeState() const override { return true; }
  Result<std::string> readFile(std::string_view path, std::size_t) const override {
    read.emplace_back(path);
    return std::string("content of ") + std::string(path);
  }
  Result<std::vector<std::string>> listDir(std::string_view path) const override {
    read.emplace_back(path);
    return std::vector<std::string>{};
  }
  Result<FileStat> stat(std::string_view path) const override { return lstat(path); }
  Result<FileStat> lstat(std::string_view path) const override {
    auto it = entries.find(std::string(path));
    if (it == entries.end()) return fail(ErrorCode::kNotFound, std::string(path));
    FileStat st;
    st.type = it->second;
    return st;
  }
  Result<std::string> readLink(std::string_view) const override {
    return fail(ErrorCode::kUnsupported, "no");
  }
  Result<std::string> canonicalPath(std::string_view p) const override { return std::string(p); }
  Result<std::uint32_t> inodeFlags(std::string_view) const override { return 0u; }
  Result<FsStats> fsStats(std::string_view) const override { return FsStats{}; }
  Result<CommandResult> run(const std::vector<std::string>&,
                            std::chrono::milliseconds) const override {
    return CommandResult{};
  }
};

TEST(OfflineFiles, MapsPathsIntoTheRootAndFollowsNoLinkOrDotDot) {
  auto inner = std::make_unique<RecordingHost>();
  RecordingHost* rec = inner.get();
  rec->entries = {{"E:\\disk\\Windows", FileStat::Type::kDirectory},
                  {"E:\\disk\\Windows\\win.ini", FileStat::Type::kRegular},
                  {"E:\\disk\\Junction", FileStat::Type::kSymlink},
                  {"E:\\disk\\Junction\\x", FileStat::Type::kRegular}};
  OfflineFiles files(std::move(inner), "E:\\disk\\");
  auto ok = files.readFile("/Windows/win.ini");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(*ok, "content of E:\\disk\\Windows\\win.ini");

  auto through_link = files.readFile("/Junction/x");
  ASSERT_FALSE(through_link);
  EXPECT_EQ(through_link.error().code, ErrorCode::kPermission);
  EXPECT_NE(through_link.error().message.find("link or junction"), std::string::npos);
  // The link itself may be looked at, not followed.
  auto link = files.lstat("/Junction");
  ASSERT_TRUE(link) << link.error().message;
  EXPECT_EQ(link->type, FileStat::Type::kSymlink);

  auto up = files.readFile("/Windows/../../outside.txt");
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().code, ErrorCode::kPermission);
  EXPECT_FALSE(files.readFile("relative"));
  for (const std::string& p : rec->read) {
    EXPECT_EQ(p.rfind("E:\\disk\\", 0), 0u) << p;
    EXPECT_EQ(p.find("Junction"), std::string::npos) << p;
  }
  EXPECT_FALSE(files.run({"cmd"}));
}

}  // namespace
}  // namespace guestprep::os_windows
