// L-PASSWD: the password-quality options that reject passwords the cloud's rule allows are
// relaxed, each to the loosest value that rule needs and no further, on the line that sets the
// value in force; the relaxed configuration is run through the rule's own model before anything
// is planned, so the plan either makes every allowed password pass or is not made at all.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "fixers/edit.h"
#include "fixers/fixers.h"
#include "rules/auth_password_model.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kPwqualityConf = "/etc/security/pwquality.conf";
constexpr std::string_view kVendorPamDir = "/usr/lib/pam.d/";

/// One option of one check set to a looser value, named as the model names it ("minlen",
/// "dcredit", "min3", "maxlen", ...).
struct Relaxation {
  std::string key;
  int value = 0;
};

/// Where a relaxed value is written.
enum class Where {
  kPamArg,     ///< replace the argument `old_arg` of the PAM line
  kAddPamArg,  ///< append `key=value` to the PAM line
  kConfLine,   ///< replace the value of the `name = value` line (pwquality, passwdqc)
  kLoginDefs,  ///< replace the value of the `NAME value` line of login.defs
  kAddConf,    ///< append `key = value` to pwquality.conf (read after its drop-ins: it wins)
};

struct SettingEdit {
  Where where = Where::kPamArg;
  SourceRef source;       ///< the PAM line or setting line as the facts name it (line 0: append)
  std::string key;        ///< as written: "minlen", "min", "PASS_MIN_LEN"
  std::string old_value;  ///< as written; "" when the setting is added
  std::string new_value;
  std::string old_arg;  ///< kPamArg: the argument as written ("minlen=12")
  [[nodiscard]] std::string change() const {
    std::string sep = where == Where::kLoginDefs ? " " : "=";
    if (where == Where::kAddPamArg || where == Where::kAddConf)
      return key + sep + new_value + " added";
    return key + sep + old_value + " -> " + key + sep + new_value;
  }
};

CloudPasswordRule ruleOf(const Params& p) {
  return {static_cast<int>(p.getInt("min_length")), static_cast<int>(p.getInt("max_length")),
          static_cast<int>(p.getInt("min_classes"))};
}

std::string at(const SourceRef& s) { return s.file + ":" + std::to_string(s.line); }

std::pair<std::string, std::string> splitArg(const std::string& a) {
  auto eq = a.find('=');
  if (eq == std::string::npos) return {a, ""};
  return {a.substr(0, eq), a.substr(eq + 1)};
}

