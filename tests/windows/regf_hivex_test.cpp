// The hive reader against hivex, an independent implementation (Debian's libhivex-bin and
// libwin-hivex-perl): hivex reads the test writer's hives as we do, its export matches our
// reader, and we read what hivex wrote into them. Built natively only (it runs hivex's tools);
// skipped with a message when they are not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "parsers/win_text.h"
#include "regf_test_util.h"

namespace guestprep::os_windows {
namespace {

using namespace regf_testing;  // NOLINT(google-build-using-namespace)

namespace fs = std::filesystem;

bool onPath(const std::string& tool) {
  return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

// A shell word.
std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// Runs a shell command; its standard output, and the exit status in `status`.
std::string run(const std::string& command, int& status) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) {
    status = -1;
    return out;
  }
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  status = ::pclose(p);
  return out;
}

class RegfHivex : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"hivexget", "hivexsh"}) {
      if (!onPath(tool)) {
        GTEST_SKIP() << tool << " not on PATH (Debian package libhivex-bin): the hivex "
                     << "cross-check needs it";
      }
    }
    dir_ = fs::temp_directory_path() /
           ("guestprep-regf-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  std::string save(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  static std::string load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  fs::path dir_;
};

// hivexget prints "hex(11):" (the type in decimal) and "str(2):"; hivexregedit --export prints
// "hex(b):" (in hex), as regedit does.
// One line of hivexget's .reg-like output: "name"=data.
struct HivexValue {
  std::string name;
  std::string kind;  // dword, string, expand, hex
  std::uint32_t type = 0;
  std::string data;  // bytes for hex, text for strings, the number's bytes for dword
};

std::size_t readHivexQuoted(std::string_view s, std::size_t i, std::string& out) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size())
      out += s[++i];
    else if (s[i] == '"')
      return i + 1;
    else
      out += s[i];
  }
  return std::string_view::npos;
}

std::vector<HivexValue> parseHivexget(const std::string& text) {
  std::vector<HivexValue> out;
  for (std::string_view line : splitLines(text)) {
    if (line.empty()) continue;
    HivexValue v;
    std::size_t i = readHivexQuoted(line, 0, v.name);
    if (i == std::string_view::npos || i >= line.size() || line[i] != '=') {
      ADD_FAILURE() << "unexpected hivexget line: " << line.substr(0, 80);
      continue;
    }
    if (v.name == "@") v.name.clear();
    std::string_view rest = line.substr(i + 1);
    if (rest.starts_with("dword:")) {
      v.kind = "dword";
      v.type = kRegDword;
      v.data = regDword(
          static_cast<std::uint32_t>(std::stoul(std::string(rest.substr(6)), nullptr, 16)));
    } else if (rest.starts_with("\"")) {
      v.kind = "string";
      v.type = kRegSz;
      readHivexQuoted(rest, 0, v.data);
    } else if (rest.starts_with("str(")) {
      v.kind = "string";
      std::size_t close = rest.find("):");
      v.type = static_cast<std::uint32_t>(std::stoul(std::string(rest.substr(4, close - 4))));
      readHivexQuoted(rest, close + 2, v.data);
    } else if (rest.starts_with("hex(")) {
      v.kind = "hex";
      std::size_t close = rest.find("):");
      v.type = static_cast<std::uint32_t>(std::stoul(std::string(rest.substr(4, close - 4))));
      std::string_view bytes = rest.substr(close + 2);
      for (std::size_t p = 0; p + 1 < bytes.size(); p += 3) {
        v.data += static_cast<char>(std::stoul(std::string(bytes.substr(p, 2)), nullptr, 16));
      }
    } else {
      ADD_FAILURE() << "unexpected hivexget data: " << rest.substr(0, 80);
      continue;
    }
    out.push_back(std::move(v));
  }
  return out;
}

// A REG_SZ's bytes as hivex prints them: UTF-16LE up to the first NUL, as UTF-8.
std::string stringData(const std::string& bytes) {
  std::u16string units;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    char16_t c = static_cast<char16_t>(static_cast<unsigned char>(bytes[i]) |
                                       static_cast<unsigned char>(bytes[i + 1]) << 8);
    if (c == 0) break;
    units.push_back(c);
  }
  return utf16ToUtf8(units);
}

