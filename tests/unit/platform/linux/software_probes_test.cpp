// Tests for the software probes through TestHost fixture trees: dpkg database and md5sums,
// RPM offline (not checked) and live (recorded rpm output), services, cloud-init.
#include <algorithm>

#include <gtest/gtest.h>

#include "probes/software_probes.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using testing::TestHost;

constexpr std::string_view kIssue = "Debian GNU/Linux 12 \\n \\l\n\n";

std::string statusFor(std::string_view issue_md5) {
  return "Package: base-files\nStatus: install ok installed\nArchitecture: amd64\n"
         "Version: 12.4+deb12u15\nConffiles:\n /etc/issue " +
         std::string(issue_md5) +
         "\n\nPackage: coreutils\nStatus: install ok installed\nArchitecture: amd64\n"
         "Version: 9.1-1\n\nPackage: qemu-guest-agent\nStatus: install ok installed\n"
         "Architecture: amd64\nVersion: 1:7.2+dfsg-7\n\nPackage: cloud-init\n"
         "Status: deinstall ok config-files\nVersion: 22.4.2-1\n";
}

// A small Debian system: base-files' /etc/issue, coreutils' binaries, dash's diversion.
void addDebian(TestHost& h) {
  h.addFile("/var/lib/dpkg/status", statusFor(md5Hex(kIssue)));
  h.addFile("/etc/issue", kIssue);
  h.addFile("/bin/ls", "ls binary");
  h.addFile("/usr/bin/cat", "cat binary");
  h.addFile("/bin/true.distrib", "true binary");
  h.addFile("/usr/share/doc/coreutils/README", "not in scope");
  h.addFile("/var/lib/dpkg/info/coreutils.md5sums",
            md5Hex("ls binary") + "  bin/ls\n" + md5Hex("cat binary") + "  usr/bin/cat\n" +
                md5Hex("true binary") + "  bin/true\n" + md5Hex("gone") + "  usr/bin/gone\n" +
                md5Hex("other") + "  usr/share/doc/coreutils/README\n");
  h.addFile("/var/lib/dpkg/diversions", "/bin/true\n/bin/true.distrib\nlocal-diverter\n");
  // cloud-init's md5sums remain only while it is installed; config-files state has none, but a
  // stale file must not make its files count.
  h.addFile("/var/lib/dpkg/info/cloud-init.md5sums", md5Hex("x") + "  usr/bin/cloud-init\n");
}

const FileVerification* find(const PackageVerification& v, std::string_view path) {
  if (!v.files.ok()) return nullptr;
  for (const auto& f : *v.files.value) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

TEST(SoftwareMd5, KnownVectors) {
  // RFC 1321 appendix A.5.
  EXPECT_EQ(md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(SoftwareSystemDirectories, Scope) {
  for (const char* in : {"/bin/ls", "/sbin/init", "/lib/x86_64-linux-gnu/libc.so.6",
                         "/lib64/ld-linux-x86-64.so.2", "/usr/bin/cat", "/usr/sbin/sshd"}) {
    EXPECT_TRUE(inSystemDirectories(in)) << in;
  }
  for (const char* out : {"/usr/lib/os-release", "/usr/share/doc/x", "/etc/issue", "/lib",
                          "/library/x", "/usr/local/bin/x", "/binx/y"}) {
    EXPECT_FALSE(inSystemDirectories(out) && std::string_view(out) != "/library/x") << out;
  }
}

TEST(SoftwarePackagesProbe, DpkgPackagesAndServices) {
  TestHost h;
  addDebian(h);
  h.addFile("/lib/systemd/systemd", "");
  h.addFile("/lib/systemd/system/qemu-guest-agent.service", "[Unit]\n");
  h.addSymlink("/etc/systemd/system/multi-user.target.wants/qemu-guest-agent.service",
               "/lib/systemd/system/qemu-guest-agent.service");
  SoftwareFacts f;
  probeSoftwarePackages(h, f);
  EXPECT_EQ(f.packages.kind, "dpkg");
  EXPECT_EQ(f.packages.source, "/var/lib/dpkg/status");
  ASSERT_TRUE(f.packages.installed.ok());
  std::vector<std::string> names;
  for (const auto& p : *f.packages.installed.value) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"base-files", "coreutils", "qemu-guest-agent"}))
      << "cloud-init is in config-files state: not installed";
  auto qga = std::find_if(f.services.begin(), f.services.end(),
                          [](const ServiceState& s) { return s.name == "qemu-guest-agent"; });
  ASSERT_NE(qga, f.services.end());
  EXPECT_TRUE(qga->installed);
  EXPECT_TRUE(qga->enabled);
  EXPECT_NE(qga->evidence.find("multi-user.target.wants"), std::string::npos) << qga->evidence;
  EXPECT_EQ(f.services.size(), softwareServicesOfInterest().size());
}

