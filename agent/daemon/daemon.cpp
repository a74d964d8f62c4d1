// The daemon's frame: configuration, logging, the ServerApplication that waits for the
// termination request (SIGTERM, or the Windows service manager's stop), the audit timer thread and
// the API listener. What differs by OS is behind daemon_platform.h.
#include "daemon/daemon.h"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>
#include <thread>

#include <Poco/Util/ServerApplication.h>
#include <spdlog/spdlog.h>

#include "core/platform.h"
#include "core/version.h"
#include "daemon/config.h"
#include "daemon/daemon_platform.h"
#include "daemon/http_api.h"
#include "daemon/listener.h"
#include "daemon/service.h"
#include "host/host.h"

namespace guestprep {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitInternal = 3;

struct UsageProblem : std::runtime_error {
  using std::runtime_error::runtime_error;
};

DaemonConfig loadConfig(const std::string& option) {
  std::string path = option.empty() ? defaultDaemonConfigPath() : option;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (option.empty() && !std::filesystem::exists(path, ec) && !ec) {
      DaemonConfig defaults;
      defaults.origin = "built-in defaults (" + path + " does not exist)";
      return defaults;
    }
    throw UsageProblem("cannot read the configuration '" + path + "'");
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto cfg = parseDaemonConfig(text.str(), path);
  if (!cfg) throw UsageProblem(cfg.error().message);
  return *cfg;
}

Policy loadDaemonPolicy(const DaemonConfig& cfg) {
  std::string name = cfg.policy.empty() ? std::string(thisPlatform().default_policy) : cfg.policy;
  bool is_file =
      name.find('/') != std::string::npos || name.ends_with(".yaml") || name.ends_with(".yml");
  Result<Policy> p = [&]() -> Result<Policy> {
    if (!is_file) return builtinPolicy(name);
    std::ifstream in(name, std::ios::binary);
    if (!in) return fail(ErrorCode::kNotFound, "cannot read policy file '" + name + "'");
    std::ostringstream text;
    text << in.rdbuf();
    return parsePolicy(text.str(), name);
  }();
  if (!p) throw UsageProblem(cfg.origin + ": policy: " + p.error().message);
  if (p->platform != thisPlatform().name) {
    throw UsageProblem("policy '" + p->id + "' is for " + p->platform +
                       " systems; this guestprep audits " + std::string(thisPlatform().name));
  }
  return *p;
}

/// The ServerApplication. Everything, the configuration included, happens in main(): under the
/// Windows service manager that is where the service runs (after Poco has connected to the SCM
/// and the log has been switched to the Event Log), so that a bad configuration is reported as
/// the service's exit code and in the Event Log rather than lost before the service starts.
class DaemonApp : public Poco::Util::ServerApplication {
 public:
  explicit DaemonApp(const DaemonOptions& options) : options_(options) {}
  /// main()'s exit code; -1 when Poco stopped before calling it.
  [[nodiscard]] int exitCode() const { return exit_code_; }

 protected:
  int main(const std::vector<std::string>& /*args*/) override {
    if (config().getBool("application.runAsService", false)) {
      daemon_platform::setupServiceLogging();
    }
    exit_code_ = serve();
    return exit_code_;
  }

 private:
  int serve() {
    try {
      DaemonConfig cfg = loadConfig(options_.config);
      Policy policy = loadDaemonPolicy(cfg);
      if (auto r = checkFixAllow(cfg, policy); !r) throw UsageProblem(r.error().message);
      if (!options_.root.empty()) {
        auto h = makeRootHost(options_.root);
        if (!h) throw UsageProblem("--root: " + h.error().message);
        if ((*h)->platform() != policy.platform) {
          throw UsageProblem("--root: " + (*h)->describe() + " is a " +
                             std::string((*h)->platform()) + " system, and policy '" + policy.id +
                             "' is for " + policy.platform + " systems");
        }
      }
      std::string token;
      if (cfg.listen.kind == ListenAddress::Kind::kTcp) {
        auto t = readTokenFile(cfg.token_file);
        if (!t) throw UsageProblem(cfg.origin + ": " + t.error().message);
        token = *t;
      }
      spdlog::info("configuration: {}; policy '{}'{}", cfg.origin, policy.id,
                   options_.root.empty() ? "" : "; root " + options_.root);
      DaemonService service(cfg, std::move(policy), options_.root);
      Poco::Net::HTTPRequestHandlerFactory::Ptr factory(new ApiHandlerFactory(service, token));
      auto listener =
          ApiListener::open(cfg.listen, factory, static_cast<int>(cfg.limits.max_connections));
      if (!listener) throw UsageProblem(listener.error().message);
      runUntilTerminated(service, **listener);
      return kExitOk;
    } catch (const UsageProblem& e) {
      spdlog::error("{}", e.what());
      return kExitUsage;
    } catch (const std::exception& e) {
      spdlog::critical("internal error: {}", e.what());
      return kExitInternal;
    }
  }

  void runUntilTerminated(DaemonService& service, ApiListener& listener) {
    listener.start();
    spdlog::info("guestprep {} daemon: listening on {}; auditing every {} s; fix {}", kVersion,
                 listener.describe(), service.config().audit_interval.count(),
                 service.config().auto_fix ? "auto" : "off");
    std::thread timer([this, &service] { auditLoop(service); });
    daemon_platform::notifyServiceManager("READY=1");
    waitForTerminationRequest();
    daemon_platform::notifyServiceManager("STOPPING=1");
    spdlog::info("stopping: finishing the requests and the audit or fix in progress");
    {
      std::lock_guard g(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    listener.stop();
    timer.join();
    spdlog::info("stopped");
  }

  // Sleeps on a condition variable until the next audit: no wake-up in between.
  void auditLoop(DaemonService& service) {
    unblockTerminationSignals();
    auto next = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      if (service.audit(true) == WorkStatus::kBusy) {
        spdlog::info("scheduled audit skipped: an audit or fix requested through the API runs");
      }
      lock.lock();
      next += service.config().audit_interval;
      auto now = std::chrono::steady_clock::now();
      if (next < now) next = now + service.config().audit_interval;
      wake_.wait_until(lock, next, [this] { return stop_; });
    }
  }

  const DaemonOptions& options_;
  int exit_code_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
};

}  // namespace

int runDaemon(const DaemonOptions& options) {
  if (!options.service_args.empty()) {
    return daemon_platform::manageService(options.service_args, options.config);
  }
  daemon_platform::prepareProcess();
  daemon_platform::setupConsoleLogging(options.foreground);
  try {
    DaemonApp app(options);
    // Only the program name: the command line is CLI11's (agent/cli), and Poco's own option
    // parser would refuse `--config`. Service registration is manageService's, above.
    int rc = app.run(std::vector<std::string>{"guestprep"});
    if (app.exitCode() >= 0) return app.exitCode();
    spdlog::critical("internal error: the service frame stopped before the daemon ran (code {})",
                     rc);
    return kExitInternal;
  } catch (const std::exception& e) {
    spdlog::critical("internal error: {}", e.what());
    return kExitInternal;
  }
}

}  // namespace guestprep
