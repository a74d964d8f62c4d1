// Copies of the debootstrapped Debian 12 root, changed the way a package or an admin changes a
// real system, audited with --root: each change must give the verdict it deserves. The copies
// live under /var/tmp (one per test suite, removed afterwards); tools that must run inside the
// root (update-initramfs, lsinitramfs) run in a chroot inside `unshare --mount --pid --net
// --fork` with /proc mounted in the new namespace only.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "host/posix_fs.h"
#include "parsers/boot_initramfs.h"
#include "support/run_binary.h"
#include "support/suite_setup.h"

namespace guestprep::testing {
namespace {

namespace fs = std::filesystem;

constexpr auto kCommandTimeout = std::chrono::seconds(600);

std::string cachedRoot() {
  std::ifstream in(GUESTPREP_DEBIAN_ROOT_FILE);
  std::string path;
  std::getline(in, path);
  return path;
}

CommandResult mustRun(const std::vector<std::string>& argv) {
  auto r = os_linux::runCommand(argv, kCommandTimeout);
  if (!r) {
    ADD_FAILURE() << argv.front() << ": " << r.error().message;
    return {-1, "", ""};
  }
  EXPECT_EQ(r->exit_code, 0) << argv.front() << " " << (argv.size() > 1 ? argv[1] : "") << ": "
                             << r->err;
  return *r;
}

// `argv` run in a chroot of `root` inside new mount, PID and network namespaces; proc is mounted
// at root/proc in the new mount namespace only, so nothing is left mounted afterwards.
CommandResult inChroot(const std::string& root, const std::vector<std::string>& argv) {
  std::vector<std::string> full = {"unshare", "--mount", "--pid",
                                   "--net",   "--fork",  "--mount-proc=" + root + "/proc",
                                   "chroot",  root};
  full.insert(full.end(), argv.begin(), argv.end());
  return mustRun(full);
}

void writeFile(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A private copy of the cached root, made by cp -a (owners, modes, links kept) and removed by
// release().
class RootCopy {
 public:
  bool make(std::string& why) {
    std::string source = cachedRoot();
    if (source.empty()) {
      why = "the debian_root_build test did not produce a root (ctest -R debian_root_build)";
      return false;
    }
    if (::geteuid() != 0) {
      why = "copies keep root-owned files and chroot needs root: run as root";
      return false;
    }
    std::string tmpl = "/var/tmp/guestprep-variant-XXXXXX";
    if (!::mkdtemp(tmpl.data())) {
      why = "mkdtemp failed";
      return false;
    }
    dir_ = tmpl;
    path_ = dir_ + "/root";
    auto r = os_linux::runCommand({"cp", "-a", source, path_}, kCommandTimeout);
    if (!r || r->exit_code != 0) {
      why = "cp -a " + source + " failed: " + (r ? r->err : r.error().message);
      return false;
    }
    return true;
  }
  void release() {
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
    dir_.clear();
    path_.clear();
  }
  const std::string& path() const { return path_; }
  std::string dir() const { return dir_; }

 private:
  std::string dir_;
  std::string path_;
};

bool hasEvidence(const nlohmann::json& f, const std::string& source, const std::string& part) {
  for (const auto& e : f["evidence"]) {
    if (e.value("source", "") == source && e.value("text", "").find(part) != std::string::npos)
      return true;
  }
  return false;
}

// --- one copy, three independent changes: ufw, a second NIC, SELinux enforcing -----------------

// The ufw package is in the root (its unit enabled by its postinst, ufw.conf ENABLED=no,
// DEFAULT_INPUT_POLICY="DROP" in /etc/default/ufw). What `ufw enable` then writes, with the admin's
// rules for a web server that forgot ssh: ENABLED=yes and user rules for 80 and 443 only. (ufw
// itself is not run: `ufw allow` reaches for ip6tables, and `ufw enable` would load netfilter
// modules into this machine's kernel.)
void enableUfw(const std::string& root) {
  std::string conf = readAll(root + "/etc/ufw/ufw.conf");
  auto at = conf.find("\nENABLED=no\n");
  ASSERT_NE(at, std::string::npos) << "the ufw package's ufw.conf has no ENABLED=no line";
  conf.replace(at, 12, "\nENABLED=yes\n");
  writeFile(root + "/etc/ufw/ufw.conf", conf);
  ASSERT_NE(readAll(root + "/etc/default/ufw").find("DEFAULT_INPUT_POLICY=\"DROP\""),
            std::string::npos);
  ASSERT_TRUE(fs::is_symlink(root + "/etc/systemd/system/multi-user.target.wants/ufw.service"));
  std::string chains =
      "*filter\n"
      ":ufw-user-input - [0:0]\n"
      ":ufw-user-output - [0:0]\n"
      ":ufw-user-forward - [0:0]\n"
      ":ufw-before-logging-input - [0:0]\n"
      ":ufw-before-logging-output - [0:0]\n"
      ":ufw-before-logging-forward - [0:0]\n"
      ":ufw-user-logging-input - [0:0]\n"
      ":ufw-user-logging-output - [0:0]\n"
      ":ufw-user-logging-forward - [0:0]\n"
      ":ufw-after-logging-input - [0:0]\n"
      ":ufw-after-logging-output - [0:0]\n"
      ":ufw-after-logging-forward - [0:0]\n"
      ":ufw-logging-deny - [0:0]\n"
      ":ufw-logging-allow - [0:0]\n"
      ":ufw-user-limit - [0:0]\n"
      ":ufw-user-limit-accept - [0:0]\n"
      "### RULES ###\n\n";
  std::string tail =
      "\n### END RULES ###\n\n"
      "### LOGGING ###\n"
      "-A ufw-after-logging-input -j LOG --log-prefix \"[UFW BLOCK] \" -m limit --limit 3/min "
      "--limit-burst 10\n"
      "### END LOGGING ###\n\n"
      "### RATE LIMITING ###\n"
      "-A ufw-user-limit -m limit --limit 3/minute -j LOG --log-prefix \"[UFW LIMIT BLOCK] \"\n"
      "-A ufw-user-limit -j REJECT\n"
      "-A ufw-user-limit-accept -j ACCEPT\n"
      "### END RATE LIMITING ###\n"
      "COMMIT\n";
  writeFile(root + "/etc/ufw/user.rules",
            chains +
                "### tuple ### allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in\n"
                "-A ufw-user-input -p tcp --dport 80 -j ACCEPT\n\n"
                "### tuple ### allow tcp 443 0.0.0.0/0 any 0.0.0.0/0 in\n"
                "-A ufw-user-input -p tcp --dport 443 -j ACCEPT\n" +
                tail);
  writeFile(root + "/etc/ufw/user6.rules", chains +
                                               "### tuple ### allow tcp 80 ::/0 any ::/0 in\n"
                                               "-A ufw6-user-input -p tcp --dport 80 -j ACCEPT\n" +
                                               tail);
}

class DebianRootChanged : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    error_ = guardedSetUp([] {
      copy_ = new RootCopy;
      if (!copy_->make(skip_)) return;
      const std::string& root = copy_->path();
      enableUfw(root);
      // The admin added the backend NIC next to the primary one.
      std::string interfaces = readAll(root + "/etc/network/interfaces");
      writeFile(root + "/etc/network/interfaces",
                interfaces +
                    "\n# The primary network interface\nauto eth0\niface eth0 inet dhcp\n\n"
                    "# Backend network\nauto eth1\niface eth1 inet static\n"
                    "\taddress 10.20.0.15/24\n");
      // selinux-activate would write this (selinux-basics); the admin turned it to enforcing.
      writeFile(root + "/etc/selinux/config",
                "# This file controls the state of SELinux on the system.\n"
                "# SELINUX= can take one of these three values:\n"
                "# enforcing - SELinux security policy is enforced.\n"
                "# permissive - SELinux prints warnings instead of enforcing.\n"
                "# disabled - No SELinux policy is loaded.\n"
                "SELINUX=enforcing\n"
                "# SELINUXTYPE= can take one of these two values:\n"
                "# default - equivalent to the old strict and targeted policies\n"
                "# mls     - Multi-Level Security (for military and educational use)\n"
                "# src     - Custom policy built from source\n"
                "SELINUXTYPE=default\n");
      int exit_code = -1;
      report_ = new nlohmann::json(auditJson({"--root", root}, &exit_code));
      exit_code_ = exit_code;
    });
  }
  static void TearDownTestSuite() {
    if (copy_) copy_->release();
    delete copy_;
    delete report_;
    copy_ = nullptr;
    report_ = nullptr;
  }
  void SetUp() override {
    if (!error_.empty()) FAIL() << "the suite's set-up failed:\n" << error_;
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_NE(report_, nullptr);
  }
  static nlohmann::json finding(const char* req) { return findingFor(*report_, req); }

