// Parser for udev rules files: name-to-MAC bindings.
#include "parsers/udev_rules.h"

#include <cctype>

#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

bool isKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// Reads one item at `pos`; returns an error message, or "" when the item was read.
std::string readItem(std::string_view s, std::size_t& pos, UdevRuleItem& item) {
  std::size_t k = pos;
  while (k < s.size() && isKeyChar(s[k])) ++k;
  if (k == pos) return "expected a key at '" + std::string(s.substr(pos, 20)) + "'";
  if (k < s.size() && s[k] == '{') {
    std::size_t close = s.find('}', k);
    if (close == std::string_view::npos) return "unterminated '{' in a key";
    k = close + 1;
  }
  item.key = std::string(s.substr(pos, k - pos));
  while (k < s.size() && (s[k] == ' ' || s[k] == '\t')) ++k;
  static constexpr std::string_view kOps[] = {"==", "!=", "+=", "-=", ":=", "="};
  item.op.clear();
  for (std::string_view op : kOps) {
    if (s.substr(k).starts_with(op)) {
      item.op = std::string(op);
      break;
    }
  }
  if (item.op.empty()) return "expected an operator after " + item.key;
  k += item.op.size();
  while (k < s.size() && (s[k] == ' ' || s[k] == '\t')) ++k;
  // udev 246+ accepts an `e` prefix for C-style escapes; the plain form takes \" and \\.
  if (k < s.size() && s[k] == 'e' && k + 1 < s.size() && s[k + 1] == '"') ++k;
  if (k >= s.size() || s[k] != '"') return "value of " + item.key + " is not double-quoted";
  ++k;
  item.value.clear();
  bool closed = false;
  for (; k < s.size(); ++k) {
    if (s[k] == '\\' && k + 1 < s.size() && (s[k + 1] == '"' || s[k + 1] == '\\')) {
      item.value += s[++k];
    } else if (s[k] == '"') {
      closed = true;
      ++k;
      break;
    } else {
      item.value += s[k];
    }
  }
  if (!closed) return "unterminated quote in the value of " + item.key;
  pos = k;
  return "";
}

bool isColonMac(std::string_view v) {
  if (v.size() != 17) return false;
  for (std::size_t i = 2; i < 17; i += 3) {
    if (v[i] != ':') return false;
  }
  return !normaliseMac(v).empty();
}

bool isAddressMatch(const UdevRuleItem& item) {
  return item.op == "==" && (item.key == "ATTR{address}" || item.key == "ATTRS{address}" ||
                             item.key == "SYSFS{address}");
}

}  // namespace

UdevRulesFile parseUdevRules(std::string_view text) {
  UdevRulesFile file;
  for (const LogicalLine& ll : splitLogicalLines(text, /*backslash_continuation=*/true)) {
    std::string_view line = trim(ll.text);
    if (line.empty() || line.front() == '#') continue;
    UdevRule rule;
    rule.line = ll.number;
    std::size_t pos = 0;
    std::string error;
    while (true) {
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t' || line[pos] == ',')) {
        ++pos;
      }
      if (pos >= line.size()) break;
      UdevRuleItem item;
      error = readItem(line, pos, item);
      if (!error.empty()) break;
      rule.items.push_back(std::move(item));
    }
    if (!error.empty()) {
      // udev itself drops a rule it cannot parse, so nothing of this line binds a name.
      file.problems.push_back({"", ll.number, error});
      continue;
    }
    const UdevRuleItem* mac = nullptr;
    const UdevRuleItem* name = nullptr;
    for (const UdevRuleItem& item : rule.items) {
      if (isAddressMatch(item)) mac = &item;
      if (item.key == "NAME" && (item.op == "=" || item.op == ":=")) name = &item;
    }
    if (mac && name && !name->value.empty()) {
      PersistentNetRule b;
      b.source.line = ll.number;
      b.name = name->value;
      // Only the colon form can equal the sysfs text; other spellings are kept as written.
      b.mac = isColonMac(mac->value) ? normaliseMac(mac->value) : toLower(mac->value);
      if (mac->value != toLower(mac->value)) {
        file.problems.push_back({"", ll.number,
                                 "MAC " + mac->value +
                                     " is upper case: udev compares it with the lower-case "
                                     "sysfs address, so this rule never matches"});
      }
      file.bindings.push_back(std::move(b));
    }
    file.rules.push_back(std::move(rule));
  }
  return file;
}

}  // namespace guestprep::os_linux
