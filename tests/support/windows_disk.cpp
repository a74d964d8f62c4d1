#include "support/windows_disk.h"

#include <fstream>
#include <stdexcept>

#include "support/regf_writer.h"

namespace guestprep::test {

namespace {

RegfTestKey named(std::string name) {
  RegfTestKey k;
  k.name = std::move(name);
  return k;
}

RegfWriteOptions embedded(std::string name) {
  RegfWriteOptions w;
  w.embedded_name = std::move(name);
  return w;
}

RegfTestValue value(std::string name, std::uint32_t type, std::string data) {
  RegfTestValue v;
  v.name = std::move(name);
  v.type = type;
  v.data = std::move(data);
  return v;
}
RegfTestValue dword(std::string name, std::uint32_t v) {
  return value(std::move(name), 4, regDword(v));
}
RegfTestValue sz(std::string name, std::string_view v) {
  return value(std::move(name), 1, regSz(v));
}

/// The key at `path` below `root` ("A\\B"), made when missing.
RegfTestKey& keyAt(RegfTestKey& root, std::string_view path) {
  RegfTestKey* cur = &root;
  while (!path.empty()) {
    std::size_t sep = path.find('\\');
    std::string part(path.substr(0, sep));
    path = sep == std::string_view::npos ? std::string_view() : path.substr(sep + 1);
    RegfTestKey* next = nullptr;
    for (RegfTestKey& k : cur->subkeys) {
      if (k.name == part) next = &k;
    }
    if (!next) {
      cur->subkeys.push_back(named(part));
      next = &cur->subkeys.back();
    }
    cur = next;
  }
  return *cur;
}

void writeBytes(const std::filesystem::path& file, const std::string& bytes) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

void putLe(std::string& s, std::size_t at, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string systemHive(const WindowsDiskOptions& o) {
  RegfTestKey root = named("CMI-CreateHive{2A7FB991-7BBE-4F9D-B91E-7CB51D4737F5}");
  keyAt(root, "Select").values = {dword("Current", o.control_set), dword("Default", o.control_set),
                                  dword("LastKnownGood", o.control_set)};
  // An older control set that says the opposite: only Select\Current's counts.
  keyAt(root, "ControlSet009\\Control\\Terminal Server").values = {
      dword("fDenyTSConnections", o.deny_rdp == 0 ? 1 : 0)};
  char set[32];
  std::snprintf(set, sizeof set, "ControlSet%03u", o.control_set);
  const std::string cs = set;
  keyAt(root, cs + "\\Control\\Terminal Server").values = {dword("fDenyTSConnections", o.deny_rdp)};
  keyAt(root, cs + "\\Control\\Terminal Server\\WinStations\\RDP-Tcp").values = {
      dword("PortNumber", 3389)};
  keyAt(root, cs + "\\Control\\ProductOptions").values = {sz("ProductType", "ServerNT")};
  keyAt(root, cs + "\\Control\\Session Manager").values = {
      value("BootExecute", 7, regMultiSz({"autocheck autochk *"}))};
  keyAt(root, cs + "\\Control\\Power").values = {dword("HibernateEnabled", 0)};
  for (const char* profile : {"DomainProfile", "StandardProfile", "PublicProfile"}) {
    keyAt(root, cs + "\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\" + profile).values = {
        dword("EnableFirewall", o.firewall_on ? 1 : 0)};
  }
  auto service = [&](const std::string& name, std::uint32_t start, std::uint32_t type,
                     const std::string& image) {
    keyAt(root, cs + "\\Services\\" + name).values = {dword("Start", start), dword("Type", type),
                                                      value("ImagePath", 2, regSz(image)),
                                                      sz("DisplayName", name)};
  };
  service("TermService", 3, 0x20, "%SystemRoot%\\System32\\svchost.exe -k NetworkService");
  service("MpsSvc", 2, 0x20, "%SystemRoot%\\system32\\svchost.exe -k LocalServiceNoNetwork");
  if (o.viostor) service("viostor", 0, 1, "\\SystemRoot\\System32\\drivers\\viostor.sys");
  service("netkvm", 3, 1, "\\SystemRoot\\System32\\drivers\\netkvm.sys");
  return writeRegf(root, embedded("SYSTEM")).bytes;
}

std::string softwareHive(const WindowsDiskOptions& o) {
  RegfTestKey root = named("CMI-CreateHive{199DAFC2-6F16-4946-BF90-5A3FC3A60902}");
  keyAt(root, "Microsoft\\Windows NT\\CurrentVersion").values = {
      sz("ProductName", "Windows Server 2012 R2 Standard"),
      sz("EditionID", "ServerStandard"),
      sz("InstallationType", "Server"),
      sz("CurrentVersion", "6.3"),
      sz("CurrentBuildNumber", "9600"),
      sz("CurrentBuild", "9600"),
      sz("SystemRoot", "C:\\Windows"),
  };
  keyAt(root, "Microsoft\\Windows\\CurrentVersion\\Uninstall");
  RegfWriteOptions w = embedded("SOFTWARE");
  if (o.dirty_software) w.sequence2 = w.sequence1 + 1;
  return writeRegf(root, w).bytes;
}

std::string samHive(const WindowsDiskOptions& o) {
  RegfTestKey root = named("CMI-CreateHive{C4E7BA2B-68E8-499C-B1A1-371AC8D717C7}");
  // The Account domain's F value: ages (negative 100 ns units) at 24 and 32, PasswordProperties
  // at 76, the minimum length at 80, the history length at 82.
  std::string f(0x68, '\0');
  putLe(f, 0, 3, 2);
  putLe(f, 24, static_cast<std::uint64_t>(-42LL * 86400 * 10'000'000), 8);
  putLe(f, 32, 0, 8);
  putLe(f, 72, 1000, 4);
  putLe(f, 76, o.complexity ? 1 : 0, 4);
  putLe(f, 80, o.min_password, 2);
  putLe(f, 82, 24, 2);
  keyAt(root, "SAM\\Domains\\Account").values = {value("F", 3, f)};
  // The account's RID is the type of its Names entry's default value.
  keyAt(root, "SAM\\Domains\\Account\\Users\\Names\\" + o.admin_name).values = {
      value("", 0x1F4, "")};
  // V: a table of (offset, length, unknown) entries from 0, data from 0xCC; the user name is
  // the second entry, the full name the third.
  std::string v(0xCC, '\0');
  auto add = [&](std::size_t entry, const std::string& utf16) {
    putLe(v, entry * 12, v.size() - 0xCC, 4);
    putLe(v, entry * 12 + 4, utf16.size(), 4);
    v += utf16;
    while (v.size() % 4) v += '\0';
  };
  auto utf16 = [](std::string_view ascii) {
    std::string out;
    for (char c : ascii) {
      out += c;
      out += '\0';
    }
    return out;
  };
  add(1, utf16(o.admin_name));
  add(2, utf16(o.admin_full_name));
  keyAt(root, "SAM\\Domains\\Account\\Users\\000001F4").values = {value("V", 3, v)};
  return writeRegf(root, embedded("SAM")).bytes;
}

}  // namespace

void writeWindowsDisk(const std::filesystem::path& dir, const WindowsDiskOptions& o) {
  const std::filesystem::path windows = dir / "Windows";
  writeBytes(windows / "System32" / "config" / "SYSTEM", systemHive(o));
  writeBytes(windows / "System32" / "config" / "SOFTWARE", softwareHive(o));
  writeBytes(windows / "System32" / "config" / "SAM", samHive(o));
  // Windows names it "drivers"; the probes must not depend on letter case, so this disk spells
  // it differently (a case-sensitive mount shows it as it is).
  const std::filesystem::path drivers = windows / "System32" / "Drivers";
  if (o.viostor) writeBytes(drivers / "viostor.sys", "MZ viostor");
  writeBytes(drivers / "netkvm.sys", "MZ netkvm");
  std::filesystem::create_directories(windows / "System32" / "DriverStore" / "FileRepository" /
                                      "netkvm.inf_amd64_1b2c3d4e5f6a7b8c");
  std::filesystem::create_directories(dir / "Program Files");
}

}  // namespace guestprep::test