  static inline std::string error_;
  static inline RootCopy* copy_ = nullptr;
  static inline nlohmann::json* report_ = nullptr;
  static inline int exit_code_ = -1;
  static inline std::string skip_;
};

TEST_F(DebianRootChanged, UfwEnabledWithoutPort22FailsTheFirewall) {
  nlohmann::json fw = finding("L-FIREWALL");
  EXPECT_EQ(fw["status"], "fail") << fw.dump(2);
  EXPECT_NE(fw["message"].get<std::string>().find("ufw"), std::string::npos) << fw["message"];
  // The boot evidence names the ufw.conf line: source /etc/ufw/ufw.conf, line 6, ENABLED=yes.
  bool ufw_conf = false;
  for (const auto& e : fw["evidence"]) {
    ufw_conf = ufw_conf || (e["source"] == "/etc/ufw/ufw.conf" && e["line"] == 6 &&
                            e["text"].get<std::string>().find("ENABLED=yes") != std::string::npos);
  }
  EXPECT_TRUE(ufw_conf) << fw.dump(2);
  // No user rule opens 22, so the DROP default decides.
  EXPECT_TRUE(hasEvidence(fw, "/etc/default/ufw", "DEFAULT_INPUT_POLICY=DROP")) << fw.dump(2);
  EXPECT_EQ(exit_code_, 1);
}

// sshd.reachable judges sshd itself (installed, enabled, sshd_config, listening): the blocked
// port is L-FIREWALL's finding, so L-SSH still passes on this root.
TEST_F(DebianRootChanged, SshdItselfStaysReachable) {
  nlohmann::json ssh = finding("L-SSH");
  EXPECT_EQ(ssh["status"], "pass") << ssh.dump(2);
  EXPECT_TRUE(
      hasEvidence(ssh, "/etc/systemd/system/multi-user.target.wants/ssh.service", "start at boot"))
      << ssh.dump(2);
}

TEST_F(DebianRootChanged, SecondInterfaceFailsNicCount) {
  nlohmann::json nic = finding("L-NIC");
  EXPECT_EQ(nic["status"], "fail") << nic.dump(2);
  EXPECT_NE(nic["message"].get<std::string>().find("eth0, eth1"), std::string::npos)
      << nic["message"];
  bool eth1 = false;
  for (const auto& e : nic["evidence"]) {
    eth1 |= e.value("source", "") == "/etc/network/interfaces" &&
            e.value("text", "").find("eth1") != std::string::npos && e.value("line", 0) > 0;
  }
  EXPECT_TRUE(eth1) << nic.dump(2);
  // eth0 now asks for DHCP.
  EXPECT_EQ(finding("L-DHCP")["status"], "pass") << finding("L-DHCP").dump(2);
}

TEST_F(DebianRootChanged, SelinuxEnforcingFails) {
  nlohmann::json se = finding("L-SELINUX");
  EXPECT_EQ(se["status"], "fail") << se.dump(2);
  EXPECT_NE(se["message"].get<std::string>().find("enforcing"), std::string::npos) << se["message"];
  bool line = false;
  for (const auto& e : se["evidence"]) {
    line |= e.value("source", "") == "/etc/selinux/config" && e.value("line", 0) == 6;
  }
  EXPECT_TRUE(line) << se.dump(2);
}

// --- initramfs: rebuilt by update-initramfs without the virtio drivers ---------------------------

std::set<std::string> lsinitramfsSet(const std::string& root, const std::string& image) {
  CommandResult r = inChroot(root, {"lsinitramfs", image});
  std::set<std::string> out;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    // lsinitramfs prints each archive's root as "."; the native listing drops it.
    if (!line.empty() && line != ".") out.insert(line);
  }
  return out;
}

