// The password-quality model and the constructive test of the cloud's password rule.
#include "rules/auth_password_model.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <set>

namespace guestprep {

namespace {

// Character pools ordered so that no two neighbours (wrapping) are adjacent in ASCII, hence no
// candidate contains a sequence or a repeat unless it is built to.
constexpr std::string_view kPools[4] = {"QXZKWHVTRJPMBNGDLFCS", "qxzkwhvtrjpmbngdlfcs",
                                        "7391528640", "#*%!&=^+~?"};
constexpr std::string_view kClassNames[4] = {"uppercase", "lowercase", "digit", "special"};

int classOf(char c) {
  auto u = static_cast<unsigned char>(c);
  if (std::isupper(u)) return 0;
  if (std::islower(u)) return 1;
  if (std::isdigit(u)) return 2;
  return 3;
}

std::string baseName(const std::string& module) {
  std::string b = module.substr(module.rfind('/') == std::string::npos ? 0 : module.rfind('/') + 1);
  if (b.ends_with(".so")) b.resize(b.size() - 3);
  return b;
}

std::string at(const SourceRef& s) { return s.file + ":" + std::to_string(s.line); }

std::optional<int> toInt(const std::string& v) {
  if (v.empty()) return std::nullopt;
  std::size_t i = v[0] == '-' || v[0] == '+' ? 1 : 0;
  if (i == v.size() || v.size() > 9) return std::nullopt;
  for (std::size_t k = i; k < v.size(); ++k)
    if (!std::isdigit(static_cast<unsigned char>(v[k]))) return std::nullopt;
  return std::stoi(v);
}

constexpr const char* kCreditKeys[] = {"minlen",    "dcredit",        "ucredit",
                                       "lcredit",   "ocredit",        "minclass",
                                       "maxrepeat", "maxclassrepeat", "maxsequence"};

// Applies `key=value` to a credits-style check; returns false for a key it does not model.
void applyCredits(QualityCheck& q, const std::string& key, const std::string& value,
                  const std::string& origin, std::vector<std::string>& notes) {
  if (key == "enforce_for_root") {
    q.root_exempt = false;
    return;
  }
  if (key == "dictcheck") {
    auto v = toInt(value);
    q.dictionary = !v || *v != 0;
    q.dictionary_why = "dictcheck=" + value + " " + origin;
    return;
  }
  for (const char* k : kCreditKeys) {
    if (key != k) continue;
    auto v = toInt(value);
    if (!v) {
      notes.push_back("ignored " + key + "='" + value + "' " + origin + ": not a number");
      return;
    }
    q.options[key] = {*v, key + "=" + value + " " + origin};
    return;
  }
}

// The value of an option under one set of built-in defaults.
int option(const QualityCheck& q, const std::map<std::string, int>& defaults, const char* key) {
  auto it = q.options.find(key);
  if (it != q.options.end()) return it->second.value;
  auto d = defaults.find(key);
  return d == defaults.end() ? 0 : d->second;
}

std::string originOf(const QualityCheck& q, const char* key, int value) {
  auto it = q.options.find(key);
  if (it != q.options.end()) return it->second.origin;
  return std::string(key) + "=" + std::to_string(value) + " (built-in default)";
}

// pam_pwquality / pam_cracklib's simple(), consecutive() and sequence() (libpwquality
// src/check.c; pam_cracklib.c is the same algorithm). Returns the reason, or "".
std::string creditsReason(const QualityCheck& q, const std::map<std::string, int>& d,
                          const std::string& pw) {
  int count[4] = {0, 0, 0, 0};
  int same_class = 0, prev_class = -1;
  const int max_class_repeat = option(q, d, "maxclassrepeat");
  for (char c : pw) {
    int k = classOf(c);
    ++count[k];
    same_class = k == prev_class ? same_class + 1 : 1;
    prev_class = k;
    if (max_class_repeat > 0 && same_class > max_class_repeat)
      return "has more than " + std::to_string(max_class_repeat) + " " +
             std::string(kClassNames[k]) + " characters in a row (" +
             originOf(q, "maxclassrepeat", max_class_repeat) + ")";
  }
  const char* credit_keys[4] = {"ucredit", "lcredit", "dcredit", "ocredit"};
  int size = std::max(option(q, d, "minlen"), q.base_min_length);
  for (int k = 0; k < 4; ++k) {
    int credit = option(q, d, credit_keys[k]);
    if (credit >= 0) {
      size -= std::min(count[k], credit);
    } else if (count[k] < -credit) {
      return "needs at least " + std::to_string(-credit) + " " + std::string(kClassNames[k]) +
             " characters (" + originOf(q, credit_keys[k], credit) + ")";
    }
  }
  if (size > static_cast<int>(pw.size()))
    return "is shorter than " + std::to_string(size) + " after credits (" +
           originOf(q, "minlen", option(q, d, "minlen")) + ")";
  int classes = 0;
  for (int n : count) classes += n > 0 ? 1 : 0;
  int min_class = option(q, d, "minclass");
  if (classes < min_class)
    return "has " + std::to_string(classes) + " character classes (" +
           originOf(q, "minclass", min_class) + ")";
  int max_repeat = option(q, d, "maxrepeat");
  int run = 1;
  for (std::size_t i = 1; max_repeat > 0 && i < pw.size(); ++i) {
    run = pw[i] == pw[i - 1] ? run + 1 : 1;
    if (run > max_repeat)
      return "repeats a character more than " + std::to_string(max_repeat) + " times (" +
             originOf(q, "maxrepeat", max_repeat) + ")";
  }
  int max_seq = option(q, d, "maxsequence");
  int up = 1, down = 1;
  for (std::size_t i = 1; max_seq > 0 && i < pw.size(); ++i) {
    up = pw[i] == pw[i - 1] + 1 ? up + 1 : 1;
    down = pw[i] == pw[i - 1] - 1 ? down + 1 : 1;
    if (up > max_seq || down > max_seq)
      return "has a monotonic sequence longer than " + std::to_string(max_seq) + " (" +
             originOf(q, "maxsequence", max_seq) + ")";
  }
  return "";
}

// passwdqc_check.c: the class count ignores an uppercase letter used only as the first character
// and a digit used only as the last one; min=N0,N1,N2,N3,N4 is the length needed with one, two,
// (passphrase), three and four classes; longer than max= is rejected.
std::string passwdqcReason(const QualityCheck& q, const std::string& pw) {
  auto get = [&](const char* k, int def) {
    auto it = q.options.find(k);
    return it == q.options.end() ? def : it->second.value;
  };
  int max = get("max", 40);
  if (static_cast<int>(pw.size()) > max)
    return "is longer than max=" + std::to_string(max) + " (" +
           (q.options.contains("max") ? q.options.at("max").origin : "built-in default") + ")";
  bool has[4] = {false, false, false, false};
  int upper_count = 0, digit_count = 0;
  for (char c : pw) {
    int k = classOf(c);
    has[k] = true;
    upper_count += k == 0;
    digit_count += k == 2;
  }
  if (has[0] && upper_count == 1 && classOf(pw.front()) == 0) has[0] = false;
  if (has[2] && digit_count == 1 && classOf(pw.back()) == 2) has[2] = false;
  int classes = has[0] + has[1] + has[2] + has[3];
  const int len = static_cast<int>(pw.size());
  int m0 = get("min0", INT_MAX), m1 = get("min1", 24), m3 = get("min3", 8), m4 = get("min4", 7);
  if (len >= m0 || (classes >= 2 && len >= m1) || (classes >= 3 && len >= m3) ||
      (classes >= 4 && len >= m4))
    return "";
  auto show = [](int v) { return v == INT_MAX ? std::string("disabled") : std::to_string(v); };
  std::string origin = q.options.contains("min1") ? q.options.at("min1").origin
                                                  : "min=disabled,24,11,8,7 (built-in default)";
  return "counts as " + std::to_string(classes) +
         " character class(es) (an uppercase first letter and a digit at the end do not count) "
         "and is shorter than that needs: min=" +
         show(m0) + "," + show(m1) + ",-," + show(m3) + "," + show(m4) + " (" + origin + ")";
}

std::string minMaxReason(const QualityCheck& q, const std::string& pw) {
  const int len = static_cast<int>(pw.size());
  if (auto it = q.options.find("minlen"); it != q.options.end() && len < it->second.value)
    return "is shorter than " + std::to_string(it->second.value) + " (" + it->second.origin + ")";
  if (auto it = q.options.find("maxlen");
      it != q.options.end() && it->second.value > 0 && len > it->second.value)
    return "is longer than " + std::to_string(it->second.value) + " (" + it->second.origin + ")";
  return "";
}

void applyPasswdqc(QualityCheck& q, const std::string& key, const std::string& value,
                   const std::string& origin, std::vector<std::string>& notes) {
  if (key == "min") {
    std::vector<std::string> parts;
    std::size_t s = 0;
    while (true) {
      auto c = value.find(',', s);
      parts.push_back(value.substr(s, c == std::string::npos ? std::string::npos : c - s));
      if (c == std::string::npos) break;
      s = c + 1;
    }
    if (parts.size() != 5) {
      notes.push_back("ignored min=" + value + " " + origin + ": needs five values");
      return;
    }
    for (int i = 0; i < 5; ++i) {
      auto v = parts[static_cast<std::size_t>(i)] == "disabled"
                   ? std::optional<int>(INT_MAX)
                   : toInt(parts[static_cast<std::size_t>(i)]);
      if (!v) {
        notes.push_back("ignored min=" + value + " " + origin + ": not a number");
        return;
      }
      q.options["min" + std::to_string(i)] = {*v, "min=" + value + " " + origin};
    }
  } else if (key == "max") {
    if (auto v = toInt(value)) q.options["max"] = {*v, "max=" + value + " " + origin};
  } else if (key == "enforce") {
    q.root_exempt = value != "everyone";
    if (value == "none") q.options["enforce_none"] = {1, "enforce=none " + origin};
  }
}

std::pair<std::string, std::string> splitArg(const std::string& a) {
  auto eq = a.find('=');
  if (eq == std::string::npos) return {a, ""};
  return {a.substr(0, eq), a.substr(eq + 1)};
}

}  // namespace

std::vector<PasswordModel> buildPasswordModels(const AuthFacts& facts) {
  std::vector<PasswordModel> models;
  for (const PasswordStack& stack : facts.stacks) {
    PasswordModel m{stack.service, stack.file, {}, {}};
    for (const PamLine& line : stack.lines) {
      std::string name = baseName(line.module);
      std::string where = "at " + at(line.source);
      bool known = name == "pam_pwquality" || name == "pam_cracklib" || name == "pam_passwdqc" ||
                   name == "pam_unix" || name == "pam_pwcheck";
      if (!known) continue;
      if (line.control == "optional") {
        m.notes.push_back(name + " " + where + " is optional: its verdict does not decide");
        continue;
      }
      QualityCheck q;
      q.module = name;
      q.source = line.source;
      if (name == "pam_pwquality" || name == "pam_cracklib") {
        q.kind = QualityKind::kCredits;
        q.root_exempt = true;  // both only warn root unless enforce_for_root
        q.dictionary = true;   // cracklib's FascistCheck (pwquality: dictcheck, default 1)
        q.dictionary_why = name + " checks the cracklib dictionary by default";
        if (name == "pam_pwquality") {
          q.base_min_length = 6;  // PWQ_BASE_MIN_LENGTH
          // pwqprivate.h: 1.2.x minlen 9, credits 1; 1.3.0 and later minlen 8, credits 0.
          q.default_sets = {
              {{"minlen", 9}, {"dcredit", 1}, {"ucredit", 1}, {"lcredit", 1}, {"ocredit", 1}},
              {{"minlen", 8}}};
          bool enforcing = true;
          for (const ConfigSetting& s : facts.pwquality) {
            if (s.key == "enforcing") enforcing = toInt(s.value).value_or(1) != 0;
            applyCredits(q, s.key, s.value, "at " + at(s.source), m.notes);
          }
          if (!enforcing) {
            m.notes.push_back("pam_pwquality " + where + ": enforcing = 0, it only warns");
            continue;
          }
        } else {
          q.base_min_length = 5;  // pam_cracklib CO_MIN_LENGTH_BASE
          q.default_sets = {
              {{"minlen", 9}, {"dcredit", 1}, {"ucredit", 1}, {"lcredit", 1}, {"ocredit", 1}}};
        }
        for (const auto& a : line.args) {
          auto [k, v] = splitArg(a);
          applyCredits(q, k, v, where, m.notes);
        }
      } else if (name == "pam_passwdqc") {
        q.kind = QualityKind::kPasswdqc;
        q.dictionary = true;
        q.dictionary_why = "pam_passwdqc rejects passwords based on its word list";
        for (const auto& a : line.args) {
          auto [k, v] = splitArg(a);
          if (k == "config") {
            for (const ConfigSetting& s : facts.passwdqc)
              if (s.source.file == v)
                applyPasswdqc(q, s.key, s.value, "at " + at(s.source), m.notes);
            continue;
          }
          applyPasswdqc(q, k, v, where, m.notes);
        }
        if (q.options.contains("enforce_none")) {
          m.notes.push_back("pam_passwdqc " + where + ": enforce=none, it only warns");
          continue;
        }
      } else {
        q.kind = QualityKind::kMinMax;
        // pam_unix skips its length check for root; pam_pwcheck's rules apply to everyone.
        q.root_exempt = name == "pam_unix";
        for (const auto& a : line.args) {
          auto [k, v] = splitArg(a);
          auto n = toInt(v);
          if (!n) {
            if (k == "cracklib" && name == "pam_pwcheck") {
              q.dictionary = true;
              q.dictionary_why = "pam_pwcheck cracklib " + where;
            }
            continue;
          }
          if (k == "minlen" || k == "min") q.options["minlen"] = {*n, a + " " + where};
          if (k == "maxlen" || k == "max") q.options["maxlen"] = {*n, a + " " + where};
        }
        if (q.options.empty() && !q.dictionary) continue;
      }
      m.checks.push_back(std::move(q));
    }
    models.push_back(std::move(m));
  }
  bool any_pam = std::any_of(facts.stacks.begin(), facts.stacks.end(),
                             [](const PasswordStack& s) { return !s.lines.empty(); });
  if (!any_pam) {
    // No PAM password stack: shadow's passwd checks PASS_MIN_LEN itself (login.defs(5)).
    PasswordModel m{"passwd", "/etc/login.defs", {}, {}};
    for (const ConfigSetting& s : facts.login_defs) {
      if (s.key != "PASS_MIN_LEN") continue;
      auto v = toInt(s.value);
      if (!v) continue;
      QualityCheck q;
      q.module = "login.defs";
      q.source = s.source;
      q.root_exempt = true;  // passwd(1) skips the checks for root
      q.options["minlen"] = {*v, "PASS_MIN_LEN " + s.value + " at " + at(s.source)};
      m.checks.push_back(std::move(q));
    }
    models.push_back(std::move(m));
  }
  return models;
}

bool cloudAllows(const CloudPasswordRule& rule, const std::string& pw) {
  const int len = static_cast<int>(pw.size());
  if (len < rule.min_length || len > rule.max_length) return false;
  bool has[4] = {false, false, false, false};
  for (char c : pw) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) return false;  // printable ASCII without space
    has[classOf(c)] = true;
  }
  return has[0] + has[1] + has[2] + has[3] >= rule.min_classes;
}