bool isInt(const std::string& v) {
  std::size_t i = !v.empty() && (v[0] == '-' || v[0] == '+') ? 1 : 0;
  if (i == v.size() || v.size() > 9) return false;
  return std::all_of(v.begin() + static_cast<std::ptrdiff_t>(i), v.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<Rejection> firstRejection(const QualityCheck& q,
                                        const std::vector<std::string>& candidates) {
  PasswordModel m;
  m.checks.push_back(q);
  auto r = findRejections(m, candidates);
  if (r.empty()) return std::nullopt;
  return r.front();
}

/// The values `key` may have: the explicit one, or one per set of built-in defaults.
std::vector<int> effective(const QualityCheck& q, const std::string& key, int fallback) {
  if (auto it = q.options.find(key); it != q.options.end()) return {it->second.value};
  if (q.default_sets.empty()) return {fallback};
  std::vector<int> v;
  for (const auto& d : q.default_sets) {
    auto it = d.find(key);
    v.push_back(it == d.end() ? fallback : it->second);
  }
  return v;
}

bool anyOf(const std::vector<int>& v, auto pred) { return std::any_of(v.begin(), v.end(), pred); }

/// Every option of `q` that is stricter than the cloud's rule needs, with the value it would be
/// relaxed to. N0-N2 of passwdqc are not here: lowering them accepts passwords of fewer classes
/// than the cloud requires, which is the operator's call.
std::vector<Relaxation> possibleRelaxations(const QualityCheck& q, const CloudPasswordRule& rule) {
  std::vector<Relaxation> out;
  const int lo = rule.min_length, hi = rule.max_length;
  switch (q.kind) {
    case QualityKind::kCredits: {
      // Credits only lower the length needed, so minlen at the cloud's minimum is enough.
      if (anyOf(effective(q, "minlen", 0), [&](int v) { return v > lo; }))
        out.push_back({"minlen", lo});
      for (const char* k : {"dcredit", "ucredit", "lcredit", "ocredit"}) {
        if (anyOf(effective(q, k, 0), [](int v) { return v < 0; })) out.push_back({k, 0});
      }
      if (anyOf(effective(q, "minclass", 0), [&](int v) { return v > rule.min_classes; }))
        out.push_back({"minclass", rule.min_classes});
      for (const char* k : {"maxrepeat", "maxclassrepeat", "maxsequence"}) {
        if (anyOf(effective(q, k, 0), [](int v) { return v > 0; })) out.push_back({k, 0});
      }
      break;
    }
    case QualityKind::kPasswdqc: {
      // passwdqc's built-in min=disabled,24,11,8,7 max=40 (passwdqc.conf(5)).
      if (effective(q, "min3", 8).front() > lo) out.push_back({"min3", lo});
      if (effective(q, "min4", 7).front() > lo) out.push_back({"min4", lo});
      if (effective(q, "max", 40).front() < hi) out.push_back({"max", hi});
      break;
    }
    case QualityKind::kMinMax: {
      if (auto it = q.options.find("minlen"); it != q.options.end() && it->second.value > lo)
        out.push_back({"minlen", lo});
      if (auto it = q.options.find("maxlen");
          it != q.options.end() && it->second.value > 0 && it->second.value < hi)
        out.push_back({"maxlen", hi});
      break;
    }
  }
  return out;
}

QualityCheck relaxed(QualityCheck q, const std::vector<Relaxation>& rs) {
  for (const auto& r : rs) q.options[r.key] = {r.value, r.key + " relaxed"};
  return q;
}

/// The fewest relaxations of `q` that let every candidate through: all stricter options relaxed,
/// then each one put back while the check still accepts every candidate.
Result<std::vector<Relaxation>> chooseRelaxations(const QualityCheck& q,
                                                  const CloudPasswordRule& rule,
                                                  const std::vector<std::string>& candidates) {
  std::vector<Relaxation> keep = possibleRelaxations(q, rule);
  if (auto r = firstRejection(relaxed(q, keep), candidates)) {
    std::string msg = fmt::format(
        "{} at {} would still reject \"{}\" with every option this fix may relax set "
        "to the cloud's rule: it {}",
        q.module, at(q.source), r->password, r->reason);
    if (q.kind == QualityKind::kPasswdqc) {
      msg +=
          "; passwdqc does not count an uppercase first letter or a final digit as a class, so "
          "accepting it needs N0 (one class) or N1 (two classes) of min= lowered, which also "
          "accepts passwords of fewer classes than the cloud requires: change min= by hand if "
          "that is intended";
    } else {
      msg += "; relax it by hand";
    }
    return fail(ErrorCode::kUnsupported, msg);
  }
  for (std::size_t i = 0; i < keep.size();) {
    auto without = keep;
    without.erase(without.begin() + static_cast<std::ptrdiff_t>(i));
    if (!firstRejection(relaxed(q, without), candidates)) {
      keep = std::move(without);
    } else {
      ++i;
    }
  }
  return keep;
}

const PamLine* pamLineAt(const AuthFacts& auth, const SourceRef& source) {
  for (const auto& stack : auth.stacks) {
    for (const auto& line : stack.lines) {
      if (line.source == source) return &line;
    }
  }
  return nullptr;
}

/// The last argument of `line` whose key is one of `keys` and whose value is a number, as the
/// model reads it (later arguments override earlier ones).
const std::string* lastArg(const PamLine& line, std::initializer_list<std::string_view> keys,
                           bool numeric = true) {
  const std::string* found = nullptr;
  for (const auto& a : line.args) {
    auto [k, v] = splitArg(a);
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) continue;
    if (numeric && !isInt(v)) continue;
    found = &a;
  }
  return found;
}

SettingEdit pamArgEdit(const PamLine& line, const std::string& arg, const std::string& value) {
  auto [k, v] = splitArg(arg);
  return {Where::kPamArg, line.source, k, v, value, arg};
}

/// pam_pwquality / pam_cracklib: the module's argument wins; for pam_pwquality the last
/// pwquality.conf(.d) setting comes next; a built-in default is overridden where it applies.
Result<std::vector<SettingEdit>> creditsEdits(const QualityCheck& q, const PamLine& line,
                                              const AuthFacts& auth,
                                              const std::vector<Relaxation>& rs) {
  std::vector<SettingEdit> out;
  for (const auto& r : rs) {
    std::string value = std::to_string(r.value);
    if (const std::string* arg = lastArg(line, {r.key})) {
      out.push_back(pamArgEdit(line, *arg, value));
      continue;
    }
    if (q.module == "pam_pwquality") {
      const ConfigSetting* last = nullptr;
      for (const auto& s : auth.pwquality) {
        if (s.key == r.key) last = &s;
      }
      if (last) {
        out.push_back({Where::kConfLine, last->source, r.key, last->value, value, {}});
      } else {
        out.push_back({Where::kAddConf, {std::string(kPwqualityConf), 0}, r.key, {}, value, {}});
      }
    } else {
      out.push_back({Where::kAddPamArg, line.source, r.key, {}, value, {}});
    }
  }
  return out;
}

std::vector<std::string> splitCommas(const std::string& v) {
  std::vector<std::string> parts;
  std::size_t s = 0;
  while (true) {
    auto c = v.find(',', s);
    parts.push_back(v.substr(s, c == std::string::npos ? std::string::npos : c - s));
    if (c == std::string::npos) return parts;
    s = c + 1;
  }
}

/// pam_passwdqc: min= and max= as the module reads them, arguments and `config=` files in order
/// (the last wins); N3 and N4 are replaced, the other fields kept as written.
Result<std::vector<SettingEdit>> passwdqcEdits(const PamLine& line, const AuthFacts& auth,
                                               const std::vector<Relaxation>& rs) {
  struct Winner {
    Where where = Where::kAddPamArg;
    SourceRef source;
    std::string value, arg;
  };
  std::map<std::string, Winner> won;
  for (const auto& a : line.args) {
    auto [k, v] = splitArg(a);
    if (k == "min" || k == "max") won[k] = {Where::kPamArg, line.source, v, a};
    if (k != "config") continue;
    for (const auto& s : auth.passwdqc) {
      if (s.source.file == v && (s.key == "min" || s.key == "max"))
        won[s.key] = {Where::kConfLine, s.source, s.value, {}};
    }
  }
  std::vector<SettingEdit> out;
  auto edit = [&](const std::string& key, const std::string& value) {
    auto it = won.find(key);
    if (it == won.end()) {
      out.push_back({Where::kAddPamArg, line.source, key, {}, value, {}});
    } else {
      out.push_back(
          {it->second.where, it->second.source, key, it->second.value, value, it->second.arg});
    }
  };
  std::map<int, int> fields;
  for (const auto& r : rs) {
    if (r.key == "max") edit("max", std::to_string(r.value));
    if (r.key == "min3") fields[3] = r.value;
    if (r.key == "min4") fields[4] = r.value;
  }
  if (!fields.empty()) {
    auto it = won.find("min");
    std::vector<std::string> parts =
        it == won.end() ? std::vector<std::string>{"disabled", "24", "11", "8", "7"}
                        : splitCommas(it->second.value);
    if (parts.size() != 5) {
      return fail(ErrorCode::kInvalidInput, "pam_passwdqc min=" + it->second.value + " at " +
                                                at(it->second.source) +
                                                " does not have five values; correct it by hand");
    }
    for (auto [i, v] : fields) parts[static_cast<std::size_t>(i)] = std::to_string(v);
    std::string value;
    for (const auto& p : parts) value += (value.empty() ? "" : ",") + p;
    edit("min", value);
  }
  return out;
}

Result<std::vector<SettingEdit>> minMaxEdits(const QualityCheck& q, const PamLine* line,
                                             const AuthFacts& auth,
                                             const std::vector<Relaxation>& rs) {
  std::vector<SettingEdit> out;
  for (const auto& r : rs) {
    std::string value = std::to_string(r.value);
    if (q.module == "login.defs") {
      for (const auto& s : auth.login_defs) {
        if (s.source == q.source) {
          out.push_back({Where::kLoginDefs, s.source, s.key, s.value, value, {}});
        }
      }
      continue;
    }
    const std::string* arg =
        r.key == "minlen" ? lastArg(*line, {"minlen", "min"}) : lastArg(*line, {"maxlen", "max"});
    if (!arg) {
      return fail(ErrorCode::kInvalidInput, fmt::format("{} at {}: the {} argument was not found",
                                                        q.module, at(q.source), r.key));
    }
    out.push_back(pamArgEdit(*line, *arg, value));
  }
  return out;
}

/// The edits of one check, read back from where the model found each value.
Result<std::vector<SettingEdit>> editsFor(const QualityCheck& q, const AuthFacts& auth,
                                          const std::vector<Relaxation>& rs) {
  const PamLine* line = q.module == "login.defs" ? nullptr : pamLineAt(auth, q.source);
  if (!line && q.module != "login.defs") {
    return fail(ErrorCode::kInvalidInput, "no PAM line at " + at(q.source) + " in the facts");
  }
  switch (q.kind) {
    case QualityKind::kCredits:
      return creditsEdits(q, *line, auth, rs);
    case QualityKind::kPasswdqc:
      return passwdqcEdits(*line, auth, rs);
    case QualityKind::kMinMax:
      return minMaxEdits(q, line, auth, rs);
  }
  return std::vector<SettingEdit>{};
}

// --- the facts as the edits leave them, for the model to check again ---------------------------

void applyToFacts(AuthFacts& auth, const SettingEdit& e, int appended) {
  auto each_line = [&](auto fn) {
    for (auto& stack : auth.stacks) {
      for (auto& line : stack.lines) {
        if (line.source == e.source) fn(line);
      }
    }
  };
  switch (e.where) {
    case Where::kPamArg:
      each_line([&](PamLine& line) {
        auto it = std::find(line.args.rbegin(), line.args.rend(), e.old_arg);
        if (it != line.args.rend()) *it = e.key + "=" + e.new_value;
      });
      break;
    case Where::kAddPamArg:
      each_line([&](PamLine& line) { line.args.push_back(e.key + "=" + e.new_value); });
      break;
    case Where::kConfLine:
    case Where::kLoginDefs:
      for (auto* list : {&auth.pwquality, &auth.passwdqc, &auth.login_defs}) {
        for (auto& s : *list) {
          if (s.source == e.source && s.key == e.key) s.value = e.new_value;
        }
      }
      break;
    case Where::kAddConf:
      auth.pwquality.push_back({{e.source.file, appended}, e.key, e.new_value});
      break;
  }
}

// --- the files ----------------------------------------------------------------------------------

bool blank(char c) { return c == ' ' || c == '\t'; }

/// Position of the last whole-word occurrence of `word` in the part of `line` before a comment.
std::optional<std::size_t> findWord(const std::string& line, const std::string& word) {
  std::size_t end_of_rules = std::min(line.find('#'), line.size());
  std::optional<std::size_t> found;
  for (std::size_t pos = line.find(word); pos != std::string::npos && pos < end_of_rules;
       pos = line.find(word, pos + 1)) {
    std::size_t end = pos + word.size();
    bool start_ok = pos == 0 || blank(line[pos - 1]);
    bool end_ok = end == line.size() || blank(line[end]) || line[end] == '#' ||
                  (line[end] == '\\' && end + 1 == line.size());
    if (start_ok && end_ok && end <= end_of_rules) found = pos;
  }
  return found;
}

/// The physical lines of the PAM rule starting at `first` (backslash continuation).
int lastPhysicalLine(const TextLines& lines, int first) {
  int n = first;
  while (n < static_cast<int>(lines.size()) && !lines.at(n).empty() && lines.at(n).back() == '\\')
    ++n;
  return n;
}

Result<void> editPamLine(TextLines& lines, const std::string& file, int first,
                         const std::vector<const SettingEdit*>& edits) {
  int last = lastPhysicalLine(lines, first);
  for (const SettingEdit* e : edits) {
    std::string arg = e->key + "=" + e->new_value;
    if (e->where == Where::kPamArg) {
      bool done = false;
      for (int n = last; n >= first && !done; --n) {
        std::string text = lines.at(n);
        if (auto pos = findWord(text, e->old_arg)) {
          text.replace(*pos, e->old_arg.size(), arg);
          lines.set(n, text);
          done = true;
        }
      }
      if (!done) {
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("{}:{}: the argument {} is no longer there (the file changed "
                                "since the audit?)",
                                file, first, e->old_arg));
      }
    } else {
      std::string text = lines.at(last);
      bool continued = !text.empty() && text.back() == '\\';
      std::size_t cut = std::min(text.find('#'), text.size());
      if (continued) cut = std::min(cut, text.size() - 1);
      std::size_t body_end = cut;
      while (body_end > 0 && blank(text[body_end - 1])) --body_end;
      text.insert(body_end, " " + arg);
      lines.set(last, text);
    }
  }
  return {};
}

