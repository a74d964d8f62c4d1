// windows.version (W-VERSION): the release and edition against the policy's supported list
// (data: "<release>[:<editions>[:<minimum service pack>]]") and its unsupported releases.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "rules/windows_rules.h"

namespace guestprep {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  while (true) {
    std::size_t p = s.find(sep);
    out.emplace_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

bool isServer(const WindowsVersion& v) {
  if (!v.product_type.empty()) return v.product_type != "workstation";
  return lower(v.product_name).find("server") != std::string::npos;
}

}  // namespace

WindowsRelease windowsRelease(const WindowsVersion& v) {
  bool server = isServer(v);
  unsigned version = v.major * 10 + v.minor;
  if (server) {
    switch (version) {
      case 100:
        if (v.build >= 20348) return {"server-2022", "Windows Server 2022"};
        if (v.build >= 17763) return {"server-2019", "Windows Server 2019"};
        if (v.build >= 14393) return {"server-2016", "Windows Server 2016"};
        return {"", "Windows Server (preview build " + std::to_string(v.build) + ")"};
      case 63:
        return {"server-2012r2", "Windows Server 2012 R2"};
      case 62:
        return {"server-2012", "Windows Server 2012"};
      case 61:
        return {"server-2008r2", "Windows Server 2008 R2"};
      case 60:
        return {"server-2008", "Windows Server 2008"};
      case 52:
        return {"server-2003", "Windows Server 2003"};
      default:
        break;
    }
  } else {
    switch (version) {
      case 100:
        return v.build >= 22000 ? WindowsRelease{"client-11", "Windows 11"}
                                : WindowsRelease{"client-10", "Windows 10"};
      case 63:
        return {"client-8.1", "Windows 8.1"};
      case 62:
        return {"client-8", "Windows 8"};
      case 61:
        return {"client-7", "Windows 7"};
      case 60:
        return {"client-vista", "Windows Vista"};
      case 51:
      case 52:  // XP Professional x64 is NT 5.2 with a workstation product type
        return {"client-xp", "Windows XP"};
      default:
        break;
    }
  }
  return {"", "Windows NT " + std::to_string(v.major) + "." + std::to_string(v.minor) + "." +
                  std::to_string(v.build)};
}

std::string windowsEdition(const WindowsVersion& v) {
  std::string e = lower(v.edition_id);
  if (!e.empty()) {
    if (e.starts_with("server")) e.erase(0, 6);
    for (std::string_view suffix : {"eval", "core", "v"}) {
      if (e.size() > suffix.size() && e.ends_with(suffix)) e.resize(e.size() - suffix.size());
    }
    if (!e.empty()) return e;
  }
  std::string name = lower(v.product_name);
  for (const char* word : {"datacenter", "enterprise", "standard", "web", "essentials",
                           "foundation", "professional", "ultimate", "home", "education"}) {
    if (name.find(word) != std::string::npos) return word;
  }
  return "";
}

std::vector<ParamSpec> windowsVersionParams() {
  return {
      {"supported",
       ParamKind::kStringList,
       std::nullopt,
       "supported releases: \"<release>[:<editions>[:<minimum service pack>]]\", release "
       "server-2016, server-2012r2, ..., editions a comma list or * (any)",
       {}},
      {"unsupported",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{}},
       "releases the cloud names as not supported (client-xp, client-7, client-8, client-10)",
       {}},
  };
}

Outcome evaluateWindowsVersion(const Facts& facts, const Params& params) {
  Outcome out;
  if (notWindows(facts, out)) return out;
  const auto& ver = facts.windows.version;
  if (!ver.ok()) {
    out.status = Status::kError;
    out.message = "the Windows version could not be read: " + ver.error;
    out.remediation = "Run guestprep as an administrator, or check the version with winver.";
    return out;
  }
  const WindowsVersion& v = *ver.value;
  WindowsRelease release = windowsRelease(v);
  std::string edition = windowsEdition(v);
  std::string what = release.display + (edition.empty() ? "" : " " + edition) +
                     (v.service_pack ? " SP" + std::to_string(v.service_pack) : "") + " (" +
                     std::to_string(v.major) + "." + std::to_string(v.minor) + "." +
                     std::to_string(v.build) + ")";
  out.evidence.push_back(Evidence{
      v.source, 0,
      "\"" + v.product_name + "\" EditionID " + (v.edition_id.empty() ? "absent" : v.edition_id) +
          ", product type " + (v.product_type.empty() ? "unknown" : v.product_type)});
  if (release.id.empty()) {
    out.status = Status::kWarn;
    out.message = what + " is not a release this guestprep knows; check the cloud's list";
    return out;
  }
  for (const std::string& u : params.getList("unsupported")) {
    if (lower(u) == release.id) {
      out.status = Status::kFail;
      out.message = what + " is not supported for import";
      out.remediation = "Import a supported Windows Server release instead.";
      return out;
    }
  }
  for (const std::string& entry : params.getList("supported")) {
    std::vector<std::string> parts = split(entry, ':');
    if (parts.size() > 3 || parts[0].empty()) {
      out.status = Status::kError;
      out.message = "the policy's supported entry \"" + entry +
                    "\" is not <release>[:<editions>[:<minimum service pack>]]";
      return out;
    }
    if (lower(parts[0]) != release.id) continue;
    std::vector<std::string> editions =
        parts.size() > 1 ? split(lower(parts[1]), ',') : std::vector<std::string>{"*"};
    if (!editions.empty() && editions.front() != "*" &&
        std::find(editions.begin(), editions.end(), edition) == editions.end()) {
      out.status = Status::kFail;
      out.message = what + ": the cloud supports " + release.display + " only in " +
                    joined(editions) + " editions";
      out.remediation = "Import a supported edition.";
      return out;
    }
    if (parts.size() == 3) {
      unsigned min_sp = 0;
      auto [p, ec] = std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), min_sp);
      if (ec != std::errc() || p != parts[2].data() + parts[2].size()) {
        out.status = Status::kError;
        out.message = "the policy's supported entry \"" + entry +
                      "\" has a minimum service pack that is not a number";
        return out;
      }
      if (v.service_pack < min_sp) {
        out.status = Status::kFail;
        out.message = what + ": Service Pack " + std::to_string(min_sp) + " or later is needed";
        out.remediation = "Install the service pack before capturing the image.";
        return out;
      }
    }
    out.status = Status::kPass;
    out.message = what + " is supported";
    return out;
  }
  out.status = Status::kWarn;
  out.message = what + " is not in the policy's list of supported releases";
  out.remediation = "Check that the cloud supports this release today.";
  return out;
}

}  // namespace guestprep