// Compares hivex's view of every key under `path` with ours: values (name, type, exact data)
// and subkey names in order. Returns the number of keys compared.
int compareWithHivex(const std::string& file, const RegfHive& h, const std::string& path,
                     int depth = 0) {
  if (depth > 8) return 0;
  int status = 0;
  std::string hpath = "\\" + path;
  std::string got = run("hivexget " + quote(file) + " " + quote(hpath), status);
  EXPECT_EQ(status, 0) << "hivexget " << hpath;
  std::vector<HivexValue> theirs = parseHivexget(got);
  RegfHive::Key k = findOk(h, path);
  auto names = h.valueNames(k);
  EXPECT_TRUE(names) << path;
  if (!names) return 0;
  EXPECT_EQ(names->size(), theirs.size()) << path;
  for (std::size_t i = 0; i < theirs.size() && i < names->size(); ++i) {
    const HivexValue& t = theirs[i];
    EXPECT_EQ((*names)[i], t.name) << path << " value " << i;
    RegistryData ours = valueOk(h, path, t.name);
    EXPECT_EQ(ours.type, t.type) << path << ":" << t.name;
    if (t.kind == "string") {
      EXPECT_EQ(stringData(ours.data), t.data) << path << ":" << t.name;
    } else {
      EXPECT_EQ(ours.data == t.data, true) << path << ":" << t.name << " (" << ours.data.size()
                                           << " bytes, hivex " << t.data.size() << ")";
    }
  }
  std::string script = (fs::path(file).parent_path() / "ls.hivexsh").string();
  std::ofstream(script) << "cd " << (path.empty() ? "\\" : hpath) << "\nls\n";
  std::string listed = run("hivexsh -f " + quote(script) + " " + quote(file), status);
  EXPECT_EQ(status, 0) << "hivexsh ls " << hpath;
  std::vector<std::string> their_keys;
  for (std::string_view line : splitLines(listed)) {
    if (!line.empty()) their_keys.emplace_back(line);
  }
  auto subs = h.subkeyNames(k);
  EXPECT_TRUE(subs) << path;
  if (!subs) return 1;
  EXPECT_EQ(*subs, their_keys) << path;
  int compared = 1;
  for (const std::string& s : *subs) {
    compared += compareWithHivex(file, h, path.empty() ? s : path + "\\" + s, depth + 1);
  }
  return compared;
}

RegfTestKey crossCheckTree() {
  RegfTestKey root = systemTree();
  RegfTestKey lists = key("Lists");
  for (RegfList kind : {RegfList::kLf, RegfList::kLh, RegfList::kLi, RegfList::kRi}) {
    RegfTestKey k = key(kind == RegfList::kLf   ? "lf"
                        : kind == RegfList::kLh ? "lh"
                        : kind == RegfList::kLi ? "li"
                                                : "ri");
    k.list = kind;
    for (int i = 0; i < 5; ++i) {
      k.subkeys.push_back(key("Child" + std::to_string(i),
                              {{"Data", kRegBinary, pattern(static_cast<std::size_t>(i * 7), 9)}}));
    }
    lists.subkeys.push_back(k);
  }
  RegfTestKey wide = key("Wide", {{"Utf16Name", kRegSz, regSz("wide name"), true}});
  wide.utf16_name = true;
  RegfTestKey big =
      key("Big", {{"Huge", kRegBinary, pattern(40000, 11)}, {"Qword", kRegQword, regQword(42)}});
  root.subkeys.push_back(lists);
  root.subkeys.push_back(wide);
  root.subkeys.push_back(big);
  return root;
}

TEST_F(RegfHivex, HivexReadsOurHivesAsWeDo) {
  RegfImage img = writeRegf(crossCheckTree());
  std::string file = save("ours.hiv", img.bytes);
  RegfHive h = parseOk(img.bytes);
  int keys = compareWithHivex(file, h, "");
  EXPECT_EQ(keys, static_cast<int>(img.keys.size())) << "every key compared";
  RecordProperty("hivex_keys_compared", keys);
}

std::string hexList(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    if (!out.empty()) out += ',';
    out += kDigits[u >> 4];
    out += kDigits[u & 0xF];
  }
  return out;
}

// hivexregedit --export of the whole hive: keys and values (all as hex, or dword:), values
// sorted by name within a key. Key paths without the prefix ("" for the root).
struct Export {
  std::vector<std::string> keys;
  std::map<std::string, std::map<std::string, std::pair<std::uint32_t, std::string>>> values;
};

