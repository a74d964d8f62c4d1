// Message digests through OpenSSL's EVP interface (MD5() and SHA256() are deprecated in 3.0).
#include "host/openssl_digest.h"

#include <array>
#include <mutex>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace guestprep::os_linux {

std::string hexDigest(std::string_view data, DigestKind kind) {
  // Before any other OpenSSL call: the first one would otherwise load /usr/lib/ssl/openssl.cnf.
  static std::once_flag init;
  std::call_once(init, [] { OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr); });
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  const EVP_MD* md = kind == DigestKind::kMd5 ? EVP_md5() : EVP_sha256();
  if (EVP_Digest(data.data(), data.size(), digest.data(), &len, md, nullptr) != 1) {
    throw std::runtime_error(std::string("OpenSSL EVP_Digest(") +
                             (kind == DigestKind::kMd5 ? "md5" : "sha256") + ") failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

}  // namespace guestprep::os_linux
