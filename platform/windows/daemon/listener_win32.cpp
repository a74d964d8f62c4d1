// The listener on Windows: loopback TCP only (a Unix socket is refused with the configuration),
// sockets kept from child processes, and the accepting threads woken by connecting to them.
#include <winsock2.h>
// windows.h after winsock2.h: the other order brings in the old winsock.h.
#include <windows.h>

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "daemon/daemon_platform.h"

namespace guestprep::daemon_platform {

// parseDaemonConfig refuses a socket path on Windows (checkListenAddress), so this is not reached
// from a configuration; it stays an error rather than a silent TCP fallback.
Result<void> bindUnixSocket(Poco::Net::ServerSocket& /*socket*/, const std::string& path) {
  return fail(ErrorCode::kUnsupported, "'" + path + "': a Unix socket is not available on Windows");
}

void removeUnixSocket(const std::string& /*path*/) {}

// SO_REUSEADDR on Windows lets another process bind the port being listened on.
bool reuseListenAddress() { return false; }

// Sockets are inheritable handles by default: a command a fixer starts would keep the API's
// port open after the daemon stops.
void keepFromChildren(poco_socket_t fd) {
  SetHandleInformation(reinterpret_cast<HANDLE>(fd), HANDLE_FLAG_INHERIT, 0);
}

bool unixPeerAllowed(poco_socket_t /*fd*/) { return false; }

// shutdown() does not wake a thread blocked in accept() on Windows, and closing the socket under
// it races with the other threads' use of the handle. A connection per thread does: each accept()
// returns, sees the stop flag and ends without serving it.
void wakeAcceptors(Poco::Net::ServerSocket& socket, const ListenAddress& address, int threads) {
  Poco::Net::SocketAddress to(address.host, socket.address().port());
  for (int i = 0; i < threads; ++i) {
    try {
      Poco::Net::StreamSocket s;
      s.connect(to, Poco::Timespan(2, 0));
      s.close();
    } catch (const Poco::Exception&) {
      // A thread that is not in accept() (it serves a connection) needs no wake-up.
    }
  }
}

void shutdownReading(poco_socket_t fd) { ::shutdown(fd, SD_RECEIVE); }

}  // namespace guestprep::daemon_platform
