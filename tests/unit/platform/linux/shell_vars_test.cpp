// Tests for the shell-style KEY=value parser, on literal inputs and on the corpus.
#include "parsers/shell_vars.h"

#include <gtest/gtest.h>

#include "support/corpus.h"

namespace guestprep::os_linux {
namespace {

struct Case {
  const char* name;
  const char* text;
  const char* key;
  const char* value;
  int line;
  std::size_t problems;
};

TEST(ShellVars, TableOfLiterals) {
  const Case cases[] = {
      {"plain", "ONBOOT=yes\n", "ONBOOT", "yes", 1, 0},
      {"double quotes", "NAME=\"System eth0\"\n", "NAME", "System eth0", 1, 0},
      {"single quotes", "BOOTPROTO='dhcp'\n", "BOOTPROTO", "dhcp", 1, 0},
      {"escaped quote", "A=\"x\\\"y\"\n", "A", "x\"y", 1, 0},
      {"comment after value", "A=b # comment\n", "A", "b", 1, 0},
      {"crlf", "#c\r\nIPADDR=10.0.0.1\r\n", "IPADDR", "10.0.0.1", 2, 0},
      {"export", "export PATH=/bin\n", "PATH", "/bin", 1, 0},
      {"later wins", "A=1\nA=2\n", "A", "2", 2, 0},
      {"spaces around equals", "DEVICE = eth0\n", "DEVICE", "eth0", 1, 1},
      {"continuation", "A=one\\\ntwo\n", "A", "onetwo", 1, 0},
      {"empty value", "A=\n", "A", "", 1, 0},
      {"unterminated", "A=\"x\n", "A", "x", 1, 1},
      {"not an assignment", "garbage line\nB=1\n", "B", "1", 2, 1},
      {"no trailing newline", "B=2", "B", "2", 1, 0},
  };
  for (const Case& c : cases) {
    ShellVarsFile f = parseShellVars(c.text);
    const ShellVar* v = f.find(c.key);
    ASSERT_NE(v, nullptr) << c.name;
    EXPECT_EQ(v->value, c.value) << c.name;
    EXPECT_EQ(v->line, c.line) << c.name;
    EXPECT_EQ(f.problems.size(), c.problems) << c.name;
  }
}

TEST(ShellVars, YesNo) {
  EXPECT_TRUE(isYes("yes"));
  EXPECT_TRUE(isYes("YES"));
  EXPECT_TRUE(isYes("true"));
  EXPECT_FALSE(isYes("no"));
  EXPECT_TRUE(isNo("no"));
  EXPECT_TRUE(isNo("False"));
  EXPECT_FALSE(isNo("yes"));
  EXPECT_FALSE(isNo(""));
}

// Every os-release style file of the corpus parses without losing its ID line.
TEST(ShellVars, CorpusOsRelease) {
  GUESTPREP_REQUIRE_CORPUS();
  int checked = 0;
  for (const auto& path : testing::corpusFiles("release")) {
    if (path.filename().string().find("os-release") == std::string::npos) continue;
    std::string text = testing::readTestFile(path);
    ShellVarsFile f = parseShellVars(text);
    if (text.find("\nID=") != std::string::npos || text.starts_with("ID=")) {
      EXPECT_NE(f.find("ID"), nullptr) << path;
      EXPECT_FALSE(f.get("ID").empty()) << path;
    }
    ++checked;
  }
  EXPECT_GT(checked, 5);
}

}  // namespace
}  // namespace guestprep::os_linux