std::set<std::string> nativeSet(const std::string& path, std::string& error) {
  os_linux::InitramfsListing l = os_linux::listInitramfs(readAll(path));
  error = l.error;
  return {l.files.begin(), l.files.end()};
}

std::string kernelRelease(const std::string& root) {
  for (const auto& e : fs::directory_iterator(root + "/usr/lib/modules")) {
    return e.path().filename().string();
  }
  return "";
}

std::string describeDifference(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::string out;
  int n = 0;
  for (const auto& x : a) {
    if (!b.contains(x) && n++ < 10) out += " only native: " + x;
  }
  for (const auto& x : b) {
    if (!a.contains(x) && n++ < 20) out += " only lsinitramfs: " + x;
  }
  return out;
}

class DebianRootInitramfs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    error_ = guardedSetUp([] {
      copy_ = new RootCopy;
      if (!copy_->make(skip_)) return;
      const std::string& root = copy_->path();
      release_ = kernelRelease(root);
      image_ = "/boot/initrd.img-" + release_;
      // The image debootstrap's update-initramfs built (MODULES=most), kept for the comparison.
      original_ = copy_->dir() + "/original.img";
      fs::copy_file(root + image_, original_);
      original_listing_ = new std::set<std::string>(lsinitramfsSet(root, image_));
      // MODULES=list: only the modules listed in /etc/initramfs-tools/modules (none) go in, so
      // the rebuilt image has no virtio, Xen or NVMe driver (this machine's own virtio disk does
      // not matter, unlike MODULES=dep).
      std::string conf = readAll(root + "/etc/initramfs-tools/initramfs.conf");
      auto at = conf.find("\nMODULES=most");
      if (at == std::string::npos) {
        skip_ = "initramfs.conf has no MODULES=most line to change";
        return;
      }
      conf.replace(at, 13, "\nMODULES=list");
      writeFile(root + "/etc/initramfs-tools/initramfs.conf", conf);
      inChroot(root, {"update-initramfs", "-u", "-k", "all"});
      rebuilt_listing_ = new std::set<std::string>(lsinitramfsSet(root, image_));
      report_ = new nlohmann::json(auditJson({"--root", root}));
    });
  }
  static void TearDownTestSuite() {
    if (copy_) copy_->release();
    delete copy_;
    delete report_;
    delete original_listing_;
    delete rebuilt_listing_;
    copy_ = nullptr;
    report_ = nullptr;
    original_listing_ = rebuilt_listing_ = nullptr;
  }
  void SetUp() override {
    if (!error_.empty()) FAIL() << "the suite's set-up failed:\n" << error_;
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_NE(report_, nullptr);
  }

  static inline std::string error_;
  static inline RootCopy* copy_ = nullptr;
  static inline nlohmann::json* report_ = nullptr;
  static inline std::set<std::string>* original_listing_ = nullptr;
  static inline std::set<std::string>* rebuilt_listing_ = nullptr;
  static inline std::string release_, image_, original_, skip_;
};

