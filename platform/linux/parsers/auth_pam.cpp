// PAM configuration parser and password-stack resolution.
#include "parsers/auth_pam.h"

#include <algorithm>

#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

bool isBlank(char c) { return c == ' ' || c == '\t'; }

// Splits one logical line into words as Linux-PAM's _pam_parse_conf_file does: blanks separate
// words, except inside `[...]`, where `\]` stands for a literal bracket. A word opening with `[`
// keeps its brackets when `keep_brackets` (the control field) and loses them otherwise (args).
struct Words {
  std::vector<std::string> words;
  std::vector<bool> bracketed;
  bool unterminated = false;
};

Words splitPamWords(std::string_view s) {
  Words out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && isBlank(s[i])) ++i;
    if (i >= s.size()) break;
    if (s[i] == '#') break;  // a comment runs to the end of the line
    if (s[i] == '[') {
      std::string w;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == ']') {
          w += ']';
          i += 2;
          continue;
        }
        if (s[i] == ']') {
          closed = true;
          ++i;
          break;
        }
        w += s[i++];
      }
      if (!closed) out.unterminated = true;
      out.words.push_back(std::move(w));
      out.bracketed.push_back(true);
      continue;
    }
    std::size_t start = i;
    while (i < s.size() && !isBlank(s[i])) ++i;
    out.words.emplace_back(s.substr(start, i - start));
    out.bracketed.push_back(false);
  }
  return out;
}

bool isPamType(std::string_view t) {
  return t == "auth" || t == "account" || t == "password" || t == "session";
}

}  // namespace

PamFile parsePam(std::string_view text, bool pam_conf) {
  PamFile file;
  for (const LogicalLine& ll : splitLogicalLines(text, true)) {
    std::string_view body = trim(ll.text);
    if (body.empty() || body.front() == '#') continue;
    if (body.starts_with("@include")) {
      auto w = splitWords(body);
      if (w.size() != 2 || w[0] != "@include") {
        file.problems.push_back({"", ll.number, "malformed @include line"});
        continue;
      }
      PamEntry e;
      e.line = ll.number;
      e.module = w[1];
      e.control = "@include";
      file.entries.push_back(std::move(e));
      continue;
    }
    Words w = splitPamWords(body);
    std::size_t k = 0;
    PamEntry e;
    e.line = ll.number;
    if (pam_conf) {
      if (w.words.empty()) continue;
      e.service = toLower(w.words[k++]);
    }
    if (w.words.size() < k + 3) {
      file.problems.push_back(
          {"", ll.number, "expected type, control and module: '" + std::string(body) + "'"});
      continue;
    }
    std::string type = w.words[k++];
    if (type.starts_with("-")) {
      e.ignore_missing = true;
      type.erase(0, 1);
    }
    e.type = toLower(type);
    if (!isPamType(e.type)) {
      file.problems.push_back({"", ll.number, "unknown PAM type '" + type + "'"});
      continue;
    }
    if (w.bracketed[k]) {
      // Normalise the blanks of a bracketed control: "[a=b  c=d]" -> "[a=b c=d]".
      std::string c;
      for (const auto& word : splitWords(w.words[k])) c += (c.empty() ? "" : " ") + word;
      e.control = "[" + c + "]";
    } else {
      e.control = toLower(w.words[k]);
    }
    ++k;
    e.module = w.words[k++];
    for (; k < w.words.size(); ++k) e.args.push_back(w.words[k]);
    if (w.unterminated) {
      file.problems.push_back({"", ll.number, "unterminated '[' (the rest of the line is kept)"});
    }
    file.entries.push_back(std::move(e));
  }
  return file;
}

namespace {

struct Resolver {
  const PamLayout& layout;
  const PamFileLoader& load;
  std::vector<ConfigProblem>& problems;
  std::vector<std::string> chain;  // files being expanded, to detect include cycles

  // The path of a service or included file: absolute as written, else the first directory
  // holding it.
  std::optional<std::pair<std::string, std::string>> find(const std::string& name) {
    if (name.starts_with("/")) {
      auto text = load(name);
      if (text) return std::make_pair(name, std::move(*text));
      return std::nullopt;
    }
    for (const auto& dir : layout.dirs) {
      std::string path = dir + "/" + name;
      auto text = load(path);
      if (text) return std::make_pair(path, std::move(*text));
    }
    return std::nullopt;
  }

  // Appends the password lines of `path` (already read) to `out`.
  void expand(const std::string& path, const std::string& text, std::vector<PamLine>& out) {
    if (std::find(chain.begin(), chain.end(), path) != chain.end() || chain.size() > 16) {
      problems.push_back({chain.back(), 0, "include cycle through " + path + " (ignored)"});
      return;
    }
    chain.push_back(path);
    PamFile f = parsePam(text);
    for (auto& p : f.problems) problems.push_back({path, p.line, std::move(p.message)});
    for (const PamEntry& e : f.entries) {
      bool include_all = e.control == "@include";
      if (!include_all && e.type != "password") continue;
      if (include_all || e.control == "include" || e.control == "substack") {
        auto target = find(e.module);
        if (!target) {
          problems.push_back({path, e.line, "included file " + e.module + " not found"});
          continue;
        }
        expand(target->first, target->second, out);
        continue;
      }
      out.push_back(PamLine{{path, e.line}, e.control, e.module, e.args, e.ignore_missing});
    }
    chain.pop_back();
  }
};

}  // namespace

PasswordStack resolvePasswordStack(const std::string& service, const PamLayout& layout,
                                   const PamFileLoader& load,
                                   std::vector<ConfigProblem>& problems) {
  PasswordStack stack;
  stack.service = service;
  Resolver r{layout, load, problems, {}};
  if (layout.has_pam_d) {
    auto file = r.find(service);
    if (!file) file = r.find("other");
    if (!file) return stack;
    stack.file = file->first;
    r.expand(file->first, file->second, stack.lines);
    return stack;
  }
  // /etc/pam.conf: the service's lines, or `other`'s when it has none.
  auto text = load("/etc/pam.conf");
  if (!text) return stack;
  PamFile f = parsePam(*text, true);
  for (auto& p : f.problems) problems.push_back({"/etc/pam.conf", p.line, std::move(p.message)});
  bool has_service = std::any_of(f.entries.begin(), f.entries.end(),
                                 [&](const PamEntry& e) { return e.service == service; });
  std::string use = has_service ? service : "other";
  stack.file = "/etc/pam.conf";
  r.chain.push_back("/etc/pam.conf");
  for (const PamEntry& e : f.entries) {
    if (e.service != use || e.type != "password") continue;
    if (e.control == "include" || e.control == "substack") {
      auto target = r.find(e.module);
      if (!target) {
        problems.push_back({"/etc/pam.conf", e.line, "included file " + e.module + " not found"});
        continue;
      }
      r.expand(target->first, target->second, stack.lines);
      continue;
    }
    stack.lines.push_back(
        PamLine{{"/etc/pam.conf", e.line}, e.control, e.module, e.args, e.ignore_missing});
  }
  return stack;
}

}  // namespace guestprep::os_linux
