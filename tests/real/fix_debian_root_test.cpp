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
#include <set>
#include <sstream>

#include "host/mutable_host.h"
#include "host/posix_fs.h"
#include "support/run_binary.h"
#include "support/suite_setup.h"
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

/// The cached root, or "" with `skip` saying why a test that copies it and runs its tools in a
/// chroot cannot run here.
std::string rootToCopy(std::string& skip) {
  std::string source = cachedRoot();
  if (source.empty()) {
    skip = "the debian_root_build test did not produce a root (ctest -R debian_root_build)";
  } else if (::geteuid() != 0) {
    skip = "copies keep root-owned files and chroot needs root: run as root";
  }
  return skip.empty() ? source : std::string();
}

/// A suite that works on one private copy of the cached Debian root, made once by
/// Suite::prepare(source). The set-up runs through guardedSetUp: what fails there fails every
/// test of the suite (gtest would skip them, and ctest count that as passed); what cannot run
/// here is a skip with the reason.
template <class Suite>
class RootCopySuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    error_ = guardedSetUp([] {
      std::string source = rootToCopy(skip_);
      if (!source.empty()) Suite::prepare(source);
    });
  }
  static void TearDownTestSuite() {
    delete copy_;
    copy_ = nullptr;
  }
  void SetUp() override {
    if (!error_.empty()) FAIL() << "the suite's set-up failed:\n" << error_;
    if (!skip_.empty()) GTEST_SKIP() << skip_;
  }

  static inline std::string error_, skip_;
  static inline TempCopy* copy_ = nullptr;
};

class DebianRootFix : public RootCopySuite<DebianRootFix> {
 public:
  static void prepare(const std::string& source) {
    copy_ = new TempCopy(source);
    const fs::path root = copy_->path();
    for (const auto& e : fs::directory_iterator(root / "usr/lib/modules")) {
      release_ = e.path().filename().string();
    }
    // MODULES=list: only /etc/initramfs-tools/modules goes in, so the image has no virtio
    // driver whatever this machine has.
    std::string conf = readAll(root / "etc/initramfs-tools/initramfs.conf");
    auto at = conf.find("\nMODULES=most");
    ASSERT_NE(at, std::string::npos) << "initramfs.conf has no MODULES=most line to change";
    conf.replace(at, 13, "\nMODULES=list");
    std::ofstream(root / "etc/initramfs-tools/initramfs.conf", std::ios::trunc) << conf;
    auto r = os_linux::runCommand(
        {"unshare", "--mount", "--pid", "--net", "--fork", "--mount-proc=" + copy_->str() + "/proc",
         "chroot", copy_->str(), "update-initramfs", "-u", "-k", release_},
        kTimeout);
    ASSERT_TRUE(r && r->exit_code == 0)
        << "update-initramfs in the copy failed: " << (r ? r->err : r.error().message);
    // A system disk mounted for an offline fix has an empty /dev (devtmpfs is mounted at boot).
    for (const auto& e : fs::directory_iterator(root / "dev")) fs::remove_all(e.path());
  }

