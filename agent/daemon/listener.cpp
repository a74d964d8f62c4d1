// Accept loop of the API: blocking accept() per thread, one Poco HTTPServerConnection per client.
#include "daemon/listener.h"

#include <chrono>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <spdlog/spdlog.h>

#include "core/version.h"
#include "daemon/daemon.h"
#include "daemon/daemon_platform.h"

namespace guestprep {

Result<std::unique_ptr<ApiListener>> ApiListener::open(
    const ListenAddress& address, Poco::Net::HTTPRequestHandlerFactory::Ptr factory, int threads) {
  Poco::Net::ServerSocket socket;
  try {
    if (address.kind == ListenAddress::Kind::kUnix) {
      if (auto r = daemon_platform::bindUnixSocket(socket, address.path); !r) {
        return std::unexpected(r.error());
      }
    } else {
      socket.bind(Poco::Net::SocketAddress(address.host, address.port),
                  daemon_platform::reuseListenAddress());
    }
    socket.listen(64);
    // Commands run by fixers must not inherit the API's sockets.
    daemon_platform::keepFromChildren(socket.impl()->sockfd());
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
  daemon_platform::wakeAcceptors(socket_, address_, static_cast<int>(threads_.size()));
  {
    std::lock_guard g(active_mutex_);
    for (auto fd : active_) daemon_platform::shutdownReading(fd);
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
  socket_.close();
  if (address_.kind == ListenAddress::Kind::kUnix) daemon_platform::removeUnixSocket(address_.path);
}

bool ApiListener::peerAllowed(poco_socket_t fd) const {
  if (address_.kind != ListenAddress::Kind::kUnix) return true;
  return daemon_platform::unixPeerAllowed(fd);
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
    poco_socket_t fd = client.impl()->sockfd();
    daemon_platform::keepFromChildren(fd);
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
