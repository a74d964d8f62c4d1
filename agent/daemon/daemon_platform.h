// What the daemon does differently on each OS, behind one interface: default paths and listener,
// the token file's access check, process set-up, logging sinks, the service manager, and the
// Unix-socket and socket-handle details of the listener. CMake compiles one implementation:
// platform/linux/daemon/*_posix.cpp or platform/windows/daemon/*_win32.cpp; agent/daemon is
// portable.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketDefs.h>

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.h"
#include "daemon/config.h"

namespace guestprep::daemon_platform {

/// Refuses a listener this OS cannot serve safely (a Unix socket on Windows, a relative path);
/// the message is completed with the config's file and line by the caller.
Result<void> checkListenAddress(const ListenAddress& address);

/// The token file's bytes (at most `max_bytes`) after checking that no one but this process's
/// user and the administrators can read or change it: mode 0600/0400 and owner on Linux, the
/// owner and DACL on Windows.
Result<std::string> readPrivateFile(const std::string& path, std::size_t max_bytes);

/// Once, before anything else: termination signals (Linux), allocator tuning.
void prepareProcess();
/// Gives memory freed after an audit back to the OS where the allocator keeps it.
void releaseFreeMemory();

/// Logging to stderr: journald's form (or a terminal's with `foreground`) on Linux; a terminal's
/// on Windows.
void setupConsoleLogging(bool foreground);
/// Switches logging to the OS's service log (the Windows Event Log); only called when the
/// service manager started the daemon.
void setupServiceLogging();
/// Tells the service manager about a state change ("READY=1", "STOPPING=1": systemd's
/// sd_notify protocol; Windows' SCM is told by Poco's ServerApplication).
void notifyServiceManager(const char* state);

/// Service registration in ServerApplication's own syntax (`/registerService`, ...); exit code.
int manageService(const std::vector<std::string>& args, const std::string& config);

// The listener's OS-specific parts.

/// Binds a Unix socket at `path`, created 0600 in a 0700 directory; replaces a stale one.
Result<void> bindUnixSocket(Poco::Net::ServerSocket& socket, const std::string& path);
/// Whether the TCP listener sets SO_REUSEADDR: on Linux it lets a restarted daemon bind while
/// old connections linger in TIME_WAIT; on Windows it would let another process bind the same
/// port, so it is off there.
bool reuseListenAddress();
/// Removes the socket file at stop.
void removeUnixSocket(const std::string& path);
/// Keeps a socket from being inherited by the commands fixers run.
void keepFromChildren(poco_socket_t fd);
/// True when the peer of a Unix-socket connection is root or this process's user.
bool unixPeerAllowed(poco_socket_t fd);
/// Wakes every thread blocked in accept() on `socket` (`address` is where it listens).
void wakeAcceptors(Poco::Net::ServerSocket& socket, const ListenAddress& address, int threads);
/// Ends the reading side of a connection being served, so it finishes its response and closes.
void shutdownReading(poco_socket_t fd);

}  // namespace guestprep::daemon_platform
