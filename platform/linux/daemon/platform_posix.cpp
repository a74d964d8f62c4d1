// The daemon on Linux: /etc and /run defaults, the token file's mode and owner, termination
// signals, glibc's allocator, journald's log form and systemd's notify socket.
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "daemon/daemon.h"
#include "daemon/daemon_platform.h"

namespace guestprep {

std::string defaultDaemonConfigPath() { return "/etc/guestprep/guestprep.yaml"; }

ListenAddress defaultListenAddress() {
  return {ListenAddress::Kind::kUnix, "/run/guestprep/api.sock", {}, 0};
}

std::string defaultTokenFile() { return {}; }

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

}  // namespace

void unblockTerminationSignals() {
  sigset_t set = terminationSignals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

namespace daemon_platform {

Result<void> checkListenAddress(const ListenAddress& address) {
  if (address.kind == ListenAddress::Kind::kUnix && !address.path.starts_with('/')) {
    return fail(ErrorCode::kInvalidInput,
                "'" + address.path + "' is not an absolute path for the Unix socket");
  }
  return {};
}

Result<std::string> readPrivateFile(const std::string& path, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return fail(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                "token file '" + path + "': " + std::strerror(errno));
  }
  struct stat st {};
  std::string text;
  std::string problem;
  if (::fstat(fd, &st) != 0) {
    problem = std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    problem = "not a regular file";
  } else if ((st.st_mode & 077) != 0) {
    problem = "readable or writable by group or others (mode " +
              std::to_string((st.st_mode >> 6) & 7) + std::to_string((st.st_mode >> 3) & 7) +
              std::to_string(st.st_mode & 7) + "): chmod 0600 it and make a new token";
  } else if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    problem = "owned by uid " + std::to_string(st.st_uid) + ", not by this user or root";
  } else if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    problem = "larger than " + std::to_string(max_bytes) + " bytes";
  } else {
    text.resize(max_bytes + 1);
    ssize_t n = ::read(fd, text.data(), text.size());
    if (n < 0) {
      problem = std::strerror(errno);
    } else {
      text.resize(static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  if (!problem.empty()) {
    return fail(ErrorCode::kPermission, "token file '" + path + "': " + problem);
  }
  return text;
}

void prepareProcess() {
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
}

namespace {

// The executable's code that an audit ran stays mapped in the RSS after it: 7.3 MB of the
// static binary's 9 MB text after an audit of a live system, against 1.8 MB of heap, though
// nothing runs most of it until the next audit. Those pages are clean and read-only, so
// MADV_DONTNEED only unmaps them: the page cache keeps them and the next use faults them back
// in (minor faults, about 2 ms for all of it). Only the r-xp mappings of the executable itself:
// writable or RELRO pages would lose what was written to them, and a replaced binary
// ("(deleted)") is left alone.
void releaseCodePages() {
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return;
  const std::string self(exe, static_cast<std::size_t>(n));
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    // "00401000-00dad000 r-xp 00001000 fe:00 5309579      /usr/sbin/guestprep"
    std::istringstream fields(line);
    std::string range, perms, offset, device, inode, path;
    fields >> range >> perms >> offset >> device >> inode;
    std::getline(fields >> std::ws, path);
    if (perms != "r-xp" || path != self) continue;
    auto dash = range.find('-');
    if (dash == std::string::npos) continue;
    std::uintptr_t start = std::stoull(range.substr(0, dash), nullptr, 16);
    std::uintptr_t end = std::stoull(range.substr(dash + 1), nullptr, 16);
    if (end > start) ::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
  }
}

}  // namespace

// An audit of a real system peaks at tens of MB (package hashes, the initramfs listing) and
// glibc keeps what was freed in its arenas; an idle daemon should hold only the last report.
void releaseFreeMemory() {
  ::malloc_trim(0);
  releaseCodePages();
}

void setupConsoleLogging(bool foreground) {
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

// systemd reads the service's stderr: the console form without `--foreground` is already its.
void setupServiceLogging() { setupConsoleLogging(false); }

/// sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET (a path, or '@' for the
/// abstract namespace), so the unit can be Type=notify. Does nothing outside systemd.
void notifyServiceManager(const char* state) {
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

int manageService(const std::vector<std::string>& args, const std::string& /*config*/) {
  std::string joined;
  for (const auto& a : args) joined += (joined.empty() ? "" : " ") + a;
  std::cerr << "guestprep: daemon: unexpected arguments '" << joined
            << "': /registerService and /unregisterService are for the Windows service; on "
               "Linux install the systemd unit guestprep.service (docs/daemon.md)\n";
  return 2;
}

}  // namespace daemon_platform
}  // namespace guestprep
