// Windows parsers on literal inputs: text decoding, .reg exports, secedit INF, systeminfo,
// firewall rule strings, command-line quoting.
#include <gtest/gtest.h>

#include "host/command_line.h"
#include "parsers/firewall_rule.h"
#include "parsers/reg_export.h"
#include "parsers/secedit.h"
#include "parsers/systeminfo.h"
#include "parsers/win_text.h"

namespace guestprep::os_windows {
namespace {

std::string utf16le(std::u16string_view s, bool bom) {
  std::string out = bom ? "\xFF\xFE" : "";
  for (char16_t c : s) {
    out += static_cast<char>(c & 0xFF);
    out += static_cast<char>(c >> 8);
  }
  return out;
}

TEST(WinText, DecodesUtf16LeWithAndWithoutBom) {
  for (bool bom : {true, false}) {
    DecodedText d = decodeWindowsText(utf16le(u"Nom de l\u2019h\u00f4te:\r\nx", bom));
    EXPECT_EQ(d.encoding, TextEncoding::kUtf16Le) << "bom " << bom;
    EXPECT_EQ(d.text, "Nom de l\u2019h\u00f4te:\r\nx") << "bom " << bom;
  }
}

TEST(WinText, DecodesSurrogatePairsAndReplacesUnpairedOnes) {
  EXPECT_EQ(decodeWindowsText(utf16le(u"\U0001F600", true)).text, "\U0001F600");
  std::u16string lone(1, static_cast<char16_t>(0xD800));
  EXPECT_EQ(decodeWindowsText(utf16le(lone + u"a", true)).text, "\uFFFDa");
}

TEST(WinText, KeepsUtf8AndDropsItsBom) {
  DecodedText d = decodeWindowsText("\xEF\xBB\xBFHost Name:  \xD0\x98\r\n");
  EXPECT_EQ(d.encoding, TextEncoding::kUtf8);
  EXPECT_EQ(d.text, "Host Name:  \xD0\x98\r\n");
}

TEST(WinText, LegacyCodePageBytesBecomeReplacementCharacters) {
  // GBK for the label "主机名" (host name), then an ASCII value.
  DecodedText d = decodeWindowsText("\xD6\xF7\xBB\xFA\xC3\xFB:  WIN-01\r\n");
  EXPECT_EQ(d.encoding, TextEncoding::kLegacy);
  EXPECT_TRUE(d.text.ends_with(":  WIN-01\r\n")) << d.text;
  EXPECT_EQ(d.text.find("\uFFFD"), 0u);
}

TEST(WinText, SplitsCrLfAndLfLines) {
  auto lines = splitLines("a\r\nb\nc\r\n");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[1], "b");
  EXPECT_EQ(lines[2], "c");
}

TEST(WinText, Utf8Utf16RoundTrip) {
  std::string s = "C:\\Users\\J\u00fcrgen\\\u6587\u4ef6\\\U0001F600.txt";
  EXPECT_EQ(utf16ToUtf8(utf8ToUtf16(s)), s);
}

TEST(RegExport, ReadsEveryValueType) {
  RegExport r = parseRegExport(R"(Windows Registry Editor Version 5.00

; a comment
[HKEY_LOCAL_MACHINE\SOFTWARE\Test]
@="default"
"Sz"="a \"quoted\" C:\\path"
"Dword"=dword:00000d3d
"Qword"=hex(b):01,00,00,00,01,00,00,00
"Expand"=hex(2):25,00,41,00,25,00,00,00
"Multi"=hex(7):61,00,00,00,62,00,63,00,00,00,00,00
"Bin"=hex:de,ad,\
  be,ef
"Gone"=-

[-HKEY_LOCAL_MACHINE\SOFTWARE\Old]
)");
  ASSERT_TRUE(r.problems.empty()) << r.problems.front().line << ": " << r.problems.front().message;
  EXPECT_TRUE(r.unicode);
  ASSERT_EQ(r.keys.size(), 2u);
  EXPECT_EQ(r.keys[0].path, "HKLM\\SOFTWARE\\Test");
  EXPECT_EQ(r.keys[0].line, 4);
  const auto& v = r.keys[0].values;
  ASSERT_EQ(v.size(), 8u);
  EXPECT_EQ(v[0].name, "");
  EXPECT_EQ(v[0].value.text, "default");
  EXPECT_EQ(v[1].value.text, "a \"quoted\" C:\\path");
  EXPECT_EQ(v[2].value.type, RegType::kDword);
  EXPECT_EQ(v[2].value.number, 3389u);
  EXPECT_EQ(v[3].value.type, RegType::kQword);
  EXPECT_EQ(v[3].value.number, 0x100000001ull);
  EXPECT_EQ(v[4].value.type, RegType::kExpandSz);
  EXPECT_EQ(v[4].value.text, "%A%");
  EXPECT_EQ(v[5].value.type, RegType::kMultiSz);
  EXPECT_EQ(v[5].value.strings, (std::vector<std::string>{"a", "bc"}));
  EXPECT_EQ(v[6].value.type, RegType::kBinary);
  EXPECT_EQ(v[6].value.bytes, "\xde\xad\xbe\xef");
  EXPECT_EQ(v[6].line, 11);
  EXPECT_TRUE(v[7].deleted);
  EXPECT_TRUE(r.keys[1].deleted);
  EXPECT_EQ(r.keys[1].path, "HKLM\\SOFTWARE\\Old");
}

TEST(RegExport, Regedit4StringsAreAnsi) {
  RegExport r =
      parseRegExport("REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\X]\r\n\"E\"=hex(2):41,42,00\r\n");
  ASSERT_TRUE(r.problems.empty());
  EXPECT_FALSE(r.unicode);
  ASSERT_EQ(r.keys.size(), 1u);
  EXPECT_EQ(r.keys[0].path, "HKCU\\X");
  EXPECT_EQ(r.keys[0].values.at(0).value.text, "AB");
}

TEST(RegExport, ReportsMalformedLinesAndGoesOn) {
  RegExport r = parseRegExport(
      "Windows Registry Editor Version 5.00\n\"Early\"=dword:1\n[HKEY_LOCAL_MACHINE\\K]\n"
      "\"A\"=dword:123456789\n\"B\"=hex:zz\n\"C\"\n\"D\"=\"unterminated\n\"E\"=dword:2\n");
  ASSERT_EQ(r.keys.size(), 1u);
  ASSERT_EQ(r.keys[0].values.size(), 1u);
  EXPECT_EQ(r.keys[0].values[0].name, "E");
  ASSERT_EQ(r.problems.size(), 5u);
  EXPECT_EQ(r.problems[0].line, 2);  // a value before any key
  EXPECT_EQ(r.problems[1].line, 4);  // dword too long
  EXPECT_EQ(r.problems[4].line, 7);
}

TEST(RegExport, RejectsTextThatIsNotAnExport) {
  RegExport r = parseRegExport("[HKEY_LOCAL_MACHINE\\K]\n");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_TRUE(r.keys.empty());
}

TEST(RegKeys, NormaliseHivesAndSeparators) {
  EXPECT_EQ(normaliseRegKey("HKEY_LOCAL_MACHINE\\SYSTEM\\\\x\\"), "HKLM\\SYSTEM\\x");
  EXPECT_EQ(normaliseRegKey("hklm/Software"), "HKLM\\Software");
  EXPECT_EQ(normaliseRegKey("HKEY_USERS\\.DEFAULT"), "HKU\\.DEFAULT");
}

TEST(Secedit, ReadsThePasswordPolicy) {
  InfFile inf = parseInf(
      "[Unicode]\r\nUnicode=yes\r\n[System Access]\r\nMinimumPasswordAge = 0\r\n"
      "MaximumPasswordAge = -1\r\nMinimumPasswordLength = 14\r\nPasswordComplexity = 1\r\n"
      "PasswordHistorySize = 24\r\nClearTextPassword = 0\r\n[Version]\r\n"
      "signature=\"$CHICAGO$\"\r\nRevision=1\r\n");
  EXPECT_TRUE(inf.problems.empty());
  SeceditPasswordPolicy p = seceditPasswordPolicy(inf);
  EXPECT_EQ(p.minimum_length, 14);
  EXPECT_EQ(p.line_minimum_length, 6);
  EXPECT_EQ(p.complexity, true);
  EXPECT_EQ(p.history_size, 24);
  EXPECT_EQ(p.maximum_age_days, -1);
  EXPECT_EQ(p.reversible, false);
  ASSERT_NE(inf.find("version", "SIGNATURE"), nullptr);
  EXPECT_EQ(inf.find("Version", "signature")->value, "\"$CHICAGO$\"");
}

TEST(Secedit, MissingOrMalformedValuesStayUnset) {
  SeceditPasswordPolicy p =
      seceditPasswordPolicy(parseInf("[System Access]\nMinimumPasswordLength = eight\n"));
  EXPECT_FALSE(p.minimum_length.has_value());
  EXPECT_FALSE(p.complexity.has_value());
  InfFile bad = parseInf("Key = 1\n[Unclosed\n");
  EXPECT_EQ(bad.problems.size(), 2u);
}

TEST(SystemInfo, ReadsFieldsByPositionWhateverTheLanguage) {
  const char* german =
      "\r\nHostname:                                  WIN7\r\n"
      "Betriebssystemname:                        Microsoft Windows 7 Ultimate N\r\n"
      "Betriebssystemversion:                     6.1.7601 Service Pack 1 Build 7601\r\n"
      "Urspr\xC3\xBCngliches Installationsdatum:     01.02.2019, 10:11:12\r\n"
      "Hotfix(es):                                2 Hotfix(es) installiert.\r\n"
      "                                           [01]: KB2849697\r\n"
      "                                           [02]: KB2849696\r\n"
      "Netzwerkkarte(n):                          1 Netzwerkadapter installiert.\r\n"
      "                                           [01]: Intel(R) PRO/1000 "
      "MT-Netzwerkverbindung\r\n";
  SystemInfo s = parseSystemInfo(german);
  EXPECT_TRUE(s.problems.empty());
  EXPECT_EQ(s.host_name, "WIN7");
  EXPECT_EQ(s.os_name, "Microsoft Windows 7 Ultimate N");
  EXPECT_EQ(s.major, 6u);
  EXPECT_EQ(s.minor, 1u);
  EXPECT_EQ(s.build, 7601u);
  EXPECT_EQ(s.fields[3].value, "01.02.2019, 10:11:12");
  EXPECT_EQ(s.hotfixes, (std::vector<std::string>{"KB2849697", "KB2849696"}));
}

TEST(SystemInfo, TextThatIsNotSystemInfoIsAProblem) {
  EXPECT_FALSE(parseSystemInfo("hello\n").problems.empty());
  SystemInfo s = parseSystemInfo("A: 1\nB: 2\nC: not a version\n");
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].line, 3);
}

