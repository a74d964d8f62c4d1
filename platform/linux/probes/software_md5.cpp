// MD5 of packaged files, compared with the package manager's recorded sums.
#include "host/openssl_digest.h"
#include "probes/software_probes.h"

namespace guestprep::os_linux {

std::string md5Hex(std::string_view data) { return hexDigest(data, DigestKind::kMd5); }

}  // namespace guestprep::os_linux