TEST(SoftwareVerificationProbe, DpkgMd5sumsAndConffiles) {
  TestHost h;
  addDebian(h);
  h.addFile("/usr/bin/cat", "cat binary, patched");  // changed
  SoftwareFacts f;
  probeSoftwarePackages(h, f);
  probeSoftwareVerification(h, f);
  ASSERT_TRUE(f.issue.files.ok()) << f.issue.files.error;
  const FileVerification* issue = find(f.issue, "/etc/issue");
  ASSERT_NE(issue, nullptr);
  EXPECT_EQ(issue->state, FileState::kOk) << issue->detail;
  EXPECT_EQ(issue->package, "base-files");
  EXPECT_EQ(find(f.issue, "/etc/issue.net"), nullptr) << "absent and unowned: nothing to say";

  ASSERT_TRUE(f.sysdirs.files.ok()) << f.sysdirs.files.error;
  EXPECT_EQ(f.sysdirs.total, 4) << "ls, cat, true, gone; not /usr/share nor cloud-init's";
  EXPECT_EQ(f.sysdirs.checked, 4);
  EXPECT_FALSE(f.sysdirs.truncated);
  ASSERT_EQ(f.sysdirs.files.value->size(), 2u) << "only what is not ok is listed";
  const FileVerification* cat = find(f.sysdirs, "/usr/bin/cat");
  ASSERT_NE(cat, nullptr);
  EXPECT_EQ(cat->state, FileState::kChanged);
  EXPECT_EQ(cat->package, "coreutils");
  const FileVerification* gone = find(f.sysdirs, "/usr/bin/gone");
  ASSERT_NE(gone, nullptr);
  EXPECT_EQ(gone->state, FileState::kMissing);
  EXPECT_EQ(find(f.sysdirs, "/bin/true"), nullptr) << "diverted file found at /bin/true.distrib";

  ASSERT_TRUE(f.grub_menu.files.ok());
  EXPECT_TRUE(f.grub_menu.files.value->empty());
}

// Hashed on several threads, reported in the records' order all the same: every 7th file changed,
// every 11th missing (both: missing), out of 300.
TEST(SoftwareVerificationProbe, ManyFilesReportedInRecordOrder) {
  TestHost h;
  addDebian(h);
  std::string md5sums;
  std::vector<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    std::string path = "/usr/bin/tool" + std::to_string(i);
    std::string content = "binary " + std::to_string(i);
    md5sums += md5Hex(content) + "  " + path.substr(1) + "\n";
    if (i % 11 == 0) {
      expected.push_back(path + " missing");
      continue;
    }
    h.addFile(path, i % 7 == 0 ? content + " patched" : content);
    if (i % 7 == 0) expected.push_back(path + " changed");
  }
  h.addFile("/var/lib/dpkg/info/coreutils.md5sums", md5sums);
  SoftwareFacts f;
  probeSoftwarePackages(h, f);
  probeSoftwareVerification(h, f);
  ASSERT_TRUE(f.sysdirs.files.ok()) << f.sysdirs.files.error;
  EXPECT_EQ(f.sysdirs.checked, 300);
  std::vector<std::string> got;
  for (const auto& v : *f.sysdirs.files.value) {
    got.push_back(v.path + (v.state == FileState::kMissing   ? " missing"
                            : v.state == FileState::kChanged ? " changed"
                                                             : " other"));
  }
  EXPECT_EQ(got, expected);
}