TEST(FirewallRule, ParsesTheRemoteDesktopRule) {
  FirewallRule r;
  std::string why;
  ASSERT_TRUE(parseFirewallRule(
      "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Domain|Profile=Private|"
      "LPort=3389|App=%SystemRoot%\\system32\\svchost.exe|Svc=termservice|"
      "Name=@FirewallAPI.dll,-28775|",
      r, why))
      << why;
  EXPECT_TRUE(r.allow);
  EXPECT_TRUE(r.active);
  EXPECT_TRUE(r.inbound);
  EXPECT_EQ(r.protocol, 6);
  EXPECT_EQ(r.profiles, (std::vector<std::string>{"Domain", "Private"}));
  EXPECT_EQ(r.local_ports, (std::vector<std::string>{"3389"}));
  EXPECT_EQ(r.name, "@FirewallAPI.dll,-28775");
}

TEST(FirewallRule, PortListsBlocksAndBadInput) {
  FirewallRule r;
  std::string why;
  ASSERT_TRUE(
      parseFirewallRule("v2.30|Action=Block|Active=FALSE|Dir=Out|LPort=80,1000-2000,RPC|", r, why));
  EXPECT_FALSE(r.allow);
  EXPECT_FALSE(r.active);
  EXPECT_FALSE(r.inbound);
  EXPECT_EQ(r.protocol, -1);
  EXPECT_EQ(r.local_ports, (std::vector<std::string>{"80", "1000-2000", "RPC"}));
  EXPECT_FALSE(parseFirewallRule("v1.0|Action=Allow", r, why));
  EXPECT_FALSE(parseFirewallRule("v2.10|Protocol=tcp|", r, why));
  EXPECT_FALSE(parseFirewallRule("v2.10|garbage|", r, why));
}

TEST(CommandLine, QuotesAsTheCRuntimeParses) {
  EXPECT_EQ(quoteArgument("plain"), "plain");
  EXPECT_EQ(quoteArgument(""), "\"\"");
  EXPECT_EQ(quoteArgument("two words"), "\"two words\"");
  EXPECT_EQ(quoteArgument("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(quoteArgument("C:\\dir with space\\"), "\"C:\\dir with space\\\\\"");
  EXPECT_EQ(quoteArgument("a\\\\b c"), "\"a\\\\b c\"");
  EXPECT_EQ(quoteArgument("C:\\no\\space\\"), "C:\\no\\space\\");
  EXPECT_EQ(buildCommandLine({"secedit", "/export", "/cfg", "C:\\T p\\s.inf"}),
            "secedit /export /cfg \"C:\\T p\\s.inf\"");
}

}  // namespace
}  // namespace guestprep::os_windows
