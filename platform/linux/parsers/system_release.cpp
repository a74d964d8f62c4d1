// Identification of a Linux distribution from its release files, and of the architecture from
// an ELF header. Formats: os-release(5), LSB's /etc/lsb-release, the one-line *-release files
// of Red Hat and its derivatives, SuSE-release, Debian's debian_version, agetty's /etc/issue.
#include "parsers/system_release.h"

#include <array>
#include <cctype>
#include <utility>

#include "parsers/shell_vars.h"
#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

// os-release IDs and lsb DISTRIB_IDs that differ from the platform id we use.
constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kExactIds = {{
    {"rhel", "redhat"},
    {"redhatenterpriseserver", "redhat"},
    {"sles", "suse"},
    {"sled", "suse"},
    {"sles_sap", "suse"},
    {"suse linux", "suse"},
    {"opensuse-leap", "opensuse"},
    {"opensuse-tumbleweed", "opensuse"},
    {"alinux", "aliyun"},
    {"ol", "oracle"},
    {"enterpriseenterpriseserver", "oracle"},
    {"amazon", "amzn"},
    {"linuxmint", "linuxmint"},
}};

// Words of a distribution's name (release lines, DISTRIB_ID, NAME) and their platform id; the
// first match wins, so more specific names come first.
constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kNameWords = {{
    {"centos", "centos"},
    {"red hat", "redhat"},
    {"redhat", "redhat"},
    {"scientific", "scientific"},
    {"cloudlinux", "cloudlinux"},
    {"oracle", "oracle"},
    {"amazon", "amzn"},
    {"fedora", "fedora"},
    {"alibaba cloud linux", "aliyun"},
    {"aliyun", "aliyun"},
    {"opensuse", "opensuse"},
    {"suse", "suse"},
    {"ubuntu", "ubuntu"},
    {"debian", "debian"},
    {"coreos", "coreos"},
    {"linux mint", "linuxmint"},
}};

// True when `word` occurs in `text` at the start of a word ("tencentos" does not name centos).
bool hasWordAt(std::string_view text, std::string_view word) {
  for (std::size_t pos = text.find(word); pos != std::string_view::npos;
       pos = text.find(word, pos + 1)) {
    if (pos == 0 || !std::isalpha(static_cast<unsigned char>(text[pos - 1]))) return true;
  }
  return false;
}

std::string_view baseName(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The first run of digits and dots that starts with a digit ("6.10(Santiago)" -> "6.10").
std::string leadingVersion(std::string_view s, std::size_t* start = nullptr) {
  std::size_t i = 0;
  while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (start) *start = i;
  std::size_t j = i;
  while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
  std::string v(s.substr(i, j - i));
  while (!v.empty() && v.back() == '.') v.pop_back();
  return v;
}

// agetty's /etc/issue escapes (\S, \r, \m, \n, \l, ...) carry no identity: drop them.
std::string stripIssueEscapes(std::string_view line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
      // \S{VARIABLE} and friends take a braced argument.
      if (i + 1 < line.size() && line[i + 1] == '{') {
        std::size_t close = line.find('}', i);
        i = close == std::string_view::npos ? line.size() : close;
      }
      continue;
    }
    out += line[i];
  }
  return std::string(trim(out));
}

std::optional<ReleaseInfo> parseOsRelease(std::string_view text) {
  ShellVarsFile vars = parseShellVars(text);
  const ShellVar* id = vars.find("ID");
  std::string raw = id ? id->value : vars.get("NAME");
  if (trim(raw).empty()) return std::nullopt;
  ReleaseInfo r;
  r.source.line = id ? id->line : (vars.find("NAME") ? vars.find("NAME")->line : 0);
  r.raw_id = raw;
  r.id = normalisePlatformId(raw);
  for (const std::string& like : splitWords(vars.get("ID_LIKE"))) {
    r.id_like += (r.id_like.empty() ? "" : " ") + normalisePlatformId(like);
  }
  r.version = vars.get("VERSION_ID");
  r.pretty_name = vars.get("PRETTY_NAME", vars.get("NAME"));
  return r;
}

std::optional<ReleaseInfo> parseLsbRelease(std::string_view text) {
  ShellVarsFile vars = parseShellVars(text);
  const ShellVar* id = vars.find("DISTRIB_ID");
  if (!id || trim(id->value).empty()) return std::nullopt;
  ReleaseInfo r;
  r.source.line = id->line;
  r.raw_id = id->value;
  r.id = normalisePlatformId(id->value);
  r.version = vars.get("DISTRIB_RELEASE");
  r.pretty_name = vars.get("DISTRIB_DESCRIPTION");
  if (r.pretty_name.empty()) r.pretty_name = trim(id->value + " " + r.version);
  return r;
}

std::optional<ReleaseInfo> parseDebianVersion(std::string_view text) {
  for (const LogicalLine& line : splitLogicalLines(text, false)) {
    std::string_view v = trim(line.text);
    if (v.empty()) continue;
    ReleaseInfo r;
    r.source.line = line.number;
    r.raw_id = "debian";
    r.id = "debian";
    // A released Debian writes its version ("7.9"); testing and derivatives a codename
    // ("bookworm/sid", Devuan's "beowulf"), which is no version.
    if (std::isdigit(static_cast<unsigned char>(v.front()))) r.version = leadingVersion(v);
    r.pretty_name = "Debian " + std::string(v);
    return r;
  }
  return std::nullopt;
}