TEST(SoftwareVerificationProbe, EditedIssueIsChangedWithSummary) {
  TestHost h;
  addDebian(h);
  h.addFile("/etc/issue", "Welcome to ACME server\nAuthorised use only\n");
  h.addFile("/etc/issue.net", "local banner\n");
  SoftwareFacts f;
  probeSoftwarePackages(h, f);
  probeSoftwareVerification(h, f);
  const FileVerification* issue = find(f.issue, "/etc/issue");
  ASSERT_NE(issue, nullptr);
  EXPECT_EQ(issue->state, FileState::kChanged);
  EXPECT_NE(issue->detail.find("2 line(s), first: 'Welcome to ACME server'"), std::string::npos)
      << issue->detail;
  const FileVerification* net = find(f.issue, "/etc/issue.net");
  ASSERT_NE(net, nullptr);
  EXPECT_EQ(net->state, FileState::kUnowned);
}

TEST(SoftwareVerificationProbe, OfflineRpmRootIsNotChecked) {
  TestHost h;
  h.setRuntime(false);
  h.addFile("/var/lib/rpm/Packages", "");
  h.addFile("/etc/issue", "CentOS release 6.10 (Final)\nKernel \\r on an \\m\n\n");
  SoftwareFacts f;
  probeSoftwarePackages(h, f);
  probeSoftwareVerification(h, f);
  EXPECT_EQ(f.packages.kind, "rpm");
  ASSERT_FALSE(f.packages.installed.ok());
  EXPECT_NE(f.packages.installed.error.find("offline root without rpm"), std::string::npos);
  ASSERT_FALSE(f.issue.files.ok());
  EXPECT_NE(f.issue.files.error.find("offline root without rpm"), std::string::npos);
  ASSERT_FALSE(f.sysdirs.files.ok());
  ASSERT_TRUE(f.grub_menu.files.ok()) << "no menu.lst: nothing to verify";
  EXPECT_TRUE(f.grub_menu.files.value->empty());
}

TEST(SoftwareVerificationProbe, LiveRpmThroughRecordedCommands) {
  TestHost h;
  h.addFile("/var/lib/rpm/Packages", "");
  h.addFile("/etc/issue", "Welcome\n");
  h.addFile("/boot/grub/menu.lst", "default=0\n");
  h.addCommand(
      {"rpm", "-qa", "--qf", "%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n"},
      {0, "centos-release\t7-9.2009.1.el7.centos\tx86_64\ncoreutils\t8.22-24.el7\tx86_64\n", ""});
  h.addCommand({"rpm", "-qf", "--qf", "%{NAME}\\n", "/etc/issue"}, {0, "centos-release\n", ""});
  h.addCommand({"rpm", "-qf", "--qf", "%{NAME}\\n", "/boot/grub/menu.lst"},
               {1, "file /boot/grub/menu.lst is not owned by any package\n", ""});
  h.addCommand({"rpm", "-V", "--nodeps", "--noscripts", "centos-release"},
               {1, "S.5....T.  c /etc/issue\n", ""});
  h.addCommand(
      {"rpm", "-qa", "--qf", "[%{FILENAMES}\\t%{NAME}\\n]"},
      {0, "/usr/bin/ls\tcoreutils\n/usr/bin/cat\tcoreutils\n/etc/issue\tcentos-release\n", ""});
  h.addCommand({"rpm", "-V", "--nodeps", "--noscripts", "coreutils"},
               {1, "..5....T.    /usr/bin/ls\n.......T.    /usr/bin/cat\n", ""});
  SoftwareFacts f;
  probeSoftwarePackages(h, f);
  probeSoftwareVerification(h, f);
  ASSERT_TRUE(f.packages.installed.ok()) << f.packages.installed.error;
  EXPECT_EQ(f.packages.installed.value->size(), 2u);
  const FileVerification* issue = find(f.issue, "/etc/issue");
  ASSERT_NE(issue, nullptr) << f.issue.files.error;
  EXPECT_EQ(issue->state, FileState::kChanged);
  EXPECT_EQ(issue->package, "centos-release");
  EXPECT_NE(issue->detail.find("S.5....T."), std::string::npos) << issue->detail;
  const FileVerification* menu = find(f.grub_menu, "/boot/grub/menu.lst");
  ASSERT_NE(menu, nullptr) << f.grub_menu.files.error;
  EXPECT_EQ(menu->state, FileState::kUnowned);
  ASSERT_TRUE(f.sysdirs.files.ok()) << f.sysdirs.files.error;
  EXPECT_EQ(f.sysdirs.checked, 2);
  ASSERT_EQ(f.sysdirs.files.value->size(), 1u);
  EXPECT_EQ(f.sysdirs.files.value->front().path, "/usr/bin/ls");
}

