// Parser for the nftables ruleset syntax and a walk of its input chains for one TCP port.
#include "parsers/firewall_nft.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

struct Token {
  std::string text;
  int line = 0;
  bool end = false;  ///< a statement separator (newline or `;`)
};

// Words, quoted strings, braces and separators; `#` starts a comment to the end of the line and
// commas separate set elements. A backslash at the end of a line continues it.
std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  int line = 1;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back({std::move(cur), line, false});
    cur.clear();
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && s[i + 1] == '\n') {
      flush();
      ++i;
      ++line;
    } else if (c == '#') {
      while (i + 1 < s.size() && s[i + 1] != '\n') ++i;
    } else if (c == '"') {
      flush();
      std::size_t j = i + 1;
      while (j < s.size() && s[j] != '"' && s[j] != '\n') cur += s[j++];
      out.push_back({std::move(cur), line, false});
      cur.clear();
      i = j;
    } else if (c == '\n' || c == ';') {
      flush();
      out.push_back({"", line, true});
      if (c == '\n') ++line;
    } else if (c == '{' || c == '}') {
      flush();
      out.push_back({std::string(1, c), line, false});
    } else if (c == ' ' || c == '\t' || c == '\r' || c == ',') {
      flush();
    } else {
      cur += c;
    }
  }
  flush();
  return out;
}

struct Parser {
  const std::vector<Token>& toks;
  NftRuleset& out;
  std::size_t i = 0;

  bool atEnd() const { return i >= toks.size(); }
  void skipSeparators() {
    while (!atEnd() && toks[i].end) ++i;
  }
  // The words of one statement up to a separator or a closing brace (sets kept inline).
  std::vector<std::string> statement(int& line) {
    std::vector<std::string> words;
    line = atEnd() ? 0 : toks[i].line;
    int depth = 0;
    for (; !atEnd(); ++i) {
      const Token& t = toks[i];
      if (t.end && depth == 0) break;
      if (t.end) continue;
      if (t.text == "}" && depth == 0) break;
      if (t.text == "{") ++depth;
      if (t.text == "}") --depth;
      words.push_back(t.text);
    }
    return words;
  }

  // The words before a `{` on the same statement; stops at the brace without consuming it.
  std::vector<std::string> header() {
    std::vector<std::string> words;
    for (; !atEnd() && !toks[i].end && toks[i].text != "{"; ++i) words.push_back(toks[i].text);
    return words;
  }

  void chainBody(NftChain& chain) {
    while (true) {
      skipSeparators();
      if (atEnd()) {
        out.problems.push_back({"", chain.line, "chain " + chain.name + " is never closed"});
        return;
      }
      if (toks[i].text == "}") {
        ++i;
        return;
      }
      int line = 0;
      auto words = statement(line);
      if (words.empty()) continue;
      if (words[0] == "type") {
        for (std::size_t k = 0; k + 1 < words.size(); ++k) {
          if (words[k] == "hook") chain.hook = words[k + 1];
        }
      } else if (words[0] == "policy" && words.size() > 1) {
        chain.policy = words[1];
      } else if (words[0] == "comment" || words[0] == "devices") {
        continue;
      } else {
        chain.rules.push_back({std::move(words), line});
      }
    }
  }

  void tableBody(const std::string& family, const std::string& table) {
    while (true) {
      skipSeparators();
      if (atEnd()) {
        out.problems.push_back({"", 0, "table " + table + " is never closed"});
        return;
      }
      const Token& t = toks[i];
      if (t.text == "}") {
        ++i;
        return;
      }
      if (t.text == "chain" && i + 2 < toks.size() && toks[i + 2].text == "{") {
        NftChain chain;
        chain.family = family;
        chain.table = table;
        chain.name = toks[i + 1].text;
        chain.line = t.line;
        i += 3;
        chainBody(chain);
        out.chains.push_back(std::move(chain));
        continue;
      }
      // set, map, flowtable, counter, quota, ...: their blocks do not hold rules.
      int line = 0;
      statement(line);  // a `set x { ... }` block is consumed as one statement
    }
  }

  void top() {
    while (true) {
      skipSeparators();
      if (atEnd()) return;
      const Token& t = toks[i];
      if (t.text == "include" && i + 1 < toks.size()) {
        out.includes.push_back({toks[i + 1].text, t.line});
        i += 2;
        continue;
      }
      if (t.text == "table") {
        ++i;
        auto words = header();                         // [family] name, up to the "{"
        if (atEnd() || toks[i].text != "{") continue;  // "table ip x" without a body
        ++i;
        // `table NAME` means the ip family (nft(8) ADDRESS FAMILIES).
        std::string family = words.size() >= 2 ? words[0] : "ip";
        std::string name = words.empty() ? "" : words.back();
        tableBody(family, name);
        continue;
      }
      if (t.text == "}") {
        out.problems.push_back({"", t.line, "unbalanced braces: unexpected }"});
        ++i;
        continue;
      }
      int line = 0;
      statement(line);  // flush ruleset, define, add ...: nothing we need
    }
  }
};

