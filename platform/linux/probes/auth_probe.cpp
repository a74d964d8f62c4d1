// The auth probe: reads PAM, pwquality, passwdqc, login.defs and /etc/shadow through the Host.
#include "probes/auth_probe.h"

#include <algorithm>

#include "parsers/auth_pam.h"
#include "parsers/auth_settings.h"
#include "parsers/text.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kShadow = "/etc/shadow";
constexpr std::string_view kPwqualityConf = "/etc/security/pwquality.conf";
constexpr std::string_view kPwqualityDir = "/etc/security/pwquality.conf.d";

void appendSettings(const std::string& path, std::string_view text, std::vector<ConfigSetting>& out,
                    std::vector<ConfigProblem>& problems, bool login_defs = false) {
  SettingsFile f = login_defs ? parseLoginDefs(text) : parseNameValueConf(text);
  for (auto& p : f.problems) problems.push_back({path, p.line, std::move(p.message)});
  for (auto& s : f.settings) {
    s.source.file = path;
    out.push_back(std::move(s));
  }
}

void probeStacks(const Host& host, AuthFacts& facts) {
  PamLayout layout;
  // Linux-PAM 1.4 and later (and CoreOS' patched PAM before it) read pam.d mode when either
  // /etc/pam.d or the vendor directory exists; /etc/pam.conf only without both.
  layout.has_pam_d = host.exists("/etc/pam.d") || host.exists("/usr/lib/pam.d");
  PamFileLoader load = [&](const std::string& path) -> std::optional<std::string> {
    return readIfPresent(host, path, facts.problems);
  };
  for (const auto& service : kPasswordServices) {
    facts.stacks.push_back(resolvePasswordStack(service, layout, load, facts.problems));
  }
  // pam_passwdqc reads `config=FILE` at the position of the argument; keep each file once.
  std::vector<std::string> seen;
  for (const auto& stack : facts.stacks) {
    for (const auto& line : stack.lines) {
      if (line.module.find("pam_passwdqc") == std::string::npos) continue;
      for (const auto& arg : line.args) {
        if (!arg.starts_with("config=")) continue;
        std::string path = arg.substr(7);
        if (std::find(seen.begin(), seen.end(), path) != seen.end()) continue;
        seen.push_back(path);
        if (auto text = readIfPresent(host, path, facts.problems)) {
          appendSettings(path, *text, facts.passwdqc, facts.problems);
        } else {
          facts.problems.push_back(
              {path, 0, "passwdqc configuration named by " + line.source.file + " is missing"});
        }
      }
    }
  }
}

void probeSettings(const Host& host, AuthFacts& facts) {
  // libpwquality reads pwquality.conf.d/*.conf in ASCII order first, then pwquality.conf
  // (pwquality.conf(5)); later settings override earlier ones.
  for (const auto& name : listIfPresent(host, kPwqualityDir, facts.problems)) {
    if (!name.ends_with(".conf")) continue;
    std::string path = std::string(kPwqualityDir) + "/" + name;
    if (auto text = readIfPresent(host, path, facts.problems)) {
      appendSettings(path, *text, facts.pwquality, facts.problems);
    }
  }
  if (auto text = readIfPresent(host, kPwqualityConf, facts.problems)) {
    appendSettings(std::string(kPwqualityConf), *text, facts.pwquality, facts.problems);
  }
  if (auto text = readIfPresent(host, "/etc/login.defs", facts.problems)) {
    std::vector<ConfigSetting> all;
    appendSettings("/etc/login.defs", *text, all, facts.problems, true);
    for (auto& s : all) {
      if (s.key == "PASS_MIN_LEN" || s.key == "PASS_MAX_LEN" || s.key == "OBSCURE_CHECKS_ENAB") {
        facts.login_defs.push_back(std::move(s));
      }
    }
  }
}

std::string unescapeMountField(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

void probeShadow(const Host& host, ShadowFacts& shadow) {
  auto st = host.lstat(kShadow);
  if (!st) {
    // Only a missing file is "absent"; any other failure leaves the flags unknown (an error).
    shadow.present = st.error().code != ErrorCode::kNotFound;
    shadow.mode = Observed<std::uint32_t>::failed(st.error().message);
    shadow.inode_flags = Observed<std::uint32_t>::failed("no /etc/shadow");
    shadow.mount = Observed<ShadowMount>::failed("no /etc/shadow");
    return;
  }
  shadow.present = true;
  shadow.mode = Observed<std::uint32_t>::of(st->mode & 07777);
  auto flags = host.inodeFlags(kShadow);
  shadow.inode_flags = flags ? Observed<std::uint32_t>::of(*flags)
                             : Observed<std::uint32_t>::failed(flags.error().message);
  if (!host.hasRuntimeState()) {
    shadow.mount = Observed<ShadowMount>::failed("not checked: offline root");
    return;
  }
  auto mounts = host.readFile("/proc/self/mounts");
  if (!mounts) {
    shadow.mount = Observed<ShadowMount>::failed("/proc/self/mounts: " + mounts.error().message);
    return;
  }
  auto canonical = host.canonicalPath(kShadow);
  std::string path = canonical ? *canonical : std::string(kShadow);
  auto m = mountHolding(*mounts, path);
  shadow.mount = m ? Observed<ShadowMount>::of(*m)
                   : Observed<ShadowMount>::failed("no mount in /proc/self/mounts holds " + path);
}

}  // namespace

std::optional<ShadowMount> mountHolding(std::string_view proc_mounts, std::string_view path) {
  std::optional<ShadowMount> best;
  for (const LogicalLine& ll : splitLogicalLines(proc_mounts, false)) {
    auto w = splitWords(ll.text);
    if (w.size() < 4) continue;
    std::string point = unescapeMountField(w[1]);
    bool holds =
        point == "/" || path == point ||
        (path.starts_with(point) && path.size() > point.size() && path[point.size()] == '/');
    if (!holds) continue;
    if (best && best->mount_point.size() > point.size()) continue;
    ShadowMount m;
    m.mount_point = point;
    m.fs_type = w[2];
    m.options = w[3];
    auto opts = split(w[3], ',');
    m.read_only = std::find(opts.begin(), opts.end(), "ro") != opts.end();
    best = m;
  }
  return best;
}

void probeAuth(const Host& host, AuthFacts& facts) {
  probeStacks(host, facts);
  probeSettings(host, facts);
  probeShadow(host, facts.shadow);
}

}  // namespace guestprep::os_linux
