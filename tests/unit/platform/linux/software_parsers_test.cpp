// Tests for the software family's pure parsers: dpkg status, md5sums, diversions, rpm query and
// verify output, cloud.cfg datasource_list (literal inputs, then the shared cloud-init corpus).
#include <gtest/gtest.h>

#include "parsers/software_cloud_cfg.h"
#include "parsers/software_dpkg.h"
#include "parsers/software_rpm.h"
#include "support/corpus.h"

namespace guestprep::os_linux {
namespace {

constexpr std::string_view kStatus =
    "Package: base-files\n"
    "Essential: yes\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 12.4+deb12u15\n"
    "Conffiles:\n"
    " /etc/debian_version da9f3e5a56d6162ea9d5feed57fbf349\n"
    " /etc/issue 349d61a0e072d678e3e94923f0c3ce0e\n"
    " /etc/old.conf 0123456789abcdef0123456789abcdef obsolete\n"
    "Description: Debian base system miscellaneous files\n"
    " This package contains the basic filesystem hierarchy.\n"
    "\n"
    "Package: qemu-guest-agent\n"
    "Status: deinstall ok config-files\n"
    "Version: 1:7.2+dfsg-7\n"
    "\n"
    "Package: libc6\n"
    "Status: install ok triggers-pending\n"
    "Architecture: amd64\n"
    "Version: 2.36-9\n";

TEST(DpkgStatus, StanzasFieldsAndConffiles) {
  DpkgStatus st = parseDpkgStatus(kStatus);
  EXPECT_TRUE(st.problems.empty());
  ASSERT_EQ(st.packages.size(), 3u);
  const DpkgPackage& bf = st.packages[0];
  EXPECT_EQ(bf.name, "base-files");
  EXPECT_EQ(bf.version, "12.4+deb12u15");
  EXPECT_EQ(bf.arch, "amd64");
  EXPECT_EQ(bf.line, 1);
  EXPECT_TRUE(bf.installed());
  ASSERT_EQ(bf.conffiles.size(), 3u);
  EXPECT_EQ(bf.conffiles[1].path, "/etc/issue");
  EXPECT_EQ(bf.conffiles[1].md5, "349d61a0e072d678e3e94923f0c3ce0e");
  EXPECT_EQ(bf.conffiles[1].line, 8);
  EXPECT_FALSE(bf.conffiles[1].obsolete);
  EXPECT_TRUE(bf.conffiles[2].obsolete);
  // The Description continuation is not a conffile.
  EXPECT_FALSE(st.packages[1].installed()) << "config-files: removed, configuration kept";
  EXPECT_TRUE(st.packages[2].installed()) << "triggers-pending: files are on disk";
  EXPECT_EQ(st.packages[2].line, 17);
}

TEST(DpkgStatus, InstalledStates) {
  struct Case {
    const char* status;
    bool installed;
  } cases[] = {
      {"install ok installed", true},
      {"hold ok installed", true},
      {"install ok half-configured", true},
      {"install ok unpacked", false},
      {"purge ok not-installed", false},
      {"install reinstreq half-installed", false},
      {"installed", false},
  };
  for (const auto& c : cases) {
    DpkgPackage p;
    p.status = c.status;
    EXPECT_EQ(p.installed(), c.installed) << c.status;
  }
}

TEST(DpkgStatus, MalformedLinesAreProblems) {
  struct Case {
    const char* name;
    const char* text;
    int line;
  } cases[] = {
      {"no colon", "Package: a\nthis is not a field\n", 2},
      {"stanza without Package", "Status: install ok installed\n\nPackage: b\n", 1},
      {"bad conffile", "Package: a\nConffiles:\n not-a-path abc\n", 3},
  };
  for (const auto& c : cases) {
    DpkgStatus st = parseDpkgStatus(c.text);
    ASSERT_EQ(st.problems.size(), 1u) << c.name;
    EXPECT_EQ(st.problems[0].line, c.line) << c.name;
  }
}

TEST(Md5sums, LinesAndProblems) {
  Md5sums m = parseMd5sums(
      "07d31e7e63800ab1b7966980709c51eb  usr/lib/os-release\n"
      "0A540D50C157ED0070459B82C358A05A  usr/share/doc/with space.txt\n"
      "d68ce7c7d7d2bb7d48aeb2f137b828e4 *bin/binary-mode\n"
      "nothex  usr/bin/x\n"
      "\n");
  ASSERT_EQ(m.entries.size(), 3u);
  EXPECT_EQ(m.entries[0].path, "/usr/lib/os-release");
  EXPECT_EQ(m.entries[1].path, "/usr/share/doc/with space.txt");
  EXPECT_EQ(m.entries[1].md5, "0a540d50c157ed0070459b82c358a05a") << "lower-cased";
  EXPECT_EQ(m.entries[2].path, "/bin/binary-mode");
  ASSERT_EQ(m.problems.size(), 1u);
  EXPECT_EQ(m.problems[0].line, 4);
}

TEST(DpkgDiversions, Triplets) {
  std::vector<ConfigProblem> problems;
  auto d = parseDpkgDiversions(
      "/usr/share/man/man1/sh.1.gz\n/usr/share/man/man1/sh.distrib.1.gz\ndash\n"
      "/bin/sh\n/bin/sh.distrib\ndash\n",
      problems);
  EXPECT_TRUE(problems.empty());
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[1].from, "/bin/sh");
  EXPECT_EQ(d[1].to, "/bin/sh.distrib");
  EXPECT_EQ(d[1].package, "dash");
  parseDpkgDiversions("/a\n/b\n", problems);
  EXPECT_EQ(problems.size(), 1u) << "an incomplete triplet is a problem";
}

TEST(RpmQa, Lines) {
  std::vector<ConfigProblem> problems;
  auto pkgs = parseRpmQa(
      "bash\t4.2.46-34.el7\tx86_64\nqemu-guest-agent\t2.12.0-3.el7\tx86_64\n"
      "gpg-pubkey\tf4a80eb5-53a7ff4b\t(none)\ngarbage\n",
      problems);
  ASSERT_EQ(pkgs.size(), 3u);
  EXPECT_EQ(pkgs[1].name, "qemu-guest-agent");
  EXPECT_EQ(pkgs[1].version, "2.12.0-3.el7");
  EXPECT_EQ(pkgs[1].arch, "x86_64");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 4);
}

