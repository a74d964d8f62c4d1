// Runs a command as an argument vector with a timeout (Boost.Process v2), never through a shell.
// Boost 1.81 Process v2 uses boost::optional without including it.
#include <boost/optional.hpp>
#include <boost/type_traits.hpp>

#include <boost/asio.hpp>
#include <boost/process/v2.hpp>
// In header-only mode a few out-of-line definitions (the environment initialiser) live here.
#include <boost/process/v2/impl/environment.ipp>

#include "host/posix_fs.h"

namespace guestprep::os_linux {

namespace bp = boost::process::v2;
namespace asio = boost::asio;

Result<CommandResult> runCommand(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout) {
  if (argv.empty()) return fail(ErrorCode::kInvalidInput, "empty command");
  const std::string shown = argv.front();
  std::filesystem::path exe;
  if (argv.front().find('/') != std::string::npos) {
    exe = argv.front();
  } else {
    // Look the program up in the usual system directories, not the caller's PATH.
    for (const char* dir :
         {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
      std::filesystem::path p = std::filesystem::path(dir) / argv.front();
      if (::access(p.c_str(), X_OK) == 0) {
        exe = p;
        break;
      }
    }
  }
  if (exe.empty() || ::access(exe.c_str(), X_OK) != 0) {
    return fail(ErrorCode::kNotFound, "command '" + shown + "' is not installed");
  }
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  std::vector<std::string> env = {
      "LC_ALL=C", "LANG=C", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};

  asio::io_context ctx;
  asio::readable_pipe out_pipe(ctx);
  asio::readable_pipe err_pipe(ctx);
  CommandResult result;
  bool timed_out = false;
  try {
    bp::process proc(ctx, exe, args, bp::process_stdio{nullptr, out_pipe, err_pipe},
                     bp::process_environment(env));
    constexpr std::size_t kMaxOutput = 64 * 1024 * 1024;
    asio::steady_timer timer(ctx, timeout);
    int pending = 3;
    auto finished = [&] {
      if (--pending == 0) timer.cancel();
    };
    asio::async_read(out_pipe, asio::dynamic_buffer(result.out, kMaxOutput),
                     [&](boost::system::error_code, std::size_t) { finished(); });
    asio::async_read(err_pipe, asio::dynamic_buffer(result.err, kMaxOutput),
                     [&](boost::system::error_code, std::size_t) { finished(); });
    proc.async_wait([&](boost::system::error_code, int code) {
      result.exit_code = code;
      finished();
    });
    timer.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      timed_out = true;
      boost::system::error_code ignore;
      proc.terminate(ignore);
      // A grandchild may still hold the pipes open; stop reading.
      out_pipe.close(ignore);
      err_pipe.close(ignore);
    });
    ctx.run();
  } catch (const std::exception& e) {
    return fail(ErrorCode::kIo, "cannot run '" + shown + "': " + e.what());
  }
  if (timed_out) {
    return fail(ErrorCode::kTimeout,
                "'" + shown + "' did not finish within " + std::to_string(timeout.count()) + " ms");
  }
  return result;
}

}  // namespace guestprep::os_linux
