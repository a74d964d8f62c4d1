// Password policy in force (PAM stack, pwquality, cracklib, passwdqc, login.defs) and the
// shadow file's attributes (L-PASSWD, L-SHADOW).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "facts/common.h"

namespace guestprep {

/// One `password` line of a PAM stack, after include/substack resolution.
struct PamLine {
  SourceRef source;               ///< the file and line it was written in
  std::string control;            ///< "requisite", "[success=1 default=ignore]", ...
  std::string module;             ///< module path as written ("pam_pwquality.so")
  std::vector<std::string> args;  ///< arguments, a `[...]` argument kept whole without brackets
  bool ignore_missing = false;    ///< the line starts with '-' (no error if the module is absent)
  bool operator==(const PamLine&) const = default;
};

/// The `password` stack of one PAM service, as Linux-PAM would assemble it.
struct PasswordStack {
  std::string service;  ///< "passwd", "chpasswd"
  std::string file;     ///< where the service is defined ("/etc/pam.d/passwd", "/etc/pam.conf",
                        ///< "/etc/pam.d/other"); empty when PAM has no configuration for it
  std::vector<PamLine> lines;
  bool operator==(const PasswordStack&) const = default;
};

/// One setting of a simple configuration file (pwquality.conf, passwdqc.conf, login.defs).
struct ConfigSetting {
  SourceRef source;
  std::string key;
  std::string value;  ///< "" for a bare flag (pwquality `enforce_for_root`)
  bool operator==(const ConfigSetting&) const = default;
};

/// Where /etc/shadow lives now (from /proc/self/mounts, live systems only).
struct ShadowMount {
  std::string mount_point;
  std::string fs_type;
  std::string options;  ///< as listed ("rw,relatime")
  bool read_only = false;
  bool operator==(const ShadowMount&) const = default;
};

/// /etc/shadow: present, its mode, inode flags and the mount holding it.
struct ShadowFacts {
  bool present = false;                 ///< lstat found /etc/shadow
  Observed<std::uint32_t> mode;         ///< permission bits (0000 is normal on RHEL)
  Observed<std::uint32_t> inode_flags;  ///< FS_IOC_GETFLAGS bits (immutable 0x10, append 0x20)
  Observed<ShadowMount> mount;          ///< error says why (offline root, not found)
  bool operator==(const ShadowFacts&) const = default;
};

/// Filled by the auth probe (platform/linux/probes/auth_probe.cpp).
struct AuthFacts {
  /// The password stacks of the services the cloud may use to set the password.
  std::vector<PasswordStack> stacks;
  /// /etc/security/pwquality.conf.d/*.conf (sorted) then pwquality.conf, in the order libpwquality
  /// applies them (later wins).
  std::vector<ConfigSetting> pwquality;
  /// Settings of files named by pam_passwdqc `config=` arguments.
  std::vector<ConfigSetting> passwdqc;
  /// /etc/login.defs PASS_MIN_LEN, PASS_MAX_LEN, OBSCURE_CHECKS_ENAB (used without PAM).
  std::vector<ConfigSetting> login_defs;
  /// Files that could not be read or parsed (line 0: facts from that file may be incomplete).
  std::vector<ConfigProblem> problems;
  ShadowFacts shadow;
  bool operator==(const AuthFacts&) const = default;
};

void to_json(nlohmann::json& j, const ShadowMount& m);
void from_json(const nlohmann::json& j, ShadowMount& m);
void to_json(nlohmann::json& j, const AuthFacts& f);
void from_json(const nlohmann::json& j, AuthFacts& f);

}  // namespace guestprep
