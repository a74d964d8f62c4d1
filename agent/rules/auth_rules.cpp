// The auth family's rule types: password.accepts_cloud_rule (L-PASSWD) and shadow.writable
// (L-SHADOW), listed for the registry.
#include <set>

#include "host/host.h"
#include "rules/auth_password_model.h"
#include "rules/auth_rules.h"
#include "rules/registry.h"

namespace guestprep {

namespace {

std::string octal(std::uint32_t mode) {
  std::string s;
  for (int shift = 9; shift >= 0; shift -= 3) s += static_cast<char>('0' + ((mode >> shift) & 7));
  return s;
}

}  // namespace

std::vector<ParamSpec> passwordAcceptsCloudRuleParams() {
  return {
      {"min_length",
       ParamKind::kInt,
       ParamValue{std::int64_t{8}},
       "shortest password the cloud allows",
       {}},
      {"max_length",
       ParamKind::kInt,
       ParamValue{std::int64_t{30}},
       "longest password the cloud allows",
       {}},
      {"min_classes",
       ParamKind::kInt,
       ParamValue{std::int64_t{3}},
       "character classes (upper, lower, digit, special) the cloud requires",
       {}},
      {"root_exempt_rejection",
       ParamKind::kString,
       ParamValue{std::string("fail")},
       "what a rejection by a module that only warns root counts as (the cloud may not set the "
       "password as root)",
       {"fail", "warn"}},
  };
}

Outcome evaluatePasswordAcceptsCloudRule(const Facts& facts, const Params& params) {
  const AuthFacts& auth = facts.auth;
  Outcome out;
  out.remediation =
      "Relax the password-quality settings so that every password of 8 to 30 characters with "
      "three of the four classes is accepted: lower minlen (pwquality.conf or the PAM line), "
      "use non-negative dcredit/ucredit/lcredit/ocredit, minclass <= 3, maxrepeat, "
      "maxclassrepeat and maxsequence 0. pam_passwdqc does not count an initial capital or a "
      "final digit as a class, so it accepts every such password only with min=8,8,8,8,8 "
      "(one-class passwords of 8 included): use pam_pwquality instead, or lower min= knowingly.";
  CloudPasswordRule rule{static_cast<int>(params.getInt("min_length")),
                         static_cast<int>(params.getInt("max_length")),
                         static_cast<int>(params.getInt("min_classes"))};
  bool unreadable = false;
  for (const ConfigProblem& p : auth.problems) {
    if (p.line != 0) continue;
    unreadable = true;
    out.status = Status::kError;
    out.message = "could not read the password configuration, so the rule in force is unknown";
    out.evidence.push_back(Evidence{p.file, 0, p.message});
    out.remediation = "Check the files named in the evidence (permissions) and run again.";
  }
  if (unreadable) return out;

  std::vector<std::string> candidates = cloudCandidates(rule);
  std::vector<Rejection> hard, soft, exempt;
  std::set<std::pair<std::string, int>> seen;
  std::vector<std::string> dictionary;
  std::vector<Evidence> stacks;
  for (const PasswordModel& m : buildPasswordModels(auth)) {
    std::string mods;
    for (const QualityCheck& q : m.checks) mods += (mods.empty() ? "" : ", ") + q.module;
    stacks.push_back(Evidence{m.file.empty() ? "/etc/pam.d" : m.file, 0,
                              "password stack of " + m.service + ": " +
                                  (m.file.empty() ? "no PAM configuration"
                                                  : (mods.empty() ? "no quality module" : mods))});
    for (const std::string& n : m.notes) stacks.push_back(Evidence{m.file, 0, n});
    for (const QualityCheck& q : m.checks) {
      if (q.dictionary && !q.root_exempt)
        dictionary.push_back(q.dictionary_why + " at " + q.source.file + ":" +
                             std::to_string(q.source.line));
    }
    for (Rejection& r : findRejections(m, candidates)) {
      if (!seen.insert({r.source.file, r.source.line}).second) continue;
      if (r.uncertain) {
        soft.push_back(r);
      } else if (r.root_exempt) {
        exempt.push_back(r);
      } else {
        hard.push_back(r);
      }
    }
  }
  auto evidenceOf = [](const Rejection& r) {
    return Evidence{
        r.source.file, r.source.line,
        r.module + " rejects \"" + r.password + "\": it " + r.reason +
            (r.root_exempt ? "; root is only warned" : "") +
            (r.uncertain ? "; only with libpwquality before 1.3.0 built-in defaults" : "")};
  };
  const bool exempt_fails = params.getString("root_exempt_rejection") == "fail";
  if (!hard.empty() || (exempt_fails && !exempt.empty())) {
    const Rejection& r = hard.empty() ? exempt.front() : hard.front();
    out.status = Status::kFail;
    out.message = "the guest rejects \"" + r.password + "\", which the cloud's password rule " +
                  "allows (" + r.module + " " + r.reason + ")";
    for (const auto& x : hard) out.evidence.push_back(evidenceOf(x));
    for (const auto& x : exempt) out.evidence.push_back(evidenceOf(x));
    for (const auto& x : soft) out.evidence.push_back(evidenceOf(x));
    out.evidence.insert(out.evidence.end(), stacks.begin(), stacks.end());
    return out;
  }
  out.evidence = stacks;
  if (!exempt.empty() || !soft.empty()) {
    const Rejection& r = !exempt.empty() ? exempt.front() : soft.front();
    out.status = Status::kWarn;
    out.message = "the guest may reject \"" + r.password + "\", which the cloud allows (" +
                  r.module + " " + r.reason + ")";
    for (const auto& x : exempt) out.evidence.push_back(evidenceOf(x));
    for (const auto& x : soft) out.evidence.push_back(evidenceOf(x));
    return out;
  }
  if (!dictionary.empty()) {
    out.status = Status::kWarn;
    out.message =
        "every password shape the cloud allows is accepted, but a dictionary check enforced for "
        "root may still reject a password based on a word";
    for (const auto& d : dictionary) out.evidence.push_back(Evidence{"", 0, d});
    out.remediation =
        "Disable the dictionary check for root (drop enforce_for_root, or set "
        "dictcheck = 0), or choose passwords not based on words.";
    return out;
  }
  out.status = Status::kPass;
  out.message = "every password the cloud allows passes the guest's password checks (" +
                std::to_string(candidates.size()) + " candidates tested)";
  return out;
}

std::vector<ParamSpec> shadowWritableParams() {
  return {
      {"check_mount",
       ParamKind::kBool,
       ParamValue{true},
       "also fail when the filesystem holding /etc/shadow is mounted read-only now",
       {}},
  };
}

Outcome evaluateShadowWritable(const Facts& facts, const Params& params) {
  const ShadowFacts& sh = facts.auth.shadow;
  Outcome out;
  const std::string kPath = "/etc/shadow";
  if (!sh.present) {
    out.status = Status::kFail;
    out.message = "/etc/shadow does not exist, so the cloud cannot set the password";
    out.evidence.push_back(Evidence{kPath, 0, "not found: " + sh.mode.error});
    out.remediation = "Recreate /etc/shadow (pwconv) before capturing the image.";
    return out;
  }
  if (sh.mode.ok()) {
    // Mode 0000 is normal on RHEL: root writes it regardless of permission bits.
    out.evidence.push_back(Evidence{kPath, 0, "mode " + octal(*sh.mode.value)});
  }
  if (!sh.inode_flags.ok()) {
    out.status = Status::kError;
    out.message = "could not read the inode flags of /etc/shadow: " + sh.inode_flags.error;
    out.remediation = "Run `lsattr /etc/shadow`: neither 'i' nor 'a' may be set.";
    return out;
  }
  std::uint32_t flags = *sh.inode_flags.value;
  std::string set;
  if (flags & kInodeImmutable) set += "immutable (i)";
  if (flags & kInodeAppendOnly) set += std::string(set.empty() ? "" : ", ") + "append-only (a)";
  out.evidence.push_back(
      Evidence{kPath, 0, "inode flags: " + (set.empty() ? std::string("neither i nor a") : set)});
  if (!set.empty()) {
    out.status = Status::kFail;
    out.message = "/etc/shadow is " + set + ", so the password cannot be changed";
    out.remediation = "chattr -i -a /etc/shadow";
    return out;
  }
  if (params.getBool("check_mount")) {
    if (sh.mount.ok()) {
      const ShadowMount& m = *sh.mount.value;
      out.evidence.push_back(
          Evidence{"/proc/self/mounts", 0, m.mount_point + " (" + m.fs_type + ") " + m.options});
      if (m.read_only) {
        out.status = Status::kFail;
        out.message = "/etc/shadow is on " + m.mount_point + ", mounted read-only";
        out.remediation = "Mount " + m.mount_point + " read-write (and fix its /etc/fstab entry).";
        return out;
      }
    } else {
      out.evidence.push_back(Evidence{"/proc/self/mounts", 0, "mount: " + sh.mount.error});
    }
  }
  out.status = Status::kPass;
  out.message = "/etc/shadow is neither immutable nor append-only" +
                std::string(sh.mount.ok() ? " and its filesystem is mounted read-write" : "");
  return out;
}

std::vector<RuleType> authRuleTypes() {
  return {
      {"password.accepts_cloud_rule",
       "the guest's password checks accept every password the cloud's rule allows",
       passwordAcceptsCloudRuleParams(), &evaluatePasswordAcceptsCloudRule,
       "Relax the guest's password-quality settings to accept the cloud's passwords."},
      {"shadow.writable", "/etc/shadow is not immutable, append-only or on a read-only mount",
       shadowWritableParams(), &evaluateShadowWritable, "chattr -i -a /etc/shadow"},
  };
}

}  // namespace guestprep
