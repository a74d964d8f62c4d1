// Parsers for kernel command lines and the boot loader files that hold the next boot's ones.
#include "parsers/kernel_cmdline.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

#include "parsers/shell_vars.h"
#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool isNameChar(char c) { return c == '_' || std::isalnum(static_cast<unsigned char>(c)); }

// A menu block of grub.cfg being read.
struct GrubBlock {
  enum class Kind { kEntry, kSubmenu, kOther };
  Kind kind = Kind::kOther;
  std::string title;
  int line = 0;
  bool xen = false;  ///< the entry boots a hypervisor; Linux is its first module
  bool have_kernel = false;
};

bool oneOf(std::string_view s, std::initializer_list<std::string_view> set) {
  for (std::string_view x : set) {
    if (s == x) return true;
  }
  return false;
}

std::string_view baseName(std::string_view path) {
  std::size_t slash = path.find_last_of("/)");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Takes the next blank-separated word off the front of `s`.
std::string_view nextWord(std::string_view& s) {
  std::size_t b = 0;
  while (b < s.size() && isBlank(s[b])) ++b;
  std::size_t e = b;
  while (e < s.size() && !isBlank(s[e])) ++e;
  std::string_view w = s.substr(b, e - b);
  s.remove_prefix(e);
  return w;
}

// Bytes that `$NAME` references may add over one parseGrubDefaults call. Self-references double
// a value per line (A="$A $A"), so without a bound a few hundred bytes of input exhaust memory.
constexpr std::size_t kMaxExpansion = 1 << 20;

// Shell expansion of `$NAME` / `${NAME}` in an /etc/default/grub value; an unset name is empty.
// Referenced values are cut when `budget` runs out, and `cut` is set.
std::string expandShell(std::string_view v, const std::map<std::string, std::string>& vars,
                        bool& has_command, std::size_t& budget, bool& cut) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '`' || (v[i] == '$' && i + 1 < v.size() && v[i + 1] == '(')) has_command = true;
    if (v[i] != '$' || i + 1 >= v.size()) {
      out += v[i];
      continue;
    }
    std::size_t j = i + 1;
    std::string name;
    if (v[j] == '{') {
      std::size_t close = v.find('}', j);
      if (close == std::string_view::npos) {
        out += v[i];
        continue;
      }
      name = v.substr(j + 1, close - j - 1);
      i = close;
    } else {
      std::size_t e = j;
      while (e < v.size() && isNameChar(v[e])) ++e;
      if (e == j) {
        out += v[i];
        continue;
      }
      name = v.substr(j, e - j);
      i = e - 1;
    }
    auto it = vars.find(name);
    if (it == vars.end()) continue;
    std::size_t n = std::min(it->second.size(), budget);
    out.append(it->second, 0, n);
    budget -= n;
    if (n < it->second.size()) cut = true;
  }
  return out;
}

}  // namespace

std::vector<std::string> splitKernelCmdline(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    std::string arg;
    bool in_quote = false;
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (c == '"') {
        in_quote = !in_quote;
        continue;
      }
      if (!in_quote && std::isspace(static_cast<unsigned char>(c))) break;
      arg += c;
    }
    out.push_back(std::move(arg));
  }
  return out;
}

std::vector<std::string> splitGrubWords(std::string_view text, const GrubVars& vars) {
  std::vector<std::string> out;
  for (GrubToken& t : lexGrubScript(text, vars, nullptr)) {
    if (!t.separator) out.push_back(std::move(t.text));
  }
  return out;
}

GrubEnvFile parseGrubEnv(std::string_view text) {
  GrubEnvFile env;
  if (!text.starts_with("# GRUB Environment Block")) {
    env.problems.push_back({"", 1, "missing the '# GRUB Environment Block' header"});
  }
  int line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    int start_line = line;
    std::string raw;
    // A value's newline is written as backslash-newline; a backslash as two backslashes.
    bool escaped = false;
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (c == '\n') ++line;
      if (escaped) {
        raw += c;
        escaped = false;
        continue;
      }
      if (c == '\\') {
        escaped = true;
        continue;
      }
      if (c == '\n') {
        ++i;
        break;
      }
      raw += c;
    }
    if (raw.empty() || raw.front() == '#') continue;
    std::size_t eq = raw.find('=');
    if (eq == std::string::npos || eq == 0) {
      env.problems.push_back({"", start_line, "not a name=value line: " + raw});
      continue;
    }
    env.vars[raw.substr(0, eq)] = raw.substr(eq + 1);
  }
  return env;
}

