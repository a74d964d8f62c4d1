// The command line as a user meets it: help, version, exit codes, policy commands, bad input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include <nlohmann/json.hpp>

#include "host/posix_fs.h"
#include "support/run_binary.h"
#include "support/windows_disk.h"

namespace guestprep::testing {
namespace {

std::string writeTemp(const std::string& name, const std::string& content) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream out(path, std::ios::binary);
  out << content;
  return path;
}

TEST(Cli, HelpAndVersion) {
  CommandResult help = runGuestprep({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("audit"), std::string::npos);
  EXPECT_NE(help.out.find("Exit codes: 0 ready"), std::string::npos) << help.out;
  CommandResult version = runGuestprep({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("guestprep ", 0), 0u) << version.out;
  CommandResult audit_help = runGuestprep({"audit", "--help"});
  EXPECT_EQ(audit_help.exit_code, 0);
  for (const char* opt : {"--policy", "--root", "--facts", "--format", "--output", "--fail-on"}) {
    EXPECT_NE(audit_help.out.find(opt), std::string::npos) << opt;
  }
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(runGuestprep({}).exit_code, 2);
  EXPECT_EQ(runGuestprep({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(runGuestprep({"audit", "--format", "xml"}).exit_code, 2);
  EXPECT_EQ(runGuestprep({"audit", "--fail-on", "never"}).exit_code, 2);
  CommandResult both = runGuestprep({"audit", "--root", "/tmp", "--facts", "/tmp/x.json"});
  EXPECT_EQ(both.exit_code, 2);
  CommandResult no_root = runGuestprep({"audit", "--root", "/nonexistent/guestprep-root"});
  EXPECT_EQ(no_root.exit_code, 2);
  EXPECT_NE(no_root.err.find("/nonexistent/guestprep-root"), std::string::npos) << no_root.err;
  EXPECT_TRUE(no_root.out.empty()) << "nothing on stdout when the audit did not run";
}

TEST(Cli, BadPolicyFileExitsTwoWithFileLineColumn) {
  std::string path =
      writeTemp("bad-policy.yaml",
                "id: x\ntitle: X\nversion: '1'\nsource: s\ndate: d\nplatform: linux\n"
                "rules:\n  - id: a\n    requirement: L-NIC\n    type: nic.count\n"
                "    params:\n      max: lots\n");
  CommandResult r = runGuestprep({"audit", "--policy", path, "--root", fixtureRoot("rhel7")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(path + ":12:12"), std::string::npos) << r.err;
  CommandResult v = runGuestprep({"policy", "validate", path});
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_NE(v.err.find("must be an integer"), std::string::npos) << v.err;
}

TEST(Cli, PolicyCommands) {
  CommandResult list = runGuestprep({"policy", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("aliyun-ecs-linux"), std::string::npos);
  EXPECT_NE(list.out.find("nic.count"), std::string::npos);
  CommandResult show = runGuestprep({"policy", "show", "aliyun-ecs-linux"});
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_NE(show.out.find("requirement: L-NIC"), std::string::npos);
  // The shown text is itself a valid policy.
  std::string path = writeTemp("shown.yaml", show.out);
  CommandResult valid = runGuestprep({"policy", "validate", path});
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  EXPECT_EQ(runGuestprep({"policy", "show", "nope"}).exit_code, 2);
}

TEST(Cli, ExitCodeFollowsVerdictAndFailOn) {
  // rhel7 is ready; its only non-pass findings are none, so --fail-on warn keeps it ready.
  EXPECT_EQ(runGuestprep({"audit", "--policy", networkPolicy(), "--root", fixtureRoot("rhel7")})
                .exit_code,
            0);
  EXPECT_EQ(runGuestprep({"audit", "--root", fixtureRoot("rhel6")}).exit_code, 1);
  // A policy keeping only the rules rhel6 fails with warn severity: ready unless --fail-on warn.
  std::string path =
      writeTemp("warn-only.yaml",
                "id: w\ntitle: W\nversion: '1'\nsource: s\ndate: d\nplatform: linux\n"
                "rules:\n  - id: ipv6\n    requirement: L-IPV6\n"
                "    type: ipv6.disabled\n");
  EXPECT_EQ(runGuestprep({"audit", "--policy", path, "--root", fixtureRoot("rhel6")}).exit_code, 0);
  EXPECT_EQ(
      runGuestprep({"audit", "--policy", path, "--root", fixtureRoot("rhel6"), "--fail-on", "warn"})
          .exit_code,
      1);
}

TEST(Cli, TextReportIsPlainWhenNotATerminal) {
  CommandResult r = runGuestprep({"audit", "--root", fixtureRoot("rhel6")});
  EXPECT_EQ(r.out.find("\033["), std::string::npos) << "colour codes on a pipe";
  EXPECT_NE(r.out.find("NOT READY for import"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL  L-NIC"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("what to do:"), std::string::npos);
  EXPECT_EQ(r.err.find("NOT READY"), std::string::npos) << "the report must not go to stderr";
}

TEST(Cli, OutputFileGetsTheReportAndStdoutStaysEmpty) {
  std::string path = ::testing::TempDir() + "/report.json";
  std::filesystem::remove(path);
  CommandResult r = runGuestprep({"audit", "--policy", networkPolicy(), "--root",
                                  fixtureRoot("rhel7"), "--format", "json", "--output", path});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty());
  std::ifstream in(path);
  nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["verdict"]["ready"], true);
}

TEST(Cli, MalformedFactsFileExitsTwo) {
  std::string path = writeTemp("bad-facts.json", "{\"schema_version\": 1, \"tool_version\": ");
  CommandResult r = runGuestprep({"audit", "--facts", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 1"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace guestprep::testing

namespace guestprep::testing {
namespace {

// On a terminal the verdict and statuses are coloured; NO_COLOR turns that off. `script` gives
// the binary a pseudo-terminal.
TEST(Cli, ColourOnlyOnATerminalAndNeverWithNoColor) {
  auto have_script = os_linux::runCommand({"script", "--version"}, std::chrono::seconds(10));
  if (!have_script || have_script->exit_code != 0) GTEST_SKIP() << "script(1) is not installed";
  std::string cmd = "GUESTPREP_CACHE_DIR=" + testCacheDir() + " " + GUESTPREP_BINARY +
                    " audit --root " + fixtureRoot("rhel6");
  auto tty = os_linux::runCommand({"script", "-qec", "env -u NO_COLOR " + cmd, "/dev/null"},
                                  std::chrono::seconds(60));
  ASSERT_TRUE(tty) << tty.error().message;
  EXPECT_NE(tty->out.find("\033[1;31mFAIL"), std::string::npos) << tty->out;
  auto plain = os_linux::runCommand({"script", "-qec", "env NO_COLOR=1 " + cmd, "/dev/null"},
                                    std::chrono::seconds(60));
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_NE(plain->out.find("NOT READY"), std::string::npos) << plain->out;
  EXPECT_EQ(plain->out.find("\033["), std::string::npos) << plain->out;
}

}  // namespace
}  // namespace guestprep::testing

namespace guestprep::testing {
namespace {

// A Windows system disk mounted on this Linux machine: `audit --root` reads its hives with the
// Windows policy, saved facts of it audit the same, and `fix --root` refuses with the reason.
TEST(Cli, OfflineWindowsDiskIsAuditedWithTheWindowsPolicy) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "guestprep-cli-windows-disk";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  test::writeWindowsDisk(dir);
  int code = -1;
  nlohmann::json report = auditJson({"--root", dir.string()}, &code);
  EXPECT_EQ(code, 1);  // the firewall is on in every profile
  EXPECT_EQ(report["policy"]["id"], "aliyun-ecs-windows") << report["policy"].dump();
  EXPECT_EQ(findingFor(report, "W-FIREWALL")["status"], "fail");
  EXPECT_EQ(findingFor(report, "W-VERSION")["status"], "pass");
  std::string schema = validateReportSchema(report.dump());
  if (schema.rfind("SKIP", 0) != 0) {
    EXPECT_EQ(schema, "");
  }

  CommandResult linux_policy =
      runGuestprep({"audit", "--root", dir.string(), "--policy", "aliyun-ecs-linux"});
  EXPECT_EQ(linux_policy.exit_code, 2);
  EXPECT_NE(linux_policy.err.find("the audited system is windows"), std::string::npos)
      << linux_policy.err;

  const std::string facts_file = (dir.parent_path() / "windows-disk-facts.json").string();
  CommandResult facts = runGuestprep({"facts", "--root", dir.string(), "--output", facts_file});
  ASSERT_EQ(facts.exit_code, 0) << facts.err;
  CommandResult from_facts = runGuestprep({"audit", "--facts", facts_file});
  EXPECT_EQ(from_facts.exit_code, 1) << from_facts.err;

  // A hive not cleanly written: the report says so before the findings, in text and JSON.
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  test::WindowsDiskOptions dirty;
  dirty.dirty_software = true;
  test::writeWindowsDisk(dir, dirty);
  nlohmann::json dirty_report = auditJson({"--root", dir.string()}, &code);
  ASSERT_TRUE(dirty_report.contains("problems")) << dirty_report.dump();
  ASSERT_EQ(dirty_report["problems"].size(), 1u);
  EXPECT_NE(dirty_report["problems"][0]["file"].get<std::string>().find("SOFTWARE"),
            std::string::npos);
  schema = validateReportSchema(dirty_report.dump());
  if (schema.rfind("SKIP", 0) != 0) {
    EXPECT_EQ(schema, "");
  }
  EXPECT_FALSE(report.contains("problems")) << "a clean disk has none";
  CommandResult text = runGuestprep({"audit", "--root", dir.string()});
  EXPECT_NE(text.out.find("Problems reading the system"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("not cleanly written"), std::string::npos) << text.out;

  CommandResult fix = runGuestprep({"fix", "--root", dir.string(), "--dry-run"});
  EXPECT_EQ(fix.exit_code, 2);
  EXPECT_NE(fix.err.find("holds a Windows system"), std::string::npos) << fix.err;
  std::filesystem::remove_all(dir);
  std::filesystem::remove(facts_file);
}

}  // namespace
}  // namespace guestprep::testing

namespace guestprep::testing {
namespace {

// The result cache from the command line: --cache-dir keeps the initramfs listing of the root's
// default kernel, a second audit gives the same report from it, --no-cache keeps nothing, and
// the two options together are a usage error.
TEST(Cli, CacheDirKeepsTheInitramfsListingAndNoCacheKeepsNothing) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "guestprep-cli-cache";
  fs::remove_all(dir);
  const std::string root = fixtureRoot("rhel7");
  CommandResult first =
      runGuestprep({"--cache-dir", dir.string(), "audit", "--root", root, "--format", "json"});
  ASSERT_LE(first.exit_code, 1) << first.err;
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "initramfs-listing-v1")) {
    ++entries;
  }
  EXPECT_EQ(entries, 1U);
  // After the subcommand too; the listing now comes from the cache (debug log says so).
  CommandResult second = runGuestprep(
      {"audit", "--root", root, "--format", "json", "--cache-dir", dir.string(), "-vv"});
  EXPECT_EQ(second.exit_code, first.exit_code);
  EXPECT_NE(second.err.find("from the cache"), std::string::npos) << second.err;
  // The same findings and verdict (the report's time differs between runs).
  auto a = nlohmann::json::parse(first.out);
  auto b = nlohmann::json::parse(second.out);
  EXPECT_EQ(b["findings"], a["findings"]);
  EXPECT_EQ(b["verdict"], a["verdict"]);
  EXPECT_FALSE(a["findings"].empty());

  const fs::path none = fs::path(::testing::TempDir()) / "guestprep-cli-nocache";
  fs::remove_all(none);
  const char* before = std::getenv("GUESTPREP_CACHE_DIR");
  const std::optional<std::string> saved =
      before ? std::optional<std::string>(before) : std::nullopt;
  ::setenv("GUESTPREP_CACHE_DIR", none.c_str(), 1);
  CommandResult off = runGuestprep({"--no-cache", "audit", "--root", root, "-vv"});
  if (saved) {
    ::setenv("GUESTPREP_CACHE_DIR", saved->c_str(), 1);
  } else {
    ::unsetenv("GUESTPREP_CACHE_DIR");
  }
  EXPECT_LE(off.exit_code, 1) << off.err;
  EXPECT_FALSE(fs::exists(none));
  EXPECT_EQ(off.err.find("from the cache"), std::string::npos);
  EXPECT_EQ(
      runGuestprep({"--no-cache", "--cache-dir", dir.string(), "audit", "--root", root}).exit_code,
      2);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace guestprep::testing
