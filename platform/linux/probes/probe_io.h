// Probe reads through the Host: a missing path is normal, any other failure is a ConfigProblem.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"
#include "host/host.h"

namespace guestprep::os_linux {

/// The content of `path`; nullopt when it does not exist (normal) or cannot be read, in which
/// case `{path, 0, message}` is appended to `problems`.
std::optional<std::string> readIfPresent(const Host& host, std::string_view path,
                                         std::vector<ConfigProblem>& problems);

/// The entry names of `dir` (sorted, as Host::listDir gives them); none when it does not exist
/// (normal) or cannot be listed, in which case `{dir, 0, message}` is appended to `problems`.
/// Every caller treats a missing directory like an empty one, hence no optional.
std::vector<std::string> listIfPresent(const Host& host, std::string_view dir,
                                       std::vector<ConfigProblem>& problems);

/// What `stat` says about `path` (symlinks followed); nullopt when it does not exist (normal) or
/// cannot be examined, in which case `{path, 0, message}` is appended to `problems`.
std::optional<FileStat> statIfPresent(const Host& host, std::string_view path,
                                      std::vector<ConfigProblem>& problems);

}  // namespace guestprep::os_linux
