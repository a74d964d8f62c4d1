// hexDigest on the published test vectors (RFC 1321 for MD5, FIPS 180-2 for SHA-256), and the
// two wrappers that use it.
#include <gtest/gtest.h>

#include "host/mutable_host.h"
#include "host/openssl_digest.h"
#include "probes/software_probes.h"

namespace guestprep::os_linux {
namespace {

TEST(HexDigest, KnownVectors) {
  EXPECT_EQ(hexDigest("", DigestKind::kMd5), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hexDigest("abc", DigestKind::kMd5), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hexDigest("abc", DigestKind::kSha256),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hexDigest("", DigestKind::kSha256),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(md5Hex("abc"), hexDigest("abc", DigestKind::kMd5));
  EXPECT_EQ(sha256Hex("abc"), hexDigest("abc", DigestKind::kSha256));
}

}  // namespace
}  // namespace guestprep::os_linux