 protected:
  static inline std::string release_;
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

// ---- every fixer that applies to Debian, on one copy broken the way admins break servers --------

void writeText(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << p;
}

/// Replaces the first `from` in the file by `to`; a failure when it is not there.
void replaceIn(const fs::path& p, const std::string& from, const std::string& to) {
  std::string text = readAll(p);
  auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << p << " has no " << from;
  text.replace(at, from.size(), to);
  writeText(p, text);
}

// What the copy is given, and the requirement each change must fail:
// - ifupdown: the primary NIC under its VMware-era name with a static address, a MAC set by
//   hwaddress and an IPv6 address; a backend NIC; net.ifnames=0 on the kernel command line, so
//   neither name exists on the next boot (L-NIC, L-IPV6, L-DHCP, X-NETPIN);
// - a udev rule naming eth1 after an old MAC (X-NETPIN);
// - the real ufw package enabled with its DROP default (L-FIREWALL);
// - sshd moved to port 2222 by a drop-in and disabled at boot (L-SSH);
// - the real libpam-pwquality with minlen 14 and four classes (L-PASSWD);
// - /etc/shadow and /etc/resolv.conf immutable (L-SHADOW, X-RESOLV);
// - SELinux configured enforcing (L-SELINUX);
// - a CIFS share in fstab without nofail (X-FSTABRESOLVE);
// - the kernel's modules.dep deleted (X-BOOTKERNEL).
const std::vector<std::string> kBroken = {
    "L-NIC",    "L-IPV6",   "L-DHCP",   "X-NETPIN",  "L-FIREWALL",     "L-SSH",
    "L-PASSWD", "L-SHADOW", "X-RESOLV", "L-SELINUX", "X-FSTABRESOLVE", "X-BOOTKERNEL"};

class DebianRootBroken : public RootCopySuite<DebianRootBroken> {
 public:
  static void prepare(const std::string& source) {
    if (!fs::exists(fs::path(source) / "etc/ufw/ufw.conf") ||
        !fs::exists(fs::path(source) / "etc/security/pwquality.conf")) {
      skip_ = "the cached root predates ufw and libpam-pwquality in make-debian-root.sh";
      return;
    }
    copy_ = new TempCopy(source);
    const fs::path root = copy_->path();
    std::string interfaces = readAll(root / "etc/network/interfaces");
    writeText(root / "etc/network/interfaces",
              interfaces +
                  "\n# The primary network interface\nallow-hotplug ens3\n"
                  "iface ens3 inet static\n\taddress 192.168.122.10/24\n\tgateway 192.168.122.1\n"
                  "\thwaddress ether 52:54:00:12:34:56\n"
                  "iface ens3 inet6 static\n\taddress fd00:122::10/64\n\n"
                  "# Backend network\nauto ens4\niface ens4 inet static\n"
                  "\taddress 10.20.0.15/24\n");
    writeText(root / "etc/default/grub",
              "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\n"
              "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n"
              "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
              "GRUB_CMDLINE_LINUX=\"net.ifnames=0 biosdevname=0\"\n");
    writeText(root / "etc/udev/rules.d/70-persistent-net.rules",
              "# This file was automatically generated by the /lib/udev/write_net_rules\n"
              "# program, run by the persistent-net-generator.rules rules file.\n\n"
              "# PCI device 0x1af4:0x1000 (virtio-pci)\n"
              "SUBSYSTEM==\"net\", ACTION==\"add\", DRIVERS==\"?*\", "
              "ATTR{address}==\"52:54:00:ab:cd:ef\", ATTR{dev_id}==\"0x0\", ATTR{type}==\"1\", "
              "KERNEL==\"eth*\", NAME=\"eth1\"\n");
    replaceIn(root / "etc/ufw/ufw.conf", "\nENABLED=no", "\nENABLED=yes");
    writeText(root / "etc/ssh/sshd_config.d/local.conf", "Port 2222\n");
    fs::remove(root / "etc/systemd/system/multi-user.target.wants/ssh.service");
    fs::remove(root / "etc/systemd/system/sshd.service");
    replaceIn(root / "etc/security/pwquality.conf", "# minlen = 8", "minlen = 14");
    replaceIn(root / "etc/security/pwquality.conf", "# minclass = 0", "minclass = 4");
    writeText(root / "etc/selinux/config", "SELINUX=enforcing\nSELINUXTYPE=default\n");
    writeText(root / "etc/fstab",
              "UUID=5d3e7c1a-8b2f-4d6e-9a01-3c4b5d6e7f80 / ext4 errors=remount-ro 0 1\n"
              "//fileserver/share /mnt/share cifs credentials=/root/.smb 0 0\n");
    for (const auto& e : fs::directory_iterator(root / "usr/lib/modules")) {
      fs::remove(e.path() / "modules.dep");
    }
    std::string chattr =
        "chattr +i '" + copy_->str() + "/etc/shadow' '" + copy_->str() + "/etc/resolv.conf'";
    if (std::system(chattr.c_str()) != 0) {
      skip_ = "chattr +i failed: the filesystem of " + copy_->str() + " has no inode flags";
    }
  }
};

TEST_F(DebianRootBroken, EveryFixerFixesVerifiesAndRollsBack) {
  const std::string root = copy_->str();
  TreeSnapshot before = snapshotTree(copy_->path());
  std::string only;
  for (const auto& id : kBroken) only += (only.empty() ? "" : ",") + id;

  nlohmann::json audit = auditJson({"--root", root});
  for (const auto& id : kBroken) {
    nlohmann::json f = findingFor(audit, id.c_str());
    EXPECT_TRUE(f["status"] == "fail" || f["status"] == "warn") << id << ": " << f.dump(2);
  }

  CommandResult fixed =
      runGuestprep({"fix", "--root", root, "--yes", "--only", only, "--format", "json"});
  nlohmann::json fix = parse(fixed);
  ASSERT_TRUE(fix.contains("result")) << fixed.out << fixed.err;
  std::set<std::string> verified;
  for (const auto& r : fix["result"]["results"]) {
    EXPECT_EQ(r["outcome"], "verified") << r.dump(2);
    if (r["outcome"] == "verified") verified.insert(r["requirement"].get<std::string>());
  }
  EXPECT_EQ(verified, std::set<std::string>(kBroken.begin(), kBroken.end()));
  EXPECT_EQ(fixed.exit_code, 0) << fixed.err;

  // What the next boot gets, read back from the files.
  std::string interfaces = readAll(copy_->path() / "etc/network/interfaces");
  EXPECT_NE(interfaces.find("\nallow-hotplug eth0\n"), std::string::npos) << interfaces;
  EXPECT_NE(interfaces.find("\niface eth0 inet dhcp\n"), std::string::npos) << interfaces;
  EXPECT_EQ(interfaces.find("\nauto ens4"), std::string::npos) << interfaces;
  EXPECT_NE(readAll(copy_->path() / "etc/ufw/ufw.conf").find("\nENABLED=no\n"), std::string::npos);
  EXPECT_TRUE(fs::is_symlink(copy_->path() / "etc/systemd/system/multi-user.target.wants/"
                                             "ssh.service"));
  for (const auto& e : fs::directory_iterator(copy_->path() / "usr/lib/modules")) {
    EXPECT_TRUE(fs::exists(e.path() / "modules.dep")) << "depmod ran in the root";
  }

  nlohmann::json after = auditJson({"--root", root});
  for (const auto& id : kBroken) {
    nlohmann::json f = findingFor(after, id.c_str());
    EXPECT_EQ(f["status"], "pass") << id << ": " << f.dump(2);
  }

  CommandResult again =
      runGuestprep({"fix", "--root", root, "--dry-run", "--only", only, "--format", "json"});
  nlohmann::json second = parse(again);
  std::size_t actions = 0;
  for (const auto& item : second["plan"]["items"]) actions += item["actions"].size();
  EXPECT_EQ(actions, 0u) << again.out;

  CommandResult rolled = runGuestprep({"rollback", "--root", root});
  EXPECT_EQ(rolled.exit_code, 0) << rolled.out << rolled.err;
  // Content, modes, owners, xattrs and inode flags (the immutable bits came back).
  EXPECT_EQ(diffSnapshots(before, snapshotTree(copy_->path())), "");
}

// X-MACHINEID is fixed only when asked. Debian without cloud-init makes no SSH host keys at boot,
// so the keys stay (sshd would not start without them): the machine-id is emptied, the finding
// stays a warning about the keys, and the fix says so; rollback brings the machine-id back.
TEST_F(DebianRootBroken, MachineIdOnlyWhenAskedKeysKeptAndRolledBack) {
  const std::string root = copy_->str();
  TreeSnapshot before = snapshotTree(copy_->path());
  CommandResult all = runGuestprep({"fix", "--root", root, "--dry-run", "--format", "json"});
  bool skipped = false;
  const nlohmann::json plan = parse(all);  // named: a temporary would die before the loop runs
  for (const auto& s : plan["plan"]["skipped"]) {
    skipped |= s["requirement"] == "X-MACHINEID" &&
               s["reason"].get<std::string>().find("--only X-MACHINEID") != std::string::npos;
  }
  EXPECT_TRUE(skipped) << all.out;

  CommandResult fixed =
      runGuestprep({"fix", "--root", root, "--yes", "--only", "X-MACHINEID", "--format", "json"});
  nlohmann::json fix = parse(fixed);
  ASSERT_TRUE(fix.contains("result")) << fixed.out << fixed.err;
  ASSERT_EQ(fix["plan"]["items"].size(), 1u) << fix["plan"].dump(2);
  EXPECT_NE(fix["plan"]["items"][0]["notes"].dump().find("SSH host keys kept"), std::string::npos)
      << fix["plan"].dump(2);
  const auto& result = fix["result"]["results"][0];
  EXPECT_EQ(result["outcome"], "not verified") << result.dump(2);
  EXPECT_NE(result["detail"].get<std::string>().find("SSH host key"), std::string::npos)
      << result.dump(2);
  EXPECT_EQ(fixed.exit_code, 1);
  EXPECT_EQ(readAll(copy_->path() / "etc/machine-id").size(), 0u)
      << "an empty machine-id: systemd makes a new one at first boot";
  EXPECT_TRUE(fs::exists(copy_->path() / "etc/ssh/ssh_host_ed25519_key"));
  CommandResult rolled = runGuestprep({"rollback", "--root", root});
  EXPECT_EQ(rolled.exit_code, 0) << rolled.out << rolled.err;
  EXPECT_EQ(diffSnapshots(before, snapshotTree(copy_->path())), "");
}

// ---- --live for real: guestprep runs inside the root, in namespaces of its own -----------------
//
// The copy becomes a running system without touching this machine: a chroot in new mount, PID,
// network, UTS and IPC namespaces, with its own /proc and loopback. sshd runs there on port 2222
// (the admin's drop-in), the static guestprep binary runs `fix --live` inside it, and what the
// fix did to the running system is read there: IPv6 off now in that network namespace (sysctl),
// sshd reloaded and listening on port 22. Rollback then turns IPv6 back on. When the shell ends,
// the PID namespace ends with it, sshd included, and the mounts go with the mount namespace.

bool listensOn(const std::string& proc_net_tcp, int port) {
  std::istringstream in(proc_net_tcp);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string sl, local, remote, state;
    f >> sl >> local >> remote >> state;
    auto colon = local.rfind(':');
    if (state == "0A" && colon != std::string::npos &&
        std::stoi(local.substr(colon + 1), nullptr, 16) == port) {
      return true;
    }
  }
  return false;
}