std::vector<std::string> cloudCandidates(const CloudPasswordRule& rule) {
  std::vector<std::string> out;
  auto add = [&](std::string s) {
    if (cloudAllows(rule, s) && std::find(out.begin(), out.end(), s) == out.end())
      out.push_back(std::move(s));
  };
  std::vector<int> lengths = {rule.min_length};
  if (rule.max_length != rule.min_length) lengths.push_back(rule.max_length);
  std::vector<std::vector<int>> subsets;
  for (int mask = 1; mask < 16; ++mask) {
    std::vector<int> s;
    for (int k = 0; k < 4; ++k)
      if (mask & (1 << k)) s.push_back(k);
    if (static_cast<int>(s.size()) >= rule.min_classes) subsets.push_back(s);
  }
  // Fewest classes first: the cloud's weakest allowed passwords are the likeliest rejected.
  std::stable_sort(subsets.begin(), subsets.end(),
                   [](const auto& a, const auto& b) { return a.size() < b.size(); });
  for (int len : lengths) {
    if (len <= 0) continue;
    auto n = static_cast<std::size_t>(len);
    for (const auto& s : subsets) {
      std::size_t used[4] = {0, 0, 0, 0};
      auto take = [&](int k) {
        auto pool = kPools[static_cast<std::size_t>(k)];
        return pool[used[k]++ % pool.size()];
      };
      std::string balanced;
      for (std::size_t i = 0; i < n; ++i) balanced += take(s[i % s.size()]);
      add(balanced);
      // Skewed: one character of each other class (in the middle), the rest from one class.
      for (int dominant : s) {
        std::fill(std::begin(used), std::end(used), 0);
        std::string pw;
        pw += take(dominant);
        for (int k : s)
          if (k != dominant) pw += take(k);
        while (pw.size() < n) pw += take(dominant);
        add(pw);
      }
      // Common placement: an uppercase first letter and a digit at the end.
      if (std::find(s.begin(), s.end(), 0) != s.end() &&
          std::find(s.begin(), s.end(), 2) != s.end() && n >= s.size()) {
        std::fill(std::begin(used), std::end(used), 0);
        std::string pw(1, take(0));
        for (int k : s)
          if (k != 0 && k != 2) pw += take(k);
        int filler = 2;
        for (int k : s)
          if (k != 0 && k != 2) filler = k;
        while (pw.size() + 1 < n) pw += take(filler);
        pw += take(2);
        add(pw);
      }
    }
    // Repeats and sequences the cloud's rule does not forbid.
    std::string rep = "Qqqq7#xz";
    std::string seq = "Qabcd1234#";
    for (std::string base : {rep, seq}) {
      while (base.size() < n) base += kPools[1][base.size() % kPools[1].size()];
      add(base.substr(0, n));
    }
  }
  return out;
}