Export parseExport(const std::string& text, const std::string& prefix) {
  Export e;
  std::string current;
  std::vector<std::string_view> lines = splitLines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string line(lines[i]);
    while (line.ends_with('\\') && i + 1 < lines.size()) {
      line.pop_back();
      line += trimBlanks(lines[++i]);
    }
    if (line.empty() || line.starts_with("Windows Registry Editor")) continue;
    if (line.front() == '[') {
      std::string path = line.substr(1, line.size() - 2);
      EXPECT_TRUE(path.starts_with(prefix + "\\")) << path;
      current = path.substr(prefix.size() + 1);
      if (current.ends_with('\\')) current.pop_back();
      e.keys.push_back(current);
      e.values[current];
      continue;
    }
    std::string name;
    std::size_t eq = 1;
    if (line.front() == '"') {
      eq = readHivexQuoted(line, 0, name);
    }
    if (eq == std::string::npos || eq >= line.size() || line[eq] != '=') {
      ADD_FAILURE() << "unexpected export line: " << line.substr(0, 80);
      continue;
    }
    std::string_view rest = std::string_view(line).substr(eq + 1);
    std::uint32_t type = 0;
    std::string data;
    if (rest.starts_with("dword:")) {
      type = kRegDword;
      data = regDword(
          static_cast<std::uint32_t>(std::stoul(std::string(rest.substr(6)), nullptr, 16)));
    } else if (rest.starts_with("hex(") || rest.starts_with("hex:")) {
      std::size_t colon = rest.find(':');
      type = rest[3] == '(' ? static_cast<std::uint32_t>(
                                  std::stoul(std::string(rest.substr(4, colon - 5)), nullptr, 16))
                            : kRegBinary;
      std::string_view bytes = rest.substr(colon + 1);
      for (std::size_t p = 0; p + 1 < bytes.size(); p += 3) {
        data += static_cast<char>(std::stoul(std::string(bytes.substr(p, 2)), nullptr, 16));
      }
    } else {
      ADD_FAILURE() << "unexpected export data: " << rest.substr(0, 80);
      continue;
    }
    e.values[current][name] = {type, data};
  }
  return e;
}

// Every key and value of hivexregedit's export, compared with our reader; the number of keys.
int compareWithExport(const std::string& file, const RegfHive& h) {
  int status = 0;
  std::string text = run(
      "hivexregedit --export --prefix 'HKEY_LOCAL_MACHINE\\TEST' " + quote(file) + " '\\'", status);
  EXPECT_EQ(status, 0) << "hivexregedit --export";
  Export e = parseExport(text, "HKEY_LOCAL_MACHINE\\TEST");
  // Our keys, depth first in list order (the export's order).
  std::vector<std::string> ours;
  std::function<void(const std::string&, int)> collect = [&](const std::string& path, int depth) {
    ours.push_back(path);
    auto subs = h.subkeyNames(findOk(h, path));
    EXPECT_TRUE(subs) << path;
    if (!subs || depth > 8) return;
    for (const std::string& s : *subs) collect(path.empty() ? s : path + "\\" + s, depth + 1);
  };
  collect("", 0);
  // The export sorts keys by name itself (case-sensitively): compare the sets.
  std::vector<std::string> sorted_ours = ours;
  std::vector<std::string> sorted_theirs = e.keys;
  std::sort(sorted_ours.begin(), sorted_ours.end());
  std::sort(sorted_theirs.begin(), sorted_theirs.end());
  EXPECT_EQ(sorted_ours, sorted_theirs);
  for (const std::string& path : ours) {
    auto names = h.valueNames(findOk(h, path));
    EXPECT_TRUE(names) << path;
    if (!names) continue;
    const auto& theirs = e.values[path];
    EXPECT_EQ(names->size(), theirs.size()) << path;
    for (const std::string& n : *names) {
      auto it = theirs.find(n);
      if (it == theirs.end()) {
        ADD_FAILURE() << path << ":" << n << " not in hivex's export";
        continue;
      }
      RegistryData v = valueOk(h, path, n);
      EXPECT_EQ(v.type, it->second.first) << path << ":" << n;
      EXPECT_TRUE(v.data == it->second.second)
          << path << ":" << n << " (" << v.data.size() << " bytes, hivex "
          << it->second.second.size() << ")";
    }
  }
  return static_cast<int>(ours.size());
}

TEST_F(RegfHivex, HivexregeditExportMatchesOurReader) {
  if (!onPath("hivexregedit")) {
    GTEST_SKIP() << "hivexregedit not on PATH (Debian package libwin-hivex-perl)";
  }
  RegfImage img = writeRegf(crossCheckTree());
  std::string file = save("ours.hiv", img.bytes);
  int keys = compareWithExport(file, parseOk(img.bytes));
  EXPECT_EQ(keys, static_cast<int>(img.keys.size()));
  RecordProperty("hivexregedit_keys_compared", keys);
}

