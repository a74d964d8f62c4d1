// The Linux fixers, one list per family; registry.cpp concatenates them into platformFixers().
#pragma once

#include <vector>

#include "fix/fixer.h"

namespace guestprep::os_linux {

std::vector<Fixer> systemFixers();  ///< fixers/system_fixers.cpp: L-SELINUX
std::vector<Fixer> authFixers();    ///< fixers/auth_fixers.cpp: L-SHADOW

}  // namespace guestprep::os_linux
