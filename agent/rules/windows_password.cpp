// windows.password_accepts_cloud_rule (W-PASSWD): decided by construction, as on Linux — find a
// password the cloud allows that the local policy rejects. Windows' rules: the minimum length
// (NetUserModalsGet / MinimumPasswordLength) and, when "Password must meet complexity
// requirements" is on, three of five character categories and no account name or display-name
// token in the password. The history is kept but never rejects a password that is new.
#include <algorithm>
#include <cctype>

#include "rules/auth_password_model.h"
#include "rules/windows_rules.h"

namespace guestprep {

namespace {

// Windows' complexity categories: upper, lower, digit, the non-alphanumerics
// ~!@#$%^&*_-+=`|\(){}[]:;"'<>,.?/ (every printable ASCII punctuation). Other Unicode
// letters are the fifth category; the cloud's passwords are ASCII, so they never use it.
int windowsCategories(std::string_view pw) {
  bool upper = false, lower = false, digit = false, other = false;
  for (char c : pw) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 'A' && u <= 'Z')
      upper = true;
    else if (u >= 'a' && u <= 'z')
      lower = true;
    else if (u >= '0' && u <= '9')
      digit = true;
    else if (u >= 0x21 && u <= 0x7e)
      other = true;
  }
  return upper + lower + digit + other;
}

bool containsNoCase(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         }) != hay.end();
}

}  // namespace

std::vector<std::string> displayNameTokens(std::string_view full_name) {
  std::vector<std::string> out;
  std::string token;
  auto flush = [&] {
    if (token.size() >= 3) out.push_back(token);
    token.clear();
  };
  for (char c : full_name) {
    // The delimiters of the complexity rule: comma, period, dash, underscore, space, #, tab.
    if (c == ',' || c == '.' || c == '-' || c == '_' || c == ' ' || c == '#' || c == '\t') {
      flush();
    } else {
      token += c;
    }
  }
  flush();
  return out;
}

std::string windowsComplexityRejects(std::string_view password, std::string_view account,
                                     std::string_view full_name) {
  if (windowsCategories(password) < 3) {
    return "it has characters of fewer than three categories";
  }
  // The account name counts only from three characters on; it is matched whole.
  if (account.size() >= 3 && containsNoCase(password, account)) {
    return "it contains the account name \"" + std::string(account) + "\"";
  }
  for (const std::string& token : displayNameTokens(full_name)) {
    if (containsNoCase(password, token)) {
      return "it contains \"" + token + "\" of the account's full name";
    }
  }
  return "";
}

std::vector<ParamSpec> windowsPasswordParams() {
  return {
      {"min_length",
       ParamKind::kInt,
       ParamValue{std::int64_t{8}},
       "the shortest password the cloud allows",
       {}},
      {"max_length",
       ParamKind::kInt,
       ParamValue{std::int64_t{30}},
       "the longest password the cloud allows",
       {}},
      {"min_classes",
       ParamKind::kInt,
       ParamValue{std::int64_t{3}},
       "character classes (upper, lower, digit, other) the cloud requires",
       {}},
      {"name_in_password",
       ParamKind::kString,
       ParamValue{std::string("fail")},
       "status when the only passwords rejected are those containing the account's name",
       {"fail", "warn"}},
  };
}

