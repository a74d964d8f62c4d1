// Debian/Ubuntu ifupdown probe: /etc/network/interfaces, what it sources, and its boot job.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "parsers/eni.h"
#include "parsers/text.h"
#include "probes/boot_services.h"
#include "probes/network_probes.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kMainFile = "/etc/network/interfaces";
// ifupdown itself has no limit (it only skips files it has read); real configurations nest one
// or two levels, so deeper nesting is reported instead of followed.
constexpr int kMaxDepth = 8;

std::string dirName(std::string_view path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

// Lexical normalisation ("//", ".", ".."), so that one file reached by two spellings is one.
std::string normalisePath(std::string_view path) {
  std::vector<std::string> parts;
  for (const std::string& p : split(path, '/')) {
    if (p.empty() || p == ".") continue;
    if (p == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(p);
    }
  }
  std::string out;
  for (const std::string& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

bool hasGlob(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

// Expands a shell glob over the host one path component at a time, as wordexp(3) does for
// ifupdown: matches sorted, a leading dot only matched explicitly, and a pattern without
// wildcards kept as it is (the caller skips it when it does not exist).
std::vector<std::string> expandGlob(const Host& host, const std::string& pattern) {
  std::vector<std::string> current = {""};
  for (const std::string& part : split(pattern, '/')) {
    if (part.empty()) continue;
    std::vector<std::string> next;
    for (const std::string& base : current) {
      if (!hasGlob(part)) {
        next.push_back(base + "/" + part);
        continue;
      }
      auto entries = host.listDir(base.empty() ? "/" : base);
      if (!entries) continue;
      for (const std::string& e : *entries) {
        if (e.front() == '.' && part.front() != '.') continue;
        if (globMatch(part, e)) next.push_back(base + "/" + e);
      }
    }
    current = std::move(next);
  }
  std::sort(current.begin(), current.end());
  return current;
}

// interfaces(5) "INCLUDING OTHER FILES": source-directory reads only names matching
// ^[a-zA-Z0-9_-]+$ (run-parts rules), so "eth0.cfg" in such a directory is ignored.
bool runPartsName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

class Reader {
 public:
  Reader(const Host& host, NetworkFacts& facts) : host_(host), facts_(facts) {}

  // Reads `path` and, at the place of each source line, what it includes; appends everything to the
  // merged configuration in ifupdown's reading order.
  void read(const std::string& path, int depth, const SourceRef& from) {
    std::string key = normalisePath(path);
    if (std::find(chain_.begin(), chain_.end(), key) != chain_.end()) {
      facts_.problems.push_back(
          {from.file, from.line,
           "source loop: " + path + " is already being read (ifupdown reads each file once)"});
      return;
    }
    // ifupdown's already_seen: a file included twice is read once, silently.
    if (!seen_.insert(key).second) return;
    if (depth > kMaxDepth) {
      facts_.problems.push_back({from.file, from.line,
                                 "sources nested deeper than " + std::to_string(kMaxDepth) +
                                     " levels; " + path + " not read"});
      return;
    }
    std::optional<std::string> text = readIfPresent(host_, path, facts_.problems);
    if (!text) return;
    ++files_read_;
    chain_.push_back(key);
    EniFile file = parseEni(*text, path);
    merged_.problems.insert(merged_.problems.end(), file.problems.begin(), file.problems.end());
    merged_.name_lists.insert(merged_.name_lists.end(), file.name_lists.begin(),
                              file.name_lists.end());
    merged_.mappings.insert(merged_.mappings.end(), file.mappings.begin(), file.mappings.end());
    merged_.includes.insert(merged_.includes.end(), file.includes.begin(), file.includes.end());
    auto stanza = file.ifaces.begin();
    for (const EniInclude& inc : file.includes) {
      for (; stanza != file.ifaces.end() && stanza->line < inc.line; ++stanza) {
        merged_.ifaces.push_back(std::move(*stanza));
      }
      include(path, inc, depth);
    }
    for (; stanza != file.ifaces.end(); ++stanza) merged_.ifaces.push_back(std::move(*stanza));
    chain_.pop_back();
  }

  EniFile& merged() { return merged_; }
  int filesRead() const { return files_read_; }

 private:
  // interfaces(5): a path without a leading slash is relative to the directory of the file that
  // names it; shell wildcards are allowed in both forms.
  void include(const std::string& path, const EniInclude& inc, int depth) {
    std::string pattern =
        inc.pattern.front() == '/' ? inc.pattern : dirName(path) + "/" + inc.pattern;
    SourceRef from{inc.file, inc.line};
    for (const std::string& target : expandGlob(host_, pattern)) {
      if (!inc.directory) {
        read(target, depth + 1, from);
        continue;
      }
      auto entries = host_.listDir(target);
      if (!entries) {
        // Not listIfPresent: an unreadable directory is blamed on the source-directory line that
        // names it (possibly through a glob), which is where the user has to look.
        if (entries.error().code != ErrorCode::kNotFound) {
          facts_.problems.push_back({inc.file, inc.line, entries.error().message});
        }
        continue;
      }
      for (const std::string& name : *entries) {
        std::string file = target + "/" + name;
        auto st = host_.stat(file);
        if (st && st->type == FileStat::Type::kDirectory) continue;
        if (!runPartsName(name)) {
          facts_.problems.push_back(
              {file, 0, "ignored by source-directory: the name must match ^[a-zA-Z0-9_-]+$"});
          continue;
        }
        read(file, depth + 1, from);
      }
    }
  }

  const Host& host_;
  NetworkFacts& facts_;
  EniFile merged_;
  std::vector<std::string> chain_;
  std::set<std::string> seen_;
  int files_read_ = 0;
};

// Whether ifupdown's boot job runs: systemd's networking.service, upstart's networking job
// (Ubuntu 12.04/14.04), or the SysV networking script.
BootServiceState bootJob(const Host& host) {
  if (bootsWithSystemd(host)) return serviceState(host, "networking.service", "networking");
  if (host.exists("/etc/init/networking.conf")) {
    BootServiceState st{true, true, "/etc/init/networking.conf (upstart job)", {}};
    auto override_text = host.readFile("/etc/init/networking.override");
    if (override_text) {
      for (const LogicalLine& l : splitLogicalLines(*override_text, false)) {
        if (trim(l.text) == "manual") {
          st.enabled = false;
          st.evidence = "/etc/init/networking.override says manual";
        }
      }
    }
    return st;
  }
  return sysvServiceState(host, "networking");
}

NetworkStack stackState(const Host& host, int files_read) {
  NetworkStack stack{"eni", false, ""};
  std::string ifup;
  for (const char* p : {"/sbin/ifup", "/usr/sbin/ifup"}) {
    if (host.exists(p)) {
      ifup = p;
      break;
    }
  }
  std::string files = files_read == 0 ? std::string(kMainFile) + " absent"
                                      : std::to_string(files_read) + " interfaces file(s) read";
  if (ifup.empty()) {
    stack.evidence = "ifupdown not installed (no /sbin/ifup or /usr/sbin/ifup); " + files;
    return stack;
  }
  BootServiceState job = bootJob(host);
  stack.in_use = job.enabled;
  stack.evidence = "ifupdown installed (" + ifup + "); boot job " +
                   (job.enabled ? "enabled: " : "not enabled: ") + job.evidence + "; " + files;
  return stack;
}

}  // namespace

void probeEni(const Host& host, NetworkFacts& facts) {
  Reader reader(host, facts);
  reader.read(std::string(kMainFile), 0, SourceRef{});
  EniNicConfigs nics = eniToNicConfigs(reader.merged());
  const std::vector<ConfigProblem>& parse = reader.merged().problems;
  facts.problems.insert(facts.problems.end(), parse.begin(), parse.end());
  facts.problems.insert(facts.problems.end(), nics.problems.begin(), nics.problems.end());
  facts.configs.insert(facts.configs.end(), nics.configs.begin(), nics.configs.end());
  facts.stacks.push_back(stackState(host, reader.filesRead()));
}

}  // namespace guestprep::os_linux
