// The auth probe: the PAM password stacks the cloud's password setting goes through, the
// password-quality settings files, login.defs, and the attributes of /etc/shadow.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"
#include "host/host.h"

namespace guestprep::os_linux {

/// The PAM services whose password stack the cloud's password setting uses: `passwd`, and
/// `chpasswd`, the service shadow-utils' chpasswd(8) opens (cloud-init's set_passwords module
/// runs chpasswd).
inline const std::vector<std::string> kPasswordServices = {"passwd", "chpasswd"};

/// Fills AuthFacts: stacks, pwquality / passwdqc / login.defs settings, shadow attributes.
void probeAuth(const Host& host, AuthFacts& facts);

/// The mount of /proc/self/mounts that holds `path` (longest mount point; a later line over the
/// same point wins, as it is mounted on top). Pure; octal escapes (`\040`) are decoded.
std::optional<ShadowMount> mountHolding(std::string_view proc_mounts, std::string_view path);

}  // namespace guestprep::os_linux
