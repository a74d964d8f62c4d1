// Reading configuration through the Host: a missing path is normal, other failures are problems.
#include "probes/probe_io.h"

#include <utility>

namespace guestprep::os_linux {

namespace {

// The value of `result`, or nullopt with any failure but kNotFound recorded against `path`.
template <class T>
std::optional<T> presentOrRecord(Result<T> result, std::string_view path,
                                 std::vector<ConfigProblem>& problems) {
  if (result) return std::move(*result);
  if (result.error().code != ErrorCode::kNotFound) {
    problems.push_back({std::string(path), 0, std::move(result.error().message)});
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> readIfPresent(const Host& host, std::string_view path,
                                         std::vector<ConfigProblem>& problems) {
  return presentOrRecord(host.readFile(path), path, problems);
}

std::vector<std::string> listIfPresent(const Host& host, std::string_view dir,
                                       std::vector<ConfigProblem>& problems) {
  return presentOrRecord(host.listDir(dir), dir, problems).value_or(std::vector<std::string>{});
}

std::optional<FileStat> statIfPresent(const Host& host, std::string_view path,
                                      std::vector<ConfigProblem>& problems) {
  return presentOrRecord(host.stat(path), path, problems);
}

}  // namespace guestprep::os_linux
