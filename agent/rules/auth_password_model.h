// A pure model of the password-quality checks in force (pam_pwquality, pam_cracklib,
// pam_passwdqc, pam_unix, pam_pwcheck, login.defs) and a constructive test of the cloud's rule
// against it: candidate passwords the cloud allows, and the first one the model rejects.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "facts/auth_facts.h"

namespace guestprep {

/// The cloud's password rule (policy parameters of password.accepts_cloud_rule).
struct CloudPasswordRule {
  int min_length = 8;
  int max_length = 30;
  int min_classes = 3;  ///< of: upper, lower, digit, other
};

/// Why one module rejects one password.
struct Rejection {
  std::string password;  ///< the candidate (allowed by the cloud)
  std::string module;    ///< "pam_cracklib", "pam_passwdqc", ...
  SourceRef source;      ///< the PAM line (or login.defs line)
  std::string reason;    ///< "needs 2 uppercase letters (ucredit=-2 at /etc/pam.d/system-auth:5)"
  bool root_exempt = false;  ///< the module only warns when root sets the password
  bool uncertain = false;    ///< rejected only under one of the possible built-in defaults
};

/// Which checking algorithm a module uses.
enum class QualityKind {
  kCredits,   ///< pam_pwquality / pam_cracklib: minlen with credits, minclass, repeats, sequences
  kPasswdqc,  ///< pam_passwdqc: min=N0,N1,N2,N3,N4 by class count, max=
  kMinMax,    ///< pam_unix minlen= / max=, pam_pwcheck minlen= / maxlen=, login.defs PASS_MIN_LEN
};

/// One integer option and where its value came from ("minlen=12 at /etc/pam.d/system-auth:5").
struct IntOption {
  int value = 0;
  std::string origin;
};

/// A password-quality module as configured, ready to test candidates.
struct QualityCheck {
  QualityKind kind = QualityKind::kMinMax;
  std::string module;  ///< "pam_pwquality", "pam_cracklib", "pam_passwdqc", "pam_unix", ...
  SourceRef source;
  bool root_exempt = false;  ///< only warns when root sets the password
  bool dictionary = false;   ///< also rejects dictionary words, palindromes or user names
  std::string dictionary_why;
  std::map<std::string, IntOption> options;  ///< options set explicitly (config file or args)
  /// The built-in defaults, one map per version that may be installed (libpwquality changed
  /// minlen 9 / credits 1 to minlen 8 / credits 0 in 1.3.0); a candidate is rejected for sure
  /// only when it is rejected under every set.
  std::vector<std::map<std::string, int>> default_sets;
  int base_min_length = 0;  ///< a smaller minlen is raised to this (pwquality 6, cracklib 5)
};

/// The checks of one password stack.
struct PasswordModel {
  std::string service;
  std::string file;
  std::vector<QualityCheck> checks;
  std::vector<std::string> notes;  ///< what was ignored and why (optional lines, unknown modules)
};

/// Builds the model of each stack from the facts (pwquality.conf and passwdqc.conf included).
/// With no PAM stack at all, login.defs' PASS_MIN_LEN is the check (shadow's own passwd).
std::vector<PasswordModel> buildPasswordModels(const AuthFacts& facts);

/// Candidate passwords the cloud allows: every length bound and class combination, skewed and
/// balanced class counts, repeats and sequences. All satisfy `rule`.
std::vector<std::string> cloudCandidates(const CloudPasswordRule& rule);

/// True when `password` satisfies the cloud's rule.
bool cloudAllows(const CloudPasswordRule& rule, const std::string& password);

/// Every rejection of any candidate by any check of `model` (first rejection per check).
std::vector<Rejection> findRejections(const PasswordModel& model,
                                      const std::vector<std::string>& candidates);

}  // namespace guestprep