BootConfig parseGrubCfg(std::string_view text, const GrubVars& vars) {
  BootConfig cfg;
  std::vector<GrubToken> tokens = lexGrubScript(text, vars, &cfg.problems);
  std::vector<GrubBlock> stack;
  std::vector<const GrubToken*> cmd;

  auto innermostEntry = [&]() -> GrubBlock* {
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
      if (it->kind == GrubBlock::Kind::kEntry) return &*it;
    }
    return nullptr;
  };
  auto addEntry = [&](GrubBlock& e, std::size_t first) {
    BootEntry be;
    be.line = cmd[0]->line;
    be.title = e.title;
    // Options of module loaders ("--nounzip") come before the image.
    while (first < cmd.size() && cmd[first]->text.starts_with("--")) ++first;
    if (first >= cmd.size()) {
      cfg.problems.push_back({"", be.line, "'" + cmd[0]->text + "' without a kernel image"});
      return;
    }
    be.kernel = cmd[first]->text;
    for (std::size_t k = first + 1; k < cmd.size(); ++k) be.args.push_back(cmd[k]->text);
    // Debian's 20_linux_xen writes a "placeholder" word where a multiboot module's argv[0] goes.
    if (e.xen && !be.args.empty() && be.args.front() == "placeholder") {
      be.args.erase(be.args.begin());
    }
    e.have_kernel = true;
    cfg.entries.push_back(std::move(be));
  };
  auto runCommand = [&] {
    if (cmd.empty()) return;
    const std::string& name = cmd[0]->text;
    GrubBlock* e = innermostEntry();
    if (!e) return;
    if (oneOf(name, {"linux", "linux16", "linuxefi"})) {
      addEntry(*e, 1);
    } else if (oneOf(name, {"xen_hypervisor"}) ||
               (oneOf(name, {"multiboot", "multiboot2"}) && cmd.size() > 1 &&
                baseName(cmd[1]->text).starts_with("xen"))) {
      e->xen = true;
    } else if (oneOf(name, {"module", "module2", "xen_module"}) && e->xen && !e->have_kernel) {
      addEntry(*e, 1);
    }
  };
  auto openBlock = [&](int line) {
    GrubBlock b;
    b.line = line;
    if (!cmd.empty() && cmd[0]->text == "menuentry") {
      b.kind = GrubBlock::Kind::kEntry;
    } else if (!cmd.empty() && cmd[0]->text == "submenu") {
      b.kind = GrubBlock::Kind::kSubmenu;
    }
    if (cmd.size() > 1) b.title = cmd[1]->text;
    stack.push_back(std::move(b));
  };

  for (const GrubToken& t : tokens) {
    if (t.separator) {
      runCommand();
      cmd.clear();
    } else if (t.plain && t.text == "{") {
      openBlock(cmd.empty() ? t.line : cmd[0]->line);
      cmd.clear();
    } else if (t.plain && t.text == "}" && cmd.empty()) {
      if (stack.empty()) {
        cfg.problems.push_back({"", t.line, "'}' without an open block"});
      } else {
        stack.pop_back();
      }
    } else {
      cmd.push_back(&t);
    }
  }
  runCommand();
  for (const GrubBlock& b : stack) {
    cfg.problems.push_back({"", b.line, "block opened here is not closed"});
  }
  return cfg;
}