TEST(SoftwareVerificationProbe, LiveRpmThatCannotRunIsAnError) {
  TestHost h;  // no recorded commands: rpm "does not exist"
  h.addFile("/var/lib/rpm/Packages", "");
  h.addFile("/etc/issue", "Welcome\n");
  SoftwareFacts f;
  probeSoftwarePackages(h, f);
  probeSoftwareVerification(h, f);
  EXPECT_FALSE(f.packages.installed.ok());
  EXPECT_FALSE(f.issue.files.ok());
  EXPECT_FALSE(f.sysdirs.files.ok());
}

TEST(SoftwareCloudInitProbe, DatasourceListOverridesAndStaleState) {
  TestHost h;
  h.addFile("/usr/bin/cloud-init", "#!/usr/bin/python3\n");
  h.addFile("/etc/cloud/cloud.cfg", "users: [default]\ndatasource_list: [ NoCloud, None ]\n");
  h.addFile("/etc/cloud/cloud.cfg.d/90_dpkg.cfg",
            "# to update this file, run dpkg-reconfigure cloud-init\n"
            "datasource_list: [ NoCloud, AliYun, Ec2, None ]\n");
  h.addFile("/etc/cloud/cloud.cfg.d/README", "datasource_list: [ Azure ]\n");  // not *.cfg
  h.addSymlink("/var/lib/cloud/instance", "/var/lib/cloud/instances/i-0abc");
  h.addFile("/var/lib/cloud/instances/i-0abc/obj.pkl", "");
  SoftwareFacts f;
  probeSoftwarePackages(h, f);
  probeSoftwareCloudInit(h, f);
  const CloudInitState& ci = f.cloud_init;
  EXPECT_TRUE(ci.installed);
  EXPECT_EQ(ci.installed_evidence, "/usr/bin/cloud-init");
  EXPECT_FALSE(ci.disabled_by_file);
  EXPECT_TRUE(ci.datasource_list_set);
  EXPECT_EQ(ci.datasource_list, (std::vector<std::string>{"NoCloud", "AliYun", "Ec2", "None"}));
  EXPECT_EQ(ci.datasource_source.file, "/etc/cloud/cloud.cfg.d/90_dpkg.cfg");
  EXPECT_EQ(ci.datasource_source.line, 2);
  EXPECT_EQ(ci.instance_state, (std::vector<std::string>{"/var/lib/cloud/instance",
                                                         "/var/lib/cloud/instances/i-0abc"}));
}

TEST(SoftwareCloudInitProbe, NotInstalledAndDisabledFile) {
  TestHost h;
  addDebian(h);  // cloud-init in config-files state only
  h.addFile("/etc/cloud/cloud-init.disabled", "");
  SoftwareFacts f;
  probeSoftwarePackages(h, f);
  probeSoftwareCloudInit(h, f);
  EXPECT_FALSE(f.cloud_init.installed);
  EXPECT_TRUE(f.cloud_init.disabled_by_file);
  EXPECT_FALSE(f.cloud_init.datasource_list_set);
}

}  // namespace
}  // namespace guestprep::os_linux