std::vector<Rejection> findRejections(const PasswordModel& model,
                                      const std::vector<std::string>& candidates) {
  std::vector<Rejection> out;
  for (const QualityCheck& q : model.checks) {
    std::optional<Rejection> maybe;  // rejected only under some built-in defaults
    for (const std::string& pw : candidates) {
      std::string reason;
      bool uncertain = false;
      if (q.kind == QualityKind::kCredits) {
        int rejected = 0;
        std::string first;
        for (const auto& d : q.default_sets) {
          std::string r = creditsReason(q, d, pw);
          if (!r.empty()) {
            ++rejected;
            if (first.empty()) first = r;
          }
        }
        if (rejected == 0) continue;
        reason = first;
        uncertain = rejected < static_cast<int>(q.default_sets.size());
      } else if (q.kind == QualityKind::kPasswdqc) {
        reason = passwdqcReason(q, pw);
      } else {
        reason = minMaxReason(q, pw);
      }
      if (reason.empty()) continue;
      Rejection r{pw, q.module, q.source, reason, q.root_exempt, uncertain};
      if (uncertain) {
        if (!maybe) maybe = r;
        continue;
      }
      maybe = r;
      break;
    }
    if (maybe) out.push_back(*maybe);
  }
  return out;
}

}  // namespace guestprep