// The native reader lists exactly the paths lsinitramfs lists, for the image debootstrap built
// (early microcode cpio? none here: zstd-compressed newc) and for the rebuilt one.
TEST_F(DebianRootInitramfs, NativeListingEqualsLsinitramfs) {
  std::string error;
  std::set<std::string> native = nativeSet(original_, error);
  EXPECT_EQ(error, "");
  EXPECT_GT(native.size(), 500u) << "MODULES=most puts hundreds of modules in";
  EXPECT_EQ(native, *original_listing_) << describeDifference(native, *original_listing_);

  std::set<std::string> rebuilt = nativeSet(copy_->path() + image_, error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(rebuilt, *rebuilt_listing_) << describeDifference(rebuilt, *rebuilt_listing_);
  EXPECT_LT(rebuilt.size(), native.size());
}

TEST_F(DebianRootInitramfs, RebuiltImageReallyLacksVirtio) {
  for (const auto& p : *rebuilt_listing_) {
    EXPECT_EQ(p.find("virtio"), std::string::npos) << p;
  }
  bool had_virtio_blk = std::any_of(
      original_listing_->begin(), original_listing_->end(),
      [](const std::string& p) { return p.find("/virtio_blk.ko") != std::string::npos; });
  EXPECT_TRUE(had_virtio_blk) << "the original image carries virtio_blk";
}

TEST_F(DebianRootInitramfs, DriversFailNamingTheMissingModules) {
  nlohmann::json d = findingFor(*report_, "L-DRIVERS");
  EXPECT_EQ(d["status"], "fail") << d.dump(2);
  std::string message = d["message"];
  for (const char* m : {"virtio_blk", "virtio_pci"}) {
    EXPECT_NE(message.find(m), std::string::npos) << m << " not named: " << message;
  }
  EXPECT_NE(d["evidence"].dump().find(image_), std::string::npos) << d.dump(2);
  // The modules are still installed: only the initramfs lacks them.
  nlohmann::json k = findingFor(*report_, "X-BOOTKERNEL");
  EXPECT_EQ(k["status"], "pass") << k.dump(2);
  nlohmann::json nvme = findingFor(*report_, "X-NVME");
  EXPECT_EQ(nvme["status"], "warn") << nvme.dump(2);
}

}  // namespace
}  // namespace guestprep::testing
