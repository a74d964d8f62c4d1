// The live writable host runs a fix's command through the journal, and its inverse at rollback,
// as W-PASSWD's `net accounts /minpwlen:N` runs on Windows. Under wine only (its registry is the
// test's own prefix): wine's net.exe has no ACCOUNTS command, so reg.exe stands in for it, with
// an effect the test reads back. On a real Windows the test is skipped, so no test changes a
// live system.
#include <windows.h>

#include <gtest/gtest.h>

#include "fix/journal.h"
#include "fix/plan.h"
#include "host/mutable_host.h"

namespace guestprep {
namespace {

bool underWine() {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  return ntdll && GetProcAddress(ntdll, "wine_get_version");
}

std::vector<std::string> regAddDword(const std::string& key, const std::string& data) {
  return {"reg", "add", key, "/v", "Length", "/t", "REG_DWORD", "/d", data, "/f"};
}

TEST(WindowsLiveFixCommand, RunThroughTheJournalAndUndoneByRollbackUnderWine) {
  if (!underWine()) GTEST_SKIP() << "not under wine: the live system is not changed by tests";
  auto host = makeLiveMutableHost();
  const std::string key =
      "HKCU\\Software\\GuestprepTest\\Command" + std::to_string(GetCurrentProcessId());
  ASSERT_TRUE(host->setRegistryValue(key, "Length", registryDword(10)));

  Action a = runAction(regAddDword(key, "8"), {}, "stands in for net accounts /minpwlen:8");
  a.undo_argv = regAddDword(key, "10");
  auto journal = Journal::begin(*host, "live command test");
  ASSERT_TRUE(journal) << journal.error().message;
  auto applied = journal->apply(a, "W-PASSWD");
  ASSERT_TRUE(applied) << applied.error().message;
  ASSERT_TRUE(journal->finish(true));
  EXPECT_EQ(*host->registryValue(key, "Length"), registryDword(8));
  auto manifest = loadRun(*host, journal->runId());
  ASSERT_TRUE(manifest) << manifest.error().message;
  ASSERT_EQ(manifest->entries.size(), 1u);
  EXPECT_EQ(manifest->entries[0].undo_argv, a.undo_argv);
  EXPECT_EQ(manifest->entries[0].state, "done");

  auto run = rollbackRun(*host, journal->runId());
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->state, "rolled-back");
  ASSERT_EQ(run->rollback.size(), 1u);
  EXPECT_EQ(run->rollback[0].result, "restored") << run->rollback[0].detail;
  EXPECT_EQ(*host->registryValue(key, "Length"), registryDword(10));

  // A command that fails stops the action with its exit status, and nothing changes.
  auto second = Journal::begin(*host, "live command test, failing");
  ASSERT_TRUE(second) << second.error().message;
  auto failed = second->apply(
      runAction({"reg", "add", "HKXX\\Nowhere", "/v", "x", "/d", "1", "/f"}, {}, "fails"), "T");
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("exited with status"), std::string::npos)
      << failed.error().message;
  EXPECT_EQ(*host->registryValue(key, "Length"), registryDword(10));
  (void)second->finish(false, "test");
  RegDeleteTreeW(HKEY_CURRENT_USER, L"Software\\GuestprepTest");
}

}  // namespace
}  // namespace guestprep
