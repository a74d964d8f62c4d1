// The API listener: a Unix socket (0600, peer credentials checked; Linux) or loopback TCP, served
// by a fixed set of threads that block in accept(), so an idle daemon never wakes up for it.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketDefs.h>

#include "core/result.h"
#include "daemon/config.h"

namespace guestprep {

class ApiListener {
 public:
  /// Binds and listens. A Unix socket's directory is created 0700 when missing; a stale socket
  /// file (nobody answering) is replaced, a live one is an error (another daemon runs).
  static Result<std::unique_ptr<ApiListener>> open(
      const ListenAddress& address, Poco::Net::HTTPRequestHandlerFactory::Ptr factory, int threads);
  ~ApiListener();
  ApiListener(const ApiListener&) = delete;
  ApiListener& operator=(const ApiListener&) = delete;

  /// "unix:/run/guestprep/api.sock" or "127.0.0.1:8470" (the port actually bound).
  [[nodiscard]] std::string describe() const;
  /// Starts the serving threads.
  void start();
  /// Stops accepting, lets requests in flight finish, joins the threads, removes the socket file.
  void stop();

 private:
  ApiListener(ListenAddress address, Poco::Net::ServerSocket socket,
              Poco::Net::HTTPRequestHandlerFactory::Ptr factory, int threads);
  void serve();
  [[nodiscard]] bool peerAllowed(poco_socket_t fd) const;

  ListenAddress address_;
  Poco::Net::ServerSocket socket_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  Poco::Net::HTTPServerParams::Ptr params_;
  int thread_count_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::mutex active_mutex_;
  std::set<poco_socket_t> active_;  ///< being served, shut down for reading on stop()
};

}  // namespace guestprep
