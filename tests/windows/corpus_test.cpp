// Windows parsers over ../shared/corpus/windows: systeminfo in several languages and encodings
// (UTF-16LE from PowerShell, GBK, Russian UTF-8), secedit exports, wmic output.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "parsers/secedit.h"
#include "parsers/systeminfo.h"
#include "parsers/win_text.h"
#include "support/corpus.h"

namespace guestprep::os_windows {
namespace {

namespace gt = guestprep::testing;

struct Expected {
  std::uint32_t major, minor, build;
  TextEncoding encoding;
  std::string name_part;  ///< part of the OS name that survives any encoding
};

const std::map<std::string, Expected>& systeminfoTable() {
  static const std::map<std::string, Expected> kTable = {
      {"10_1809_x64_enterprise_zh-cn_systeminfo.txt",
       {10, 0, 17763, TextEncoding::kLegacy, "Microsoft Windows 10"}},
      {"7_sp1_x64_enterprise_fr_systeminfo_powershell.txt",
       {6, 1, 7601, TextEncoding::kUtf16Le, "7 Entreprise N"}},
      {"7_sp1_x64_ultimaten_de_systeminfo.txt", {6, 1, 7601, TextEncoding::kUtf8, "Windows 7"}},
      {"srv_2003_rtm_x86_standard_en-us_systeminfo.txt",
       {5, 2, 3790, TextEncoding::kUtf8, "Server 2003, Standard Edition"}},
      {"srv_2003r2_sp2_x86_standard_en-us_systeminfo.txt",
       {5, 2, 3790, TextEncoding::kUtf8, "Server 2003"}},
      {"srv_2008_rtm_x64_standard_en-us_systeminfo.txt",
       {6, 0, 6001, TextEncoding::kUtf8, "2008 Standard"}},
      {"srv_2008r2_sp1_x64_standard_en-us_systeminfo.txt",
       {6, 1, 7601, TextEncoding::kUtf8, "Windows Server 2008 R2 Standard"}},
      {"srv_2012r2_u1_systeminfo.txt",
       {6, 3, 9600, TextEncoding::kUtf8, "Windows Server 2012 R2 Standard"}},
      {"srv_2012r2_x64_standard_ru_systeminfo.txt",
       {6, 3, 9600, TextEncoding::kUtf8, "Windows Server 2012 R2 Standard"}},
      {"srv_2016_1607_datacenter_en-us_systeminfo.txt",
       {10, 0, 14393, TextEncoding::kUtf8, "Windows Server 2016 Datacenter"}},
      {"srv_2019_rtm_datacenter_en-us_systeminfo.txt",
       {10, 0, 17763, TextEncoding::kUtf8, "Windows Server 2019 Datacenter"}},
      {"srv_2022_systeminfo.txt", {10, 0, 20348, TextEncoding::kUtf8, "Server 2022 Standard"}},
      {"systeminfo-win10-hyperv.txt", {10, 0, 17134, TextEncoding::kUtf8, "Windows 10"}},
      {"systeminfo-win2012r2.txt", {6, 3, 9600, TextEncoding::kUtf8, "Server 2012 R2"}},
  };
  return kTable;
}

TEST(WindowsCorpus, SystemInfoInEveryLanguageAndEncoding) {
  GUESTPREP_REQUIRE_CORPUS();
  std::set<std::string> seen;
  static const std::regex kKb(R"(KB\d+)");
  for (const auto& path : gt::corpusFiles("windows")) {
    std::string name = path.filename().string();
    auto it = systeminfoTable().find(name);
    if (it == systeminfoTable().end()) continue;
    seen.insert(name);
    const Expected& e = it->second;
    DecodedText text = decodeWindowsText(gt::readTestFile(path));
    EXPECT_EQ(text.encoding, e.encoding) << name;
    SystemInfo s = parseSystemInfo(text.text);
    EXPECT_TRUE(s.problems.empty())
        << name << ": line " << s.problems.front().line << ": " << s.problems.front().message;
    EXPECT_EQ(s.major, e.major) << name;
    EXPECT_EQ(s.minor, e.minor) << name;
    EXPECT_EQ(s.build, e.build) << name;
    EXPECT_NE(s.os_name.find(e.name_part), std::string::npos) << name << ": " << s.os_name;
    EXPECT_FALSE(s.host_name.empty()) << name;
    // Every KB number in the file is in the hotfix list, and nothing else is.
    std::set<std::string> kbs;
    for (auto m = std::sregex_iterator(text.text.begin(), text.text.end(), kKb);
         m != std::sregex_iterator(); ++m) {
      kbs.insert(m->str());
    }
    std::set<std::string> listed;
    for (const auto& h : s.hotfixes) {
      if (h.starts_with("KB")) listed.insert(h);
    }
    EXPECT_EQ(listed, kbs) << name;
  }
  EXPECT_EQ(seen.size(), systeminfoTable().size()) << "systeminfo files missing from the corpus";
}

TEST(WindowsCorpus, SeceditExport) {
  GUESTPREP_REQUIRE_CORPUS();
  auto dir = gt::corpusDir();
  auto path = *dir / "windows" / "inspec" / "secedit-export.inf";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not in the corpus";
  InfFile inf = parseInf(decodeWindowsText(gt::readTestFile(path)).text);
  EXPECT_TRUE(inf.problems.empty());
  SeceditPasswordPolicy p = seceditPasswordPolicy(inf);
  EXPECT_EQ(p.maximum_age_days, 42);
  EXPECT_FALSE(p.minimum_length.has_value());
  const InfEntry* admin = inf.find("System Access", "NewAdministratorName");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->value, "\"Administrator\"");
  EXPECT_NE(inf.find("Registry Values",
                     "MACHINE\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Setup\\"
                     "RecoveryConsole\\SecurityLevel"),
            nullptr);
}

TEST(WindowsCorpus, WmicOutputIsUtf16WithoutLosingText) {
  GUESTPREP_REQUIRE_CORPUS();
  auto path = *gt::corpusDir() / "windows" / "wesng" / "srv_2012r2_u1_qfe.txt";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not in the corpus";
  DecodedText d = decodeWindowsText(gt::readTestFile(path));
  EXPECT_EQ(d.encoding, TextEncoding::kUtf16Le);
  EXPECT_TRUE(d.text.starts_with("Caption")) << d.text.substr(0, 20);
  EXPECT_NE(d.text.find("KB2894852"), std::string::npos);
  EXPECT_EQ(d.text.find('\0'), std::string::npos);
}

}  // namespace
}  // namespace guestprep::os_windows
