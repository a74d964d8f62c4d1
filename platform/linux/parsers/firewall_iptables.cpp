// Parser for the iptables-save format and a walk of its INPUT chain for one TCP port.
#include "parsers/firewall_iptables.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "parsers/text.h"

namespace guestprep::os_linux {

const IptablesChain* IptablesTable::chain(std::string_view n) const {
  for (const auto& c : chains) {
    if (c.name == n) return &c;
  }
  return nullptr;
}

const IptablesTable* IptablesSave::table(std::string_view n) const {
  for (const auto& t : tables) {
    if (t.name == n) return &t;
  }
  return nullptr;
}

namespace {

// Splits a rule line into words as iptables-save quotes them: blanks separate words, double
// quotes group (iptables-save escapes `"` and `\` inside them with a backslash).
std::vector<std::string> splitQuoted(std::string_view s) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false, quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '\\' && i + 1 < s.size()) {
        cur += s[++i];
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

std::optional<int> toInt(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

IptablesSave parseIptablesSave(std::string_view text) {
  IptablesSave out;
  IptablesTable* cur = nullptr;
  bool committed = true;
  for (const LogicalLine& ll : splitLogicalLines(text, false)) {
    std::string_view line = trim(ll.text);
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '*') {
      if (!committed && cur) {
        out.problems.push_back({"", ll.number, "table " + cur->name + " has no COMMIT"});
      }
      out.tables.push_back(IptablesTable{std::string(trim(line.substr(1))), {}, {}});
      cur = &out.tables.back();
      committed = false;
      continue;
    }
    if (line == "COMMIT") {
      if (!cur || committed) out.problems.push_back({"", ll.number, "COMMIT outside a table"});
      committed = true;
      continue;
    }
    if (!cur || committed) {
      out.problems.push_back({"", ll.number, "line outside a *table ... COMMIT block"});
      if (!cur) {
        out.tables.push_back(IptablesTable{"filter", {}, {}});
        cur = &out.tables.back();
      }
    }
    if (line[0] == ':') {
      auto words = splitWords(line.substr(1));
      if (words.empty()) {
        out.problems.push_back({"", ll.number, "chain declaration without a name"});
        continue;
      }
      cur->chains.push_back({words[0], words.size() > 1 ? words[1] : "-", ll.number});
      continue;
    }
    auto words = splitQuoted(line);
    if (words.size() >= 2 && (words[0] == "-A" || words[0] == "--append" || words[0] == "-I" ||
                              words[0] == "--insert")) {
      IptablesRule rule{words[1], {words.begin() + 2, words.end()}, ll.number};
      if (!cur->chain(rule.chain)) {
        out.problems.push_back(
            {"", ll.number, "rule for chain " + rule.chain + " which is not declared"});
      }
      if (words[0] == "-A" || words[0] == "--append") {
        cur->rules.push_back(std::move(rule));
        continue;
      }
      // -I CHAIN [N]: insert before the Nth rule of that chain (1 when not given).
      int pos = 1;
      if (!rule.args.empty()) {
        if (auto n = toInt(rule.args[0])) {
          pos = *n;
          rule.args.erase(rule.args.begin());
        }
      }
      int seen = 0;
      auto at = cur->rules.end();
      for (auto it = cur->rules.begin(); it != cur->rules.end(); ++it) {
        if (it->chain != rule.chain) continue;
        if (++seen == pos) {
          at = it;
          break;
        }
      }
      cur->rules.insert(at, std::move(rule));
      continue;
    }
    out.problems.push_back({"", ll.number, "not a table, chain, rule or COMMIT line"});
  }
  if (!committed && cur) out.problems.push_back({"", 0, "table " + cur->name + " has no COMMIT"});
  return out;
}

bool portListCovers(std::string_view list, int port) {
  for (const std::string& item : split(list, ',')) {
    std::string_view it = trim(item);
    auto colon = it.find(':');
    if (colon == std::string_view::npos) {
      if (toInt(it) == port) return true;
      continue;
    }
    // "a:b", ":b" and "a:" are ranges; an empty end means 0 or 65535 (iptables-extensions(8)).
    std::string_view lo = it.substr(0, colon), hi = it.substr(colon + 1);
    int a = lo.empty() ? 0 : toInt(lo).value_or(-1);
    int b = hi.empty() ? 65535 : toInt(hi).value_or(-1);
    if (a >= 0 && b >= 0 && a <= port && port <= b) return true;
  }
  return false;
}

namespace {

bool isWildcardAddress(std::string_view a) {
  return a == "0.0.0.0/0" || a == "0/0" || a == "::/0" || a == "0.0.0.0/0.0.0.0";
}

// Whether the rule's matches select every new TCP connection to `port` on a normal interface.
// Options we do not know restrict the rule to some packets, so the rule is stepped over.
bool matchesEveryNewConnection(const std::vector<std::string>& args, int port) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto next = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string(); };
    if (a == "!") return false;  // negated matches select only some packets
    if (a == "-p" || a == "--protocol") {
      std::string p = toLower(next());
      if (p != "tcp" && p != "6" && p != "all" && p != "0") return false;
    } else if (a == "-m" || a == "--match" || a == "--comment") {
      next();
    } else if (a == "--dport" || a == "--destination-port" || a == "--dports" ||
               a == "--destination-ports") {
      if (!portListCovers(next(), port)) return false;
    } else if (a == "--state" || a == "--ctstate") {
      auto states = split(next(), ',');
      if (std::find(states.begin(), states.end(), "NEW") == states.end()) return false;
    } else if (a == "--syn") {
      continue;
    } else if (a == "--tcp-flags") {
      next();
      std::string set = next();
      if (set.find("SYN") == std::string::npos || set.find("ACK") != std::string::npos)
        return false;
    } else if (a == "-s" || a == "--source" || a == "-d" || a == "--destination") {
      if (!isWildcardAddress(next())) return false;
    } else if (a == "-j" || a == "--jump" || a == "-g" || a == "--goto") {
      next();
    } else if (a == "--reject-with" || a.starts_with("--log-") || a.starts_with("--set-") ||
               a.starts_with("--to") || a.starts_with("--nflog-")) {
      next();  // target options do not restrict the match
    } else {
      return false;
    }
  }
  return true;
}

