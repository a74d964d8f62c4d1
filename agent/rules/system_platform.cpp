// platform.standard (L-PLATFORM): which platform to choose at import, from the release files,
// against the policy's standard-platform table; lists what the import form asks for.
#include <cctype>
#include <charconv>

#include "rules/system_rules.h"

namespace guestprep {

namespace {

bool isIdChar(char c) {
  return std::islower(static_cast<unsigned char>(c)) ||
         std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// "13.1" -> {13, 1}; nothing when a component is not a number.
std::optional<std::vector<long>> numbers(std::string_view v) {
  std::vector<long> out;
  while (!v.empty()) {
    std::size_t dot = v.find('.');
    std::string_view part = v.substr(0, dot);
    long n = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size()) return std::nullopt;
    out.push_back(n);
    if (dot == std::string_view::npos) break;
    v.remove_prefix(dot + 1);
    if (v.empty()) return std::nullopt;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

bool validVersionSpec(std::string_view spec) {
  if (spec == "*") return true;
  if (spec.ends_with('+')) spec.remove_suffix(1);
  return numbers(spec).has_value();
}

std::string gib(std::uint64_t bytes) {
  const std::uint64_t g = 1024ull * 1024 * 1024;
  return std::to_string((bytes + g - 1) / g) + " GiB";
}

}  // namespace

std::optional<StandardPlatform> parseStandardPlatform(std::string_view entry, std::string* error) {
  auto bad = [&](std::string why) -> std::optional<StandardPlatform> {
    if (error) *error = "standard platform \"" + std::string(entry) + "\": " + why;
    return std::nullopt;
  };
  std::size_t c1 = entry.find(':');
  if (c1 == std::string_view::npos) return bad("expected <id>:<versions>[:<name>]");
  StandardPlatform p;
  p.id = std::string(entry.substr(0, c1));
  if (p.id.empty()) return bad("the id is empty");
  for (char c : p.id) {
    if (!isIdChar(c)) return bad("the id may hold only a-z, 0-9, '-', '_' and '.'");
  }
  std::string_view rest = entry.substr(c1 + 1);
  std::size_t c2 = rest.find(':');
  std::string_view versions = rest.substr(0, c2);
  if (c2 != std::string_view::npos) {
    p.display = std::string(rest.substr(c2 + 1));
    if (p.display.empty()) return bad("the name after the second ':' is empty");
  } else {
    p.display = p.id;
    p.display[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(p.display[0])));
  }
  while (true) {
    std::size_t comma = versions.find(',');
    std::string_view v = versions.substr(0, comma);
    if (!validVersionSpec(v)) {
      return bad("version \"" + std::string(v) + "\" is not *, N[.N...] or N[.N...]+");
    }
    p.versions.emplace_back(v);
    if (comma == std::string_view::npos) break;
    versions.remove_prefix(comma + 1);
  }
  return p;
}

bool versionMatches(std::string_view spec, std::string_view version) {
  if (spec == "*") return true;
  bool at_least = spec.ends_with('+');
  if (at_least) spec.remove_suffix(1);
  auto want = numbers(spec);
  // "7.2.1511", "7.5-0.14" cut at the first character that is neither digit nor dot.
  std::size_t end = 0;
  while (end < version.size() &&
         (std::isdigit(static_cast<unsigned char>(version[end])) || version[end] == '.')) {
    ++end;
  }
  auto have = numbers(version.substr(0, end));
  if (!want || !have) return false;
  if (at_least) {
    return !std::lexicographical_compare(have->begin(), have->end(), want->begin(), want->end());
  }
  if (have->size() < want->size()) return false;
  return std::equal(want->begin(), want->end(), have->begin());
}

std::vector<ParamSpec> platformStandardParams() {
  return {
      {"standard",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{
           "aliyun:*:Aliyun", "centos:5,6,7:CentOS", "coreos:681.2+:CoreOS", "debian:6,7:Debian",
           "freebsd:*:FreeBSD", "opensuse:13.1:OpenSUSE", "redhat:*:RedHat", "suse:10,11,12:SUSE",
           "ubuntu:10,12,13,14:Ubuntu"}},
       "standard platforms: <id>:<versions>[:<name at import>]; versions *, N[.N], N[.N]+",
       {}},
      {"customized_families",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"redhat", "centos", "fedora", "debian", "ubuntu", "suse",
                                           "opensuse", "aliyun", "coreos", "gentoo"}},
       "platform ids (the system's or one it is like) that import as \"Customized Linux\"; "
       "others import as \"Others Linux\"",
       {}},
  };
}

