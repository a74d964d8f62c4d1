// The listener on Linux: the Unix socket (created 0600, stale files replaced, callers checked
// with SO_PEERCRED), close-on-exec descriptors, and shutdown() to wake the accepting threads.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <Poco/Net/SocketAddress.h>

#include "daemon/daemon_platform.h"

namespace guestprep::daemon_platform {

namespace {

namespace fs = std::filesystem;

// True when something accepts connections on the socket file (another daemon).
bool socketAnswers(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  bool answers = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return answers;
}

Result<void> prepareSocketPath(const std::string& path) {
  fs::path dir = fs::path(path).parent_path();
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (::mkdir(dir.c_str(), 0700) != 0) {
      return fail(ErrorCode::kIo, "cannot create the socket directory '" + dir.string() +
                                      "': " + std::strerror(errno));
    }
  } else if (!S_ISDIR(st.st_mode)) {
    return fail(ErrorCode::kInvalidInput, "'" + dir.string() + "' is not a directory");
  }
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return fail(ErrorCode::kInvalidInput,
                  "'" + path + "' exists and is not a socket: remove it or change 'listen'");
    }
    if (socketAnswers(path)) {
      return fail(ErrorCode::kInvalidInput,
                  "'" + path + "' is in use: is another guestprep daemon running?");
    }
    ::unlink(path.c_str());
  }
  return {};
}

}  // namespace

Result<void> bindUnixSocket(Poco::Net::ServerSocket& socket, const std::string& path) {
  if (auto r = prepareSocketPath(path); !r) return r;
  // The socket file is born 0600: no window in which others could connect.
  mode_t old = ::umask(0177);
  try {
    socket.bind(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, path));
  } catch (...) {
    ::umask(old);
    throw;
  }
  ::umask(old);
  ::chmod(path.c_str(), 0600);
  return {};
}

bool reuseListenAddress() { return true; }

void removeUnixSocket(const std::string& path) { ::unlink(path.c_str()); }

void keepFromChildren(poco_socket_t fd) { ::fcntl(fd, F_SETFD, FD_CLOEXEC); }

bool unixPeerAllowed(poco_socket_t fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
  return cred.uid == 0 || cred.uid == ::geteuid();
}

// shutdown() wakes every thread blocked in accept() on Linux (close() alone would not).
void wakeAcceptors(Poco::Net::ServerSocket& socket, const ListenAddress& /*address*/,
                   int /*threads*/) {
  ::shutdown(socket.impl()->sockfd(), SHUT_RDWR);
}

void shutdownReading(poco_socket_t fd) { ::shutdown(fd, SHUT_RD); }

}  // namespace guestprep::daemon_platform
