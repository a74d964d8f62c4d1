// Release-file identification (parseReleaseFile, chooseRelease, normalisePlatformId) on literal
// inputs and on every file of the shared corpus's release category; ELF architecture.
#include <gtest/gtest.h>

#include "parsers/system_release.h"
#include "support/corpus.h"

namespace guestprep::os_linux {
namespace {

struct Case {
  const char* name;
  const char* path;
  const char* text;
  const char* id;  // "" when the file names no distribution
  const char* version;
  const char* pretty;
};

const Case kCases[] = {
    {"os-release quoted", "/etc/os-release",
     "NAME=\"CentOS Linux\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\n"
     "PRETTY_NAME=\"CentOS Linux 7 (Core)\"\n",
     "centos", "7", "CentOS Linux 7 (Core)"},
    {"os-release rhel", "/usr/lib/os-release", "ID=rhel\nVERSION_ID=8.6\n", "redhat", "8.6", ""},
    {"os-release sles", "/etc/os-release", "ID=\"sles\"\nVERSION_ID=\"12.1\"\n", "suse", "12.1",
     ""},
    {"os-release no ID uses NAME", "/etc/os-release", "NAME=\"Alibaba Cloud Linux\"\n", "aliyun",
     "", "Alibaba Cloud Linux"},
    {"os-release empty", "/etc/os-release", "", "", "", ""},
    {"centos 6 line", "/etc/redhat-release", "CentOS release 6.7 (Final)\n", "centos", "6.7",
     "CentOS release 6.7 (Final)"},
    {"rhel no space", "/etc/redhat-release",
     "Red Hat Enterprise Linux Server release 6.10(Santiago)", "redhat", "6.10", ""},
    {"rhel prerelease", "/etc/redhat-release", "Red Hat Enterprise Linux release 7.5-0.14",
     "redhat", "7.5", ""},
    {"aliyun line", "/etc/redhat-release", "Aliyun Linux release 17.01 (Final)\n", "aliyun",
     "17.01", ""},
    {"suse release", "/etc/SuSE-release",
     "SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 3\n", "suse", "11.3",
     "SUSE Linux Enterprise Server 11 (x86_64)"},
    {"suse patchlevel 0", "/etc/SuSE-release",
     "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 0\n", "suse", "12", ""},
    {"opensuse without VERSION", "/etc/SuSE-release", "openSUSE 42.1 (x86_64)", "opensuse", "42.1",
     ""},
    {"lsb ubuntu", "/etc/lsb-release",
     "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=12.04\nDISTRIB_DESCRIPTION=\"Ubuntu 12.04.5 LTS\"\n",
     "ubuntu", "12.04", "Ubuntu 12.04.5 LTS"},
    {"lsb LSB_VERSION only", "/etc/lsb-release", "LSB_VERSION=base-4.0-amd64\n", "", "", ""},
    {"lsb redhat server", "/etc/lsb-release",
     "DISTRIB_ID=RedHatEnterpriseServer\nDISTRIB_RELEASE=6.5\n", "redhat", "6.5", ""},
    {"debian_version number", "/etc/debian_version", "7.9\n", "debian", "7.9", "Debian 7.9"},
    {"debian_version codename", "/etc/debian_version", "bookworm/sid\n", "debian", "",
     "Debian bookworm/sid"},
    {"issue ubuntu", "/etc/issue", "Ubuntu 14.04.5 LTS \\n \\l\n\n", "ubuntu", "14.04.5",
     "Ubuntu 14.04.5 LTS"},
    {"issue centos 7 says nothing", "/etc/issue", "\\S\nKernel \\r on an \\m\n", "", "", ""},
    {"issue debian", "/etc/issue", "Debian GNU/Linux 7 \\n \\l\n", "debian", "7", ""},
    {"tencentos is not centos", "/etc/os-release", "ID=tencentos\nVERSION_ID=3.1\n", "tencentos",
     "3.1", ""},
    {"comment line", "/etc/system-release", "# nothing here\n", "", "", ""},
};

TEST(ReleaseFiles, LiteralCases) {
  for (const Case& c : kCases) {
    auto r = parseReleaseFile(c.path, c.text);
    if (!*c.id) {
      EXPECT_FALSE(r) << c.name << ": got " << (r ? r->id : "");
      continue;
    }
    ASSERT_TRUE(r) << c.name;
    EXPECT_EQ(r->id, c.id) << c.name;
    EXPECT_EQ(r->version, c.version) << c.name;
    EXPECT_EQ(r->source.file, c.path) << c.name;
    EXPECT_GE(r->source.line, 1) << c.name;
    if (*c.pretty) {
      EXPECT_EQ(r->pretty_name, c.pretty) << c.name;
    }
  }
}

TEST(ReleaseFiles, IdLikeIsNormalised) {
  auto r = parseReleaseFile("/etc/os-release", "ID=tencentos\nID_LIKE=\"rhel fedora centos\"\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id_like, "redhat fedora centos");
  EXPECT_EQ(r->raw_id, "tencentos");
}

TEST(ReleaseFiles, ChooseTheFirstAndCompleteItsVersion) {
  std::vector<ReleaseInfo> rs;
  rs.push_back(*parseReleaseFile("/etc/os-release", "ID=debian\nPRETTY_NAME=\"Debian sid\"\n"));
  rs.push_back(*parseReleaseFile("/etc/debian_version", "12.5\n"));
  auto c = chooseRelease(rs);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "debian");
  EXPECT_EQ(c->version, "12.5");
  EXPECT_EQ(c->source.file, "/etc/os-release");
  EXPECT_FALSE(chooseRelease({}));
}

TEST(ReleaseFiles, NormalisePlatformIds) {
  const std::pair<const char*, const char*> cases[] = {
      {"rhel", "redhat"},
      {"sles", "suse"},
      {"sled", "suse"},
      {"opensuse-leap", "opensuse"},
      {"openSUSE", "opensuse"},
      {"alinux", "aliyun"},
      {"ol", "oracle"},
      {"CentOS", "centos"},
      {"Ubuntu", "ubuntu"},
      {"SUSE LINUX", "suse"},
      {"Oracle Linux Server", "oracle"},
      {"openEuler", "openeuler"},
      {"coreos", "coreos"},
      {"Scientific Linux", "scientific"},
  };
  for (const auto& [raw, want] : cases) EXPECT_EQ(normalisePlatformId(raw), want) << raw;
}

std::string elfHeader(unsigned char cls, unsigned char data, unsigned machine) {
  std::string h(64, '\0');
  h[0] = '\x7f';
  h[1] = 'E';
  h[2] = 'L';
  h[3] = 'F';
  h[4] = static_cast<char>(cls);
  h[5] = static_cast<char>(data);
  h[18] = static_cast<char>(data == 1 ? machine & 0xff : machine >> 8);
  h[19] = static_cast<char>(data == 1 ? machine >> 8 : machine & 0xff);
  return h;
}

TEST(ElfArchitecture, Machines) {
  EXPECT_EQ(elfArchitecture(elfHeader(2, 1, 62)), "x86_64");
  EXPECT_EQ(elfArchitecture(elfHeader(1, 1, 3)), "i386");
  EXPECT_EQ(elfArchitecture(elfHeader(2, 1, 183)), "aarch64");
  EXPECT_EQ(elfArchitecture(elfHeader(2, 1, 21)), "ppc64le");
  EXPECT_EQ(elfArchitecture(elfHeader(2, 2, 21)), "ppc64");
  EXPECT_EQ(elfArchitecture(elfHeader(2, 2, 22)), "s390x");
  EXPECT_EQ(elfArchitecture(elfHeader(2, 1, 258)), "loongarch64");
  EXPECT_FALSE(elfArchitecture(elfHeader(2, 1, 9999)));
  EXPECT_FALSE(elfArchitecture(elfHeader(3, 1, 62))) << "bad EI_CLASS";
  EXPECT_FALSE(elfArchitecture("#!/bin/sh\necho hi\n"));
  EXPECT_FALSE(
      elfArchitecture(std::string("\x7f"
                                  "ELF",
                                  4)));
}

// The path a corpus file stands for, from its name ("centos7-os-release" -> os-release,
// "rhel86-os-release-with-comments" too).
std::string standsFor(const std::string& name) {
  // "centos-release" contains "os-release": the longer names first.
  for (const char* base : {"centos-release", "redhat-release", "SuSE-release", "system-release",
                           "lsb-release", "debian_version", "issue", "os-release"}) {
    if (name.find(base) != std::string::npos) return std::string("/etc/") + base;
  }
  return "";
}

TEST(ReleaseCorpus, NamedFiles) {
  GUESTPREP_REQUIRE_CORPUS();
  struct Want {
    const char* file;
    const char* id;
    const char* version;
  } wants[] = {
      {"ansible/amazon_linux_2__etc_os-release", "amzn", "2"},
      {"ansible/centos_6.7__etc_redhat-release", "centos", "6.7"},
      {"ansible/centos_8_1__etc_os-release", "centos", "8"},
      {"ansible/core_os_976.0.0__etc_os-release", "coreos", "976.0.0"},
      {"ansible/debian_7.9__etc_os-release", "debian", "7"},
      {"ansible/debian_stretch_sid__etc_debian_version", "debian", ""},
      {"ansible/flatcar_3139.2.0__etc_os-release", "flatcar", "3139.2.0"},
      {"ansible/kylin_linux_advanced_server_v10__etc_os-release", "kylin", "V10"},
      {"ansible/openeuler_20.03__etc_os-release", "openeuler", "20.03"},
      {"ansible/opensuse_13.2__etc_SuSE-release", "opensuse", "13.2"},
      {"ansible/opensuse_13.2__etc_os-release", "opensuse", "13.2"},
      {"ansible/redhat_6.7__etc_redhat-release", "redhat", "6.7"},
      {"ansible/redhat_7.2__etc_os-release", "redhat", "7.2"},
      {"ansible/sles_11.3__etc_SuSE-release", "suse", "11.3"},
      {"ansible/sles_11.4__etc_SuSE-release", "suse", "11.4"},
      {"ansible/sles_11.4__etc_os-release", "suse", "11.4"},
      {"ansible/tencentos_3_1__etc_os-release", "tencentos", "3.1"},
      {"ansible/ubuntu_10.04_guess__etc_lsb-release", "ubuntu", "10.04"},
      {"ansible/ubuntu_12.04__etc_lsb-release", "ubuntu", "12.04"},
      {"ansible/ubuntu_12.04__etc_os-release", "ubuntu", "12.04"},
      {"ansible/ubuntu_18.04__etc_os-release", "ubuntu", "18.04"},
      {"facter/rhel86-os-release-with-comments", "redhat", "8.6"},
      {"insights-core/rhel610-redhat-release-nospace", "redhat", "6.10"},
      {"insights-core/rhel75-prerelease-redhat-release", "redhat", "7.5"},
      {"insights-core/rhel85-beta-redhat-release", "redhat", "8.5"},
      {"python-distro/amazon2014-system-release", "amzn", "2014.03"},
      {"python-distro/centos5-centos-release", "centos", "5.11"},
      {"python-distro/centos7-centos-release", "centos", "7.1.1503"},
      {"python-distro/cloudlinux5-redhat-release", "cloudlinux", "5.11"},
      {"python-distro/coreos899-os-release", "coreos", "899.15.0"},
      {"python-distro/debiantesting-debian_version", "debian", ""},
      {"python-distro/fedora19-issue", "fedora", "19"},
      {"python-distro/fedora19-os-release", "fedora", "19"},
      {"python-distro/opensuse421-SuSE-release", "opensuse", "42.1"},
      {"python-distro/oracle7-os-release", "oracle", "7.5"},
      {"python-distro/raspbian7-os-release", "raspbian", "7"},
      {"python-distro/rhel5-redhat-release", "redhat", "5.11"},
      {"python-distro/scientific6-redhat-release", "scientific", "6.4"},
      {"python-distro/sles12-SuSE-release", "suse", "12.1"},
      {"python-distro/sles12-os-release", "suse", "12.1"},
      {"python-distro/ubuntu14-lsb-release", "ubuntu", "14.04"},
      {"python-distro/ubuntu16-os-release", "ubuntu", "16.04"},
  };
  for (const Want& w : wants) {
    auto path = *testing::corpusDir() / "release" / w.file;
    std::string name = path.filename().string();
    auto r = parseReleaseFile(standsFor(name), testing::readTestFile(path));
    ASSERT_TRUE(r) << w.file;
    EXPECT_EQ(r->id, w.id) << w.file;
    EXPECT_EQ(r->version, w.version) << w.file;
  }
  // Files that name no distribution.
  for (const char* f : {"ansible/centos_6.7__etc_lsb-release", "python-distro/empty-release"}) {
    auto path = *testing::corpusDir() / "release" / f;
    std::string as = standsFor(path.filename().string());
    if (as.empty()) as = "/etc/system-release";
    EXPECT_FALSE(parseReleaseFile(as, testing::readTestFile(path))) << f;
  }
}

TEST(ReleaseCorpus, EveryReleaseFileParsesWithASourceLine) {
  GUESTPREP_REQUIRE_CORPUS();
  int parsed = 0;
  for (const auto& path : testing::corpusFiles("release")) {
    std::string as = standsFor(path.filename().string());
    if (as.empty()) continue;  // command output (lsb_release -a, uname -a, /proc/version)
    auto r = parseReleaseFile(as, testing::readTestFile(path));
    if (!r) continue;
    ++parsed;
    EXPECT_FALSE(r->id.empty()) << path;
    EXPECT_EQ(r->id.find(' '), std::string::npos) << path << ": " << r->id;
    EXPECT_GE(r->source.line, 1) << path;
    EXPECT_FALSE(r->pretty_name.empty()) << path;
    for (char ch : r->version) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.')
          << path << " " << r->version;
    }
  }
  EXPECT_GE(parsed, 50) << "most of the 59 release files are identity files";
}

}  // namespace
}  // namespace guestprep::os_linux