BootConfig parseGrubLegacy(std::string_view text) {
  BootConfig cfg;
  struct Section {
    std::string title;
    int line = 0;
    bool xen = false;
    bool have_kernel = false;
  };
  std::optional<Section> sec;
  auto endSection = [&] {
    if (sec && sec->xen && !sec->have_kernel) {
      cfg.problems.push_back({"", sec->line, "Xen entry without a Linux 'module' line"});
    }
  };
  for (const LogicalLine& ll : splitLogicalLines(text, /*backslash_continuation=*/false)) {
    std::string_view line = trim(ll.text);
    if (line.empty() || line.front() == '#') continue;
    std::size_t end = line.find_first_of(" \t=");
    std::string_view name = line.substr(0, end);
    std::string_view rest = end == std::string_view::npos ? std::string_view() : line.substr(end);
    rest = trim(rest);
    if (!rest.empty() && rest.front() == '=') rest = trim(rest.substr(1));
    if (name == "title") {
      endSection();
      sec = Section{std::string(rest), ll.number, false, false};
      continue;
    }
    bool is_kernel = name == "kernel";
    bool is_module = name == "module" && sec && sec->xen && !sec->have_kernel;
    if (!is_kernel && !is_module) continue;
    if (!sec) {
      cfg.problems.push_back(
          {"", ll.number, "'kernel' outside a title section (GRUB does not boot it)"});
      continue;
    }
    std::string_view word = nextWord(rest);
    while (word.starts_with("--")) word = nextWord(rest);
    if (word.empty()) {
      cfg.problems.push_back({"", ll.number, "'" + std::string(name) + "' without an image"});
      continue;
    }
    if (is_kernel && baseName(word).starts_with("xen")) {
      sec->xen = true;
      continue;
    }
    BootEntry be;
    be.line = ll.number;
    be.title = sec->title;
    be.kernel = std::string(word);
    be.args = splitKernelCmdline(rest);
    sec->have_kernel = true;
    cfg.entries.push_back(std::move(be));
  }
  endSection();
  return cfg;
}

BootConfig parseBlsEntry(std::string_view text, const GrubVars& vars) {
  BootConfig cfg;
  BootEntry be;
  int linux_line = 0;
  std::string options;
  for (const LogicalLine& ll : splitLogicalLines(text, /*backslash_continuation=*/false)) {
    std::string_view line = trim(ll.text);
    if (line.empty() || line.front() == '#') continue;
    std::string_view rest = line;
    std::string_view key = nextWord(rest);
    rest = trim(rest);
    if (key == "title") {
      be.title = std::string(rest);
    } else if (key == "linux") {
      be.kernel = std::string(rest);
      linux_line = ll.number;
    } else if (key == "options") {
      // The Boot Loader Specification lets `options` appear more than once; all are passed.
      if (!options.empty()) options += ' ';
      options += rest;
      if (be.line == 0) be.line = ll.number;
    }
  }
  if (linux_line == 0 && be.line == 0) return cfg;
  if (be.line == 0) be.line = linux_line;
  be.args = splitGrubWords(options, vars);
  cfg.entries.push_back(std::move(be));
  return cfg;
}

GrubDefaults parseGrubDefaults(const std::vector<NamedText>& files) {
  GrubDefaults out;
  std::map<std::string, std::string> shell;
  struct Assignment {
    SourceRef source;
    std::string value;
    bool set = false;
  };
  Assignment cmdline, cmdline_default;
  std::size_t budget = kMaxExpansion;
  bool reported_cut = false;
  for (const NamedText& f : files) {
    ShellVarsFile sv = parseShellVars(f.text);
    for (ConfigProblem& p : sv.problems) {
      out.problems.push_back({f.path, p.line, std::move(p.message)});
    }
    for (const ShellVar& v : sv.vars) {
      bool has_command = false;
      bool cut = false;
      std::string value = expandShell(v.value, shell, has_command, budget, cut);
      if (cut && !reported_cut) {
        reported_cut = true;
        out.problems.push_back({f.path, v.line,
                                "$-references expand beyond " + std::to_string(kMaxExpansion) +
                                    " bytes; " + v.key + " and later values are cut"});
      }
      shell[v.key] = value;
      Assignment* a = v.key == "GRUB_CMDLINE_LINUX"           ? &cmdline
                      : v.key == "GRUB_CMDLINE_LINUX_DEFAULT" ? &cmdline_default
                                                              : nullptr;
      if (!a) continue;
      *a = Assignment{{f.path, v.line}, value, true};
      if (has_command) {
        out.problems.push_back(
            {f.path, v.line, "command substitution in " + v.key + " is not evaluated"});
      }
    }
  }
  const Assignment* decided = &cmdline;
  if (!cmdline.set || (cmdline.value.empty() && !cmdline_default.value.empty())) {
    decided = &cmdline_default;
  }
  if (decided->set) {
    out.cmdline.source = decided->source;
  } else if (!files.empty()) {
    out.cmdline.source = {files.front().path, 0};
  }
  out.cmdline.args = splitGrubWords(cmdline.value + " " + cmdline_default.value, {});
  return out;
}

}  // namespace guestprep::os_linux
