// Message digests through OpenSSL's EVP interface, as lowercase hex, without reading OpenSSL's
// configuration file from the audited host.
#pragma once

#include <string>
#include <string_view>

namespace guestprep::os_linux {

enum class DigestKind { kMd5, kSha256 };

/// The digest of `data` in lowercase hex. OpenSSL is initialised without its configuration file
/// (openssl.cnf could name engines or providers to load, which a static binary must not).
std::string hexDigest(std::string_view data, DigestKind kind);

}  // namespace guestprep::os_linux
