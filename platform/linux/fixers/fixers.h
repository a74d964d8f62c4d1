// The Linux fixers, one list per family; registry.cpp concatenates them into platformFixers().
#pragma once

#include <vector>

#include "fix/fixer.h"

namespace guestprep::os_linux {

std::vector<Fixer> systemFixers();   ///< fixers/system_fixers.cpp: L-SELINUX, X-MACHINEID, X-RESOLV
std::vector<Fixer> authFixers();     ///< fixers/auth_fixers.cpp: L-SHADOW
std::vector<Fixer> networkFixers();  ///< fixers/network_fixers.cpp: L-NIC, L-IPV6, L-DHCP, X-NETPIN
std::vector<Fixer> storageFixers();  ///< fixers/storage_fixers.cpp: X-DEVNAMES, X-FSTABRESOLVE
std::vector<Fixer> serviceFixers();  ///< fixers/service_*.cpp: firewall, sshd, agents, cloud-init
std::vector<Fixer> bootFixers();     ///< fixers/boot_fixers.cpp: L-DRIVERS, X-BOOTKERNEL
std::vector<Fixer> fscheckFixers();  ///< fixers/fscheck_fixer.cpp: L-FSCHECK

/// L-PASSWD (fixers/auth_password_fixer.cpp), listed in authFixers().
Result<FixItem> planPasswordAcceptsCloudRule(const FixContext& ctx);

}  // namespace guestprep::os_linux
