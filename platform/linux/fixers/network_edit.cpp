#include "fixers/network_edit.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "fixers/edit.h"
#include "parsers/text.h"

namespace guestprep::os_linux::netfix {

// ---- FileEdits --------------------------------------------------------------------------------

namespace {

std::string baseName(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Result<std::string> FileEdits::text(const std::string& path, const std::string& copy_of,
                                    const std::string& header) {
  if (auto it = files_.find(path); it != files_.end()) {
    if (it->second.removed) return fail(ErrorCode::kNotFound, path + " is moved away by this fix");
    return it->second.current;
  }
  File f;
  auto content = host_.readFile(path);
  if (content) {
    f.original = f.current = *content;
  } else if (content.error().code == ErrorCode::kNotFound && !copy_of.empty()) {
    auto source = host_.readFile(copy_of);
    if (!source) return std::unexpected(source.error());
    f.existed = false;
    f.current = header + *source;
    // Keep the source's permissions: NetworkManager ignores keyfiles others may read.
    if (auto st = host_.stat(copy_of)) f.mode = st->mode & 07777;
  } else {
    return std::unexpected(content.error());
  }
  order_.push_back(path);
  return files_.emplace(path, std::move(f)).first->second.current;
}

void FileEdits::set(const std::string& path, std::string text, const std::string& why,
                    std::uint32_t mode_if_new) {
  auto it = files_.find(path);
  if (it == files_.end()) {
    File f;
    if (auto content = host_.readFile(path)) {
      f.original = *content;
    } else {
      f.existed = false;
      f.mode = mode_if_new;
    }
    order_.push_back(path);
    it = files_.emplace(path, std::move(f)).first;
  }
  it->second.current = std::move(text);
  if (it->second.why.empty()) it->second.why = why;
}

bool FileEdits::exists(const std::string& path) const {
  if (auto it = files_.find(path); it != files_.end()) return !it->second.removed;
  if (std::find(dirs_.begin(), dirs_.end(), path) != dirs_.end()) return true;
  return host_.lstat(path).has_value();
}

void FileEdits::ensureDir(const std::string& dir) {
  std::string prefix;
  for (const std::string& part : split(dir, '/')) {
    if (part.empty()) continue;
    prefix += "/" + part;
    if (!exists(prefix)) dirs_.push_back(prefix);
  }
}

Result<void> FileEdits::move(const std::string& from, const std::string& to,
                             const std::string& why) {
  if (exists(to)) return fail(ErrorCode::kInvalidInput, to + " exists already");
  auto content = text(from);
  if (!content) return std::unexpected(content.error());
  std::uint32_t mode = 0644;
  if (auto st = host_.stat(from)) mode = st->mode & 07777;
  File moved;
  moved.existed = false;
  moved.current = *content;
  moved.why = why;
  moved.mode = mode;
  order_.push_back(to);
  files_.emplace(to, std::move(moved));
  File& old = files_.at(from);
  old.removed = true;
  old.why = why;
  return {};
}

std::vector<Action> FileEdits::actions() const {
  std::vector<Action> out;
  for (const std::string& d : dirs_) {
    out.push_back(makeDirAction(d, "directory for " + baseName(d) + " configuration"));
  }
  for (const std::string& path : order_) {
    const File& f = files_.at(path);
    if (f.removed || (f.existed && f.current == f.original)) continue;
    out.push_back(writeFileAction(path, f.current, f.why, f.mode));
  }
  // The new file is in place before the old one goes, so a run stopped in between leaves both
  // (rollback removes the new one) and never neither.
  for (const std::string& path : order_) {
    const File& f = files_.at(path);
    if (f.removed && f.existed) out.push_back(removeAction(path, f.why));
  }
  return out;
}

Result<std::string> editTarget(const std::string& path, std::string_view etc_dir) {
  if (path.starts_with("/etc/")) return path;
  if (path.starts_with("/run/")) {
    return fail(ErrorCode::kUnsupported,
                path + " is in /run, which is rebuilt at every boot; change what generates it");
  }
  return std::string(etc_dir) + "/" + baseName(path);
}

std::string overrideHeader(const std::string& original) {
  return "# " + editMarker() + ": copy of " + original +
         " with the changes marked below; this file takes its place\n";
}

// ---- ifcfg ------------------------------------------------------------------------------------

bool ifcfgSet(std::string& text, std::string_view key, std::string_view value) {
  TextLines lines(text);
  int last = 0;
  for (int n = 1; n <= static_cast<int>(lines.size()); ++n) {
    auto k = assignmentKey(lines.at(n));
    if (k && *k == key) last = n;
  }
  if (last == 0) {
    lines.append(std::string(key) + "=" + std::string(value));
  } else {
    const std::string& old = lines.at(last);
    std::size_t eq = old.find('=');
    std::string prefix = old.substr(0, eq + 1);
    std::string_view rest = std::string_view(old).substr(eq + 1);
    char quote = !rest.empty() && (rest.front() == '"' || rest.front() == '\'') ? rest.front() : 0;
    std::string line = prefix;
    if (quote) line += quote;
    line += value;
    if (quote) line += quote;
    if (line == old) return false;
    lines.set(last, line);
  }
  std::string out = lines.str();
  bool changed = out != text;
  text = std::move(out);
  return changed;
}

std::vector<std::string> ifcfgComment(std::string& text, bool (*matches)(std::string_view key),
                                      std::string_view why) {
  TextLines lines(text);
  std::vector<std::string> keys;
  for (int n = 1; n <= static_cast<int>(lines.size()); ++n) {
    auto k = assignmentKey(lines.at(n));
    if (!k || !matches(*k)) continue;
    lines.commentOut(n, why);
    keys.push_back(*k);
  }
  text = lines.str();
  return keys;
}

// ---- INI --------------------------------------------------------------------------------------

namespace {

struct IniLine {
  std::string section;  // the section the line is in
  bool header = false;
  std::string key;  // empty unless a key=value line
  std::string value;
};

std::vector<IniLine> scanIni(const TextLines& lines) {
  std::vector<IniLine> out;
  std::string section;
  for (int n = 1; n <= static_cast<int>(lines.size()); ++n) {
    std::string_view t = trim(lines.at(n));
    IniLine l;
    if (t.starts_with('[') && t.find(']') != std::string_view::npos) {
      section = std::string(trim(t.substr(1, t.find(']') - 1)));
      l.header = true;
    } else if (!t.empty() && t.front() != '#' && t.front() != ';') {
      std::size_t eq = t.find('=');
      if (eq != std::string_view::npos) {
        l.key = std::string(trim(t.substr(0, eq)));
        l.value = std::string(trim(t.substr(eq + 1)));
      }
    }
    l.section = section;
    out.push_back(std::move(l));
  }
  return out;
}

bool inSections(const std::vector<std::string>& sections, const std::string& s) {
  return std::find(sections.begin(), sections.end(), s) != sections.end();
}

}  // namespace

bool iniSet(std::string& text, const std::vector<std::string>& sections, std::string_view key,
            std::string_view value) {
  TextLines lines(text);
  std::vector<IniLine> scan = scanIni(lines);
  std::string line = std::string(key) + "=" + std::string(value);
  int last_key = 0, last_section_end = 0;
  for (std::size_t i = 0; i < scan.size(); ++i) {
    if (!inSections(sections, scan[i].section)) continue;
    int n = static_cast<int>(i) + 1;
    if (scan[i].key == key) last_key = n;
    if (scan[i].header || !trim(lines.at(n)).empty()) last_section_end = n;
  }
  if (last_key) {
    if (lines.at(last_key) == line) return false;
    lines.set(last_key, line);
  } else if (last_section_end) {
    lines.insert(last_section_end + 1, line);
  } else {
    if (lines.size() > 0 && !trim(lines.at(static_cast<int>(lines.size()))).empty()) {
      lines.append("");
    }
    lines.append("[" + sections.front() + "]");
    lines.append(line);
  }
  text = lines.str();
  return true;
}

int iniComment(std::string& text, const std::vector<std::string>& sections,
               bool (*key_matches)(std::string_view key), std::string_view why,
               bool (*value_matches)(std::string_view value)) {
  TextLines lines(text);
  std::vector<IniLine> scan = scanIni(lines);
  int count = 0;
  for (std::size_t i = 0; i < scan.size(); ++i) {
    if (scan[i].key.empty() || !inSections(sections, scan[i].section)) continue;
    if (!key_matches(scan[i].key)) continue;
    if (value_matches && !value_matches(scan[i].value)) continue;
    lines.commentOut(static_cast<int>(i) + 1, why);
    ++count;
  }
  text = lines.str();
  return count;
}

// ---- YAML -------------------------------------------------------------------------------------

namespace {

struct YLine {
  int indent = 0;
  bool content = false;  // neither blank nor a comment
  std::string key;       // "key" of "key: ..." (quotes removed), or empty
  std::string rest;      // what follows "key:" (trimmed, comment kept)
  bool item = false;     // a "- ..." sequence entry
};

YLine scanYaml(const std::string& raw) {
  YLine l;
  std::size_t i = 0;
  while (i < raw.size() && raw[i] == ' ') ++i;
  l.indent = static_cast<int>(i);
  std::string_view t = trim(std::string_view(raw).substr(i));
  if (t.empty() || t.front() == '#') return l;
  l.content = true;
  if (t.front() == '-' && (t.size() == 1 || t[1] == ' ')) {
    l.item = true;
    l.rest = std::string(trim(t.substr(1)));
    return l;
  }
  std::size_t colon = std::string_view::npos;
  if (t.front() == '"' || t.front() == '\'') {
    std::size_t close = t.find(t.front(), 1);
    if (close != std::string_view::npos && close + 1 < t.size() && t[close + 1] == ':') {
      l.key = std::string(t.substr(1, close - 1));
      colon = close + 1;
    }
  } else {
    for (std::size_t k = 0; k < t.size(); ++k) {
      if (t[k] == ':' && (k + 1 == t.size() || t[k + 1] == ' ' || t[k + 1] == '\t')) {
        colon = k;
        break;
      }
    }
    if (colon != std::string_view::npos) l.key = std::string(trim(t.substr(0, colon)));
  }
  if (colon != std::string_view::npos) l.rest = std::string(trim(t.substr(colon + 1)));
  return l;
}

std::vector<YLine> scanAll(const TextLines& lines) {
  std::vector<YLine> out;
  out.push_back({});  // index 0 unused: lines are 1-based
  for (int n = 1; n <= static_cast<int>(lines.size()); ++n) out.push_back(scanYaml(lines.at(n)));
  return out;
}

// The last line of the nested block under the content line `at` (comments and blanks at its
// end excluded); `at` itself when nothing is nested.
int blockEnd(const std::vector<YLine>& y, int at) {
  int end = at;
  for (int n = at + 1; n < static_cast<int>(y.size()); ++n) {
    if (!y[n].content) continue;
    if (y[n].indent <= y[at].indent) break;
    end = n;
  }
  return end;
}

bool isBlockScalar(const std::string& rest) {
  return !rest.empty() && (rest.front() == '|' || rest.front() == '>');
}

Result<YamlBlock> findDevice(const std::vector<YLine>& y, std::string_view id, int line) {
  if (line < 1 || line >= static_cast<int>(y.size()) || y[line].key != id) {
    return fail(ErrorCode::kInvalidInput,
                "netplan: device " + std::string(id) + " is not at line " + std::to_string(line));
  }
  const YLine& k = y[line];
  if (!k.rest.empty() && k.rest.front() != '#') {
    return fail(ErrorCode::kUnsupported, "netplan: device " + std::string(id) + " (line " +
                                             std::to_string(line) +
                                             ") is written in flow style; edit it by hand");
  }
  YamlBlock b;
  b.key_line = line;
  b.indent = k.indent;
  b.end_line = blockEnd(y, line);
  b.parent_line = 0;
  for (int n = line - 1; n >= 1; --n) {
    if (y[n].content && y[n].indent < k.indent) {
      b.parent_line = n;
      break;
    }
  }
  int step = b.parent_line ? k.indent - y[b.parent_line].indent : 2;
  b.child_indent = k.indent + std::max(step, 2);
  for (int n = line + 1; n <= b.end_line; ++n) {
    if (y[n].content) {
      b.child_indent = y[n].indent;
      break;
    }
  }
  for (int n = line + 1; n <= b.end_line; ++n) {
    if (y[n].content && y[n].indent == b.child_indent && !y[n].key.empty() &&
        isBlockScalar(y[n].rest)) {
      return fail(ErrorCode::kUnsupported,
                  "netplan: device " + std::string(id) + " has a block scalar; edit it by hand");
    }
  }
  return b;
}

// The child key line of a device block, or 0.
int findChild(const std::vector<YLine>& y, const YamlBlock& b, std::string_view key) {
  for (int n = b.key_line + 1; n <= b.end_line; ++n) {
    if (y[n].content && y[n].indent == b.child_indent && y[n].key == key) return n;
  }
  return 0;
}

void commentRange(TextLines& lines, const std::vector<YLine>& y, int from, int to,
                  std::string_view why) {
  for (int n = from; n <= to; ++n) {
    if (y[n].content) lines.commentOut(n, why);
  }
}

}  // namespace

Result<YamlBlock> yamlDevice(const std::string& text, std::string_view id, int line) {
  TextLines lines(text);
  return findDevice(scanAll(lines), id, line);
}

Result<bool> yamlSet(std::string& text, std::string_view id, int line, std::string_view key,
                     std::string_view value) {
  TextLines lines(text);
  auto y = scanAll(lines);
  auto b = findDevice(y, id, line);
  if (!b) return std::unexpected(b.error());
  std::string want = std::string(static_cast<std::size_t>(b->child_indent), ' ') +
                     std::string(key) + ": " + std::string(value);
  int at = findChild(y, *b, key);
  if (at && blockEnd(y, at) == at) {
    if (lines.at(at) == want) return false;
    lines.set(at, want);
  } else {
    if (at) commentRange(lines, y, at, blockEnd(y, at), "replaced");
    // New keys go first in the block, so the device's line numbers above are unchanged.
    lines.insert(b->key_line + 1, want);
  }
  text = lines.str();
  return true;
}

Result<bool> yamlComment(std::string& text, std::string_view id, int line, std::string_view key,
                         std::string_view why) {
  TextLines lines(text);
  auto y = scanAll(lines);
  auto b = findDevice(y, id, line);
  if (!b) return std::unexpected(b.error());
  int at = findChild(y, *b, key);
  if (!at) return false;
  commentRange(lines, y, at, blockEnd(y, at), why);
  text = lines.str();
  return true;
}

Result<bool> yamlCommentSub(std::string& text, std::string_view id, int line, std::string_view key,
                            std::string_view sub, std::string_view why) {
  TextLines lines(text);
  auto y = scanAll(lines);
  auto b = findDevice(y, id, line);
  if (!b) return std::unexpected(b.error());
  int at = findChild(y, *b, key);
  if (!at) return false;
  if (!y[at].rest.empty() && y[at].rest.front() != '#') {
    return fail(ErrorCode::kUnsupported, "netplan: " + std::string(key) + " of " + std::string(id) +
                                             " is written in flow style; edit it by hand");
  }
  int end = blockEnd(y, at);
  bool found = false, others = false;
  int sub_indent = -1;
  for (int n = at + 1; n <= end; ++n) {
    if (!y[n].content) continue;
    if (sub_indent < 0) sub_indent = y[n].indent;
    if (y[n].indent != sub_indent) continue;
    if (y[n].key == sub) {
      commentRange(lines, y, n, blockEnd(y, n), why);
      found = true;
    } else {
      others = true;
    }
  }
  if (found && !others) lines.commentOut(at, why);
  text = lines.str();
  return found;
}

Result<int> yamlDropAddresses(std::string& text, std::string_view id, int line,
                              bool (*drop)(std::string_view address), std::string_view why) {
  TextLines lines(text);
  auto y = scanAll(lines);
  auto b = findDevice(y, id, line);
  if (!b) return std::unexpected(b.error());
  int at = findChild(y, *b, "addresses");
  if (!at) return 0;
  auto unquote = [](std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
      s = s.substr(1, s.size() - 2);
    }
    return std::string(s);
  };
  int dropped = 0;
  const std::string& rest = y[at].rest;
  if (!rest.empty() && rest.front() == '[') {
    std::size_t close = rest.find(']');
    if (close == std::string::npos) {
      return fail(ErrorCode::kUnsupported,
                  "netplan: the addresses of " + std::string(id) + " span lines; edit by hand");
    }
    std::vector<std::string> kept;
    for (const std::string& item : split(rest.substr(1, close - 1), ',')) {
      std::string a = unquote(item);
      if (a.empty()) continue;
      if (drop(a)) {
        ++dropped;
      } else {
        kept.push_back(std::string(trim(item)));
      }
    }
    if (dropped == 0) return 0;
    if (kept.empty()) {
      lines.commentOut(at, why);
    } else {
      std::string joined;
      for (const std::string& k : kept) joined += (joined.empty() ? "" : ", ") + k;
      lines.commentOut(at, why);
      lines.insert(at + 1, std::string(static_cast<std::size_t>(y[at].indent), ' ') +
                               "addresses: [" + joined + "]");
    }
    text = lines.str();
    return dropped;
  }
  int end = blockEnd(y, at);
  int kept = 0;
  for (int n = at + 1; n <= end; ++n) {
    if (!y[n].content || !y[n].item) continue;
    std::string entry = y[n].rest;
    if (std::size_t hash = entry.find(" #"); hash != std::string::npos) entry.resize(hash);
    std::string a = unquote(entry);
    // An entry with options ("- 10.0.0.2/24:" + lifetime:) is a one-key mapping.
    if (!a.empty() && a.back() == ':') a = unquote(a.substr(0, a.size() - 1));
    if (drop(a)) {
      commentRange(lines, y, n, blockEnd(y, n), why);
      ++dropped;
    } else {
      ++kept;
    }
  }
  if (dropped && kept == 0) lines.commentOut(at, why);
  text = lines.str();
  return dropped;
}

Result<void> yamlCommentDevice(std::string& text, std::string_view id, int line,
                               std::string_view why) {
  TextLines lines(text);
  auto y = scanAll(lines);
  auto b = findDevice(y, id, line);
  if (!b) return std::unexpected(b.error());
  commentRange(lines, y, b->key_line, b->end_line, why);
  if (b->parent_line) {
    // A type block left without devices would be null, which netplan refuses.
    int pend = blockEnd(y, b->parent_line);
    bool others = false;
    for (int n = b->parent_line + 1; n <= pend; ++n) {
      if (y[n].content && (n < b->key_line || n > b->end_line)) others = true;
    }
    if (!others) lines.commentOut(b->parent_line, why);
  }
  text = lines.str();
  return {};
}

Result<void> yamlRenameDevice(std::string& text, std::string_view id, int line, std::string_view to,
                              std::string_view why) {
  TextLines lines(text);
  auto y = scanAll(lines);
  auto b = findDevice(y, id, line);
  if (!b) return std::unexpected(b.error());
  std::string old = lines.at(b->key_line);
  std::size_t at = old.find(id, static_cast<std::size_t>(b->indent));
  if (at == std::string::npos) {
    return fail(ErrorCode::kInvalidInput,
                fmt::format("line {}: device key {} not found", b->key_line, id));
  }
  std::string again = old;
  again.replace(at, id.size(), to);
  lines.commentOut(b->key_line, why);
  lines.insert(b->key_line + 1, again);
  text = lines.str();
  return {};
}

// ---- ifupdown ---------------------------------------------------------------------------------

void eniCommentStanza(std::string& text, int line, int next_item_line, std::string_view why) {
  TextLines lines(text);
  int last = next_item_line > 0 ? next_item_line - 1 : static_cast<int>(lines.size());
  auto isContent = [&](int n) {
    std::string_view t = trim(lines.at(n));
    return !t.empty() && t.front() != '#';
  };
  // Comments and blank lines before the next item describe it, not this stanza.
  while (last > line && !isContent(last)) --last;
  bool continued = false;
  for (int n = line; n <= last; ++n) {
    std::string_view t = trim(lines.at(n));
    if (isContent(n) || (continued && !t.empty())) {
      continued = !t.empty() && t.back() == '\\';
      lines.commentOut(n, why);
    } else {
      continued = false;
    }
  }
  text = lines.str();
}

void eniRemoveName(std::string& text, int line, std::string_view name, std::string_view why) {
  TextLines lines(text);
  std::string old = lines.at(line);
  std::size_t lead = old.find_first_not_of(" \t");
  std::vector<std::string> words = splitWords(old);
  std::vector<std::string> kept;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (words[i] != name) kept.push_back(words[i]);
  }
  lines.commentOut(line, why);
  if (!kept.empty() && !words.empty()) {
    std::string again = old.substr(0, lead == std::string::npos ? 0 : lead) + words[0];
    for (const std::string& w : kept) again += " " + w;
    lines.insert(line + 1, again);
  }
  text = lines.str();
}

std::optional<std::string> renamedInterface(std::string_view name, std::string_view from,
                                            std::string_view to) {
  if (name == from) return std::string(to);
  if (name.size() > from.size() && name.starts_with(from) &&
      (name[from.size()] == ':' || name[from.size()] == '.')) {
    return std::string(to) + std::string(name.substr(from.size()));
  }
  return std::nullopt;
}

bool eniRenameWords(std::string& text, int line, std::string_view from, std::string_view to,
                    bool only_second, std::string_view why) {
  TextLines lines(text);
  std::string old = lines.at(line);
  std::vector<std::string> words = splitWords(old);
  std::string again = old;
  bool changed = false;
  // Words are replaced from the end, so the positions found for earlier ones stay right.
  std::vector<std::pair<std::size_t, std::string>> found;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    pos = old.find(words[i], pos);
    if (i >= 1 && (!only_second || i == 1)) {
      if (auto r = renamedInterface(words[i], from, to)) found.emplace_back(pos, words[i]);
    }
    pos += words[i].size();
  }
  for (auto it = found.rbegin(); it != found.rend(); ++it) {
    again.replace(it->first, it->second.size(), *renamedInterface(it->second, from, to));
    changed = true;
  }
  if (!changed) return false;
  lines.commentOut(line, why);
  lines.insert(line + 1, again);
  text = lines.str();
  return true;
}

bool isIpv6Address(std::string_view address) {
  std::string_view a = trim(address);
  a = a.substr(0, a.find('/'));
  return a.find(':') != std::string_view::npos;
}

}  // namespace guestprep::os_linux::netfix