Outcome evaluatePlatformStandard(const Facts& facts, const Params& params) {
  const SystemFacts& sys = facts.system;
  Outcome out;
  std::vector<StandardPlatform> table;
  for (const std::string& entry : params.getList("standard")) {
    std::string error;
    auto p = parseStandardPlatform(entry, &error);
    if (!p) {
      out.status = Status::kError;
      out.message = "the policy's " + error;
      out.remediation = "Correct the `standard` parameter of this rule in the policy.";
      return out;
    }
    table.push_back(std::move(*p));
  }
  const ReleaseInfo* chosen = nullptr;
  for (const ReleaseInfo& r : sys.platform.releases) {
    if (!r.id.empty()) {
      chosen = &r;
      break;
    }
  }
  if (!chosen) {
    out.status = Status::kError;
    out.message = "could not identify the distribution: no readable release file names it";
    for (const char* f : {"/etc/os-release", "/etc/redhat-release", "/etc/lsb-release"}) {
      for (Evidence& e : systemProblemsFor(sys, f)) out.evidence.push_back(std::move(e));
    }
    out.remediation =
        "Check /etc/os-release (or the distribution's *-release file); if the system is not a "
        "known distribution, import it as \"Others Linux\".";
    return out;
  }
  std::string version = chosen->version;
  for (const ReleaseInfo& r : sys.platform.releases) {
    if (version.empty() && r.id == chosen->id) version = r.version;
  }
  for (const ReleaseInfo& r : sys.platform.releases) {
    out.evidence.push_back(Evidence{r.source.file, r.source.line,
                                    r.pretty_name + " (id " + r.id +
                                        (r.version.empty() ? "" : ", version " + r.version) + ")"});
  }
  const auto& arch = sys.platform.arch;
  std::string arch_text = arch.ok() ? *arch.value : "unknown";
  out.evidence.push_back(Evidence{
      sys.platform.arch_source, 0,
      arch.ok() ? "architecture " + *arch.value : "architecture not determined: " + arch.error});
  std::string disk;
  if (sys.platform.root_fs_bytes.ok()) {
    disk = gib(*sys.platform.root_fs_bytes.value);
    out.evidence.push_back(Evidence{
        "/", 0,
        "root filesystem " + disk + ": the system disk size at import must be at least this"});
  }
  std::string form = "; import form: OS " + chosen->pretty_name + ", version " +
                     (version.empty() ? "unknown" : version) + ", architecture " + arch_text +
                     (disk.empty() ? "" : ", system disk at least " + disk);

  for (const StandardPlatform& p : table) {
    if (p.id != chosen->id) continue;
    for (const std::string& spec : p.versions) {
      if (!versionMatches(spec, version)) continue;
      out.status = arch.ok() ? Status::kPass : Status::kWarn;
      out.message = "standard platform: choose " + p.display + " " +
                    (version.empty() ? std::string() : version + " ") + "at import" + form;
      if (!arch.ok()) {
        out.remediation = "Determine the architecture (`uname -m` on the system) for the form.";
      }
      return out;
    }
  }
  bool customizable = false;
  std::vector<std::string> kinds{chosen->id};
  for (std::size_t i = 0, j; i < chosen->id_like.size(); i = j + 1) {
    j = chosen->id_like.find(' ', i);
    if (j == std::string::npos) j = chosen->id_like.size();
    if (j > i) kinds.push_back(chosen->id_like.substr(i, j - i));
  }
  for (const std::string& fam : params.getList("customized_families")) {
    for (const std::string& k : kinds) customizable = customizable || k == fam;
  }
  out.status = Status::kWarn;
  if (customizable) {
    out.message = chosen->pretty_name +
                  " is not a standard platform: choose Customized Linux at import" + form;
    out.remediation =
        "Import as \"Customized Linux\": the cloud configures network and password in its "
        "predefined way; or move to a standard platform version.";
  } else {
    out.message = chosen->pretty_name +
                  " is not a standard platform nor a kind the cloud can "
                  "configure: choose Others Linux at import" +
                  form;
    out.remediation =
        "Import as \"Others Linux\": the cloud configures nothing; set IP, routes and password "
        "through the remote console after the instance starts.";
  }
  return out;
}

}  // namespace guestprep
