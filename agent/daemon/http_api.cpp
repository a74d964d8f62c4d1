// HTTP API endpoints and refusals: 401 token, 404 path, 405 method, 429 rate, 413 size,
// 400 bad JSON, 403 fix IDs not allowed, 409 busy, 503 no report yet.
#include "daemon/http_api.h"

#include <algorithm>
#include <istream>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace guestprep {

namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

/// Compares without an early exit, so timing does not tell how much of a guess was right.
bool constantTimeEquals(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::string& other = a.size() == b.size() ? b : a;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ other[i]);
  }
  return diff == 0;
}

struct Route {
  const char* path;
  const char* method;
};

constexpr Route kRoutes[] = {{"/v1/report", "GET"},
                             {"/v1/facts", "GET"},
                             {"/v1/audit", "POST"},
                             {"/v1/fix", "POST"},
                             {"/metrics", "GET"}};

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  ApiHandler(DaemonService& service, const std::string& token, RateLimiter& limiter)
      : service_(service), token_(token), limiter_(limiter) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    try {
      route(request, response);
    } catch (const std::exception& e) {
      spdlog::error("{} {}: {}", request.getMethod(), request.getURI(), e.what());
      if (!response.sent())
        error(request, response, 500, std::string("internal error: ") + e.what());
    }
  }

 private:
  void route(HTTPServerRequest& request, HTTPServerResponse& response) {
    if (!token_.empty()) {
      // A copy: without the header, get() returns a reference to its default argument, a
      // temporary std::string gone at the end of this statement (ASan: stack-use-after-scope).
      const std::string auth = request.get("Authorization", "");
      if (!auth.starts_with("Bearer ") || !constantTimeEquals(auth.substr(7), token_)) {
        response.set("WWW-Authenticate", "Bearer");
        return error(request, response, 401,
                     auth.empty() ? "missing Authorization: Bearer token" : "wrong bearer token");
      }
    }
    std::string path = request.getURI();
    if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
    const Route* found = nullptr;
    for (const auto& r : kRoutes) {
      if (path == r.path) found = &r;
    }
    if (!found) return error(request, response, 404, "no such endpoint: " + path);
    if (request.getMethod() != found->method) {
      response.set("Allow", found->method);
      return error(
          request, response, 405,
          request.getMethod() + " is not allowed on " + path + " (use " + found->method + ")");
    }
    if (!limiter_.allow()) {
      response.set("Retry-After", "1");
      return error(request, response, 429, "too many requests: slow down");
    }
    std::string body;
    if (!readBody(request, body)) {
      return error(request, response, 413,
                   "request body larger than " +
                       std::to_string(service_.config().limits.max_body_bytes) + " bytes");
    }
    body_read_ = true;
    if (path == "/v1/report" || path == "/v1/facts") return report(request, response, path);
    if (path == "/v1/audit") return audit(request, response);
    if (path == "/v1/fix") return fix(request, response, body);
    send(request, response, 200, service_.metrics(), "text/plain; version=0.0.4; charset=utf-8");
  }

  // False when the body is over the limit (it is then left unread).
  bool readBody(HTTPServerRequest& request, std::string& body) {
    const std::int64_t limit = service_.config().limits.max_body_bytes;
    std::streamsize declared = request.getContentLength64();
    if (declared > limit) return false;
    // Without a length or chunks an HTTP/1.1 request has no body (RFC 9112 6.3); reading to the
    // end of the stream would wait for the client to close the connection.
    if (declared <= 0 && !request.getChunkedTransferEncoding()) return true;
    std::istream& in = request.stream();
    char buf[8192];
    while (in) {
      in.read(buf, sizeof buf);
      body.append(buf, static_cast<std::size_t>(in.gcount()));
      if (static_cast<std::int64_t>(body.size()) > limit) return false;
    }
    return true;
  }

  void report(HTTPServerRequest& request, HTTPServerResponse& response, const std::string& path) {
    auto snap = service_.last();
    if (!snap) {
      response.set("Retry-After", "5");
      return error(request, response, 503, "no audit has finished yet");
    }
    send(request, response, 200, path == "/v1/report" ? snap->report_json : snap->facts_json);
  }

  void audit(HTTPServerRequest& request, HTTPServerResponse& response) {
    if (service_.audit(true) == WorkStatus::kBusy) return busy(request, response);
    auto snap = service_.last();
    if (!snap) return error(request, response, 500, "the audit could not run (see the log)");
    send(request, response, 200, snap->report_json);
  }

  void fix(HTTPServerRequest& request, HTTPServerResponse& response, const std::string& body) {
    FixRequest fix_request;
    fix_request.trigger = "POST /v1/fix";
    if (!body.empty()) {
      nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        return error(request, response, 400, "the body must be a JSON object");
      }
      for (const auto& [key, value] : j.items()) {
        if (key == "apply" && value.is_boolean()) {
          fix_request.apply = value.get<bool>();
        } else if (key == "only" && value.is_array() &&
                   std::all_of(value.begin(), value.end(),
                               [](const nlohmann::json& v) { return v.is_string(); })) {
          for (const auto& v : value) fix_request.only.insert(v.get<std::string>());
        } else {
          return error(request, response, 400,
                       "unexpected '" + key +
                           "': the body may hold \"apply\" (true/false) and \"only\" (a list of "
                           "requirement IDs)");
        }
      }
    }
    const auto& allowed = service_.config().fix_allow;
    if (allowed.empty()) {
      return error(
          request, response, 403,
          "no fix is allowed: list requirement IDs in fix_allow in " + service_.config().origin);
    }
    for (const auto& id : fix_request.only) {
      if (std::find(allowed.begin(), allowed.end(), id) == allowed.end()) {
        return error(request, response, 403, id + " is not in fix_allow");
      }
    }
    nlohmann::json out;
    if (service_.fix(fix_request, out) == WorkStatus::kBusy) return busy(request, response);
    if (out.contains("error")) return send(request, response, 500, out.dump(2) + "\n");
    send(request, response, 200, out.dump(2) + "\n");
  }

  void busy(HTTPServerRequest& request, HTTPServerResponse& response) {
    response.set("Retry-After", "5");
    error(request, response, 409, "an audit or fix is running: try again later");
  }

  void error(HTTPServerRequest& request, HTTPServerResponse& response, int status,
             const std::string& message) {
    send(request, response, status, nlohmann::json{{"error", message}}.dump() + "\n");
  }

  void send(HTTPServerRequest& request, HTTPServerResponse& response, int status,
            const std::string& body, const std::string& type = "application/json") {
    // An unread body would be parsed as the next request: close the connection instead.
    bool has_body = request.getContentLength64() > 0 || request.getChunkedTransferEncoding();
    if (!body_read_ && has_body) response.setKeepAlive(false);
    response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status));
    response.setContentType(type);
    response.setContentLength64(static_cast<Poco::Int64>(body.size()));
    response.set("Cache-Control", "no-store");
    service_.countResponse(status);
    if (status >= 400) {
      spdlog::debug("{} {} -> {}", request.getMethod(), request.getURI(), status);
    }
    response.send().write(body.data(), static_cast<std::streamsize>(body.size()));
  }

  DaemonService& service_;
  const std::string& token_;
  RateLimiter& limiter_;
  bool body_read_ = false;
};

}  // namespace

RateLimiter::RateLimiter(std::int64_t rate, std::int64_t burst)
    : rate_(static_cast<double>(rate)),
      burst_(static_cast<double>(burst)),
      tokens_(static_cast<double>(burst)),
      last_(std::chrono::steady_clock::now()) {}

bool RateLimiter::allow() {
  std::lock_guard g(mutex_);
  auto now = std::chrono::steady_clock::now();
  tokens_ = std::min(burst_, tokens_ + rate_ * std::chrono::duration<double>(now - last_).count());
  last_ = now;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

ApiHandlerFactory::ApiHandlerFactory(DaemonService& service, std::string token)
    : service_(service),
      token_(std::move(token)),
      limiter_(service.config().limits.requests_per_second, service.config().limits.burst) {}

Poco::Net::HTTPRequestHandler* ApiHandlerFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest& /*request*/) {
  return new ApiHandler(service_, token_, limiter_);
}

}  // namespace guestprep