/// Replaces the value of a `name = value` (or login.defs `NAME value`) line, keeping the spacing
/// and a trailing comment.
Result<void> editSettingLine(TextLines& lines, const SettingEdit& e) {
  const int n = e.source.line;
  if (n < 1 || n > static_cast<int>(lines.size())) {
    return fail(ErrorCode::kInvalidInput,
                at(e.source) + " is not in the file any more (the file changed since the audit?)");
  }
  std::string text = lines.at(n);
  std::size_t k = 0;
  while (k < text.size() && blank(text[k])) ++k;
  std::size_t value_start = std::string::npos;
  if (text.compare(k, e.key.size(), e.key) == 0) {
    std::size_t i = k + e.key.size();
    while (i < text.size() && blank(text[i])) ++i;
    if (e.where == Where::kConfLine && i < text.size() && text[i] == '=') {
      ++i;
      while (i < text.size() && blank(text[i])) ++i;
      value_start = i;
    } else if (e.where == Where::kLoginDefs && i > k + e.key.size()) {
      value_start = i;
    }
  }
  std::size_t value_end =
      std::min(text.find('#', value_start == std::string::npos ? 0 : value_start), text.size());
  if (e.where == Where::kLoginDefs) value_end = text.size();
  while (value_start != std::string::npos && value_end > value_start && blank(text[value_end - 1]))
    --value_end;
  if (value_start == std::string::npos ||
      text.substr(value_start, value_end - value_start) != e.old_value) {
    return fail(ErrorCode::kInvalidInput,
                fmt::format("{}: expected {} {}, found '{}' (the file changed since the audit?)",
                            at(e.source), e.key, e.old_value, text));
  }
  text.replace(value_start, value_end - value_start, e.new_value);
  lines.set(n, text);
  return {};
}

