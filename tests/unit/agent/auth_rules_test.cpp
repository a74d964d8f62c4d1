// The auth rules (password.accepts_cloud_rule, shadow.writable) over Facts literals, the
// password model's candidates, and the AuthFacts JSON round trip.
#include <gtest/gtest.h>

#include "facts/facts.h"
#include "host/host.h"
#include "rules/auth_password_model.h"
#include "rules/auth_rules.h"

namespace guestprep {
namespace {

Params withDefaults(const std::vector<ParamSpec>& specs,
                    std::map<std::string, ParamValue> overrides = {}) {
  std::map<std::string, ParamValue> v;
  for (const auto& s : specs)
    v[s.name] = overrides.contains(s.name) ? overrides[s.name] : *s.default_value;
  return Params(v);
}

Facts withStack(std::string module, std::vector<std::string> args,
                std::string control = "requisite") {
  Facts f;
  PasswordStack s{"passwd", "/etc/pam.d/passwd", {}};
  s.lines.push_back(
      PamLine{{"/etc/pam.d/system-auth", 5}, control, std::move(module), std::move(args), false});
  s.lines.push_back(
      PamLine{{"/etc/pam.d/system-auth", 6}, "sufficient", "pam_unix.so", {"sha512"}, false});
  f.auth.stacks.push_back(s);
  return f;
}

Outcome passwd(const Facts& f, std::string exempt = "fail") {
  return evaluatePasswordAcceptsCloudRule(
      f, withDefaults(passwordAcceptsCloudRuleParams(),
                      {{"root_exempt_rejection", ParamValue{exempt}}}));
}

TEST(PasswordModel, CandidatesAllSatisfyTheCloudRule) {
  CloudPasswordRule rule;
  auto c = cloudCandidates(rule);
  EXPECT_GE(c.size(), 20u);
  bool has8 = false, has30 = false;
  for (const auto& pw : c) {
    EXPECT_TRUE(cloudAllows(rule, pw)) << pw;
    has8 |= pw.size() == 8;
    has30 |= pw.size() == 30;
  }
  EXPECT_TRUE(has8 && has30);
  EXPECT_FALSE(cloudAllows(rule, "abcdefgh")) << "one class";
  EXPECT_FALSE(cloudAllows(rule, "Ab1!")) << "too short";
}

TEST(PasswordRule, OutcomesByConfiguration) {
  struct Case {
    const char* name;
    Facts facts;
    std::string exempt;
    Status expected;
    const char* in_message;
  };
  Facts pwq_defaults = withStack("pam_pwquality.so", {"try_first_pass", "retry=3"});
  Facts minlen12 = withStack("pam_cracklib.so", {"minlen=12", "enforce_for_root"});
  Facts ucredit = withStack("pam_cracklib.so", {"ucredit=-2"});
  Facts conf_minlen = withStack("pam_pwquality.so", {"enforce_for_root"});
  conf_minlen.auth.pwquality.push_back({{"/etc/security/pwquality.conf", 3}, "minlen", "14"});
  Facts conf_overridden = conf_minlen;
  conf_overridden.auth.stacks[0].lines[0].args.push_back("minlen=8");
  Facts minclass4 = withStack("pam_pwquality.so", {"minclass=4", "enforce_for_root"});
  Facts maxclassrepeat = withStack("pam_pwquality.so", {"maxclassrepeat=3", "enforce_for_root"});
  Facts maxrepeat = withStack("pam_pwquality.so", {"maxrepeat=2", "enforce_for_root"});
  Facts maxseq = withStack("pam_pwquality.so", {"maxsequence=3", "enforce_for_root"});
  Facts qc_default = withStack("pam_passwdqc.so", {"enforce=users"});
  Facts qc_max = withStack("pam_passwdqc.so", {"min=8,8,8,8,8", "max=20"});
  Facts unix_min = withStack("pam_unix.so", {"minlen=10"});
  Facts optional = withStack("pam_cracklib.so", {"minlen=20"}, "optional");
  Facts dict_root = withStack("pam_pwquality.so", {"enforce_for_root"});
  Facts plain_unix;
  plain_unix.auth.stacks.push_back({"passwd",
                                    "/etc/pam.d/passwd",
                                    {PamLine{{"/etc/pam.d/common-password", 25},
                                             "[success=1 default=ignore]",
                                             "pam_unix.so",
                                             {"obscure", "sha512"},
                                             false}}});
  Facts no_pam;
  no_pam.auth.login_defs.push_back({{"/etc/login.defs", 40}, "PASS_MIN_LEN", "10"});
  Facts unreadable = pwq_defaults;
  unreadable.auth.problems.push_back({"/etc/pam.d/system-auth", 0, "permission denied"});
  // pwquality minlen=10 without credits: rejected by 1.3+ defaults only.
  Facts version_dependent = withStack("pam_pwquality.so", {"minlen=10", "enforce_for_root"});
  const Case cases[] = {
      {"pwquality defaults", pwq_defaults, "fail", Status::kPass, "every password"},
      {"cracklib minlen=12 for root", minlen12, "fail", Status::kFail, "minlen=12"},
      {"cracklib ucredit=-2, root exempt, policy fail", ucredit, "fail", Status::kFail,
       "ucredit=-2"},
      {"cracklib ucredit=-2, root exempt, policy warn", ucredit, "warn", Status::kWarn,
       "ucredit=-2"},
      {"pwquality.conf minlen", conf_minlen, "fail", Status::kFail, "pwquality.conf:3"},
      {"module arg overrides conf", conf_overridden, "fail", Status::kWarn, "dictionary"},
      {"minclass=4", minclass4, "fail", Status::kFail, "minclass=4"},
      {"maxclassrepeat=3", maxclassrepeat, "fail", Status::kFail, "in a row"},
      {"maxrepeat=2", maxrepeat, "fail", Status::kFail, "repeats"},
      {"maxsequence=3", maxseq, "fail", Status::kFail, "sequence"},
      {"passwdqc defaults", qc_default, "fail", Status::kFail, "do not count"},
      {"passwdqc max=20", qc_max, "fail", Status::kFail, "max=20"},
      {"pam_unix minlen=10", unix_min, "warn", Status::kWarn, "minlen=10"},
      {"optional module ignored", optional, "fail", Status::kPass, "every password"},
      {"dictionary for root", dict_root, "fail", Status::kWarn, "dictionary"},
      {"debian pam_unix only", plain_unix, "fail", Status::kPass, "every password"},
      {"no PAM, login.defs", no_pam, "fail", Status::kFail, "PASS_MIN_LEN 10"},
      {"unreadable file", unreadable, "fail", Status::kError, "could not read"},
      {"depends on libpwquality version", version_dependent, "fail", Status::kWarn, "minlen=10"},
  };
  for (const Case& c : cases) {
    Outcome o = passwd(c.facts, c.exempt);
    EXPECT_EQ(o.status, c.expected) << c.name << ": " << o.message;
    EXPECT_NE(o.message.find(c.in_message), std::string::npos) << c.name << ": " << o.message;
  }
}

TEST(PasswordRule, FailureNamesACounterexampleTheCloudAllows) {
  Facts f = withStack("pam_cracklib.so", {"ucredit=-2", "enforce_for_root"});
  Outcome o = passwd(f);
  ASSERT_EQ(o.status, Status::kFail);
  auto q1 = o.message.find('"');
  auto q2 = o.message.find('"', q1 + 1);
  std::string pw = o.message.substr(q1 + 1, q2 - q1 - 1);
  EXPECT_TRUE(cloudAllows(CloudPasswordRule{}, pw)) << pw;
  int uppers = 0;
  for (char ch : pw) uppers += ch >= 'A' && ch <= 'Z';
  EXPECT_LT(uppers, 2) << pw;
  ASSERT_FALSE(o.evidence.empty());
  EXPECT_EQ(o.evidence[0].source, "/etc/pam.d/system-auth");
  EXPECT_EQ(o.evidence[0].line, 5);
}

Facts shadowFacts(bool present, std::uint32_t flags, bool ro) {
  Facts f;
  f.auth.shadow.present = present;
  f.auth.shadow.mode = Observed<std::uint32_t>::of(0);
  f.auth.shadow.inode_flags = Observed<std::uint32_t>::of(flags);
  f.auth.shadow.mount = Observed<ShadowMount>::of({"/", "ext4", ro ? "ro" : "rw", ro});
  return f;
}

TEST(ShadowRule, Outcomes) {
  auto eval = [](const Facts& f) {
    return evaluateShadowWritable(f, withDefaults(shadowWritableParams()));
  };
  EXPECT_EQ(eval(shadowFacts(true, 0, false)).status, Status::kPass) << "mode 0000 is normal";
  EXPECT_EQ(eval(shadowFacts(true, kInodeImmutable, false)).status, Status::kFail);
  EXPECT_EQ(eval(shadowFacts(true, kInodeAppendOnly, false)).status, Status::kFail);
  EXPECT_EQ(eval(shadowFacts(true, 0, true)).status, Status::kFail);
  EXPECT_EQ(eval(shadowFacts(false, 0, false)).status, Status::kFail);
  Facts unknown = shadowFacts(true, 0, false);
  unknown.auth.shadow.inode_flags = Observed<std::uint32_t>::failed("ioctl: not supported");
  EXPECT_EQ(eval(unknown).status, Status::kError);
  Facts offline = shadowFacts(true, 0, false);
  offline.auth.shadow.mount = Observed<ShadowMount>::failed("not checked: offline root");
  Outcome o = eval(offline);
  EXPECT_EQ(o.status, Status::kPass);
  EXPECT_NE(o.evidence.back().text.find("offline"), std::string::npos);
}

TEST(AuthFactsJson, RoundTrips) {
  Facts f = withStack("pam_pwquality.so", {"minlen=9"});
  f.auth.stacks[0].lines[0].ignore_missing = true;
  f.auth.pwquality.push_back({{"/etc/security/pwquality.conf", 2}, "enforce_for_root", ""});
  f.auth.passwdqc.push_back({{"/etc/passwdqc.conf", 1}, "min", "disabled,24,11,8,7"});
  f.auth.login_defs.push_back({{"/etc/login.defs", 9}, "PASS_MIN_LEN", "5"});
  f.auth.problems.push_back({"/etc/pam.d/x", 3, "bad"});
  f.auth.shadow = shadowFacts(true, kInodeImmutable, true).auth.shadow;
  nlohmann::json j = f.auth;
  AuthFacts back = j.get<AuthFacts>();
  EXPECT_EQ(back, f.auth);
  nlohmann::json missing = j;
  missing.erase("login_defs");
  EXPECT_THROW((void)missing.get<AuthFacts>(), nlohmann::json::exception);
}

}  // namespace
}  // namespace guestprep
