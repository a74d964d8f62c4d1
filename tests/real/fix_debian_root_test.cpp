// L-DRIVERS fixed for real: a copy of the debootstrapped Debian 12 root (linux-image-amd64,
// initramfs-tools) gets an initramfs without virtio (MODULES=list), then `guestprep fix --root`
// adds the drivers to /etc/initramfs-tools/modules and runs update-initramfs inside the root
// (MutableHost::runInSystem: a chroot in new namespaces, with proc and a private /dev); the audit
// after the fix reads the new image natively and passes; rollback restores the tree, the old
// image included, byte for byte. The copy's /dev is emptied first, as on a system disk mounted
// for an offline fix, so the test also shows that the tools get the /dev they need.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/mutable_host.h"
#include "host/posix_fs.h"
#include "support/run_binary.h"
#include "support/tree_snapshot.h"

namespace guestprep::testing {
namespace {

namespace fs = std::filesystem;

constexpr auto kTimeout = std::chrono::seconds(900);

std::string cachedRoot() {
  std::ifstream in(GUESTPREP_DEBIAN_ROOT_FILE);
  std::string path;
  std::getline(in, path);
  return path;
}

std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json parse(const CommandResult& r) {
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON (" << e.what() << "), exit " << r.exit_code << ": " << r.err;
    return nlohmann::json::object();
  }
}

class DebianRootFix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string source = cachedRoot();
    if (source.empty()) {
      skip_ = "the debian_root_build test did not produce a root (ctest -R debian_root_build)";
      return;
    }
    if (::geteuid() != 0) {
      skip_ = "copies keep root-owned files and chroot needs root: run as root";
      return;
    }
    copy_ = new TempCopy(source);
    const fs::path root = copy_->path();
    for (const auto& e : fs::directory_iterator(root / "usr/lib/modules")) {
      release_ = e.path().filename().string();
    }
    // MODULES=list: only /etc/initramfs-tools/modules goes in, so the image has no virtio
    // driver whatever this machine has.
    std::string conf = readAll(root / "etc/initramfs-tools/initramfs.conf");
    auto at = conf.find("\nMODULES=most");
    if (at == std::string::npos) {
      skip_ = "initramfs.conf has no MODULES=most line to change";
      return;
    }
    conf.replace(at, 13, "\nMODULES=list");
    std::ofstream(root / "etc/initramfs-tools/initramfs.conf", std::ios::trunc) << conf;
    auto r = os_linux::runCommand(
        {"unshare", "--mount", "--pid", "--net", "--fork", "--mount-proc=" + copy_->str() + "/proc",
         "chroot", copy_->str(), "update-initramfs", "-u", "-k", release_},
        kTimeout);
    if (!r || r->exit_code != 0) {
      skip_ = "update-initramfs in the copy failed: " + (r ? r->err : r.error().message);
      return;
    }
    // A system disk mounted for an offline fix has an empty /dev (devtmpfs is mounted at boot).
    for (const auto& e : fs::directory_iterator(root / "dev")) fs::remove_all(e.path());
  }
  static void TearDownTestSuite() {
    delete copy_;
    copy_ = nullptr;
  }
  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
  }

  static inline TempCopy* copy_ = nullptr;
  static inline std::string release_, skip_;
};

TEST_F(DebianRootFix, DriversAddedInitramfsRebuiltVerifiedAndRolledBack) {
  const std::string root = copy_->str();
  const std::string image = "/boot/initrd.img-" + release_;
  TreeSnapshot before = snapshotTree(copy_->path());
  // Hashes, so a failure prints 64 characters and not the image.
  std::string old_image = sha256Hex(readAll(copy_->path() / image.substr(1)));

  nlohmann::json f = findingFor(auditJson({"--root", root}), "L-DRIVERS");
  ASSERT_EQ(f["status"], "fail") << f.dump(2);
  EXPECT_NE(f["message"].get<std::string>().find("virtio_blk"), std::string::npos);

  CommandResult plan = runGuestprep({"fix", "--root", root, "--dry-run", "--only", "L-DRIVERS"});
  EXPECT_NE(plan.out.find("+virtio_blk"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("run update-initramfs -u -k " + release_), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("(changes " + image + ", backed up first)"), std::string::npos)
      << plan.out;

  CommandResult fixed =
      runGuestprep({"fix", "--root", root, "--yes", "--only", "L-DRIVERS", "--format", "json"});
  nlohmann::json fix = parse(fixed);
  ASSERT_TRUE(fix.contains("result")) << fixed.out << fixed.err;
  ASSERT_EQ(fix["result"]["results"].size(), 1u);
  EXPECT_EQ(fix["result"]["results"][0]["outcome"], "verified") << fix["result"].dump(2);
  EXPECT_EQ(fixed.exit_code, 0);
  EXPECT_NE(sha256Hex(readAll(copy_->path() / image.substr(1))), old_image)
      << "the image was rebuilt";
  EXPECT_TRUE(fs::is_empty(copy_->path() / "dev"))
      << "the /dev the tools used was private to their namespace";

  nlohmann::json after = findingFor(auditJson({"--root", root}), "L-DRIVERS");
  EXPECT_EQ(after["status"], "pass") << after.dump(2);

  CommandResult again =
      runGuestprep({"fix", "--root", root, "--dry-run", "--only", "L-DRIVERS", "--format", "json"});
  nlohmann::json second = parse(again);
  std::size_t actions = 0;
  for (const auto& item : second["plan"]["items"]) actions += item["actions"].size();
  EXPECT_EQ(actions, 0u) << again.out;

  CommandResult rolled = runGuestprep({"rollback", "--root", root});
  EXPECT_EQ(rolled.exit_code, 0) << rolled.out << rolled.err;
  EXPECT_EQ(diffSnapshots(before, snapshotTree(copy_->path())), "");
  EXPECT_EQ(sha256Hex(readAll(copy_->path() / image.substr(1))), old_image);
}

}  // namespace
}  // namespace guestprep::testing
