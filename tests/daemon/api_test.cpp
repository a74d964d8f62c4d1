// The daemon's HTTP API end to end: the daemon is started on a copy of a fixture root, every
// endpoint is called over its Unix socket and over loopback TCP with a token, refusals and
// malformed requests are checked, and SIGTERM stops it cleanly.
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "daemon_process.h"
#include "support/run_binary.h"
#include "support/tree_snapshot.h"

namespace guestprep::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUnixConfig = R"(listen: ${DIR}/run/api.sock
audit_interval: 1h
fix_allow: [L-SELINUX]
limits:
  max_body_bytes: 4096
  requests_per_second: 1000
  burst: 1000
)";

class DaemonApi : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::make_unique<TempCopy>(fixtureRoot("rhel6"));
    original_ = snapshotTree(root_->path(), "");
  }
  std::unique_ptr<DaemonProcess> start(const std::string& config) {
    auto d = std::make_unique<DaemonProcess>(config, root_->str());
    std::string why;
    EXPECT_TRUE(d->waitListening(why)) << why;
    return d;
  }
  std::unique_ptr<TempCopy> root_;
  TreeSnapshot original_;
};

TEST_F(DaemonApi, UnixSocketServesEveryEndpointAndStopsOnSigterm) {
  auto d = start(kUnixConfig);
  ASSERT_TRUE(d->address().starts_with("unix:")) << d->address();
  std::string sock = d->address().substr(5);
  struct stat st {};
  ASSERT_EQ(::stat(sock.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(fs::path(sock).parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u) << "the daemon created the socket directory";
  ASSERT_TRUE(d->waitReport()) << d->log();

  // The report is the one `guestprep audit --format json` prints for the same root.
  auto report = d->request("GET", "/v1/report");
  ASSERT_EQ(report.status, 200);
  EXPECT_EQ(report.headers["content-type"], "application/json");
  auto daemon_json = report.json();
  auto cli_json = auditJson({"--root", root_->str()});
  ASSERT_TRUE(daemon_json.contains("findings"));
  EXPECT_EQ(daemon_json["findings"], cli_json["findings"]);
  EXPECT_EQ(daemon_json["verdict"], cli_json["verdict"]);
  EXPECT_EQ(findingFor(daemon_json, "L-SELINUX").value("status", ""), "fail");
  std::string schema = validateReportSchema(report.body);
  if (!schema.starts_with("SKIP")) {
    EXPECT_EQ(schema, "");
  }

  auto facts = d->request("GET", "/v1/facts");
  ASSERT_EQ(facts.status, 200);
  auto cli_facts = runGuestprep({"facts", "--root", root_->str()});
  auto facts_json = facts.json();
  auto cli_facts_json = nlohmann::json::parse(cli_facts.out);
  ASSERT_TRUE(facts_json.is_object());
  for (const auto& [key, value] : cli_facts_json.items()) {
    ASSERT_TRUE(facts_json.contains(key)) << key;
  }

  auto audit = d->request("POST", "/v1/audit");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_EQ(audit.json()["findings"], cli_json["findings"]);

  auto metrics = d->request("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_TRUE(metrics.headers["content-type"].starts_with("text/plain; version=0.0.4"));
  const auto& v = cli_json["counts"];
  EXPECT_NE(metrics.body.find("guestprep_rules{status=\"pass\"} " +
                              std::to_string(v["pass"].get<int>()) + "\n"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("guestprep_rules{status=\"fail\"} " +
                              std::to_string(v["fail"].get<int>()) + "\n"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("guestprep_audits_total 2\n"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("guestprep_ready 0\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("guestprep_last_audit_timestamp_seconds 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("# TYPE guestprep_audit_duration_seconds gauge"), std::string::npos);

  // A fix without "apply" is a dry run: the plan, and nothing changed.
  auto plan = d->request("POST", "/v1/fix", R"({"only": ["L-SELINUX"]})");
  ASSERT_EQ(plan.status, 200) << plan.body;
  auto plan_json = plan.json();
  EXPECT_EQ(plan_json.value("dry_run", false), true);
  EXPECT_NE(plan_json["plan"].dump().find("etc/selinux/config"), std::string::npos) << plan.body;
  EXPECT_FALSE(plan_json.contains("result"));
  auto empty_body = d->request("POST", "/v1/fix");
  EXPECT_EQ(empty_body.status, 200) << empty_body.body;
  EXPECT_EQ(diffSnapshots(original_, snapshotTree(root_->path(), "")), "");

  int code = d->terminate();
  EXPECT_EQ(code, 0) << d->log();
  EXPECT_FALSE(fs::exists(sock)) << "the socket file is removed on exit";
  EXPECT_NE(d->log().find("stopped"), std::string::npos) << d->log();
}

TEST_F(DaemonApi, RefusalsAndMalformedRequests) {
  auto d = start(kUnixConfig);
  ASSERT_TRUE(d->waitReport()) << d->log();
  struct Case {
    std::string method, path, body;
    int status;
  };
  const Case cases[] = {
      {"GET", "/nope", "", 404},
      {"GET", "/v1/report/extra", "", 404},
      {"GET", "/", "", 404},
      {"DELETE", "/v1/report", "", 405},
      {"GET", "/v1/audit", "", 405},
      {"GET", "/v1/fix", "", 405},
      {"POST", "/metrics", "", 405},
      {"PUT", "/v1/facts", "{}", 405},
      {"POST", "/v1/fix", "{not json", 400},
      {"POST", "/v1/fix", "[1, 2]", 400},
      {"POST", "/v1/fix", R"({"apply": "yes"})", 400},
      {"POST", "/v1/fix", R"({"only": "L-SELINUX"})", 400},
      {"POST", "/v1/fix", R"({"force": true})", 400},
      {"POST", "/v1/fix", R"({"only": ["L-SHADOW"]})", 403},
      {"POST", "/v1/fix", R"({"apply": true, "only": ["L-NIC"]})", 403},
      {"POST", "/v1/fix", std::string(5000, ' '), 413},
  };
  for (const auto& c : cases) {
    auto r = d->request(c.method, c.path, c.body);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path << " " << c.body.substr(0, 40)
                                  << " -> " << r.body;
    if (r.status >= 400) {
      EXPECT_TRUE(r.json().contains("error")) << r.body;
    }
    EXPECT_NE(r.reason, "OK") << "the reason phrase matches the status " << r.status;
    if (r.status == 405) {
      EXPECT_FALSE(r.headers["allow"].empty());
    }
  }
  // A huge declared body is refused before it is read.
  auto huge = d->raw("POST /v1/fix HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n" +
                     std::string(1000, 'x'));
  EXPECT_EQ(huge.status, 413);
  // A huge chunked body too.
  std::string chunked = "POST /v1/fix HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 8; ++i) chunked += "400\r\n" + std::string(1024, 'y') + "\r\n";
  auto big_chunked = d->raw(chunked + "0\r\n\r\n");
  EXPECT_EQ(big_chunked.status, 413);
  // Garbage instead of a request line, and an oversized header.
  EXPECT_EQ(d->raw("\x01\x02 garbage\r\n\r\n").status, 400);
  EXPECT_EQ(
      d->raw("GET /v1/report HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n").status,
      400);
  // A POST without Content-Length has no body (it is not read until the client closes).
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(d->raw("POST /v1/audit HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  // The daemon is still there and answers after all that.
  EXPECT_EQ(d->request("GET", "/v1/report").status, 200);
  auto metrics = d->request("GET", "/metrics");
  EXPECT_NE(metrics.body.find("guestprep_http_responses_total{code=\"404\"} 3"), std::string::npos)
      << metrics.body;
  EXPECT_EQ(diffSnapshots(original_, snapshotTree(root_->path(), "")), "");
  EXPECT_EQ(d->terminate(), 0) << d->log();
}

TEST_F(DaemonApi, RateLimitAnswers429) {
  auto d = start(R"(listen: ${DIR}/api.sock
limits:
  requests_per_second: 1
  burst: 3
)");
  int ok = 0, limited = 0;
  for (int i = 0; i < 6; ++i) {
    auto r = d->request("GET", "/metrics");
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++limited;
      EXPECT_EQ(r.headers["retry-after"], "1");
    }
  }
  // Six requests well within a second: the burst of three, perhaps one refilled, then 429.
  EXPECT_GE(ok, 3);
  EXPECT_LE(ok, 4);
  EXPECT_EQ(ok + limited, 6);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(d->request("GET", "/metrics").status, 200) << "a token refills each second";
  EXPECT_EQ(d->terminate(), 0) << d->log();
}

TEST_F(DaemonApi, OneAuditAtATimeBusyIs409AndSigtermWaitsForTheAudit) {
  // Every audit and fix holds the work lock 1.5 s longer (a test hook of the daemon).
  ::setenv("GUESTPREP_TEST_DAEMON_WORK_MS", "1500", 1);
  auto d = start(kUnixConfig);
  ::unsetenv("GUESTPREP_TEST_DAEMON_WORK_MS");
  ASSERT_TRUE(d->waitReport()) << d->log();
  HttpResponse first;
  std::thread slow([&] { first = d->request("POST", "/v1/audit"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  auto second = d->request("POST", "/v1/audit");
  EXPECT_EQ(second.status, 409) << second.body;
  EXPECT_EQ(second.headers["retry-after"], "5");
  EXPECT_EQ(d->request("POST", "/v1/fix", R"({"only": ["L-SELINUX"]})").status, 409);
  // Reading the last report does not wait for the audit.
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(d->request("GET", "/v1/report").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
  // SIGTERM now: the audit in progress finishes and its caller gets the report.
  EXPECT_EQ(d->terminate(), 0) << d->log();
  slow.join();
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(first.json().contains("findings"));
}

TEST_F(DaemonApi, OtherUsersAreRefusedEvenWhenTheSocketIsOpenedUp) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to connect as the user nobody";
  auto d = start(kUnixConfig);
  std::string sock = d->address().substr(5);
  // Open the directories and the socket to everyone: the daemon's peer check must still refuse.
  ASSERT_EQ(::chmod(d->dir().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(fs::path(sock).parent_path().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(sock.c_str(), 0666), 0);
  pid_t child = ::fork();
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, sock.c_str(), sizeof addr.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) ::_exit(4);
    const char req[] = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    ::send(fd, req, sizeof req - 1, MSG_NOSIGNAL);
    char buf[64];
    ::_exit(::recv(fd, buf, sizeof buf, 0) > 0 ? 1 : 0);
  }
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: nobody got an answer; 3: setuid; 4: connect failed";
  EXPECT_NE(d->log().find("refused a connection"), std::string::npos) << d->log();
  EXPECT_EQ(d->request("GET", "/metrics").status, 200) << "root is still served";
  EXPECT_EQ(d->terminate(), 0) << d->log();
}

TEST_F(DaemonApi, TellsSystemdWhenReadyAndWhenStopping) {
  TempCopy dir;
  std::string path = (dir.path() / "notify").string();
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{20, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  auto d = start(kUnixConfig);
  ::unsetenv("NOTIFY_SOCKET");
  char buf[256];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  ASSERT_GT(n, 0) << "no READY=1 from the daemon";
  EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)), "READY=1");
  // READY comes after the listener is up: a request right away is served.
  EXPECT_EQ(d->request("GET", "/metrics").status, 200);
  EXPECT_EQ(d->terminate(), 0) << d->log();
  n = ::recv(fd, buf, sizeof buf, 0);
  ASSERT_GT(n, 0) << "no STOPPING=1 from the daemon";
  EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)), "STOPPING=1");
  ::close(fd);
}

TEST_F(DaemonApi, WorkerThreadsDoNotBlockTerminationSignals) {
  // Commands that fixers start from the worker threads must not inherit SIGTERM blocked.
  auto d = start(kUnixConfig);
  ASSERT_TRUE(d->waitReport()) << d->log();
  int blocking = 0, threads = 0;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(d->pid()) + "/task")) {
    std::ifstream in(task.path() / "status");
    for (std::string line; std::getline(in, line);) {
      if (!line.starts_with("SigBlk:")) continue;
      ++threads;
      unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
      if (mask & (1ULL << (SIGTERM - 1))) ++blocking;
    }
  }
  EXPECT_GE(threads, 3) << "main, timer and listener threads";
  // The main thread has it blocked too, but the kernel lifts that while it waits in sigwait()
  // (SigBlk shows real_blocked minus the awaited set), so no thread shows it blocked.
  EXPECT_EQ(blocking, 0) << "worker threads must not block SIGTERM";
  EXPECT_EQ(d->terminate(), 0) << d->log();
}

class DaemonTcp : public DaemonApi {
 protected:
  std::string writeToken(mode_t mode) {
    token_path_ = (token_dir_.path() / "api.token").string();
    std::ofstream(token_path_) << token_ << "\n";
    ::chmod(token_path_.c_str(), mode);
    return "listen: 127.0.0.1:0\ntoken_file: " + token_path_ + "\nfix_allow: [L-SELINUX]\n";
  }
  TempCopy token_dir_;
  std::string token_path_;
  const std::string token_ = "0123456789abcdef0123456789abcdef-test-token";
};

TEST_F(DaemonTcp, EveryEndpointNeedsTheToken) {
  auto d = start(writeToken(0600));
  ASSERT_TRUE(d->address().starts_with("127.0.0.1:")) << d->address();
  EXPECT_NE(d->address(), "127.0.0.1:0") << "the port actually bound is logged";
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/v1/report"},
                                                        {"GET", "/v1/facts"},
                                                        {"POST", "/v1/audit"},
                                                        {"POST", "/v1/fix"},
                                                        {"GET", "/metrics"},
                                                        {"GET", "/nope"}}) {
    d->token.clear();
    auto none = d->request(method, path);
    EXPECT_EQ(none.status, 401) << method << " " << path;
    EXPECT_EQ(none.headers["www-authenticate"], "Bearer");
    d->token = token_ + "x";
    EXPECT_EQ(d->request(method, path).status, 401) << method << " " << path;
    d->token = token_.substr(0, 10);
    EXPECT_EQ(d->request(method, path).status, 401) << method << " " << path;
    auto basic = d->request(method, path, "", {"Authorization: Basic " + token_});
    EXPECT_EQ(basic.status, 401);
  }
  d->token = token_;
  ASSERT_TRUE(d->waitReport()) << d->log();
  EXPECT_EQ(d->request("GET", "/v1/report").status, 200);
  EXPECT_EQ(d->request("GET", "/v1/facts").status, 200);
  EXPECT_EQ(d->request("POST", "/v1/audit").status, 200);
  EXPECT_EQ(d->request("POST", "/v1/fix", R"({"only": ["L-SELINUX"]})").status, 200);
  EXPECT_EQ(d->request("GET", "/metrics").status, 200);
  EXPECT_EQ(d->request("GET", "/nope").status, 404);
  EXPECT_EQ(diffSnapshots(original_, snapshotTree(root_->path(), "")), "");
  EXPECT_EQ(d->terminate(), 0) << d->log();
}

TEST_F(DaemonTcp, TokenReadableByOthersIsRefusedAtStart) {
  DaemonProcess d(writeToken(0644), root_->str());
  EXPECT_EQ(d.waitExit(), 2) << d.log();
  EXPECT_NE(d.log().find("group or others"), std::string::npos) << d.log();
}

TEST(DaemonConfigFile, ErrorsStopTheDaemonWithFileLineColumn) {
  DaemonProcess d("fix: off\nlisten: ${DIR}/api.sock\nbogus: 1\n", fixtureRoot("rhel6"));
  EXPECT_EQ(d.waitExit(), 2) << d.log();
  EXPECT_NE(d.log().find("guestprep.yaml:3:1: unknown key 'bogus'"), std::string::npos) << d.log();
}

TEST(DaemonConfigFile, FixAllowMustNameRequirementsOfThePolicy) {
  DaemonProcess d("listen: ${DIR}/api.sock\nfix_allow: [L-NOPE]\n", fixtureRoot("rhel6"));
  EXPECT_EQ(d.waitExit(), 2) << d.log();
  EXPECT_NE(d.log().find("L-NOPE: no rule of policy"), std::string::npos) << d.log();
}

TEST(DaemonConfigFile, ASecondDaemonOnTheSameSocketIsRefused) {
  TempCopy dir;
  std::string config = "listen: " + (dir.path() / "api.sock").string() + "\n";
  DaemonProcess first(config, fixtureRoot("rhel6"));
  std::string why;
  ASSERT_TRUE(first.waitListening(why)) << why;
  DaemonProcess second(config, fixtureRoot("rhel6"));
  EXPECT_EQ(second.waitExit(), 2) << second.log();
  EXPECT_NE(second.log().find("is in use"), std::string::npos) << second.log();
  EXPECT_EQ(first.terminate(), 0) << first.log();
}

}  // namespace
}  // namespace guestprep::testing