/// A PAM file generated by authselect or authconfig, which would write it again.
std::string managedBy(const Host& host, const std::string& path, const std::string& content) {
  if (auto st = host.lstat(path); st && st->type == FileStat::Type::kSymlink) {
    if (auto target = host.readLink(path);
        target && target->find("authselect") != std::string::npos)
      return "authselect";
  }
  std::string head = content.substr(0, 512);
  if (head.find("authselect") != std::string::npos) return "authselect";
  if (head.find("authconfig") != std::string::npos) return "authconfig";
  return "";
}

std::string fileNote(const std::string& path, const std::string& tool) {
  if (tool == "authselect") {
    return path +
           " is generated by authselect: `authselect apply-changes` or `authselect select` "
           "writes it again and would undo this; carry the change into the authselect profile "
           "(or keep the options in /etc/security/pwquality.conf)";
  }
  return path +
         " is written by authconfig: running `authconfig --update` again rewrites it and would "
         "undo this; set the options with authconfig or in /etc/security/pwquality.conf";
}

/// Settings the model read in pwquality/passwdqc/login.defs syntax rather than as PAM arguments.
bool settingFile(const SettingEdit& e) {
  return e.where == Where::kConfLine || e.where == Where::kLoginDefs || e.where == Where::kAddConf;
}

