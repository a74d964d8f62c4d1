// guestprep.exe daemon under wine: loopback TCP with a bearer token from a file whose DACL is
// checked, every endpoint, refusals and malformed requests, the Unix-socket setting refused with
// the config's file and line, and a clean stop by Poco's termination event. The HTTP client and
// the process are tests/daemon/daemon_process.* (shared with the Linux tests).
//
// Wine keeps no security descriptor on files: it turns a DACL into Unix mode bits and back, so a
// DACL granting only SYSTEM and this user reads back with Everyone:RX when the file's "other"
// bits are set. The private token file is therefore made mode 0600 by a ctest fixture on the
// Linux side (GUESTPREP_TEST_PRIVATE_TOKEN), which wine presents as owned by and readable only
// by this user; the DACL rules themselves are tested on descriptors built from SDDL.
#include <windows.h>
// After windows.h, which declares what it uses.
#include <sddl.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "dacl_util.h"
#include "daemon/config.h"
#include "daemon/daemon_process.h"
#include "daemon/token_acl_win32.h"
#include "host/win32_util.h"

namespace guestprep {
namespace {

using testing::DaemonProcess;
using testing::privateDacl;

class TokenDir : public ::testing::Test {
 protected:
  TokenDir()
      : dir_(std::filesystem::temp_directory_path() /
             ("guestprep-token-test-" + std::to_string(GetCurrentProcessId()))) {
    std::filesystem::create_directories(dir_);
  }
  ~TokenDir() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string writeToken(const std::string& name, const std::string& content,
                         const std::string& sddl) {
    std::filesystem::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    std::string problem = testing::setDacl(p, sddl);
    EXPECT_EQ(problem, "");
    return p.string();
  }
  std::filesystem::path dir_;
  const std::string token_ = "0123456789abcdef0123456789abcdef-wine-token";
};

// The token made private on the Linux side (mode 0600), as a Windows path.
std::string privateTokenFile() {
  return std::filesystem::absolute(GUESTPREP_TEST_PRIVATE_TOKEN).string();
}
const std::string kPrivateToken = GUESTPREP_TEST_TOKEN;

// tokenAccessProblem on a security descriptor written in SDDL ("O:owner D:dacl").
std::string aclProblem(const std::string& sddl) {
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(os_windows::widen(sddl).c_str(),
                                                            SDDL_REVISION_1, &sd, nullptr)) {
    ADD_FAILURE() << "bad SDDL " << sddl;
    return "bad SDDL";
  }
  BOOL present = FALSE;
  BOOL defaulted = FALSE;
  PACL dacl = nullptr;
  PSID owner = nullptr;
  GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted);
  GetSecurityDescriptorOwner(sd, &owner, &defaulted);
  std::string problem = daemon_platform::tokenAccessProblem(owner, present ? dacl : nullptr);
  LocalFree(sd);
  return problem;
}