TEST_F(RegfHivex, WeReadWhatHivexWrote) {
  RegfImage img = writeRegf(crossCheckTree());
  std::string file = save("base.hiv", img.bytes);
  std::string out = (dir_ / "written.hiv").string();
  // hivexsh reads lines of 8 KiB at most: 3000 bytes of hex data fit.
  std::string kib3 = pattern(3000, 21);
  std::string compact;
  for (char c : kib3) {
    static constexpr char kDigits[] = "0123456789abcdef";
    compact += kDigits[static_cast<unsigned char>(c) >> 4];
    compact += kDigits[static_cast<unsigned char>(c) & 0xF];
  }
  std::ostringstream s;
  s << "cd \\\nadd HivexKey\ncd HivexKey\nsetval 4\n@\nstring:hivex default\nCount\n"
       "dword:0x12345678\nBig3K\nhex:3:"
    << compact << "\nWhen\nhex:11:0807060504030201\n";  // hivexsh's qword: keeps 4 bytes only
  // Enough subkeys under one key for hivex to build (and grow) its own lists.
  for (int i = 0; i < 600; ++i) s << "cd \\HivexKey\nadd Sub" << (i * 7919) % 600 << "\n";
  // Keys added under our lists of every kind, ri included.
  for (const char* list : {"lf", "lh", "li", "ri"}) {
    s << "cd \\Lists\\" << list << "\nadd Added\nadd AAA\nadd zzz\n";
  }
  s << "cd \\ControlSet001\\Services\\viostor\nsetval 1\nStart\ndword:3\n";
  s << "commit " << out << "\n";
  std::string script = (dir_ / "write.hivexsh").string();
  std::ofstream(script) << s.str();
  int status = 0;
  std::string log = run("hivexsh -w -f " + quote(script) + " " + quote(file) + " 2>&1", status);
  ASSERT_EQ(status, 0) << log.substr(0, 2000);

  // Larger values through hivexregedit --merge (no line limit), when it is there.
  bool merged = onPath("hivexregedit");
  std::string kib20 = pattern(20000, 22);
  std::string kib70 = pattern(70000, 23);
  if (merged) {
    std::string reg = (dir_ / "big.reg").string();
    std::ofstream(reg) << "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\TEST\\"
                          "HivexKey\\Merged]\n\"Big20K\"=hex:"
                       << hexList(kib20) << "\n\"Big70K\"=hex(3):" << hexList(kib70)
                       << "\n\"Text\"=\"merged text\"\n";
    log = run("hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\\TEST' " + quote(out) + " " +
                  quote(reg) + " 2>&1",
              status);
    ASSERT_EQ(status, 0) << log.substr(0, 2000);
  } else {
    std::cout << "[   NOTE   ] hivexregedit not on PATH (Debian package libwin-hivex-perl): "
                 "values over 16 KiB written by hivex are not checked\n";
  }

  std::string written = load(out);
  RegfHive h = parseOk(written, "hivex-written");
  EXPECT_EQ(valueOk(h, "hivexkey", "").data, regSz("hivex default"));
  EXPECT_EQ(valueOk(h, "HivexKey", "count"), (RegistryData{true, kRegDword, regDword(0x12345678)}));
  EXPECT_EQ(valueOk(h, "HivexKey", "Big3K"), (RegistryData{true, kRegBinary, kib3}));
  EXPECT_EQ(valueOk(h, "HivexKey", "When"),
            (RegistryData{true, kRegQword, regQword(0x0102030405060708ull)}));
  auto subs = h.subkeyNames(findOk(h, "HivexKey"));
  ASSERT_TRUE(subs) << subs.error().message;
  EXPECT_EQ(subs->size(), merged ? 601u : 600u);
  for (int i : {0, 1, 99, 317, 599}) findOk(h, "HivexKey\\sub" + std::to_string(i));
  for (const char* list : {"lf", "lh", "li", "ri"}) {
    auto names = h.subkeyNames(findOk(h, std::string("Lists\\") + list));
    ASSERT_TRUE(names) << list << ": " << names.error().message;
    EXPECT_EQ(*names, (std::vector<std::string>{"AAA", "Added", "Child0", "Child1", "Child2",
                                                "Child3", "Child4", "zzz"}))
        << list;
  }
  EXPECT_EQ(valueOk(h, "ControlSet001\\Services\\viostor", "Start").data, regDword(3));
  auto names = h.valueNames(findOk(h, "ControlSet001\\Services\\viostor"));
  ASSERT_TRUE(names);
  EXPECT_EQ(names->size(), 1u) << "setval replaced the values";
  if (merged) {
    EXPECT_EQ(valueOk(h, "HivexKey\\Merged", "Big20K"), (RegistryData{true, kRegBinary, kib20}));
    EXPECT_EQ(valueOk(h, "HivexKey\\Merged", "Big70K"), (RegistryData{true, kRegBinary, kib70}));
    EXPECT_EQ(valueOk(h, "HivexKey\\Merged", "Text").data, regSz("merged text"));
    // And the whole hive read by hivex and by us agrees.
    EXPECT_GT(compareWithExport(out, h), 600);
  } else {
    EXPECT_GT(compareWithHivex(out, h, ""), 600);
  }
}

}  // namespace
}  // namespace guestprep::os_windows
