// The live Windows host under wine (or Windows): files with non-ASCII paths, commands as argv
// with quoting checked by the C runtime, timeouts, and the live API's registry, services and
// version.
#include <windows.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "host/live_api.h"
#include "host/mutable_host.h"
#include "host/windows_host.h"

namespace guestprep::os_windows {
namespace {

namespace fs = std::filesystem;

class LiveHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A directory per process (tests may run in parallel), with a non-ASCII name below it.
    base_ = fs::temp_directory_path() / ("guestprep-test-" + std::to_string(GetCurrentProcessId()));
    dir_ = base_ / fs::path(u8"\u00e9\u6587");
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(base_); }
  std::string utf8(const fs::path& p) {
    auto s = p.u8string();
    return std::string(s.begin(), s.end());
  }
  fs::path base_;
  fs::path dir_;
  WindowsHost host_;
};

TEST_F(LiveHostTest, ReadsFilesAndDirectoriesWithNonAsciiNames) {
  fs::path file = dir_ / fs::path(u8"r\u00e9sum\u00e9.txt");
  std::ofstream(file, std::ios::binary) << "line1\r\nline2\r\n";
  auto content = host_.readFile(utf8(file));
  ASSERT_TRUE(content) << content.error().message;
  EXPECT_EQ(*content, "line1\r\nline2\r\n");
  EXPECT_EQ(host_.readFile(utf8(file), 3).error().code, ErrorCode::kTooLarge);
  auto names = host_.listDir(utf8(dir_));
  ASSERT_TRUE(names) << names.error().message;
  EXPECT_EQ(*names, std::vector<std::string>{"r\u00e9sum\u00e9.txt"});
  auto st = host_.stat(utf8(file));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->type, FileStat::Type::kRegular);
  EXPECT_EQ(st->size, 14u);
  EXPECT_EQ(host_.stat(utf8(dir_))->type, FileStat::Type::kDirectory);
  auto missing = host_.readFile(utf8(dir_ / "absent"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound) << missing.error().message;
  auto canon = host_.canonicalPath(utf8(dir_ / "." / fs::path(u8"r\u00e9sum\u00e9.txt")));
  ASSERT_TRUE(canon) << canon.error().message;
  EXPECT_TRUE(canon->ends_with("r\u00e9sum\u00e9.txt")) << *canon;
  EXPECT_EQ(canon->find("\\.\\"), std::string::npos) << *canon;
  auto space = host_.fsStats(utf8(dir_));
  ASSERT_TRUE(space) << space.error().message;
  EXPECT_GT(space->blocks, 0u);
  EXPECT_EQ(host_.inodeFlags(utf8(file)).error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(host_.openBlockDevice("\\\\.\\PhysicalDrive0").error().code, ErrorCode::kUnsupported);
}

TEST_F(LiveHostTest, CommandArgumentsArriveExactly) {
  std::vector<std::string> args = {
      GUESTPREP_ECHO_ARGS, "plain",        "two words", "say \"hi\"",
      "C:\\trail\\",       "C:\\sp ace\\", "",          "\u00e9\u6587"};
  auto r = host_.run(args, std::chrono::milliseconds(60000));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 7);
  EXPECT_EQ(r->out, "plain\ntwo words\nsay \"hi\"\nC:\\trail\\\nC:\\sp ace\\\n\n\u00e9\u6587\n");
}

TEST_F(LiveHostTest, MissingCommandIsNotFoundAndSlowCommandTimesOut) {
  auto missing = host_.run({"guestprep-no-such-program"}, std::chrono::milliseconds(10000));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound) << missing.error().message;
  auto start = std::chrono::steady_clock::now();
  auto slow =
      host_.run({"cmd", "/c", "for /l %i in (1,0,2) do @rem"}, std::chrono::milliseconds(1500));
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().code, ErrorCode::kTimeout) << slow.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST(LiveApiTest, RegistryServicesAndVersion) {
  LiveWindowsApi api;
  auto name = api.regValue("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "ProductName");
  ASSERT_TRUE(name) << name.error().message;
  EXPECT_EQ(name->type, RegType::kSz);
  EXPECT_FALSE(name->text.empty());
  auto missing = api.regValue("HKLM\\SOFTWARE\\guestprep-no-such-key", "x");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound) << missing.error().message;
  auto sub = api.regSubkeys("HKLM\\SYSTEM\\CurrentControlSet\\Services");
  ASSERT_TRUE(sub) << sub.error().message;
  EXPECT_GT(sub->size(), 5u);
  auto values = api.regValueNames("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion");
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_NE(std::find(values->begin(), values->end(), "ProductName"), values->end());

  auto version = api.osVersion();
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_GE(version->major, 5u);
  EXPECT_GT(version->build, 0u);

  auto nope = api.service("guestprep-no-such-service");
  ASSERT_FALSE(nope);
  EXPECT_EQ(nope.error().code, ErrorCode::kNotFound) << nope.error().message;
  // Every service the SCM lists under Services with a Start value can be queried.
  auto rpc = api.service("RpcSs");
  ASSERT_TRUE(rpc) << rpc.error().message;
  EXPECT_NE(rpc->start_type, StartType::kUnknown);
  EXPECT_FALSE(rpc->state.empty());

  auto listeners = api.tcpListeners();
  ASSERT_TRUE(listeners) << listeners.error().message;
}

TEST(LiveApiTest, FirewallApiAnswersOrFailsCleanly) {
  LiveWindowsApi api;
  for (FirewallProfile p :
       {FirewallProfile::kDomain, FirewallProfile::kPrivate, FirewallProfile::kPublic}) {
    auto on = api.firewallEnabled(p);
    if (!on) {
      EXPECT_NE(on.error().message.find("INetFwPolicy2"), std::string::npos) << on.error().message;
      EXPECT_NE(on.error().message.find("HRESULT 0x"), std::string::npos) << on.error().message;
    }
  }
}

// The live writable host's registry writes, only under wine: its registry is the test's own
// wine prefix. On a real Windows the test is skipped, so no test changes a live system.
TEST(WindowsLiveRegistry, WriteReadDeleteUnderWine) {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  if (!ntdll || !GetProcAddress(ntdll, "wine_get_version")) {
    GTEST_SKIP() << "not under wine: the live registry is not changed by tests";
  }
  auto host = makeLiveMutableHost();
  const std::string key = "HKCU\\Software\\GuestprepTest\\Sub";
  ASSERT_TRUE(host->setRegistryValue(key, "Dword", RegistryData{}));  // absent: nothing to do
  auto absent = host->registryValue(key, "Dword");
  ASSERT_TRUE(absent) << absent.error().message;
  EXPECT_FALSE(absent->exists);
  RegistryData sz{true, 1, std::string("a\0\xe9\0\0\0", 6)};  // "aé" in UTF-16LE, NUL
  for (const RegistryData& v : {registryDword(7), sz}) {
    auto w = host->setRegistryValue(key, "Value", v);
    ASSERT_TRUE(w) << w.error().message;
    auto r = host->registryValue(key, "Value");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, v);
  }
  ASSERT_TRUE(host->setRegistryValue(key, "Value", RegistryData{}));
  EXPECT_FALSE(host->registryValue(key, "Value")->exists);
  auto bad = host->registryValue("HKXX\\Nowhere", "x");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
  RegDeleteTreeW(HKEY_CURRENT_USER, L"Software\\GuestprepTest");
}

}  // namespace
}  // namespace guestprep::os_windows