TEST(WindowsTokenAcl, OnlySystemAdministratorsAndTheDaemonsAccount) {
  std::string me = "O:" + testing::currentUserSid();
  std::string only = me + "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;" + testing::currentUserSid() + ")";
  EXPECT_EQ(aclProblem(only), "");
  EXPECT_EQ(aclProblem("O:SYD:P(A;;FA;;;SY)"), "") << "owned by SYSTEM";
  EXPECT_EQ(aclProblem("O:BAD:P(A;;FR;;;BA)"), "") << "owned by the Administrators";
  // Not counted: deny entries, entries only inherited by children, rights that do not reveal or
  // replace the content (read attributes, synchronize).
  EXPECT_EQ(aclProblem(only + "(D;;FA;;;BU)"), "");
  EXPECT_EQ(aclProblem(only + "(A;OICIIO;FA;;;BU)"), "");
  EXPECT_EQ(aclProblem(only + "(A;;0x100080;;;WD)"), "");

  for (const auto& [ace, who] : {std::pair{"(A;;FR;;;WD)", "S-1-1-0"},       // Everyone
                                 std::pair{"(A;;FR;;;BU)", "S-1-5-32-545"},  // Users
                                 std::pair{"(A;;FW;;;AU)", "S-1-5-11"},      // Authenticated Users
                                 std::pair{"(A;;GR;;;IU)", "S-1-5-4"},       // Interactive
                                 std::pair{"(A;;WD;;;WD)", "S-1-1-0"}}) {    // may change the DACL
    std::string problem = aclProblem(only + ace);
    EXPECT_NE(problem.find(who), std::string::npos) << ace << ": " << problem;
    EXPECT_NE(problem.find("may read or change it"), std::string::npos) << problem;
  }
  EXPECT_NE(aclProblem("O:BUD:P(A;;FA;;;SY)").find("owned by"), std::string::npos);
  // A NULL DACL (present but no list: every right to everyone). Built directly: wine's SDDL
  // parser makes an empty DACL of "D:NO_ACCESS_CONTROL".
  std::vector<unsigned char> self(SECURITY_MAX_SID_SIZE);
  DWORD self_size = static_cast<DWORD>(self.size());
  ASSERT_TRUE(CreateWellKnownSid(WinLocalSystemSid, nullptr, self.data(), &self_size));
  EXPECT_NE(daemon_platform::tokenAccessProblem(self.data(), nullptr).find("no DACL"),
            std::string::npos);
  EXPECT_EQ(aclProblem(me + "D:P"), "") << "an empty DACL grants nothing";
}

using WindowsTokenFile = TokenDir;

TEST_F(WindowsTokenFile, PrivateFileIsReadEveryoneOrMissingIsRefused) {
  auto ok = readTokenFile(privateTokenFile());
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(*ok, kPrivateToken);

  auto t = readTokenFile(writeToken("shared", token_, privateDacl() + "(A;;FR;;;WD)"));
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("S-1-1-0"), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("may read or change it"), std::string::npos)
      << t.error().message;
  auto missing = readTokenFile((dir_ / "missing").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound) << missing.error().message;
}