std::string ruleText(const CloudPasswordRule& rule) {
  return fmt::format("the cloud's password rule: {}-{} characters, {} classes", rule.min_length,
                     rule.max_length, rule.min_classes);
}

}  // namespace

Result<FixItem> planPasswordAcceptsCloudRule(const FixContext& ctx) {
  const AuthFacts& auth = ctx.facts.auth;
  const CloudPasswordRule rule = ruleOf(ctx.params);
  const std::vector<std::string> candidates = cloudCandidates(rule);
  FixItem item;

  std::vector<SettingEdit> edits;
  std::set<std::pair<std::string, int>> seen;
  std::vector<std::string> evidence_passwords;
  for (const PasswordModel& m : buildPasswordModels(auth)) {
    for (const QualityCheck& q : m.checks) {
      if (!seen.insert({q.source.file, q.source.line}).second) continue;
      auto rejected = firstRejection(q, candidates);
      if (!rejected) continue;
      evidence_passwords.push_back(rejected->password);
      auto rs = chooseRelaxations(q, rule, candidates);
      if (!rs) return std::unexpected(rs.error());
      auto es = editsFor(q, auth, *rs);
      if (!es) return std::unexpected(es.error());
      for (auto& e : *es) {
        // Two checks may read the same setting (pwquality.conf, a shared config= file).
        auto same = std::find_if(edits.begin(), edits.end(), [&](const SettingEdit& x) {
          return x.where == e.where && x.source == e.source && x.key == e.key;
        });
        if (same == edits.end()) {
          edits.push_back(std::move(e));
        } else if (same->new_value != e.new_value) {
          return fail(ErrorCode::kUnsupported,
                      fmt::format("{} of {} would be relaxed to both {} and {} by two "
                                  "modules; relax it by hand",
                                  same->key, at(same->source), same->new_value, e.new_value));
        }
      }
    }
  }

  // The rule's own model over the facts as the edits leave them: nothing the cloud allows may be
  // rejected any more.
  AuthFacts after = auth;
  int appended = 0;
  for (const auto& e : edits) applyToFacts(after, e, e.where == Where::kAddConf ? ++appended : 0);
  for (const PasswordModel& m : buildPasswordModels(after)) {
    for (const Rejection& r : findRejections(m, candidates)) {
      return fail(ErrorCode::kUnsupported,
                  fmt::format("after relaxing the options this fix may change, {} at {} still "
                              "rejects \"{}\": it {}; relax it by hand",
                              r.module, at(r.source), r.password, r.reason));
    }
    for (const QualityCheck& q : m.checks) {
      if (!q.dictionary || q.root_exempt) continue;
      std::string note = q.dictionary_why + " at " + at(q.source) +
                         ": a password based on a word may still be refused, also for root; "
                         "left as it is (the finding stays a warning)";
      if (std::find(item.notes.begin(), item.notes.end(), note) == item.notes.end())
        item.notes.push_back(note);
    }
  }

  if (edits.empty()) {
    item.summary = "every password the cloud allows already passes; nothing to relax";
    return item;
  }

  // Group by the file actually written (a symlinked PAM file is edited where it points).
  struct FileEdits {
    std::string read_path;  ///< where the current content is read from
    std::string named;      ///< the path the facts name (maybe a symlink to read_path)
    std::vector<const SettingEdit*> edits;
  };
  std::map<std::string, FileEdits> files;
  std::vector<std::string> changes;
  for (const auto& e : edits) {
    auto canonical = ctx.host.canonicalPath(e.source.file);
    std::string path = canonical ? *canonical : e.source.file;
    std::string write_path = path;
    // The vendor directory belongs to the package; /etc/pam.d overrides it file by file.
    if (path.starts_with(kVendorPamDir)) {
      write_path = "/etc/pam.d/" + path.substr(kVendorPamDir.size());
    }
    auto& fe = files[write_path];
    fe.read_path = path;
    fe.named = e.source.file;
    // The same line reached under two names (a symlinked PAM file included both ways).
    bool twice = std::any_of(fe.edits.begin(), fe.edits.end(), [&](const SettingEdit* x) {
      return x->where == e.where && x->key == e.key && x->source.line == e.source.line;
    });
    if (twice) continue;
    fe.edits.push_back(&e);
    changes.push_back(e.change() + " at " + (e.source.line == 0 ? e.source.file : at(e.source)));
  }

  const std::string why = ruleText(rule);
  for (auto& [path, fe] : files) {
    auto text = ctx.host.readFile(fe.read_path);
    std::string original;
    if (text) {
      original = *text;
    } else if (text.error().code != ErrorCode::kNotFound ||
               std::any_of(fe.edits.begin(), fe.edits.end(),
                           [](const SettingEdit* e) { return e->where != Where::kAddConf; })) {
      return std::unexpected(text.error());
    }
    TextLines lines(original);
    // Lines edited in place, bottom-up so the marker comments inserted above them do not move
    // the lines still to edit.
    std::map<int, std::vector<const SettingEdit*>, std::greater<>> by_line;
    std::vector<const SettingEdit*> added;
    for (const SettingEdit* e : fe.edits) {
      if (e->where == Where::kAddConf) {
        added.push_back(e);
      } else {
        by_line[e->source.line].push_back(e);
      }
    }
    for (auto& [n, es] : by_line) {
      if (n < 1 || n > static_cast<int>(lines.size())) {
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("{}:{} is not in the file any more (the file changed since the "
                                "audit?)",
                                fe.read_path, n));
      }
      std::vector<std::string> what;
      if (settingFile(*es.front())) {
        for (const SettingEdit* e : es) {
          if (auto r = editSettingLine(lines, *e); !r) return std::unexpected(r.error());
          what.push_back(e->change());
        }
      } else {
        if (auto r = editPamLine(lines, fe.read_path, n, es); !r) {
          return std::unexpected(r.error());
        }
        for (const SettingEdit* e : es) what.push_back(e->change());
      }
      lines.insert(n, fmt::format("# {}: {} ({})", editMarker(), fmt::join(what, ", "), why));
    }
    if (!added.empty()) {
      std::vector<std::string> what;
      for (const SettingEdit* e : added) what.push_back(e->key + " = " + e->new_value);
      lines.append(fmt::format("# {}: {} added: a built-in default was stricter than {}",
                               editMarker(), fmt::join(what, ", "), why));
      for (const SettingEdit* e : added) lines.append(e->key + " = " + e->new_value);
    }
    std::string out = lines.str();
    if (out == original) continue;
    if (path != fe.read_path) {
      if (!ctx.host.exists("/etc/pam.d")) {
        item.actions.push_back(makeDirAction("/etc/pam.d", "PAM's local configuration directory"));
      }
      item.notes.push_back(fe.read_path + " belongs to the package; the edited copy " + path +
                           " overrides it (remove the copy to go back)");
    }
    item.actions.push_back(writeFileAction(path, out, "relax password options to " + why));
    if (!settingFile(*fe.edits.front())) {
      if (auto tool = managedBy(ctx.host, fe.named, original); !tool.empty())
        item.notes.push_back(fileNote(fe.named, tool));
    }
  }
  std::sort(evidence_passwords.begin(), evidence_passwords.end());
  evidence_passwords.erase(std::unique(evidence_passwords.begin(), evidence_passwords.end()),
                           evidence_passwords.end());
  std::vector<std::string> quoted;
  for (const auto& p : evidence_passwords) quoted.push_back("\"" + p + "\"");
  item.summary = fmt::format("password options relaxed to {} ({}); {} now pass{}", why,
                             fmt::join(changes, "; "), fmt::join(quoted, ", "),
                             quoted.size() == 1 ? "es" : "");
  return item;
}

}  // namespace guestprep::os_linux
