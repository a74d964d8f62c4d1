// Accept loop of the API: blocking accept() per thread, one Poco HTTPServerConnection per client.
#include "daemon/listener.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <spdlog/spdlog.h>

#include "core/version.h"
#include "daemon/daemon.h"

namespace guestprep {

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

Result<std::unique_ptr<ApiListener>> ApiListener::open(
    const ListenAddress& address, Poco::Net::HTTPRequestHandlerFactory::Ptr factory, int threads) {
  Poco::Net::ServerSocket socket;
  try {
    if (address.kind == ListenAddress::Kind::kUnix) {
      if (auto r = prepareSocketPath(address.path); !r) return std::unexpected(r.error());
      // The socket file is born 0600: no window in which others could connect.
      mode_t old = ::umask(0177);
      try {
        socket.bind(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, address.path));
      } catch (...) {
        ::umask(old);
        throw;
      }
      ::umask(old);
      ::chmod(address.path.c_str(), 0600);
    } else {
      socket.bind(Poco::Net::SocketAddress(address.host, address.port), true);
    }
    socket.listen(64);
    // Commands run by fixers must not inherit the API's sockets.
    ::fcntl(socket.impl()->sockfd(), F_SETFD, FD_CLOEXEC);
  } catch (const Poco::Exception& e) {
    std::string where = address.kind == ListenAddress::Kind::kUnix
                            ? address.path
                            : address.host + ":" + std::to_string(address.port);
    return fail(ErrorCode::kIo, "cannot listen on " + where + ": " + e.displayText());
  }
  return std::unique_ptr<ApiListener>(
      new ApiListener(address, std::move(socket), std::move(factory), threads));
}

ApiListener::ApiListener(ListenAddress address, Poco::Net::ServerSocket socket,
                         Poco::Net::HTTPRequestHandlerFactory::Ptr factory, int threads)
    : address_(std::move(address)),
      socket_(std::move(socket)),
      factory_(std::move(factory)),
      params_(new Poco::Net::HTTPServerParams),
      thread_count_(threads) {
  params_->setSoftwareVersion(std::string("guestprep/") + kVersion);
  params_->setTimeout(Poco::Timespan(30, 0));
  params_->setKeepAlive(true);
  params_->setKeepAliveTimeout(Poco::Timespan(5, 0));
  params_->setMaxKeepAliveRequests(1000);
  if (address_.kind == ListenAddress::Kind::kTcp) address_.port = socket_.address().port();
}

ApiListener::~ApiListener() { stop(); }

std::string ApiListener::describe() const {
  if (address_.kind == ListenAddress::Kind::kUnix) return "unix:" + address_.path;
  if (address_.host.find(':') != std::string::npos) {
    return "[" + address_.host + "]:" + std::to_string(address_.port);
  }
  return address_.host + ":" + std::to_string(address_.port);
}

void ApiListener::start() {
  for (int i = 0; i < thread_count_; ++i) threads_.emplace_back([this] { serve(); });
}

void ApiListener::stop() {
  if (stopping_.exchange(true)) return;
  // shutdown() wakes every thread blocked in accept() on Linux (close() alone would not).
  ::shutdown(socket_.impl()->sockfd(), SHUT_RDWR);
  {
    std::lock_guard g(active_mutex_);
    for (int fd : active_) ::shutdown(fd, SHUT_RD);
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
  socket_.close();
  if (address_.kind == ListenAddress::Kind::kUnix) ::unlink(address_.path.c_str());
}

bool ApiListener::peerAllowed(int fd) const {
  if (address_.kind != ListenAddress::Kind::kUnix) return true;
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
  return cred.uid == 0 || cred.uid == ::geteuid();
}

void ApiListener::serve() {
  unblockTerminationSignals();
  while (!stopping_) {
    Poco::Net::StreamSocket client;
    try {
      client = socket_.acceptConnection();
    } catch (const Poco::Exception& e) {
      if (stopping_) break;
      // EMFILE and the like: do not spin on a full descriptor table.
      spdlog::warn("accept on {}: {}; retrying in 1 s", describe(), e.displayText());
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    int fd = client.impl()->sockfd();
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    // Poco writes the headers and the body separately: without this, Nagle's algorithm holds
    // the body back until the client's delayed ACK (40 ms a request).
    if (address_.kind == ListenAddress::Kind::kTcp) client.setNoDelay(true);
    if (!peerAllowed(fd)) {
      spdlog::warn("refused a connection on {} from a user that is neither root nor the daemon's",
                   describe());
      continue;
    }
    {
      std::lock_guard g(active_mutex_);
      if (stopping_) break;
      active_.insert(fd);
    }
    try {
      Poco::Net::HTTPServerConnection connection(client, params_, factory_);
      connection.run();
    } catch (const Poco::Exception& e) {
      spdlog::debug("connection on {}: {}", describe(), e.displayText());
    } catch (const std::exception& e) {
      spdlog::debug("connection on {}: {}", describe(), e.what());
    }
    std::lock_guard g(active_mutex_);
    active_.erase(fd);
  }
}

}  // namespace guestprep
