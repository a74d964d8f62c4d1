// The daemon test helper's process and sockets on Linux: posix_spawn with the log as stdout and
// stderr, SIGTERM/SIGKILL, and raw connections to the Unix socket or loopback TCP.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "daemon_process.h"
#include "support/tree_snapshot.h"

extern char** environ;

namespace guestprep::testing {

class DaemonProcess::Process {
 public:
  TempCopy dir;
  pid_t pid = -1;
};

DaemonProcess::DaemonProcess(const std::string& config_yaml, const std::string& root)
    : process_(std::make_unique<Process>()) {
  std::string yaml = config_yaml;
  for (std::size_t at; (at = yaml.find("${DIR}")) != std::string::npos;) {
    yaml.replace(at, 6, process_->dir.str());
  }
  std::string config = (dir() / "guestprep.yaml").string();
  std::ofstream(config) << yaml;
  std::string log = (dir() / "daemon.log").string();
  std::vector<std::string> args = {GUESTPREP_BINARY, "daemon", "--config", config, "--foreground"};
  if (!root.empty()) {
    args.push_back("--root");
    args.push_back(root);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  int rc = posix_spawn(&process_->pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << std::strerror(rc);
    process_->pid = -1;
  }
}

DaemonProcess::~DaemonProcess() {
  if (process_->pid > 0) {
    ::kill(process_->pid, SIGKILL);
    ::waitpid(process_->pid, nullptr, 0);
  }
}

const std::filesystem::path& DaemonProcess::dir() const { return process_->dir.path(); }

long DaemonProcess::pid() const { return process_->pid; }

bool DaemonProcess::exited() {
  int status = 0;
  if (process_->pid <= 0 || ::waitpid(process_->pid, &status, WNOHANG) == process_->pid) {
    process_->pid = -1;
    return true;
  }
  return false;
}

std::optional<std::string> exchangeBytes(const std::string& address, const std::string& bytes) {
  int fd = -1;
  if (address.starts_with("unix:")) {
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, address.c_str() + 5, sizeof addr.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return std::nullopt;
    }
  } else {
    auto colon = address.rfind(':');
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1))));
    ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &addr.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return std::nullopt;
    }
  }
  timeval tv{60, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  // The daemon may answer (413) and close before reading everything: stop writing then.
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string in;
  char buf[65536];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) in.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return in;
}

int DaemonProcess::waitExit(std::chrono::seconds limit) {
  if (process_->pid <= 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(process_->pid, &status, WNOHANG) == process_->pid) {
      process_->pid = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

int DaemonProcess::terminate(std::chrono::seconds limit) {
  if (process_->pid <= 0) return -1;
  ::kill(process_->pid, SIGTERM);
  return waitExit(limit);
}

}  // namespace guestprep::testing