std::optional<int> toInt(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// One port element: "22", "ssh", "20-30".
bool elementCovers(std::string_view e, int port) {
  if (e == "ssh" && port == 22) return true;
  auto dash = e.find('-');
  if (dash != std::string_view::npos) {
    auto a = toInt(e.substr(0, dash)), b = toInt(e.substr(dash + 1));
    return a && b && *a <= port && port <= *b;
  }
  return toInt(e) == port;
}

// Reads one value (a word or a `{ ... }` set) at words[k]; returns the elements, advances k.
std::vector<std::string> valueAt(const std::vector<std::string>& words, std::size_t& k) {
  std::vector<std::string> vals;
  if (k >= words.size()) return vals;
  if (words[k] != "{") {
    vals.push_back(words[k++]);
    return vals;
  }
  for (++k; k < words.size() && words[k] != "}"; ++k) vals.push_back(words[k]);
  ++k;
  return vals;
}

struct RuleMeaning {
  bool matches = true;  ///< selects every new TCP connection to the port
  std::string verdict;  ///< "accept", "drop", "reject", "jump", "goto", "return", ""
  std::string target;   ///< chain of jump/goto
};

RuleMeaning meaning(const std::vector<std::string>& w, int port) {
  RuleMeaning m;
  for (std::size_t k = 0; k < w.size();) {
    const std::string& a = w[k];
    if ((a == "tcp" || a == "th") && k + 1 < w.size() && w[k + 1] == "dport") {
      k += 2;
      if (k < w.size() && w[k] == "!=") return RuleMeaning{false, "", ""};
      auto vals = valueAt(w, k);
      bool any = std::any_of(vals.begin(), vals.end(),
                             [&](const std::string& v) { return elementCovers(v, port); });
      if (!any) m.matches = false;
    } else if ((a == "meta" && k + 1 < w.size() && w[k + 1] == "l4proto") ||
               (a == "ip" && k + 1 < w.size() && w[k + 1] == "protocol") ||
               (a == "ip6" && k + 1 < w.size() && w[k + 1] == "nexthdr")) {
      k += 2;
      auto vals = valueAt(w, k);
      if (std::find(vals.begin(), vals.end(), "tcp") == vals.end()) m.matches = false;
    } else if (a == "ct" && k + 1 < w.size() && w[k + 1] == "state") {
      k += 2;
      auto vals = valueAt(w, k);
      if (std::find(vals.begin(), vals.end(), "new") == vals.end()) m.matches = false;
    } else if (a == "counter") {
      ++k;
      if (k + 3 < w.size() && w[k] == "packets") k += 4;  // packets N bytes M
    } else if (a == "log") {
      ++k;
      while (k + 1 < w.size() && (w[k] == "prefix" || w[k] == "level" || w[k] == "flags")) k += 2;
    } else if (a == "comment") {
      k += 2;
    } else if (a == "accept" || a == "drop" || a == "return") {
      m.verdict = a;
      ++k;
    } else if (a == "reject") {
      m.verdict = a;
      k = w.size();  // `reject with tcp reset` and friends
    } else if ((a == "jump" || a == "goto") && k + 1 < w.size()) {
      m.verdict = a;
      m.target = w[k + 1];
      k += 2;
    } else {
      m.matches = false;  // addresses, interfaces, other protocols, set lookups, ...
      ++k;
    }
  }
  return m;
}

struct Walk {
  const std::vector<NftChain>& chains;
  const NftChain& base;
  int port;

  const NftChain* find(const std::string& name) const {
    for (const auto& c : chains) {
      if (c.family == base.family && c.table == base.table && c.name == name) return &c;
    }
    return nullptr;
  }

  std::optional<NftDecision> run(const NftChain& chain, int depth) const {
    if (depth > 16) return std::nullopt;
    for (const NftRule& r : chain.rules) {
      RuleMeaning m = meaning(r.words, port);
      if (!m.matches) continue;
      std::string text;
      for (const auto& w : r.words) text += (text.empty() ? "" : " ") + w;
      if (m.verdict == "accept")
        return NftDecision{PortAccess::kAllowed, true, false, r.line, text};
      if (m.verdict == "drop" || m.verdict == "reject")
        return NftDecision{PortAccess::kBlocked, true, false, r.line, text};
      if (m.verdict == "return") return std::nullopt;
      if (m.verdict == "jump" || m.verdict == "goto") {
        if (const NftChain* sub = find(m.target)) {
          if (auto d = run(*sub, depth + 1)) return d;
          if (m.verdict == "goto") return std::nullopt;
        }
      }
    }
    return std::nullopt;
  }
};

bool chainDrops(const NftChain& c) {
  if (c.policy == "drop") return true;
  for (const NftRule& r : c.rules) {
    for (const auto& w : r.words) {
      if (w == "drop" || w == "reject") return true;
    }
  }
  return false;
}

}  // namespace

NftRuleset parseNftRuleset(std::string_view text) {
  NftRuleset out;
  auto toks = tokenize(text);
  Parser{toks, out}.top();
  return out;
}

NftDecision nftTcpPortAccess(const std::vector<NftChain>& chains, int port) {
  NftDecision result;
  bool all_allow = true;
  for (const NftChain& c : chains) {
    if (c.hook != "input" || (c.family != "ip" && c.family != "ip6" && c.family != "inet"))
      continue;
    if (c.family == "ip6") continue;  // IPv4 reachability is what the cloud needs
    result.has_input_chain = true;
    if (chainDrops(c)) result.filtering = true;
    NftDecision d;
    if (auto r = Walk{chains, c, port}.run(c, 0)) {
      d = *r;
    } else {
      d.access = c.policy == "drop" ? PortAccess::kBlocked : PortAccess::kAllowed;
      d.line = c.line;
      d.text = "chain " + c.table + " " + c.name + " policy " + c.policy;
    }
    if (d.access == PortAccess::kBlocked) {
      result.access = PortAccess::kBlocked;
      result.line = d.line;
      result.text = d.text;
      all_allow = false;
    } else if (all_allow && result.access != PortAccess::kBlocked) {
      result.access = PortAccess::kAllowed;
      result.line = d.line;
      result.text = d.text;
    }
  }
  return result;
}

}  // namespace guestprep::os_linux
