// An offline Windows system disk for tests, written to a directory as a mounted disk shows it:
// registry hives (made by the test hive writer, tests/support/regf_writer.h), driver files and
// the driver store, with the letter case Windows gives them. What the tests change (the
// firewall, RDP, the password policy, a dirty hive) are options.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace guestprep::test {

struct WindowsDiskOptions {
  bool firewall_on = true;                   ///< EnableFirewall of the three local profiles
  std::uint32_t deny_rdp = 0;                ///< fDenyTSConnections
  std::uint16_t min_password = 7;            ///< the SAM's minimum password length
  bool complexity = true;                    ///< the SAM's DOMAIN_PASSWORD_COMPLEX
  std::string admin_name = "Administrator";  ///< the built-in administrator (RID 500)
  std::string admin_full_name;               ///< its full name in the SAM
  bool viostor = true;                       ///< viostor.sys in System32\drivers (boot start)
  bool dirty_software = false;               ///< SOFTWARE's sequence numbers differ
  std::uint32_t control_set = 1;             ///< Select\Current (the values live in ControlSet00N)
};

/// Writes the disk under `dir` (which must exist and be empty): Windows Server 2012 R2
/// Standard, build 9600, installed on C:.
void writeWindowsDisk(const std::filesystem::path& dir, const WindowsDiskOptions& options = {});

}  // namespace guestprep::test