Outcome evaluateWindowsPassword(const Facts& facts, const Params& params) {
  Outcome out;
  if (notWindows(facts, out)) return out;
  const WindowsPasswordFacts& pw = facts.windows.password;
  CloudPasswordRule rule;
  rule.min_length = static_cast<int>(params.getInt("min_length"));
  rule.max_length = static_cast<int>(params.getInt("max_length"));
  rule.min_classes = static_cast<int>(params.getInt("min_classes"));

  if (pw.minimum_length.ok()) {
    out.evidence.push_back(Evidence{pw.minimum_length_source, 0,
                                    "minimum length " + std::to_string(*pw.minimum_length.value)});
  }
  if (pw.complexity.ok()) {
    out.evidence.push_back(Evidence{
        pw.complexity_source, 0,
        std::string("PasswordComplexity = ") + (*pw.complexity.value ? "1 (on)" : "0 (off)")});
  }
  if (pw.history.ok()) {
    out.evidence.push_back(Evidence{
        "password history", 0,
        "remembers " + std::to_string(*pw.history.value) +
            " password(s): not a blocker, the cloud sets a password the account never had"});
  }
  out.evidence.push_back(Evidence{pw.account_source, 0, "account \"" + pw.account + "\""});
  std::string full_name = pw.full_name.ok() ? *pw.full_name.value : std::string();
  if (pw.full_name.ok() && !full_name.empty()) {
    out.evidence.push_back(Evidence{"NetUserGetInfo", 0, "full name \"" + full_name + "\""});
  }

  // The length first: it needs no other fact.
  if (pw.minimum_length.ok()) {
    int min = *pw.minimum_length.value;
    for (const std::string& candidate : cloudCandidates(rule)) {
      if (static_cast<int>(candidate.size()) < min) {
        out.status = Status::kFail;
        out.message = "Windows requires at least " + std::to_string(min) +
                      " characters, so it rejects \"" + candidate +
                      "\", a password the cloud allows";
        out.remediation = "Set \"Minimum password length\" to " + std::to_string(rule.min_length) +
                          " or less (secpol.msc > Account Policies > Password Policy, or "
                          "`net accounts /minpwlen:" +
                          std::to_string(rule.min_length) + "`).";
        return out;
      }
    }
  }
  if (!pw.minimum_length.ok() || !pw.complexity.ok()) {
    out.status = Status::kError;
    out.message = "could not read the password policy: " +
                  (!pw.minimum_length.ok() ? pw.minimum_length.error : pw.complexity.error);
    out.remediation = "Run guestprep as an administrator (secedit /export needs one).";
    return out;
  }
  if (!*pw.complexity.value) {
    out.status = Status::kPass;
    out.message = "Windows accepts every password the cloud allows (minimum length " +
                  std::to_string(*pw.minimum_length.value) + ", complexity off)";
    return out;
  }
  // Complexity on: the categories never reject a cloud password (three of four classes is three
  // of five categories), so only a name can. Build the cloud passwords that contain one.
  std::vector<std::string> names;
  if (pw.account.size() >= 3) names.push_back(pw.account);
  for (const std::string& t : displayNameTokens(full_name)) names.push_back(t);
  std::vector<std::string> candidates = cloudCandidates(rule);
  for (const std::string& n : names) {
    for (std::string suffix : {"1!", "A1!", "a1!", "Aa1", "1"}) {
      std::string candidate = n + suffix;
      // A short name is padded to the cloud's minimum length.
      while (static_cast<int>(candidate.size()) < rule.min_length) candidate += '7';
      if (cloudAllows(rule, candidate)) {
        candidates.push_back(candidate);
        break;
      }
    }
  }
  for (const std::string& candidate : candidates) {
    std::string why = windowsComplexityRejects(candidate, pw.account, full_name);
    if (why.empty()) continue;
    bool by_name = why.find("contains") != std::string::npos;
    out.status =
        by_name && params.getString("name_in_password") == "warn" ? Status::kWarn : Status::kFail;
    out.message = "with \"Password must meet complexity requirements\" on, Windows rejects \"" +
                  candidate + "\", a password the cloud allows: " + why;
    out.remediation =
        by_name ? "Choose an instance password that does not contain the account name or a part "
                  "of its full name, or turn \"Password must meet complexity requirements\" off "
                  "(secpol.msc > Account Policies > Password Policy)."
                : "Turn \"Password must meet complexity requirements\" off (secpol.msc > Account "
                  "Policies > Password Policy).";
    if (!pw.full_name.ok()) {
      out.evidence.push_back(
          Evidence{"NetUserGetInfo", 0, "full name unknown: " + pw.full_name.error});
    }
    return out;
  }
  out.status = Status::kPass;
  out.message = "Windows accepts every password the cloud allows (minimum length " +
                std::to_string(*pw.minimum_length.value) + ", complexity on)";
  return out;
}

}  // namespace guestprep