// "<name> release <version> (<codename>)", SuSE-release's "<name> <n> (<arch>)" plus
// VERSION/PATCHLEVEL lines, or an /etc/issue line.
std::optional<ReleaseInfo> parseReleaseLine(std::string_view text, bool issue) {
  for (const LogicalLine& line : splitLogicalLines(text, false)) {
    std::string first = issue ? stripIssueEscapes(line.text) : std::string(trim(line.text));
    if (trim(line.text).empty()) continue;
    if (first.empty() || first.starts_with('#')) return std::nullopt;
    ReleaseInfo r;
    r.source.line = line.number;
    r.pretty_name = first;
    std::string_view name;
    if (std::size_t rel = first.find(" release "); rel != std::string::npos) {
      name = std::string_view(first).substr(0, rel);
      r.version = leadingVersion(std::string_view(first).substr(rel + 9));
    } else {
      std::size_t start = 0;
      r.version = leadingVersion(first, &start);
      name = trim(std::string_view(first).substr(0, start));
      // SuSE-release: "VERSION = 11" and "PATCHLEVEL = 3" below the name line give 11.3,
      // as SLES 11 SP3's os-release VERSION_ID does.
      ShellVarsFile vars = parseShellVars(text);
      if (std::string v = vars.get("VERSION"); !v.empty()) {
        r.version = v;
        std::string patch = vars.get("PATCHLEVEL");
        if (!patch.empty() && patch != "0") r.version += "." + patch;
      }
    }
    if (trim(name).empty()) return std::nullopt;
    r.raw_id = std::string(trim(name));
    r.id = normalisePlatformId(r.raw_id);
    return r;
  }
  return std::nullopt;
}

}  // namespace

std::string normalisePlatformId(std::string_view raw) {
  std::string lower = toLower(trim(raw));
  for (const auto& [from, to] : kExactIds) {
    if (lower == from) return std::string(to);
  }
  if (lower.starts_with("opensuse")) return "opensuse";
  // Single-word lower-case os-release IDs are ids already ("tencentos" is not CentOS); names
  // ("CentOS Linux", "RedHatEnterpriseServer") are read by their words.
  if (lower == raw && lower.find(' ') == std::string::npos) return lower;
  for (const auto& [word, id] : kNameWords) {
    if (hasWordAt(lower, word)) return std::string(id);
  }
  std::vector<std::string> words = splitWords(lower);
  return words.empty() ? lower : words.front();
}

std::optional<ReleaseInfo> parseReleaseFile(std::string_view path, std::string_view text) {
  std::string_view base = baseName(path);
  std::optional<ReleaseInfo> r;
  if (base == "os-release") {
    r = parseOsRelease(text);
  } else if (base == "lsb-release") {
    r = parseLsbRelease(text);
  } else if (base == "debian_version") {
    r = parseDebianVersion(text);
  } else if (base == "issue" || base == "issue.net") {
    r = parseReleaseLine(text, true);
  } else {
    r = parseReleaseLine(text, false);
  }
  if (r) r->source.file = std::string(path);
  return r;
}

std::optional<ReleaseInfo> chooseRelease(const std::vector<ReleaseInfo>& releases) {
  for (std::size_t i = 0; i < releases.size(); ++i) {
    if (releases[i].id.empty()) continue;
    ReleaseInfo chosen = releases[i];
    for (std::size_t k = i + 1; chosen.version.empty() && k < releases.size(); ++k) {
      if (releases[k].id == chosen.id) chosen.version = releases[k].version;
    }
    return chosen;
  }
  return std::nullopt;
}

std::optional<std::string> elfArchitecture(std::string_view bytes) {
  // ELF header: e_ident[0..3] magic, [4] EI_CLASS (1: 32-bit, 2: 64-bit), [5] EI_DATA
  // (1: little, 2: big endian); e_machine is the 16-bit field at offset 18 (elf(5)).
  if (bytes.size() < 20 || bytes.substr(0, 4) !=
                               "\x7f"
                               "ELF")
    return std::nullopt;
  const auto cls = static_cast<unsigned char>(bytes[4]);
  const auto data = static_cast<unsigned char>(bytes[5]);
  if ((cls != 1 && cls != 2) || (data != 1 && data != 2)) return std::nullopt;
  const auto b0 = static_cast<unsigned>(static_cast<unsigned char>(bytes[18]));
  const auto b1 = static_cast<unsigned>(static_cast<unsigned char>(bytes[19]));
  const unsigned machine = data == 1 ? (b0 | (b1 << 8)) : ((b0 << 8) | b1);
  const bool is64 = cls == 2;
  const bool little = data == 1;
  switch (machine) {
    case 2:   // EM_SPARC
    case 43:  // EM_SPARCV9
      return is64 ? "sparc64" : "sparc";
    case 3:  // EM_386
      return "i386";
    case 8:  // EM_MIPS
      return std::string(is64 ? "mips64" : "mips") + (little ? "el" : "");
    case 20:  // EM_PPC
      return "ppc";
    case 21:  // EM_PPC64
      return little ? "ppc64le" : "ppc64";
    case 22:  // EM_S390
      return is64 ? "s390x" : "s390";
    case 40:  // EM_ARM
      return "arm";
    case 62:  // EM_X86_64
      return "x86_64";
    case 183:  // EM_AARCH64
      return "aarch64";
    case 243:  // EM_RISCV
      return is64 ? "riscv64" : "riscv32";
    case 258:  // EM_LOONGARCH
      return "loongarch64";
    default:
      return std::nullopt;
  }
}

}  // namespace guestprep::os_linux
