// Tests for the fstab, crypttab and blkid parsers, on literal inputs and on the storage corpus.
#include <gtest/gtest.h>

#include "parsers/fstab.h"
#include "support/corpus.h"

namespace guestprep::os_linux {
namespace {

struct FstabCase {
  const char* name;
  const char* text;
  std::size_t entries;
  std::size_t problems;
  const char* spec;  // of the first entry
  const char* file;
  const char* type;
  const char* options;  // joined with commas
  int passno;
  int line;
};

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

TEST(Fstab, TableOfLiterals) {
  const FstabCase cases[] = {
      {"six fields", "UUID=ab / ext4 defaults 1 1\n", 1, 0, "UUID=ab", "/", "ext4", "defaults", 1,
       1},
      {"tabs and comment first", "# c\n/dev/sda1\t/boot\txfs\tnoatime,nodev\t0\t2\n", 1, 0,
       "/dev/sda1", "/boot", "xfs", "noatime,nodev", 2, 2},
      {"options absent default", "proc /proc proc\n", 1, 0, "proc", "/proc", "proc", "defaults", 0,
       1},
      {"four fields", "devpts /dev/pts devpts gid=5,mode=620\n", 1, 0, "devpts", "/dev/pts",
       "devpts", "gid=5,mode=620", 0, 1},
      {"octal escape", "LABEL=my\\040disk /mnt/my\\040dir ext4 defaults 0 0\n", 1, 0,
       "LABEL=my disk", "/mnt/my dir", "ext4", "defaults", 0, 1},
      {"trailing comment after passno", "UUID=x /boot xfs defaults 0 0    # note\n", 1, 0, "UUID=x",
       "/boot", "xfs", "defaults", 0, 1},
      {"leading blanks, crlf", "  UUID=y swap swap sw 0 0\r\n", 1, 0, "UUID=y", "swap", "swap",
       "sw", 0, 1},
      {"two fields is malformed", "bug here\nUUID=z / xfs defaults 0 1\n", 1, 1, "UUID=z", "/",
       "xfs", "defaults", 1, 2},
      {"words in dump field", "this is broken line with words\nUUID=z / xfs defaults\n", 1, 1,
       "UUID=z", "/", "xfs", "defaults", 0, 2},
      {"indented comment", "  # x\n\n/dev/vda1 / ext4 defaults 0 1", 1, 0, "/dev/vda1", "/", "ext4",
       "defaults", 1, 3},
  };
  for (const FstabCase& c : cases) {
    FstabFile f = parseFstab(c.text);
    ASSERT_EQ(f.entries.size(), c.entries) << c.name;
    EXPECT_EQ(f.problems.size(), c.problems) << c.name;
    const FstabEntry& e = f.entries.front();
    EXPECT_EQ(e.spec, c.spec) << c.name;
    EXPECT_EQ(e.file, c.file) << c.name;
    EXPECT_EQ(e.vfstype, c.type) << c.name;
    EXPECT_EQ(joined(e.options), c.options) << c.name;
    EXPECT_EQ(e.passno, c.passno) << c.name;
    EXPECT_EQ(e.source.line, c.line) << c.name;
  }
}

TEST(Fstab, ProblemsNameTheLine) {
  FstabFile f = parseFstab("UUID=a / xfs defaults 0 0\nonly two\n");
  ASSERT_EQ(f.problems.size(), 1u);
  EXPECT_EQ(f.problems[0].line, 2);
  EXPECT_NE(f.problems[0].message.find("only two"), std::string::npos);
}

TEST(Crypttab, Literals) {
  CrypttabFile f = parseCrypttab(
      "# <name> <device> <key> <options>\n"
      "cryptswap /dev/sda3 /dev/urandom swap,cipher=aes-xts-plain64\n"
      "data UUID=5f0c none luks\n"
      "lonely\n");
  ASSERT_EQ(f.entries.size(), 2u);
  EXPECT_EQ(f.entries[0].name, "cryptswap");
  EXPECT_EQ(f.entries[0].device, "/dev/sda3");
  EXPECT_EQ(f.entries[0].source.line, 2);
  EXPECT_EQ(f.entries[1].device, "UUID=5f0c");
  ASSERT_EQ(f.problems.size(), 1u);
  EXPECT_EQ(f.problems[0].line, 4);
}

TEST(Blkid, Literals) {
  BlkidOutput b = parseBlkid(
      "/dev/sda1: LABEL=\"/boot\" UUID=\"8807\" TYPE=\"ext3\" PARTUUID=\"00061fe0-01 \"\n"
      "/dev/loop0: TYPE=\"squashfs\"\n"
      "img: LABEL=\"a\\\"b\" TYPE=\"cramfs\"\n"
      "garbage\n"
      "/dev/sdb: UUID=\"unterminated\n");
  ASSERT_EQ(b.devices.size(), 3u);
  EXPECT_EQ(b.devices[0].device, "/dev/sda1");
  EXPECT_EQ(b.devices[0].tags.at("LABEL"), "/boot");
  EXPECT_EQ(b.devices[0].tags.at("PARTUUID"), "00061fe0-01 ");
  EXPECT_EQ(b.devices[2].tags.at("LABEL"), "a\"b");
  EXPECT_EQ(b.problems.size(), 2u);
}

std::string corpusText(const std::string& rel) {
  auto dir = testing::corpusDir();
  return testing::readTestFile(*dir / "storage" / rel);
}

TEST(Fstab, CorpusNamedFiles) {
  GUESTPREP_REQUIRE_CORPUS();
  {
    FstabFile f = parseFstab(corpusText("util-linux/fstab-broken"));
    // "bug" (line 1) and "this is broken line ..." (line 8) are what libmount rejects.
    ASSERT_EQ(f.problems.size(), 2u);
    EXPECT_EQ(f.problems[0].line, 1);
    EXPECT_EQ(f.problems[1].line, 8);
    EXPECT_EQ(f.entries.size(), 10u);
    EXPECT_EQ(f.entries[0].spec, "UUID=d3a8f783-df75-4dc8-9163-975a891052c0");
    EXPECT_EQ(f.entries[0].file, "/");
    EXPECT_EQ(f.entries.back().spec, "//bar.com/gogogo");
    EXPECT_EQ(f.entries.back().vfstype, "cifs");
  }
  {
    FstabFile f = parseFstab(corpusText("jc/fstab-centos77"));
    ASSERT_EQ(f.entries.size(), 3u);
    EXPECT_TRUE(f.problems.empty());
    EXPECT_EQ(f.entries[1].spec, "UUID=05d927bb-5875-49e3-ada1-7f46cb31c932");
    EXPECT_EQ(f.entries[1].source.line, 10);
  }
  {
    FstabFile f = parseFstab(corpusText("inspec/fstab-centos7-anaconda"));
    ASSERT_FALSE(f.entries.empty());
    EXPECT_EQ(f.entries.back().spec, "server:/usr/local/pub");
    EXPECT_EQ(f.entries.back().vfstype, "nfs");
    EXPECT_TRUE(f.problems.empty());
  }
  {
    FstabFile f = parseFstab(corpusText("jc/fstab-ubuntu1804"));
    ASSERT_EQ(f.entries.size(), 2u);
    EXPECT_EQ(f.entries[1].spec, "/swap.img");
    EXPECT_EQ(f.entries[1].vfstype, "swap");
  }
}

TEST(Fstab, CorpusEveryTable) {
  GUESTPREP_REQUIRE_CORPUS();
  int checked = 0;
  for (const auto& path : testing::corpusFiles("storage")) {
    std::string name = path.filename().string();
    bool fstab = name.starts_with("fstab");
    if (!fstab) continue;
    std::string text = testing::readTestFile(path);
    FstabFile f = parseFstab(text);
    EXPECT_FALSE(f.entries.empty()) << path;
    for (const FstabEntry& e : f.entries) {
      EXPECT_FALSE(e.spec.empty()) << path << ":" << e.source.line;
      EXPECT_FALSE(e.vfstype.empty()) << path << ":" << e.source.line;
      EXPECT_FALSE(e.options.empty()) << path << ":" << e.source.line;
      EXPECT_GT(e.source.line, 0) << path;
    }
    // Only the deliberately broken file has malformed lines.
    EXPECT_EQ(f.problems.empty(), name != "fstab-broken") << path;
    ++checked;
  }
  EXPECT_GE(checked, 7);
}

TEST(Blkid, CorpusDefaultOutputs) {
  GUESTPREP_REQUIRE_CORPUS();
  {
    BlkidOutput b = parseBlkid(corpusText("jc/blkid-centos77"));
    ASSERT_EQ(b.devices.size(), 4u);
    EXPECT_EQ(b.devices[0].device, "/dev/sda1");
    EXPECT_EQ(b.devices[0].tags.at("UUID"), "05d927bb-5875-49e3-ada1-7f46cb31c932");
    EXPECT_EQ(b.devices[2].tags.at("TYPE"), "xfs");
    EXPECT_TRUE(b.problems.empty());
  }
  {
    BlkidOutput b = parseBlkid(corpusText("facter/blkid-rhel5-vmware"));
    ASSERT_EQ(b.devices.size(), 7u);
    EXPECT_EQ(b.devices[2].tags.at("SEC_TYPE"), "ext2");
    EXPECT_EQ(b.devices[3].tags.at("LABEL"), "VMware Tools");
    EXPECT_TRUE(b.problems.empty());
  }
  {
    BlkidOutput b = parseBlkid(corpusText("util-linux/blkid-full-output-escaped"));
    ASSERT_EQ(b.devices.size(), 1u);
    EXPECT_EQ(b.devices[0].tags.at("TYPE"), "cramfs");
    // blkid prints non-ASCII and control bytes in cat -v notation (M-C, ^J).
    EXPECT_EQ(b.devices[0].tags.at("LABEL"), "tM-CM-)s\"'^J t");
  }
  int checked = 0;
  for (const auto& path : testing::corpusFiles("storage")) {
    std::string name = path.filename().string();
    if (!name.starts_with("blkid-") || name.find("json") != std::string::npos ||
        name.find("probe") != std::string::npos)
      continue;
    BlkidOutput b = parseBlkid(testing::readTestFile(path));
    EXPECT_FALSE(b.devices.empty()) << path;
    EXPECT_TRUE(b.problems.empty()) << path;
    for (const auto& d : b.devices) EXPECT_FALSE(d.tags.empty()) << path << " " << d.device;
    ++checked;
  }
  EXPECT_GE(checked, 4);
}

}  // namespace
}  // namespace guestprep::os_linux
