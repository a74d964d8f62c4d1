// The daemon's HTTP API on Poco::Net: routing, authentication, limits, and the endpoints
// (docs/daemon.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "daemon/service.h"

namespace guestprep {

/// A token bucket: `rate` requests per second on average, `burst` at once.
class RateLimiter {
 public:
  RateLimiter(std::int64_t rate, std::int64_t burst);
  /// Takes one token; false when none is left (the caller answers 429).
  bool allow();

 private:
  std::mutex mutex_;
  double rate_;
  double burst_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
};

/// Creates the handler of each request. `token` empty: no authentication (the Unix socket,
/// whose permissions and peer check do that job); otherwise every request needs it as a bearer
/// token.
class ApiHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  ApiHandlerFactory(DaemonService& service, std::string token);
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  DaemonService& service_;
  std::string token_;
  RateLimiter limiter_;
};

}  // namespace guestprep
