// MD5 through OpenSSL's EVP interface (the MD5() shortcut is deprecated in OpenSSL 3).
#include <array>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>

#include "probes/software_probes.h"

namespace guestprep::os_linux {

std::string md5Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_md5(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL EVP_Digest(md5) failed");
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