TEST(WindowsDaemonConfig, DefaultsAreLoopbackWithATokenUnderProgramData) {
  auto c = parseDaemonConfig("", "guestprep.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen.kind, ListenAddress::Kind::kTcp);
  EXPECT_EQ(c->listen.host, "127.0.0.1");
  EXPECT_EQ(c->listen.port, 8470);
  EXPECT_TRUE(c->token_file.ends_with("\\guestprep\\api.token")) << c->token_file;
  EXPECT_TRUE(defaultDaemonConfigPath().ends_with("\\guestprep\\guestprep.yaml"));
  EXPECT_FALSE(c->auto_fix);
  EXPECT_TRUE(c->fix_allow.empty());
}

TEST(WindowsDaemonConfig, UnixSocketIsRefusedWithFileAndLine) {
  for (const char* listen : {"/run/guestprep/api.sock", "C:\\ProgramData\\guestprep\\api.sock"}) {
    auto c = parseDaemonConfig(std::string("fix: off\nlisten: ") + listen + "\n", "cfg.yaml");
    ASSERT_FALSE(c) << listen;
    EXPECT_NE(c.error().message.find("cfg.yaml:2:9: 'listen': "), std::string::npos)
        << c.error().message;
    EXPECT_NE(c.error().message.find("a Unix socket is not available on Windows"),
              std::string::npos)
        << c.error().message;
  }
}

class WindowsDaemon : public TokenDir {
 protected:
  std::string config(const std::string& token_path) {
    return "listen: 127.0.0.1:0\ntoken_file: " + token_path +
           "\naudit_interval: 1h\nfix_allow: [W-RDP]\n";
  }
};

TEST_F(WindowsDaemon, ServesEveryEndpointOnLoopbackWithTheTokenAndStops) {
  DaemonProcess d(config(privateTokenFile()), "");
  std::string why;
  ASSERT_TRUE(d.waitListening(why, std::chrono::seconds(120))) << why;
  EXPECT_TRUE(d.address().starts_with("127.0.0.1:")) << d.address();
  d.token = kPrivateToken;
  ASSERT_TRUE(d.waitReport(std::chrono::seconds(300))) << d.log();

  auto report = d.request("GET", "/v1/report");
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.headers["content-type"], "application/json");
  EXPECT_EQ(report.json()["policy"]["id"], "aliyun-ecs-windows") << report.body.substr(0, 400);
  auto facts = d.request("GET", "/v1/facts");
  ASSERT_EQ(facts.status, 200);
  EXPECT_TRUE(facts.json().is_object());
  auto audit = d.request("POST", "/v1/audit");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_TRUE(audit.json().contains("verdict"));
  auto plan = d.request("POST", "/v1/fix", R"({"only": ["W-RDP"]})");
  ASSERT_EQ(plan.status, 200) << plan.body;
  EXPECT_EQ(plan.json()["dry_run"], true) << plan.body;
  EXPECT_EQ(plan.json()["policy"], "aliyun-ecs-windows");
  auto metrics = d.request("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("guestprep_audits_total "), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("guestprep_http_responses_total{code=\"200\"}"), std::string::npos);

  // Refusals: every endpoint needs the token, exactly.
  for (const auto& [method, path] : {std::pair{"GET", "/v1/report"}, std::pair{"GET", "/v1/facts"},
                                     std::pair{"POST", "/v1/audit"}, std::pair{"POST", "/v1/fix"},
                                     std::pair{"GET", "/metrics"}}) {
    d.token.clear();
    auto none = d.request(method, path);
    EXPECT_EQ(none.status, 401) << method << " " << path;
    EXPECT_EQ(none.headers["www-authenticate"], "Bearer");
    d.token = kPrivateToken + "x";
    EXPECT_EQ(d.request(method, path).status, 401) << method << " " << path;
    d.token = kPrivateToken;
  }
  // Malformed: not JSON, not an object, wrong shapes, unknown keys: 400; and a raw request that
  // is not HTTP at all gets 400 from Poco.
  for (const char* body :
       {"{not json", "[1]", R"({"only": "W-RDP"})", R"({"apply": "yes"})", R"({"bogus": 1})"}) {
    auto r = d.request("POST", "/v1/fix", body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_TRUE(r.json().contains("error")) << r.body;
  }
  EXPECT_EQ(d.raw("NONSENSE\r\n\r\n").status, 400);
  EXPECT_EQ(d.request("GET", "/v1/nothing").status, 404);
  auto wrong_method = d.request("GET", "/v1/audit");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.headers["allow"], "POST");
  auto not_allowed = d.request("POST", "/v1/fix", R"({"only": ["W-FIREWALL"]})");
  EXPECT_EQ(not_allowed.status, 403) << not_allowed.body;

  EXPECT_EQ(d.terminate(std::chrono::seconds(60)), 0) << d.log();
  EXPECT_NE(d.log().find("stopped"), std::string::npos) << d.log();
}

TEST_F(WindowsDaemon, TokenReadableByEveryoneStopsItWithExit2) {
  DaemonProcess d(config(writeToken("api.token", token_, privateDacl() + "(A;;FR;;;WD)")), "");
  EXPECT_EQ(d.waitExit(std::chrono::seconds(60)), 2) << d.log();
  EXPECT_NE(d.log().find("may read or change it"), std::string::npos) << d.log();
}

TEST_F(WindowsDaemon, UnixSocketInTheConfigStopsItWithFileAndLine) {
  DaemonProcess d("fix: off\nlisten: C:\\guestprep\\api.sock\n", "");
  EXPECT_EQ(d.waitExit(std::chrono::seconds(60)), 2) << d.log();
  EXPECT_NE(d.log().find("guestprep.yaml:2:9: 'listen': "), std::string::npos) << d.log();
  EXPECT_NE(d.log().find("a Unix socket is not available on Windows"), std::string::npos)
      << d.log();
}

}  // namespace
}  // namespace guestprep
