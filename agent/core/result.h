// Result<T>: expected failures as values, with a message a user can act on.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace guestprep {

/// What kind of failure an Error is; callers branch on this (a missing file is often normal).
enum class ErrorCode {
  kNotFound,      ///< the file, directory or command does not exist
  kPermission,    ///< access denied
  kInvalidInput,  ///< the input is malformed (parse errors, bad policy)
  kOutsideRoot,   ///< a path would leave the offline root
  kTimeout,       ///< a command did not finish in time
  kTooLarge,      ///< a file is larger than the reader accepts
  kUnsupported,   ///< this host cannot do that (e.g. commands on an offline root)
  kIo,            ///< any other operating-system error
};

/// An expected failure: a code plus a message that names what failed (file, line, command).
struct Error {
  ErrorCode code = ErrorCode::kIo;
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

/// Shorthand for returning an error: `return fail(ErrorCode::kNotFound, "...")`.
inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace guestprep
