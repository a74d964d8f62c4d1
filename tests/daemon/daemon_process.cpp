// The HTTP/1.1 side of the daemon test helper (shared by the Linux and Windows tests): waiting
// for the log line, raw requests and their parsing.
#include "daemon_process.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace guestprep::testing {

nlohmann::json HttpResponse::json() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "not JSON (status " << status << "): " << body;
  return j;
}

std::string DaemonProcess::log() const {
  std::ifstream in(dir() / "daemon.log");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool DaemonProcess::waitListening(std::string& why, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = log();
    auto at = text.find("listening on ");
    if (at != std::string::npos) {
      auto end = text.find(';', at);
      address_ = text.substr(at + 13, end - at - 13);
      return true;
    }
    if (exited()) {
      why = "the daemon exited: " + text;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  why = "no 'listening on' within the time limit: " + log();
  return false;
}

bool DaemonProcess::waitReport(std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (request("GET", "/v1/report").status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

HttpResponse DaemonProcess::raw(const std::string& bytes) { return httpExchange(address_, bytes); }

HttpResponse httpExchange(const std::string& address, const std::string& bytes) {
  HttpResponse r;
  std::optional<std::string> received = exchangeBytes(address, bytes);
  if (!received) return r;
  const std::string& in = *received;
  auto head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos || !in.starts_with("HTTP/1.")) return r;
  r.status = std::atoi(in.c_str() + 9);
  std::istringstream head(in.substr(0, head_end));
  std::string line;
  std::getline(head, line);
  if (line.size() > 13) r.reason = line.substr(13);
  if (!r.reason.empty() && r.reason.back() == '\r') r.reason.pop_back();
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (value.starts_with(' ')) value.erase(0, 1);
    r.headers[name] = value;
  }
  r.body = in.substr(head_end + 4);
  return r;
}

HttpResponse DaemonProcess::request(const std::string& method, const std::string& path,
                                    const std::string& body,
                                    const std::vector<std::string>& headers) {
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  for (const auto& h : headers) req += h + "\r\n";
  if (!body.empty() || method == "POST") {
    req +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return raw(req + "\r\n" + body);
}

}  // namespace guestprep::testing