TEST(DebianRootLive, FixLiveChangesTheRunningSystemInItsOwnNamespaces) {
  std::string skip;
  std::string source = rootToCopy(skip);
  if (source.empty()) GTEST_SKIP() << skip;
  const std::string inside_binary = GUESTPREP_INSIDE_BINARY;
  if (inside_binary.empty() || !fs::exists(inside_binary)) {
    GTEST_SKIP() << "no static guestprep binary to run inside the root (" << inside_binary << ")";
  }
  if (!fs::exists(fs::path(source) / "usr/sbin/sysctl")) {
    GTEST_SKIP() << "the cached root predates procps in make-debian-root.sh";
  }
  TempCopy copy(source);
  const fs::path root = copy.path();
  fs::copy_file(inside_binary, root / "usr/local/sbin/guestprep",
                fs::copy_options::overwrite_existing);
  writeText(root / "etc/ssh/sshd_config.d/local.conf", "Port 2222\n");
  writeText(root / "tmp/live.sh",
            "set -u\n"
            "ip link set lo up\n"
            "mkdir -p /run/sshd\n"
            "/usr/sbin/sshd || echo sshd-failed > /tmp/errors\n"
            // sshd forks into the background before it binds: wait for port 2222 (0x08AE).
            "n=0; while ! grep -q ':08AE 00000000:0000 0A' /proc/net/tcp && [ $n -lt 100 ]; "
            "do n=$((n+1)); sleep 0.1; done\n"
            "cat /proc/net/tcp > /tmp/tcp.before\n"
            "cat /proc/sys/net/ipv6/conf/all/disable_ipv6 > /tmp/ipv6.before\n"
            "/usr/local/sbin/guestprep fix --live --yes --only L-IPV6,L-SSH --format json > "
            "/tmp/fix.json "
            "2> /tmp/fix.err\n"
            "echo $? > /tmp/fix.rc\n"
            "cat /proc/sys/net/ipv6/conf/all/disable_ipv6 > /tmp/ipv6.after\n"
            "cat /proc/net/tcp > /tmp/tcp.after\n"
            "/usr/local/sbin/guestprep rollback > /tmp/rollback.out 2>&1\n"
            "echo $? > /tmp/rollback.rc\n"
            "cat /proc/sys/net/ipv6/conf/all/disable_ipv6 > /tmp/ipv6.rolledback\n");
  // This machine's own value, which the test must leave as it is.
  std::string host_ipv6 = readAll("/proc/sys/net/ipv6/conf/all/disable_ipv6");
  auto r = os_linux::runCommand(
      {"unshare", "--mount", "--pid", "--net", "--uts", "--ipc", "--fork",
       "--mount-proc=" + copy.str() + "/proc", "chroot", copy.str(), "/bin/sh", "/tmp/live.sh"},
      kTimeout);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->exit_code, 0) << r->out << r->err;
  auto file = [&](const char* name) { return readAll(root / "tmp" / name); };
  ASSERT_FALSE(fs::exists(root / "tmp/errors")) << file("errors");

  EXPECT_EQ(file("ipv6.before"), "0\n");
  EXPECT_TRUE(listensOn(file("tcp.before"), 2222));
  EXPECT_FALSE(listensOn(file("tcp.before"), 22));

  nlohmann::json fix;
  try {
    fix = nlohmann::json::parse(file("fix.json"));
  } catch (const std::exception& e) {
    FAIL() << "fix did not print JSON: " << file("fix.json") << file("fix.err");
  }
  EXPECT_EQ(file("fix.rc"), "0\n") << fix.dump(2) << file("fix.err");
  std::string argv;
  for (const auto& item : fix["plan"]["items"]) {
    for (const auto& a : item["actions"]) {
      if (a.contains("argv")) argv += a["argv"].dump() + "\n";
    }
  }
  EXPECT_NE(argv.find("\"sysctl\",\"-w\",\"net.ipv6.conf.all.disable_ipv6=1\""), std::string::npos)
      << argv;
  EXPECT_NE(argv.find("\"service\",\"ssh\",\"reload\""), std::string::npos) << argv;
  for (const auto& res : fix["result"]["results"]) {
    EXPECT_EQ(res["outcome"], "verified") << res.dump(2);
  }
  EXPECT_EQ(file("ipv6.after"), "1\n") << "IPv6 is off now in the root's network namespace";
  EXPECT_TRUE(listensOn(file("tcp.after"), 22)) << "sshd reloaded with Port 22 added";
  EXPECT_TRUE(listensOn(file("tcp.after"), 2222)) << "and the admin's port kept";

  EXPECT_EQ(file("rollback.rc"), "0\n") << file("rollback.out");
  EXPECT_EQ(file("ipv6.rolledback"), "0\n") << file("rollback.out");
  EXPECT_EQ(file("../etc/ssh/sshd_config.d/local.conf"), "Port 2222\n");
  EXPECT_FALSE(fs::exists(root / "etc/sysctl.d/90-guestprep-disable-ipv6.conf"));
  EXPECT_EQ(readAll("/proc/sys/net/ipv6/conf/all/disable_ipv6"), host_ipv6)
      << "this machine's IPv6 setting was not touched";
}

}  // namespace
}  // namespace guestprep::testing