TEST(RpmFileOwners, Lines) {
  auto owners = parseRpmFileOwners(
      "/usr/bin/ls\tcoreutils\n/etc/issue\tcentos-release\n(contains no files)\n");
  ASSERT_EQ(owners.size(), 2u);
  EXPECT_EQ(owners[0].first, "/usr/bin/ls");
  EXPECT_EQ(owners[1].second, "centos-release");
}

TEST(RpmVerify, ResultLines) {
  struct Case {
    const char* line;
    const char* flags;
    char attr;
    const char* path;
    bool modified;
  } cases[] = {
      {"S.5....T.  c /etc/issue", "S.5....T.", 'c', "/etc/issue", true},
      {".......T.    /usr/bin/ls", ".......T.", ' ', "/usr/bin/ls", false},
      {"..5....T    /bin/bash", "..5....T", ' ', "/bin/bash", true},  // rpm 4.4: 8 flags
      {"missing   c /etc/foo.conf", "missing", 'c', "/etc/foo.conf", true},
      {"missing     /usr/sbin/sshd", "missing", ' ', "/usr/sbin/sshd", true},
      {".....UG..    /usr/bin/x", ".....UG..", ' ', "/usr/bin/x", false},
      {"?.......P    /usr/bin/ping", "?.......P", ' ', "/usr/bin/ping", false},
      {".M.......  g /var/run/x", ".M.......", 'g', "/var/run/x", true},
  };
  for (const auto& c : cases) {
    std::vector<ConfigProblem> problems;
    auto lines = parseRpmVerify(c.line, problems);
    ASSERT_EQ(lines.size(), 1u) << c.line;
    EXPECT_TRUE(problems.empty()) << c.line;
    EXPECT_EQ(lines[0].flags, c.flags) << c.line;
    EXPECT_EQ(lines[0].attr, c.attr) << c.line;
    EXPECT_EQ(lines[0].path, c.path) << c.line;
    EXPECT_EQ(lines[0].modified(), c.modified) << c.line;
  }
  std::vector<ConfigProblem> problems;
  auto lines = parseRpmVerify("error: package foo is not installed\n", problems);
  EXPECT_TRUE(lines.empty());
  EXPECT_EQ(problems.size(), 1u) << "rpm's own messages are not results";
}

TEST(CloudCfgDatasources, Cases) {
  struct Case {
    const char* name;
    const char* text;
    bool set;
    std::vector<std::string> list;
    int line;
    bool problem;
  } cases[] = {
      {"flow list",
       "# c\ndatasource_list: [ NoCloud, AliYun, None ]\n",
       true,
       {"NoCloud", "AliYun", "None"},
       2,
       false},
      {"block list",
       "users: [default]\ndatasource_list:\n  - Ec2\n  - None\n",
       true,
       {"Ec2", "None"},
       2,
       false},
      {"unset", "datasource:\n  Ec2:\n    timeout: 5\n", false, {}, 0, false},
      {"empty list", "datasource_list: []\n", true, {}, 1, false},
      {"scalar", "datasource_list: Ec2\n", true, {"Ec2"}, 1, true},
      {"json", "{\"datasource_list\": [\"Azure\"]}", true, {"Azure"}, 1, false},
      {"not a mapping", "- a\n- b\n", false, {}, 0, true},
      {"bad yaml", "datasource_list: [unclosed\n", false, {}, 0, true},
      {"empty file", "", false, {}, 0, false},
  };
  for (const auto& c : cases) {
    CloudCfgDatasources ds = parseCloudCfgDatasources(c.text);
    EXPECT_EQ(ds.list.has_value(), c.set) << c.name;
    if (ds.list) {
      EXPECT_EQ(*ds.list, c.list) << c.name;
    }
    EXPECT_EQ(ds.line, c.line) << c.name;
    EXPECT_EQ(ds.problem.has_value(), c.problem) << c.name;
  }
}

// Every cloud-init corpus file parses without a crash; the insights cloud.cfg fragment (network
// disabled, as JSON) sets no datasource_list.
TEST(CloudCfgDatasources, Corpus) {
  GUESTPREP_REQUIRE_CORPUS();
  auto files = testing::corpusFiles("cloud-init");
  ASSERT_FALSE(files.empty());
  bool saw_insights = false;
  for (const auto& f : files) {
    CloudCfgDatasources ds = parseCloudCfgDatasources(testing::readTestFile(f));
    EXPECT_FALSE(ds.list.has_value()) << f << ": no corpus file sets datasource_list";
    if (f.filename() == "cloud-cfg-network-disabled.json") {
      saw_insights = true;
      EXPECT_FALSE(ds.problem.has_value()) << f;
    }
  }
  EXPECT_TRUE(saw_insights);
}

}  // namespace
}  // namespace guestprep::os_linux
