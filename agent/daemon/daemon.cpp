// The daemon's frame: configuration, logging for journald, the ServerApplication that waits for
// SIGTERM, the audit timer thread and the API listener.
#include "daemon/daemon.h"

#include <malloc.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include <Poco/Util/ServerApplication.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/platform.h"
#include "core/version.h"
#include "daemon/config.h"
#include "daemon/http_api.h"
#include "daemon/listener.h"
#include "daemon/service.h"
#include "host/host.h"

namespace guestprep {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitInternal = 3;

/// `%*`: the syslog priority prefix journald reads from a service's stderr (sd-daemon(3)).
class PriorityFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*time*/,
              spdlog::memory_buf_t& dest) override {
    std::string_view p = "<6>";
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug:
        p = "<7>";
        break;
      case spdlog::level::info:
        p = "<6>";
        break;
      case spdlog::level::warn:
        p = "<4>";
        break;
      case spdlog::level::err:
        p = "<3>";
        break;
      case spdlog::level::critical:
        p = "<2>";
        break;
      default:
        break;
    }
    dest.append(p.data(), p.data() + p.size());
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<PriorityFlag>();
  }
};

void setupDaemonLogging(bool foreground) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (foreground) {
    formatter->set_pattern("%Y-%m-%d %H:%M:%S guestprep: %l: %v");
  } else {
    // journald adds the time and the unit; the priority prefix sets the message's level.
    formatter->add_flag<PriorityFlag>('*').set_pattern("%*%v");
  }
  sink->set_formatter(std::move(formatter));
  auto logger = std::make_shared<spdlog::logger>("guestprep-daemon", sink);
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

/// sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET (a path, or '@' for the
/// abstract namespace), so the unit can be Type=notify. Does nothing outside systemd.
void notifySystemd(const char* state) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (!path || (path[0] != '/' && path[0] != '@')) return;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::size_t len = std::strlen(path);
  if (len >= sizeof addr.sun_path) return;
  std::memcpy(addr.sun_path, path, len);
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len);
  if (::sendto(fd, state, std::strlen(state), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr),
               size) < 0) {
    spdlog::warn("cannot notify systemd at {}: {}", path, std::strerror(errno));
  }
  ::close(fd);
}

struct UsageProblem : std::runtime_error {
  using std::runtime_error::runtime_error;
};

DaemonConfig loadConfig(const std::string& option) {
  std::string path = option.empty() ? std::string(kDefaultDaemonConfig) : option;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    struct stat st {};
    if (option.empty() && ::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
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

/// The ServerApplication: runs the timer and the listener until a termination signal.
class DaemonApp : public Poco::Util::ServerApplication {
 public:
  DaemonApp(DaemonService& service, ApiListener& listener)
      : service_(service), listener_(listener) {}

 protected:
  int main(const std::vector<std::string>& /*args*/) override {
    listener_.start();
    spdlog::info("guestprep {} daemon: listening on {}; auditing every {} s; fix {}", kVersion,
                 listener_.describe(), service_.config().audit_interval.count(),
                 service_.config().auto_fix ? "auto" : "off");
    std::thread timer([this] { auditLoop(); });
    notifySystemd("READY=1");
    waitForTerminationRequest();
    notifySystemd("STOPPING=1");
    spdlog::info("stopping: finishing the requests and the audit or fix in progress");
    {
      std::lock_guard g(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    listener_.stop();
    timer.join();
    spdlog::info("stopped");
    return EXIT_OK;
  }

 private:
  // Sleeps on a condition variable until the next audit: no wake-up in between.
  void auditLoop() {
    unblockTerminationSignals();
    auto next = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      if (service_.audit(true) == WorkStatus::kBusy) {
        spdlog::info("scheduled audit skipped: an audit or fix requested through the API runs");
      }
      lock.lock();
      next += service_.config().audit_interval;
      auto now = std::chrono::steady_clock::now();
      if (next < now) next = now + service_.config().audit_interval;
      wake_.wait_until(lock, next, [this] { return stop_; });
    }
  }

  DaemonService& service_;
  ApiListener& listener_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
};

}  // namespace

namespace {

pthread_t g_main_thread;

sigset_t terminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGQUIT);
  sigaddset(&set, SIGTERM);
  return set;
}

// Runs in a worker thread that received a termination signal: hands it to the main thread, which
// has it blocked and waits for it in sigwait(). pthread_kill is async-signal-safe.
extern "C" void forwardToMainThread(int sig) { pthread_kill(g_main_thread, sig); }

}  // namespace

void unblockTerminationSignals() {
  sigset_t set = terminationSignals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

int runDaemon(const DaemonOptions& options) {
  setupDaemonLogging(options.foreground);
  // The main thread keeps the termination signals blocked for waitForTerminationRequest()'s
  // sigwait(); threads start with that mask and unblock it (unblockTerminationSignals), and a
  // signal that lands in one of them is forwarded here by the handler, never fatal.
  g_main_thread = pthread_self();
  sigset_t set = terminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  struct sigaction forward {};
  forward.sa_handler = forwardToMainThread;
  sigemptyset(&forward.sa_mask);
  forward.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGQUIT, SIGTERM}) ::sigaction(sig, &forward, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  // An audit of a real system allocates buffers of megabytes (file hashes, the initramfs
  // listing). glibc raises its mmap threshold each time such a buffer is freed, so later ones
  // come from the heap and stay there, fragmented: 26 MB held after one audit of this machine.
  // A fixed threshold keeps large buffers in mmap(), returned to the system when freed.
  ::mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  try {
    DaemonConfig cfg = loadConfig(options.config);
    Policy policy = loadDaemonPolicy(cfg);
    if (auto r = checkFixAllow(cfg, policy); !r) throw UsageProblem(r.error().message);
    if (!options.root.empty()) {
      if (auto h = makeRootHost(options.root); !h)
        throw UsageProblem("--root: " + h.error().message);
    }
    std::string token;
    if (cfg.listen.kind == ListenAddress::Kind::kTcp) {
      auto t = readTokenFile(cfg.token_file);
      if (!t) throw UsageProblem(cfg.origin + ": " + t.error().message);
      token = *t;
    }
    spdlog::info("configuration: {}; policy '{}'{}", cfg.origin, policy.id,
                 options.root.empty() ? "" : "; root " + options.root);
    DaemonService service(cfg, std::move(policy), options.root);
    Poco::Net::HTTPRequestHandlerFactory::Ptr factory(new ApiHandlerFactory(service, token));
    auto listener =
        ApiListener::open(cfg.listen, factory, static_cast<int>(cfg.limits.max_connections));
    if (!listener) throw UsageProblem(listener.error().message);
    DaemonApp app(service, **listener);
    int rc = app.run(std::vector<std::string>{"guestprep"});
    return rc == Poco::Util::Application::EXIT_OK ? kExitOk : kExitInternal;
  } catch (const UsageProblem& e) {
    spdlog::error("{}", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    spdlog::critical("internal error: {}", e.what());
    return kExitInternal;
  }
}

}  // namespace guestprep