// The rule's jump: {target, is_goto}.
std::pair<std::string, bool> targetOf(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "-j" || args[i] == "--jump") return {args[i + 1], false};
    if (args[i] == "-g" || args[i] == "--goto") return {args[i + 1], true};
  }
  return {"", false};
}

struct Walk {
  const IptablesTable& table;
  int port;
  static constexpr int kMaxDepth = 16;

  bool isUserChain(const std::string& name) const {
    const IptablesChain* c = table.chain(name);
    if (c) return c->policy == "-";
    return std::any_of(table.rules.begin(), table.rules.end(),
                       [&](const IptablesRule& r) { return r.chain == name; });
  }

  // The decision of `chain`, or nullopt when the packet returns (or falls off the end).
  std::optional<PortDecision> run(const std::string& chain, int depth) const {
    if (depth > kMaxDepth) return std::nullopt;
    for (const IptablesRule& r : table.rules) {
      if (r.chain != chain) continue;
      if (!matchesEveryNewConnection(r.args, port)) continue;
      auto [target, is_goto] = targetOf(r.args);
      std::string text = "-A " + r.chain;
      for (const auto& w : r.args) text += " " + w;
      if (target == "ACCEPT") return PortDecision{PortAccess::kAllowed, r.line, text};
      if (target == "DROP" || target == "REJECT")
        return PortDecision{PortAccess::kBlocked, r.line, text};
      if (target == "RETURN") return std::nullopt;
      if (!target.empty() && isUserChain(target)) {
        if (auto d = run(target, depth + 1)) return d;
        if (is_goto) return std::nullopt;
      }
      // LOG, MARK and other non-terminating targets: go on with the next rule.
    }
    return std::nullopt;
  }

  bool reachesDrop(const std::string& chain, int depth) const {
    if (depth > kMaxDepth) return false;
    for (const IptablesRule& r : table.rules) {
      if (r.chain != chain) continue;
      std::string target = targetOf(r.args).first;
      if (target == "DROP" || target == "REJECT") return true;
      if (!target.empty() && target != chain && isUserChain(target) &&
          reachesDrop(target, depth + 1))
        return true;
    }
    return false;
  }
};

}  // namespace

PortDecision tcpPortAccess(const IptablesSave& rules, std::string_view chain, int port,
                           PortAccess fallback) {
  const IptablesTable* filter = rules.table("filter");
  if (!filter) return PortDecision{fallback, 0, "no filter table"};
  Walk walk{*filter, port};
  if (auto d = walk.run(std::string(chain), 0)) return *d;
  const IptablesChain* c = filter->chain(chain);
  if (c && c->policy != "-") {
    PortAccess a = c->policy == "ACCEPT" ? PortAccess::kAllowed : PortAccess::kBlocked;
    return PortDecision{a, c->line, ":" + c->name + " " + c->policy + " (chain policy)"};
  }
  return PortDecision{fallback, 0, "no rule of " + std::string(chain) + " decides"};
}

bool filtersInput(const IptablesSave& rules) {
  const IptablesTable* filter = rules.table("filter");
  if (!filter) return false;
  const IptablesChain* input = filter->chain("INPUT");
  if (input && (input->policy == "DROP" || input->policy == "REJECT")) return true;
  return Walk{*filter, 0}.reachesDrop("INPUT", 0);
}

}  // namespace guestprep::os_linux
